"""Load a big generated report into a new SQLite store and print its time and peak memory.

    python bench/load_report.py --events 150000            # YAML
    python bench/load_report.py --events 150000 --json

The load runs as the real command (``tracker load``) in a child process; its peak
resident memory is the child's, read from the operating system when it ends.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.big_report import write_json, write_yaml  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=150_000)
    parser.add_argument("--json", action="store_true", help="write the report as JSON (default YAML)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        report = os.path.join(tmp, "big.json" if args.json else "big.yaml")
        with open(report, "w", encoding="utf-8") as out:
            (write_json if args.json else write_yaml)(out, args.events)
        size = os.path.getsize(report)
        url = f"sqlite:///{os.path.join(tmp, 'store.db')}"
        tracker = [sys.executable, "-c", "from tracker.cli import main; main()"]
        start = time.perf_counter()
        done = subprocess.run([*tracker, "--db", url, "load", report], capture_output=True, text=True)
        seconds = time.perf_counter() - start
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # kB on Linux
        if done.returncode:
            sys.exit(done.stderr)
        print(done.stderr.strip())
        print(f"{args.events:,} events, {size / 1e6:.1f} MB of {'JSON' if args.json else 'YAML'}: "
              f"loaded in {seconds:.1f} s ({args.events / seconds:,.0f} events/s), peak memory {peak:.0f} MB")


if __name__ == "__main__":
    main()
