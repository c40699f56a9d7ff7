from .pipeline import Identifier, IdentifyOptions, Session, identify
from .result import IdentifyResult

__all__ = ["IdentifyOptions", "IdentifyResult", "Identifier", "Session", "identify"]
