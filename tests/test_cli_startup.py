"""The command line's parser is built without the heavy libraries: ``dancekit --help`` answers at once.

Not a timed test: it asserts which modules a fresh process holds after building the whole parser.
"""

import subprocess
import sys

HEAVY = ("torch", "torchvision", "librosa", "numba", "matplotlib", "sklearn")


def test_building_the_parser_imports_no_heavy_library():
    code = ("import sys, dancekit.cli; dancekit.cli.build_parser(); "
            f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert loaded.stdout.strip() == ""


def test_the_help_text_still_names_the_overlap_default():
    from dancekit.data.dedup import DEFAULT_THRESHOLD

    out = subprocess.run([sys.executable, "-m", "dancekit", "dedup", "--help"], capture_output=True, text=True,
                         timeout=120, check=True).stdout
    assert f"(default {DEFAULT_THRESHOLD})" in " ".join(out.split())
