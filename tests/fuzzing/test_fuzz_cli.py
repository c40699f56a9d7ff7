"""The CI subset through ``dancekit identify --json`` (files and file-system oddities), in batches."""

import pytest
from fuzz_support import CI_LIMITS, assert_no_bad_runs, ci_cases

from dancekit.fuzzing.run import run_targets


@pytest.mark.slow
def test_command_line_answers_every_ci_case_cleanly(tmp_path):
    report = run_targets("ci", ("cli",), cases=list(ci_cases()), limits=CI_LIMITS, workdir=tmp_path)
    assert report.runs and {r.target for r in report.runs} == {"cli"}
    assert_no_bad_runs(report)
