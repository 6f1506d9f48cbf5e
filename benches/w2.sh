#!/usr/bin/env bash
# W2 at scale: GetEnrollments for the whole account of ENROLLMENTS rows (default 10,000,000), on
# SQLite and on PostgreSQL: time to the first byte, total time, MB/s and the server's peak RSS.
# Writes target/bench/w2.md. Generating the rows takes most of the time (about 4 minutes on SQLite
# and 9 on PostgreSQL for 10 M here) and about 6 GB of disk for each backend.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
ENROLLMENTS=${ENROLLMENTS:-10000000}
PG_ADMIN=${LMSBRIDGE_BENCH_PG:-postgres://postgres@127.0.0.1/postgres}
OUT=$ROOT/target/bench
mkdir -p "$OUT"
RESULTS=$OUT/w2.md
PIDS=()
trap 'for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done' EXIT
cargo build --release --bin lmsbridge --example bench-data -q
BIN=$ROOT/target/release/lmsbridge
GEN=$ROOT/target/release/examples/bench-data
source benches/lib.sh

echo "| workload | backend | result | notes |" > "$RESULTS"
echo "|---|---|---|---|" >> "$RESULTS"
PORT=18650
for BACKEND in sqlite postgres; do
  PORT=$((PORT + 1))
  URL=$(database lmsbridge_bench_w2 "$BACKEND")
  echo "== $BACKEND: generating $ENROLLMENTS enrollments"
  "$GEN" --database-url "$URL" --enrollments "$ENROLLMENTS" --users $((ENROLLMENTS / 100)) > "$OUT/w2-$BACKEND.json"
  python3 -c "import json,sys;open(sys.argv[2],'w').write(json.load(open(sys.argv[1]))['token'])" "$OUT/w2-$BACKEND.json" "$OUT/w2-$BACKEND.token"
  echo "== $BACKEND: W2"
  w2 "$URL" "$PORT" "$OUT/w2-$BACKEND" "$BACKEND, $ENROLLMENTS"
  [ "$BACKEND" = sqlite ] && rm -f "$URL" "$URL-wal" "$URL-shm"
  [ "$BACKEND" = postgres ] && psql -q "$PG_ADMIN" -c "DROP DATABASE IF EXISTS lmsbridge_bench_w2 WITH (FORCE)"
done
cat "$RESULTS"
