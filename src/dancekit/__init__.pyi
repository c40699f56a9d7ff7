from .dances import DANCE_NAMES, DANCES
from .errors import AudioError, DancekitError, ModelError
from .inference.pipeline import identify
from .version import __version__

__all__ = ["DANCES", "DANCE_NAMES", "AudioError", "DancekitError", "ModelError", "identify", "__version__"]
