"""The groove table names grooves that the installed MMA library really defines."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from dancekit.dances import DANCE_NAMES
from dancekit.synth.grooves import DANCE_GROOVES, OTHER_STYLES, all_families

MMA_LIB = Path("/usr/share/mma/lib")
needs_mma = pytest.mark.skipif(shutil.which("mma") is None or not MMA_LIB.is_dir(),
                               reason="Debian package 'mma' not installed")


def test_every_dance_has_several_groove_families():
    assert set(DANCE_GROOVES) == set(DANCE_NAMES)
    for dance, fams in DANCE_GROOVES.items():
        assert len(fams) >= 2, dance
        assert len({f.file.split("/")[0] for f in fams}) >= (2 if dance not in ("Tango", "Samba") else 1), dance


def test_triple_meter_dances_use_only_three_four_grooves():
    for dance in ("Slow Waltz", "Viennese Waltz"):
        assert {f.beats_per_bar for f in DANCE_GROOVES[dance]} == {3}
    for dance in set(DANCE_NAMES) - {"Slow Waltz", "Viennese Waltz"}:
        assert 3 not in {f.beats_per_bar for f in DANCE_GROOVES[dance]}


@needs_mma
def test_grooves_are_defined_in_their_own_files():
    for fam in all_families():
        text = (MMA_LIB / f"{fam.file}.mma").read_text(errors="replace")
        defined = {m.lower() for m in re.findall(r"(?im)^\s*defgroove\s+(\S+)", text)}
        missing = [g for g in fam.all_grooves if g.lower() not in defined]
        assert not missing, f"{fam.file}: {missing}"


@needs_mma
def test_mma_parses_every_family(tmp_path):
    for fam in all_families():
        src = tmp_path / "t.mma"
        src.write_text(f"Tempo 100\nUse {fam.file}\n" + "".join(f"Groove {g}\n1 C\n" for g in fam.all_grooves))
        proc = subprocess.run(["mma", "-n", str(src)], capture_output=True, text=True)
        assert proc.returncode == 0 and "Error" not in proc.stdout + proc.stderr, (fam.file, proc.stdout[-300:])


def test_other_styles_have_grooves_and_tempi():
    assert {"salsa", "polka", "bachata", "westcoastswing", "hustle"} <= {s.name for s in OTHER_STYLES}
    for style in OTHER_STYLES:
        assert style.families and style.bpm_range[0] < style.bpm_range[1]
