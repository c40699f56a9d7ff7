"""Classify recordings: segments, aggregation, live sessions, results, timeline plots."""

__all__ = ["IdentifyResult", "Identifier", "Session", "identify"]


def __getattr__(name):
    # Lazy: the pipeline pulls in the front ends and torch; segments/aggregation do not need them.
    if name in ("Identifier", "Session", "identify"):
        from dancekit.inference import pipeline as module

        return getattr(module, name)
    if name == "IdentifyResult":
        from dancekit.inference.result import IdentifyResult

        return IdentifyResult
    raise AttributeError(name)
