"""Make the pictures of docs/pictures.md, with the commands a user runs (CI runs this after the tests).

    .venv/bin/python scripts/gallery.py [OUT_DIR]        # default: docs/pictures

Each picture is made in a new SQLite store from the seeds and the real exports
of ../shared (skipped, and said so, when they are not there). The PNGs are
committed when they change.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from click.testing import CliRunner

from tracker.cli import cli

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
RAW = SHARED / "data" / "realworld" / "territorial_control" / "deepstatemap_raw_snapshots"
ACLED = SHARED / "data" / "realworld" / "acled"
SEPTEMBER = ["1662064277", "1662411667", "1662501910", "1662543371", "1662647935", "1662717073", "1662802147",
             "1662901759", "1662982685", "1663054503", "1663166027", "1663271871", "1663356276", "1664627935"]


def main(out: Path) -> int:
    out.mkdir(parents=True, exist_ok=True)
    runner = CliRunner()
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        def tracker(db: str, *args: str) -> None:
            nonlocal failed
            if args[0] in ("chart", "map"):
                args = (*args, "--force")  # the gallery's pictures are made again on every run
            result = runner.invoke(cli, ["--db", f"sqlite:///{tmp}/{db}.db", *args])
            print(f"$ tracker {' '.join(args)}\n{result.stderr.strip()}", file=sys.stderr)
            failed += result.exit_code != 0

        tracker("derna", "load", str(ROOT / "seeds" / "derna-2015.yaml"))
        tracker("derna", "chart", "timeline", "Derna", "-o", str(out / "derna-timeline.png"))
        tracker("derna", "chart", "timeline", "MSC Derna", "-o", str(out / "msc-derna-timeline.png"))
        seed_text = SHARED / "seed-report" / "isil-loses-turf-war-in-libya.txt"
        if seed_text.exists():  # the seed and a draft of the same text: two sources, parallel bars
            tracker("derna", "draft", str(seed_text), "--published", "2015-06-19", "-o", f"{tmp}/draft.yaml")
            tracker("derna", "load", f"{tmp}/draft.yaml")
            tracker("derna", "chart", "timeline", "Derna", "-o", str(out / "derna-two-sources.png"))
        if RAW.is_dir():
            tracker("kharkiv", "load", str(ROOT / "seeds" / "ukraine-kharkiv-2022.yaml"))
            tracker("kharkiv", "import", "control", "--make-valid", "--mapping",
                    str(ROOT / "seeds" / "control-maps" / "deepstatemap.yaml"),
                    *(str(RAW / f"{ts}.geojson") for ts in SEPTEMBER))
            tracker("kharkiv", "map", "--at", "2022-09-20", "--bbox", "35.5,48.8,38.5,50.2", "-o",
                    str(out / "kharkiv.png"))
            tracker("kharkiv", "map", "--at", "2022-09-20", "--bbox", "35.5,48.8,38.5,50.2", "-o",
                    f"{tmp}/kharkiv.html")  # 2.7 MB: made to be checked, not committed
            tracker("kharkiv", "chart", "timeline", "Izium", "-o", str(out / "izium-timeline.png"))
        else:
            print(f"{RAW}: not here, the Kharkiv pictures are not made", file=sys.stderr)
        files = sorted(ACLED.glob("ACLED-All-Africa-File_2015*.csv")) if ACLED.is_dir() else []
        for f in files:  # --keep-going: the January-October file is cut off upstream in its last record
            tracker("acled", "import", "acled", "--keep-going", "--rejects", f"{tmp}/{f.stem}.rejects.csv", str(f))
        if files:
            tracker("acled", "chart", "events", "--country", "Libya", "--by", "month", "--stack", "type", "-o",
                    str(out / "libya.svg"))
            tracker("acled", "chart", "events", "--country", "Libya", "--by", "month", "--measure", "fatalities",
                    "--stack", "actor", "-o", str(out / "libya-fatalities.png"))
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "pictures"))
