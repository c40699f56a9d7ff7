"""Labelled synthetic ballroom music: MMA grooves -> MIDI -> GM soundfonts -> production chain.

Public API: :func:`build_corpus` (a whole resumable corpus), :func:`render_clip` and
:func:`plan` (one clip / the clip list), the groove table :data:`DANCE_GROOVES`, and
:func:`sample_bpm` (real-track tempo prior). Needs the Debian packages ``mma``,
``fluidsynth`` and one GM soundfont (``fluid-soundfont-gm``, ``timgm6mb-soundfont``,
``musescore-general-soundfont``).

The names are declared once, in ``__init__.pyi``, and load on first use (``lazy_loader``): the
corpus builder pulls in scipy.signal and soundfile, which the groove table and the tempo table
(read by ``dancekit identify`` and ``dancekit --help``) do not need.
"""

import lazy_loader as lazy

__getattr__, __dir__, __all__ = lazy.attach_stub(__name__, __file__)
