"""The counts table (family x outcome) and the list of failures, as text and as JSON.

Why counts per family: a fix shows up as a column emptying in one row, and a regression as a number
appearing where there was none; the failures list gives each bad run's case id and the one line
that says what went wrong, which is what a person fixing it starts from.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field

from dancekit.fuzzing.outcomes import BAD, OUTCOMES, Run


@dataclass
class Report:
    """Every judged run, the cases per family, and how long each target took.

    Parameters
    ----------
    runs : list of Run
        Every judged run.
    cases_per_family : dict
        Family -> number of cases generated.
    seconds : dict
        Target -> wall time.
    settings : dict
        How the run was made (subset, seed, limits...), for the JSON file.
    """

    runs: list[Run]
    cases_per_family: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    settings: dict = field(default_factory=dict)

    @property
    def failures(self) -> list[Run]:
        """The runs with a bad outcome."""
        return [r for r in self.runs if r.outcome in BAD]

    @property
    def ok(self) -> bool:
        """True when no run failed."""
        return not self.failures

    def counts(self, target: str | None = None) -> dict[str, dict[str, int]]:
        """``{family: {outcome: runs}}`` over every run (or one target's).

        Parameters
        ----------
        target : str, optional
            Count only this target's runs.

        Returns
        -------
        dict
        """
        table: dict[str, Counter] = defaultdict(Counter)
        for r in self.runs:
            if target is None or r.target == target:
                table[r.family][r.outcome] += 1
        return {fam: {o: table[fam][o] for o in OUTCOMES if table[fam][o]} for fam in table}

    def table(self, target: str | None = None) -> str:
        """The counts as a fixed-width text table with a total row.

        Parameters
        ----------
        target : str, optional
            Only this target's runs.

        Returns
        -------
        str
        """
        counts = self.counts(target)
        width = max([len("family")] + [len(f) for f in counts]) + 2
        head = "family".ljust(width) + "".join(f"{o:>13}" for o in OUTCOMES) + f"{'runs':>7}"
        lines = [head, "-" * len(head)]
        totals: Counter = Counter()
        for fam, row in counts.items():
            totals.update(row)
            lines.append(fam.ljust(width) + "".join(f"{row.get(o, 0) or '.':>13}" for o in OUTCOMES)
                         + f"{sum(row.values()):>7}")
        lines.append("-" * len(head))
        lines.append("total".ljust(width) + "".join(f"{totals.get(o, 0):>13}" for o in OUTCOMES)
                     + f"{sum(totals.values()):>7}")
        return "\n".join(lines)

    def failure_lines(self, limit: int | None = None) -> list[str]:
        """One line per bad run, grouped by family: ``outcome target/mode case: detail``.

        Parameters
        ----------
        limit : int, optional
            Keep this many lines, plus one saying how many were left out.

        Returns
        -------
        list of str
        """
        bad = sorted(self.failures, key=lambda r: (r.family, r.case_id, r.target, r.mode))
        lines = [f"{r.outcome:<12} {r.target}/{r.mode:<8} {r.case_id}: {r.detail}" for r in bad]
        return lines if limit is None or len(lines) <= limit else lines[:limit] + [f"... {len(lines) - limit} more"]

    def text(self) -> str:
        """Everything a person reads after a run: per-target tables, times, failures."""
        parts = []
        for target in sorted({r.target for r in self.runs}):
            secs = self.seconds.get(target)
            timing = f", {secs:.0f} s" if secs is not None else ""
            parts.append(f"== {target} ({sum(1 for r in self.runs if r.target == target)} runs{timing})\n"
                         + self.table(target))
        parts.append(f"== all targets ({len(self.runs)} runs of {sum(self.cases_per_family.values())} cases)\n"
                     + self.table())
        fails = self.failure_lines()
        parts.append(f"== failures: {len(fails)}" + ("\n" + "\n".join(fails) if fails else ""))
        return "\n\n".join(parts)

    def to_json(self) -> dict:
        """The report as a JSON-ready dict: ok, settings, counts, times, every bad run and the slowest runs.

        Returns
        -------
        dict
        """
        return {
            "ok": self.ok,
            "settings": self.settings,
            "cases_per_family": self.cases_per_family,
            "cases": sum(self.cases_per_family.values()),
            "runs": len(self.runs),
            "seconds": self.seconds,
            "counts": {t: self.counts(t) for t in sorted({r.target for r in self.runs})},
            "counts_all_targets": self.counts(),
            "failures": [asdict(r) for r in sorted(self.failures, key=lambda r: (r.family, r.case_id, r.target))],
            "slowest": [asdict(r) for r in sorted(self.runs, key=lambda r: -r.seconds)[:20]],
        }
