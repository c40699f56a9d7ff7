"""The overlap check's defaults, importable without torch or librosa: the command line's help names them."""

#: Best segment correlation from which a test recording is reported as overlapping a training one.
DEFAULT_THRESHOLD = 0.75
