"""dancekit: understand dance from music.

>>> import dancekit
>>> result = dancekit.identify("song.mp3")          # doctest: +SKIP
>>> result.top(2)                                    # doctest: +SKIP
"""

from dancekit.dances import DANCE_NAMES, DANCES
from dancekit.errors import AudioError, DancekitError, ModelError
from dancekit.version import __version__


__all__ = ["DANCES", "DANCE_NAMES", "AudioError", "DancekitError", "ModelError", "identify", "__version__"]


def __getattr__(name):
    # identify pulls in torch; keep ``import dancekit`` light for the CLI's --help.
    if name == "identify":
        from dancekit.inference.pipeline import identify

        return identify
    raise AttributeError(name)
