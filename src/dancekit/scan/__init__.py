"""Scan a music library: every recording below some folders -> dance, tempo and meter, kept in SQLite.

One concern per module: ``discovery`` (which files), ``decoding`` (the process-pool side: hash and
decode one file), ``store`` (the SQLite table that is also the resume journal), ``batching`` (segments
of several files in one forward pass), ``engine`` (the scan loop), ``export`` (CSV and JSONL from the
store), ``tags`` (writing BPM and dance tags safely, and undoing it), ``playlists`` (M3U files per
dance and in competition order) and ``cli`` (``dancekit scan``).

Nothing is imported here: the command line's parser loads ``dancekit.scan.cli`` alone, and the decode
workers load ``dancekit.scan.decoding`` without torch.
"""
