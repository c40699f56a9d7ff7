import sys

from dancekit.web.cli import serve_main

sys.exit(serve_main())
