"""The tracker command line: parses arguments, calls the core, formats output.

``tracker`` (the console script) and ``python cli.py`` in a checkout both run
:func:`main`. Data goes to stdout, messages to stderr. Exit codes: 0 ok, 1 a
user error (one line, no traceback), 2 a usage error. One module per group of
commands; the group itself and the shared context are in tracker.cli.root.
"""

from tracker.cli import database, drafting, geography, imports, loading, pictures, questions, records  # noqa: F401 - they add the commands
from tracker.cli.root import Context, cli, main

__all__ = ["cli", "main", "Context"]
