"""In-process libfluidsynth renders exactly what the fluidsynth command rendered, song after song."""

import shutil
from pathlib import Path

import numpy as np
import pytest

from dancekit.synth.render import ENGINE_ENV, fluidsynth
from dancekit.synth.song import SynthToolError, compile_midi

FONTS = [p for p in ("/usr/share/sounds/sf2/TimGM6mb.sf2", "/usr/share/sounds/sf2/FluidR3_GM.sf2") if Path(p).is_file()]
pytestmark = pytest.mark.skipif(shutil.which("mma") is None or shutil.which("fluidsynth") is None or not FONTS,
                                reason="needs Debian packages mma, fluidsynth and a GM soundfont")


def _midi(tmp: Path, groove: str, chords: str) -> Path:
    tmp.mkdir()
    text = f"Tempo 132\nUse stdlib/{groove.lower()}\nGroove {groove}\nSolo Voice Violin\n"
    text += "".join(f"{i} {c} {{4c;4e;4g;4c+;}}\n" for i, c in enumerate(chords.split(), 1))
    return compile_midi(text, tmp)


def test_library_matches_the_command_and_forgets_earlier_songs(tmp_path, monkeypatch):
    rumba = _midi(tmp_path / "a", "Rhumba", "Am Dm E7 Am")
    tango = _midi(tmp_path / "b", "Tango", "C Am7 Dm7 G7 C")
    monkeypatch.setenv(ENGINE_ENV, "cli")
    want = fluidsynth(rumba, FONTS[0], 22050, gain=0.61)
    monkeypatch.setenv(ENGINE_ENV, "lib")
    first = fluidsynth(rumba, FONTS[0], 22050, gain=0.61)
    fluidsynth(tango, FONTS[-1], 22050, gain=0.4)  # another song and soundfont in between
    again = fluidsynth(rumba, FONTS[0], 22050, gain=0.61)
    assert first.dtype == np.float32 and first.shape[1] == 2 and len(first) > 4 * 22050
    assert np.sqrt(np.mean(first**2)) > 1e-3
    assert np.array_equal(first, want) and np.array_equal(again, want)
    assert not np.array_equal(fluidsynth(rumba, FONTS[0], 22050, gain=0.3), want)


def test_unplayable_input_is_a_one_line_error(tmp_path, monkeypatch):
    monkeypatch.setenv(ENGINE_ENV, "lib")
    bad = tmp_path / "song.mid"
    bad.write_bytes(b"MThd but not really a MIDI file")
    with pytest.raises(SynthToolError, match="fluidsynth failed"):
        fluidsynth(bad, FONTS[0], 22050, gain=0.5)
    broken_font = tmp_path / "broken.sf2"
    broken_font.write_bytes(b"RIFF\x00\x00\x00\x00sfbk")
    with pytest.raises(SynthToolError, match="broken.sf2"):
        fluidsynth(_midi(tmp_path / "c", "Tango", "C G7"), str(broken_font), 22050, gain=0.5)
