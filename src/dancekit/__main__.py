"""``python -m dancekit``: the same as the ``dancekit`` command (useful where the script is not on PATH)."""

from dancekit.cli import main

raise SystemExit(main())
