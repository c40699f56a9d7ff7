"""Labelled synthetic ballroom music: MMA grooves -> MIDI -> GM soundfonts -> production chain.

Public API: :func:`build_corpus` (a whole resumable corpus), :func:`render_clip` and
:func:`plan` (one clip / the clip list), the groove table :data:`DANCE_GROOVES`, and
:func:`sample_bpm` (real-track tempo prior). Needs the Debian packages ``mma``,
``fluidsynth`` and one GM soundfont (``fluid-soundfont-gm``, ``timgm6mb-soundfont``,
``musescore-general-soundfont``).
"""

from dancekit.synth.corpus import ClipJob, CorpusSettings, build_corpus, plan, render_clip, write_manifest
from dancekit.synth.grooves import DANCE_GROOVES, OTHER_LABEL, OTHER_STYLES, GrooveFamily
from dancekit.synth.song import SynthToolError
from dancekit.synth.tempo import sample_bpm

__all__ = ["build_corpus", "plan", "render_clip", "write_manifest", "ClipJob", "CorpusSettings",
           "DANCE_GROOVES", "OTHER_LABEL", "OTHER_STYLES", "GrooveFamily", "SynthToolError", "sample_bpm"]
