"""The exit status of every dancekit command, in one table.

Every command line (``dancekit``, its sub-commands, ``python -m dancekit.*``) and every error class
(``DancekitError.exit_code``) takes its numbers from here, so a script can rely on them:

=====  ===================  ==========================================================
code   name                 meaning
=====  ===================  ==========================================================
0      ``EXIT_OK``          success
1      ``EXIT_INTERNAL``    unexpected internal error (a bug), or some work failed
2      ``EXIT_USAGE``       bad usage: an option, a path or a setting to fix
3      ``EXIT_AUDIO``       at least one input could not be read (the others went on)
4      ``EXIT_MODEL``       a model is missing, corrupt or does not fit its card
130    ``EXIT_INTERRUPTED`` interrupted (Ctrl-C), as shells report SIGINT
=====  ===================  ==========================================================
"""

EXIT_OK = 0
EXIT_INTERNAL = 1
EXIT_USAGE = 2
EXIT_AUDIO = 3
EXIT_MODEL = 4
EXIT_INTERRUPTED = 130
