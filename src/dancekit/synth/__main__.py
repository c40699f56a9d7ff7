import sys

from dancekit.synth.cli import synth_main

sys.exit(synth_main())
