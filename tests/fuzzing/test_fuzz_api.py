"""The CI subset through ``dancekit.identify``: no crash, hang, blow-up, NaN, fetch or nonsense answer."""

import pytest
from fuzz_support import CI_LIMITS, assert_no_bad_runs, ci_cases

from dancekit.fuzzing.run import run_targets


@pytest.mark.slow
def test_api_answers_every_ci_case_cleanly(tmp_path):
    report = run_targets("ci", ("api",), cases=list(ci_cases()), limits=CI_LIMITS, workdir=tmp_path)
    assert report.runs and {r.target for r in report.runs} == {"api"}
    assert_no_bad_runs(report)
