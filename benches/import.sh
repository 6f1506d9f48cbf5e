#!/usr/bin/env bash
# Bulk import: `lmsbridge import enrollments` of ROWS enrollments (default one million: 5,000 learners
# in 200 courses) from a CSV file, into an account of the bench generator (users and courses, no
# enrollments), on SQLite and on PostgreSQL; then the same file again (every row unchanged), and an
# export of them all. Reports rows/s and the peak resident memory (RSS) of each run, and writes
# target/bench/import.md.
# Environment: ROWS (default 1000000), BATCH (rows a transaction, default 10000), LMSBRIDGE_BENCH_PG
# (admin URL of a PostgreSQL server; default postgres://postgres@127.0.0.1/postgres; NO_PG=1 skips it),
# BUILD=0 to use the binaries already built in target/release.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
ROWS=${ROWS:-1000000}
BATCH=${BATCH:-10000}
COURSES=200
LEARNERS=$(( (ROWS + COURSES - 1) / COURSES ))
PG_ADMIN=${LMSBRIDGE_BENCH_PG:-postgres://postgres@127.0.0.1/postgres}
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
OUT=$ROOT/target/bench
mkdir -p "$OUT"
RESULTS=$OUT/import.md
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

if [ "${BUILD:-1}" != 0 ]; then
  cargo build --release --bin lmsbridge --example bench-data -q
fi
BIN=$TARGET/release/lmsbridge
GEN=$TARGET/release/examples/bench-data

# The file: every learner in every course in turn, with an access date, a due date and a lock.
FILE=$WORK/enrollments.csv
awk -v rows="$ROWS" -v courses="$COURSES" 'BEGIN {
  print "courseId,learnerId,accessDate,dueDate,shouldLockAfterDueDate"
  for (n = 0; n < rows; n++) printf "course-%04d,learner-%06d,2026-01-05T09:00:00Z,2099-12-31,%s\n", n % courses, int(n / courses), (n % 2 ? "true" : "false")
}' >"$FILE"
echo "file: $ROWS rows, $(du -h "$FILE" | cut -f1)"

# measure LABEL COMMAND... -> one table row: seconds, rows/s, peak RSS (GNU time's maximum resident set size).
measure() {
  local label=$1
  shift
  /usr/bin/time -f '%e %M' -o "$WORK/time" "$@" >"$WORK/out" 2>"$WORK/err" || { cat "$WORK/err" >&2; return 1; }
  read -r seconds kib <"$WORK/time"
  local rate
  rate=$(awk -v r="$ROWS" -v s="$seconds" 'BEGIN { printf "%d", r / s }')
  printf '| %s | %s s | %s rows/s | %s MiB | %s |\n' "$label" "$seconds" "$rate" "$(( kib / 1024 ))" "$(tail -n 1 "$WORK/out")" | tee -a "$RESULTS"
}

run_backend() { # run_backend NAME URL
  local name=$1 url=$2
  LMSBRIDGE_LOG=warn "$GEN" --database-url "$url" --users "$LEARNERS" --courses "$COURSES" --enrollments 0 \
    --w1-learners 1 --w3-learners 1 --w3-courses 1 --aom-learners 1 >/dev/null
  measure "$name: import (all created)" env LMSBRIDGE_LOG=warn "$BIN" --database-url "$url" import enrollments "$FILE" --tenant bench --batch-size "$BATCH"
  measure "$name: import again (all unchanged)" env LMSBRIDGE_LOG=warn "$BIN" --database-url "$url" import enrollments "$FILE" --tenant bench --batch-size "$BATCH"
  measure "$name: export" env LMSBRIDGE_LOG=warn "$BIN" --database-url "$url" export enrollments --tenant bench --output "$WORK/export.csv"
}

{
  echo "## Bulk import: $ROWS enrollments, batches of $BATCH ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores)"
  echo
  echo "| run | time | rate | peak RSS | summary |"
  echo "|---|---|---|---|---|"
} >"$RESULTS"
run_backend sqlite "$WORK/bench.db"
if [ "${NO_PG:-0}" != 1 ]; then
  DB=lmsbridge_import_bench_$$
  psql "$PG_ADMIN" -qc "CREATE DATABASE $DB" >/dev/null
  PG_URL=${PG_ADMIN%/*}/$DB
  run_backend postgres "$PG_URL" || true
  psql "$PG_ADMIN" -qc "DROP DATABASE $DB WITH (FORCE)" >/dev/null
fi
echo "results in $RESULTS"
