"""The checkout's entry point: ``python cli.py ...`` behaves exactly like the installed ``tracker`` command.

The command line itself is the package ``tracker.cli``; installed, the
``tracker`` console script calls the same ``tracker.cli:main``.
"""

from tracker.cli import main

if __name__ == "__main__":
    main()
