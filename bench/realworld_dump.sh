#!/usr/bin/env bash
# Import every real export in ../shared/data/realworld (ACLED, UCDP) into a new SQLite store, in a
# fixed order, and write what the store then says (events, changes, summary) to OUT.json: run it
# before and after a change of the import path and compare the two files (they must be equal).
#     bench/realworld_dump.sh OUT.json [TRACKER]
set -euo pipefail
out="$1"; tracker="${2:-tracker}"
data="$(cd "$(dirname "$0")/../../shared/data/realworld" && pwd)"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
db="sqlite:///$work/store.db"
for f in "$data"/acled/*.csv; do
    case "$f" in *deletion*) continue ;; esac   # a deletions list, not an export
    "$tracker" --db "$db" import acled "$f" >/dev/null 2>&1 || "$tracker" --db "$db" import acled --keep-going --rejects "$work/rejects-$(basename "$f")" "$f" >/dev/null 2>&1
done
for f in "$data"/acled/*.csv; do   # and again: every row is now one the store holds (the re-import path)
    case "$f" in *deletion*) continue ;; esac
    "$tracker" --db "$db" import acled "$f" >/dev/null 2>&1 || "$tracker" --db "$db" import acled --keep-going --rejects "$work/rejects-again-$(basename "$f")" "$f" >/dev/null 2>&1
done
for f in "$data"/ucdp_ged/*.csv; do
    "$tracker" --db "$db" import ucdp "$f" >/dev/null 2>&1 || "$tracker" --db "$db" import ucdp --keep-going --rejects "$work/rejects-$(basename "$f")" "$f" >/dev/null 2>&1
done
{
    echo '{"events":'; "$tracker" --db "$db" events --format json
    echo ',"changes":'; "$tracker" --db "$db" changes --from 2015-01-01 --to 2021-01-01 --format json
    echo ',"summary":'; "$tracker" --db "$db" summary --by country --format json
    echo ',"search":'; "$tracker" --db "$db" events --search "armed clash" --format json
    echo ',"history":['   # versions with their dataset attributes: an ACLED event of each layout, a UCDP one
    sep=""
    for id in '#1' '#2000' '#5000' '#9000' '#15000' '#25000' '#35000'; do
        echo "$sep"; "$tracker" --db "$db" event-history "$id" --format json; sep=","
    done
    echo ']'
    echo '}'
} > "$out"
python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print({k: len(v) for k, v in d.items()})" "$out"
