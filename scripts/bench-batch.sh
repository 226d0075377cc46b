#!/usr/bin/env bash
# End-to-end benchmark of `parley batch`: throughput and peak memory.
#
#   CORPUS=data/dev scripts/bench-batch.sh            # debug binary (deps at opt-level 3)
#   PROFILE=release CORPUS=data/dev scripts/bench-batch.sh
#
# Runs, each under /usr/bin/time -v:
#   throughput  the dev-corpus articles (CORPUS/*.json) repeated to ROWS rows (default 500),
#               all scored: articles/min and peak RSS.
#   memory      a BIG-row input (default 10,000): every 20th row is a real article, the
#               rest are empty-text rows that become error rows, so all BIG rows pass
#               through reader, workers, model stage and writer while the model scores
#               BIG/20 of them. Peak RSS here close to the throughput run = memory is flat.
#
# Appends one CSV line per run to benches/batch-runs.csv (date, host, cores, profile,
# run, rows, scored, seconds, articles/min, peak RSS MiB) and prints them.
# Extra flags for `parley batch` (e.g. --jobs 2 --batch-docs 16) go in BATCH_FLAGS.
set -euo pipefail
cd "$(dirname "$0")/.."

CORPUS=${CORPUS:-data/dev}
ROWS=${ROWS:-500}
BIG=${BIG:-10000}
PROFILE=${PROFILE:-debug}
BATCH_FLAGS=${BATCH_FLAGS:-}

if ! compgen -G "$CORPUS/*.json" >/dev/null; then
  echo "no articles in $CORPUS/*.json (set CORPUS to the dev corpus folder)" >&2
  exit 2
fi
if [ ! -x /usr/bin/time ]; then
  echo "/usr/bin/time is missing (Debian: apt-get install time)" >&2
  exit 2
fi

if [ "$PROFILE" = release ]; then
  cargo build --release --bin parley
  BIN=target/release/parley
else
  cargo build --bin parley
  BIN=target/debug/parley
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Build the inputs: ids are unique per copy so every row is scored.
python3 - "$CORPUS" "$ROWS" "$BIG" "$work" <<'PY'
import glob, json, os, sys
corpus, rows, big, work = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
arts = []
for p in sorted(glob.glob(os.path.join(corpus, "*.json"))):
    a = json.load(open(p, encoding="utf-8"))
    arts.append({"id": a["id"], "title": a.get("title"), "text": a["text"], "target": a.get("target")})
with open(os.path.join(work, "throughput.jsonl"), "w", encoding="utf-8") as f:
    for i in range(rows):
        a = dict(arts[i % len(arts)])
        a["id"] = f"{a['id']}#{i}"
        f.write(json.dumps(a) + "\n")
with open(os.path.join(work, "memory.jsonl"), "w", encoding="utf-8") as f:
    for i in range(big):
        a = dict(arts[i % len(arts)])
        a["id"] = f"{a['id']}#{i}"
        if i % 20:
            a["text"] = ""
        f.write(json.dumps(a) + "\n")
PY

mkdir -p benches
csv=benches/batch-runs.csv
[ -f "$csv" ] || echo "date,host,cores,profile,run,rows,scored,seconds,articles_per_min,peak_rss_mib" >"$csv"

run() { # name input rows scored
  local name=$1 input=$2 rows=$3 scored=$4
  local out="$work/$name.out.jsonl" timing="$work/$name.time"
  # shellcheck disable=SC2086
  /usr/bin/time -v "$BIN" batch "$input" --output "$out" --progress off $BATCH_FLAGS 2>"$timing" || true
  grep -E "^parley batch:" "$timing" || { cat "$timing" >&2; exit 1; }
  local secs rss written
  secs=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,t,":"); s=0; for(i=1;i<=n;i++) s=s*60+t[i]; print s}' "$timing")
  rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.1f", $2/1024}' "$timing")
  written=$(wc -l <"$out")
  if [ "$written" -ne "$rows" ]; then
    echo "$name: wrote $written rows, expected $rows" >&2
    exit 1
  fi
  local apm
  apm=$(awk -v n="$scored" -v s="$secs" 'BEGIN {printf "%.1f", n * 60 / s}')
  local line
  line="$(date -u +%F),$(hostname),$(nproc),$PROFILE,$name,$rows,$scored,$secs,$apm,$rss"
  echo "$line" >>"$csv"
  echo "$name: $rows rows ($scored scored) in ${secs}s = $apm articles/min, peak RSS ${rss} MiB"
}

run throughput "$work/throughput.jsonl" "$ROWS" "$ROWS"
run memory "$work/memory.jsonl" "$BIG" $(((BIG + 19) / 20))
