"""dancekit's own fuzzing harness: hostile inputs through the API, the command line and the web server.

Why it exists: recordings come from strangers (uploads, files found on disk, microphones), and every
layer between the bytes and the answer once had a way to break on them: forged headers that claim
days of audio, playlists that make the decoder fetch URLs, NaN samples, odd arrays, FIFOs. The harness
turns each such family into deterministic generated cases and runs them through every entry point,
classifying each run into one outcome (``outcomes``), so a regression shows up as a count in a table.

Modules, one concern each:

- ``media``     the synthetic signals and the small real files (soundfile, PyAV) the cases start from
- ``forge``     byte surgery: RIFF chunks, FLAC metadata, Ogg pages (with CRC), MP4 boxes, EBML
- ``cases``     ``Case`` and the deterministic generators, family by family (``generate``)
- ``canary``    a local HTTP server and canary files: a fetch or a read on an upload's behalf is caught
- ``outcomes``  the outcome names and how a record, an exception, a response or a close is judged
- ``watch``     a child process under a time and a memory limit (psutil), read line by line
- ``api``       target: ``dancekit.identify`` in child processes (path, bytes, file object, array)
- ``command``   target: ``dancekit identify --json`` on many files per process, bisected on failure
- ``web``       target: a real ``dancekit serve``: uploads, raw requests, schemathesis on /openapi.json
- ``live``      target: WebSocket message fuzzing of ``/api/live``
- ``run``       one call that runs the chosen targets on the CI subset or the full set
- ``report``    the counts table (family x outcome), as text and JSON

``benchmarks/fuzz.py`` runs the full set; ``tests/fuzzing`` runs the CI subset.
"""

from dancekit.fuzzing.cases import Case, generate
from dancekit.fuzzing.outcomes import BAD, OUTCOMES, Verdict

__all__ = ["BAD", "OUTCOMES", "Case", "Verdict", "generate"]
