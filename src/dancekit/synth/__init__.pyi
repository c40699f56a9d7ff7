from .corpus import ClipJob, CorpusSettings, build_corpus, plan, render_clip, write_manifest
from .grooves import DANCE_GROOVES, OTHER_LABEL, OTHER_STYLES, GrooveFamily
from .song import SynthToolError
from .tempo import sample_bpm

__all__ = ["build_corpus", "plan", "render_clip", "write_manifest", "ClipJob", "CorpusSettings",
           "DANCE_GROOVES", "OTHER_LABEL", "OTHER_STYLES", "GrooveFamily", "SynthToolError", "sample_bpm"]
