"""One call that runs the chosen targets over the CI subset or the full set and returns the report.

Why here and not in the benchmark: the benchmark and the CI tests must run the same harness with
different sizes, so the orchestration (cases, the canary, scratch folders, the server's lifetime,
timing) is library code and both are thin layers over it.
"""

from __future__ import annotations

import platform
import tempfile
import time
from pathlib import Path

from dancekit.fuzzing import api, command, live, web
from dancekit.fuzzing.canary import Canary, token
from dancekit.fuzzing.cases import Case, generate
from dancekit.fuzzing.outcomes import SSRF, Run
from dancekit.fuzzing.report import Report
from dancekit.fuzzing.watch import Limits

TARGETS = ("api", "cli", "web")
#: Per subset: how file cases reach the API (CI: as the named file object an upload is, the command
#: line covering paths and file-system oddities; full: every mode for the families where the source
#: type matters, the modes in turn for the rest), schemathesis examples per operation and mode, and
#: the families also sent to /api/genre.
PRESETS = {
    "ci": {"api_modes": ("fileobj",), "api_every_mode_families": None, "api_skip_families": ("filesystem",),
           "openapi_examples": 8, "genre_families": ("not_music",)},
    "full": {"api_modes": ("path", "bytes", "fileobj"), "api_every_mode_families": ("playlist", "not_audio", "not_music"),
             "api_skip_families": (), "openapi_examples": 40,
             "genre_families": ("not_music", "not_audio", "sample_rate", "playlist", "channels")},
}


def run_targets(subset: str = "full", targets: tuple[str, ...] = TARGETS, *, model: str | None = None,
                limits: Limits = Limits(), families: list[str] | None = None, workdir: str | Path | None = None,
                cases: list[Case] | None = None, log=None, **overrides) -> Report:
    """Generate the cases of ``subset`` and run them through ``targets``.

    Parameters
    ----------
    subset : {"full", "ci"}
        Which cases (and which preset of sizes, see ``PRESETS``).
    targets : tuple of str
        Any of ``api``, ``cli``, ``web`` (``web`` includes the live socket and schemathesis).
    model : str, optional
        Dance model name or folder for every target (default: the built-in ``ballroom``).
    limits : Limits
        Per-case time and memory limits.
    families : list of str, optional
        Only these families (default: all).
    workdir : path, optional
        Scratch folder (default: a temporary folder, removed afterwards).
    cases : list of Case, optional
        Run these instead of generating ``subset``.
    log : callable, optional
        Receives progress lines.
    **overrides
        ``api_modes``, ``openapi_examples``, ``genre_families`` instead of the preset's.
    """
    unknown = set(targets) - set(TARGETS)
    if unknown:
        raise ValueError(f"unknown targets {sorted(unknown)}; choose from {TARGETS}")
    preset = {**PRESETS[subset], **overrides}
    cases = generate(subset, only=families) if cases is None else cases
    per_family: dict[str, int] = {}
    for c in cases:
        per_family[c.family] = per_family.get(c.family, 0) + 1
    runs: list[Run] = []
    seconds: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="dancekit-fuzz-", dir=workdir) as tmp:
        root = Path(tmp)
        with Canary(root / "canary") as canary:
            for target in targets:
                t0 = time.monotonic()
                if target == "api":
                    every = preset["api_every_mode_families"]
                    mine = [c for c in cases if c.family not in preset["api_skip_families"]]
                    runs += api.run(mine, canary=canary, workdir=root / "api", model=model, limits=limits,
                                    modes=tuple(preset["api_modes"]), log=log,
                                    every_mode_families=tuple(every) if every is not None else None)
                elif target == "cli":
                    runs += command.run(cases, canary=canary, workdir=root / "cli", model=model, limits=limits, log=log)
                else:
                    runs += _web(cases, canary, root / "web", model, limits, preset, seconds, log)
                seconds[target] = round(time.monotonic() - t0, 1)
                if log:
                    log(f"{target}: done in {seconds[target]:.0f} s")
            tokens = {t for r in runs for t in (_token(r),)}
            stray = canary.unattributed(tokens)
            if stray:
                runs.append(Run("harness", "-", "canary/unattributed", "canary", SSRF,
                                f"{len(stray)} request(s) to the canary no case asked for: {stray[:5]}", 0.0))
    openapi = sum(1 for r in runs if r.family == "openapi")
    if openapi:
        per_family["openapi"] = openapi
    starts = seconds.pop("web.server_starts", None)
    settings = {"subset": subset, "targets": list(targets), "model": model or "ballroom (built-in)",
                "limit_seconds": limits.seconds, "limit_rss_mb": limits.rss_bytes // 2**20,
                "machine": platform.machine(), "python": platform.python_version(),
                **{k: list(v) if isinstance(v, tuple) else v for k, v in preset.items()}}
    if starts is not None:
        settings["web_server_starts"] = starts
    return Report(runs=runs, cases_per_family=per_family, seconds=seconds, settings=settings)


def _token(r: Run) -> str:
    return token(r.target, r.mode, r.case_id)


def _web(cases, canary: Canary, workdir: Path, model, limits: Limits, preset: dict, seconds: dict, log) -> list[Run]:
    workdir.mkdir(parents=True, exist_ok=True)
    canary.copy_to(workdir)
    runs: list[Run] = []
    with web.Server(workdir, model=model, limits=limits, log=log) as server:
        for part, fn in (
            ("uploads", lambda: web.run_uploads(cases, server, canary, limits, tuple(preset["genre_families"]), log)),
            ("requests", lambda: web.run_requests(cases, server, limits)),
            ("live", lambda: live.run(cases, server, limits, log)),
            ("openapi", lambda: web.run_openapi(server, limits, preset["openapi_examples"])),
        ):
            t0 = time.monotonic()
            runs += fn()
            seconds[f"web.{part}"] = round(time.monotonic() - t0, 1)
            if log:
                log(f"web.{part}: done in {seconds[f'web.{part}']:.0f} s")
        seconds["web.server_starts"] = server.starts
    return runs
