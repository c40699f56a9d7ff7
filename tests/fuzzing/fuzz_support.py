"""What the fuzzing tests share: the CI cases (generated once per session), the limits, the assertion."""

from __future__ import annotations

from functools import lru_cache

from dancekit.fuzzing.cases import generate
from dancekit.fuzzing.report import Report
from dancekit.fuzzing.watch import GB, Limits

#: The benchmark's limits: a minute without an answer is a hang, 2 GB resident is a blow-up (CI inputs
#: take a second or two; a FIFO nobody writes to is given up after 30 s, by design).
CI_LIMITS = Limits(seconds=60.0, rss_bytes=2 * GB)


@lru_cache(maxsize=None)
def ci_cases() -> tuple:
    return tuple(generate("ci"))


def assert_no_bad_runs(report: Report) -> None:
    """Print the counts table (shown when the test fails) and fail on any bad outcome, listing each."""
    print(report.text())
    bad = report.failure_lines()
    assert not bad, f"{len(bad)} bad runs:\n" + "\n".join(bad)
