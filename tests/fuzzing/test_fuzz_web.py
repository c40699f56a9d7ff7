"""The CI subset against a real ``dancekit serve``: uploads, raw requests, the live socket, schemathesis."""

import pytest
from fuzz_support import CI_LIMITS, assert_no_bad_runs, ci_cases

from dancekit.fuzzing.run import run_targets


@pytest.mark.slow
def test_web_server_answers_every_ci_case_cleanly(tmp_path):
    report = run_targets("ci", ("web",), cases=list(ci_cases()), limits=CI_LIMITS, workdir=tmp_path)
    modes = {r.mode for r in report.runs}
    assert {"identify", "request", "live", "openapi"} <= modes, modes
    assert_no_bad_runs(report)
