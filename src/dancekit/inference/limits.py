"""How long a recording dancekit identifies by default, in a module light enough for the command line to read."""

#: Longest recording identified unless the caller says otherwise (``max_duration=None`` lifts it): a
#: DJ set fits, while a file of a few MB that claims 10 hours of silence is refused by its header.
MAX_DURATION_S = 4 * 3600.0
