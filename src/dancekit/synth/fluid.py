"""Render a MIDI file with libfluidsynth in-process, as ``fluidsynth -F`` would, but without its start-up.

Why: the ``fluidsynth`` command parses the soundfont anew for every song (1.2 s for MuseScore
General's 86 MB sf3, plus decoding the samples the song uses) and its run times came in steps of
0.1 s; that was most of the time of a clip. Here each process parses a soundfont once and lends it
to a fresh synth per song. The synth
is fresh (same settings as the command line: no reverb or chorus, sample-clocked player, dynamic
sample loading) so a song never depends on the songs rendered before it in the same process, and
:func:`render` returns exactly the floats the command would have written, with one exception:
sf3 soundfonts store Ogg Vorbis samples, which libfluidsynth decodes with the libsndfile already in
the process, and that is the copy ``soundfile`` brings, not the system's (differences < 1e-5).
Bound through :mod:`ctypes` to ``libfluidsynth.so.3`` (Debian ``libfluidsynth3``, which the
``fluidsynth`` package depends on), so no Python binding needs installing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from functools import lru_cache

import numpy as np
import soundfile  # noqa: F401  first: its libsndfile then also decodes sf3 samples, whatever the import order

_P, _S, _I = ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int
_SIGNATURES = {
    "new_fluid_settings": (_P, []), "delete_fluid_settings": (None, [_P]),
    "fluid_settings_setnum": (_I, [_P, _S, ctypes.c_double]), "fluid_settings_setint": (_I, [_P, _S, _I]),
    "fluid_settings_setstr": (_I, [_P, _S, _S]),
    "new_fluid_synth": (_P, [_P]), "delete_fluid_synth": (None, [_P]),
    "fluid_synth_sfload": (_I, [_P, _S, _I]), "fluid_synth_get_sfont_by_id": (_P, [_P, _I]),
    "fluid_synth_add_sfont": (_I, [_P, _P]), "fluid_synth_remove_sfont": (_I, [_P, _P]),
    "fluid_synth_write_float": (_I, [_P, _I, _P, _I, _I, _P, _I, _I]),
    "new_fluid_player": (_P, [_P]), "delete_fluid_player": (None, [_P]),
    "fluid_player_add_mem": (_I, [_P, _S, ctypes.c_size_t]), "fluid_player_play": (_I, [_P]),
    "fluid_player_get_status": (_I, [_P]), "fluid_player_stop": (_I, [_P]), "fluid_player_join": (_I, [_P]),
    "fluid_set_log_function": (_P, [_I, _P, _P]),
}
_PLAYING = 1  # FLUID_PLAYER_PLAYING
_BLOCK = 64  # frames per step, as the command's file renderer (audio.period-size): the song ends on the same frame


class FluidError(RuntimeError):
    """libfluidsynth refused a soundfont or MIDI file."""


class FluidUnavailable(FluidError):
    """No usable libfluidsynth 2 in this process."""


@lru_cache(maxsize=1)
def library() -> ctypes.CDLL:
    """libfluidsynth 2.x with typed functions and its log messages silenced (failures come back as codes)."""
    name = ctypes.util.find_library("fluidsynth")
    try:
        lib = ctypes.CDLL(name or "libfluidsynth.so.3")
        for fn, (res, args) in _SIGNATURES.items():
            getattr(lib, fn).restype, getattr(lib, fn).argtypes = res, args
    except (OSError, AttributeError) as err:
        raise FluidUnavailable(f"libfluidsynth 2 not usable: {err}") from None
    for level in range(5):  # FLUID_PANIC .. FLUID_DBG
        lib.fluid_set_log_function(level, None, None)
    return lib


def _settings(lib, sr: float | None = None, gain: float | None = None, dynamic: bool = True):
    s = lib.new_fluid_settings()
    lib.fluid_settings_setint(s, b"synth.dynamic-sample-loading", int(dynamic))
    if sr is not None:  # what `fluidsynth -ni -R 0 -C 0 -g GAIN -r SR -F OUT` sets
        lib.fluid_settings_setnum(s, b"synth.sample-rate", float(sr))
        lib.fluid_settings_setnum(s, b"synth.gain", float(gain))
        lib.fluid_settings_setint(s, b"synth.reverb.active", 0)
        lib.fluid_settings_setint(s, b"synth.chorus.active", 0)
        lib.fluid_settings_setstr(s, b"player.timing-source", b"sample")
        lib.fluid_settings_setint(s, b"synth.lock-memory", 0)
    return s


@lru_cache(maxsize=None)
def _soundfont(path: str) -> int:
    """Parse ``path`` once per process; the loading synth keeps it alive (address of the fluid_sfont_t).

    Samples load as a song's presets need them and unload after it, as the command does (for sf2 the
    two ways round a sample's edges differently), except in sf3 files: decoding their Ogg Vorbis
    samples for every song took up to 2 s, while decoding them all once gives the same audio.
    """
    lib = library()
    holder = lib.new_fluid_synth(_settings(lib, dynamic=not path.lower().endswith(".sf3")))
    sfid = lib.fluid_synth_sfload(holder, path.encode(), 1)
    if sfid < 0:
        raise FluidError(f"libfluidsynth cannot load the soundfont {path}")
    return lib.fluid_synth_get_sfont_by_id(holder, sfid)


def render(midi: bytes, soundfont: str, sr: int, gain: float) -> np.ndarray:
    """Play ``midi`` through ``soundfont`` until the song ends; float32 stereo, shape (frames, 2).

    Parameters
    ----------
    midi : bytes
        A standard MIDI file's content.
    soundfont : str
        Path of an ``.sf2``/``.sf3`` soundfont.
    sr : int
        Output sample rate.
    gain : float
        FluidSynth's master gain.

    Returns
    -------
    np.ndarray
        float32 ``[frames, 2]``.
    """
    lib, sfont = library(), _soundfont(soundfont)
    settings = _settings(lib, sr, gain)
    synth = lib.new_fluid_synth(settings)
    player = None
    try:
        if lib.fluid_synth_add_sfont(synth, sfont) < 0:
            raise FluidError("libfluidsynth cannot attach the soundfont")
        player = lib.new_fluid_player(synth)
        if lib.fluid_player_add_mem(player, midi, len(midi)) != 0 or lib.fluid_player_play(player) != 0:
            raise FluidError("libfluidsynth cannot play the MIDI file")
        buf, frames = np.zeros((60 * sr, 2), np.float32), 0
        base = buf.ctypes.data
        while lib.fluid_player_get_status(player) == _PLAYING:
            if frames + _BLOCK > len(buf):
                buf = np.concatenate([buf, np.zeros_like(buf)])
                base = buf.ctypes.data
            at = base + frames * 8  # interleaved float32 pairs
            lib.fluid_synth_write_float(synth, _BLOCK, at, 0, 2, at, 1, 2)
            frames += _BLOCK
        return buf[:frames].copy()
    finally:
        if player is not None:
            lib.fluid_player_stop(player)
            lib.fluid_player_join(player)
            lib.delete_fluid_player(player)
        lib.fluid_synth_remove_sfont(synth, sfont)  # the soundfont stays with its holder
        lib.delete_fluid_synth(synth)
        lib.delete_fluid_settings(settings)
