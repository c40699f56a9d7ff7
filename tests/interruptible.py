"""Children that Ctrl-C can reach, however the test run was started.

A shell starts background jobs with SIGINT ignored, and an ignored signal stays ignored in every
child (Python then installs no KeyboardInterrupt handler); tests that send SIGINT give their child
the default handling back first.
"""

import signal


def default_sigint() -> None:
    """``preexec_fn`` for ``subprocess.Popen``: SIGINT handled as by default in the child."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
