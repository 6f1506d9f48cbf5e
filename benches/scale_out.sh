#!/usr/bin/env bash
# Scale-out: W1 (iSpring GetEnrollments for one learner) against two lmsbridge processes on one
# PostgreSQL database, 64 keep-alive connections split over both (two wrk instances at once), in
# ROUNDS rounds of DURATION seconds, beside W1 against one process alone. Reports requests/s and
# the CPU per request of each process and of PostgreSQL (its backends serving the database), from /proc over
# each round: CPU time is less sensitive than throughput to other work on a shared machine.
# Writes target/bench/scale-out.md.
# Environment: ENROLLMENTS (default 100000), DURATION (10), ROUNDS (3), LMSBRIDGE_BENCH_PG (admin URL,
# default postgres://postgres@127.0.0.1/postgres), SKIP_BUILD (set: use the release binary as built).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
ENROLLMENTS=${ENROLLMENTS:-100000}
DURATION=${DURATION:-10}
ROUNDS=${ROUNDS:-3}
PG_ADMIN=${LMSBRIDGE_BENCH_PG:-postgres://postgres@127.0.0.1/postgres}
OUT=$ROOT/target/bench
mkdir -p "$OUT"
RESULTS=$OUT/scale-out.md
PIDS=()
cleanup() { for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT

command -v wrk >/dev/null || { echo "installing wrk"; apt-get install -y -qq wrk >/dev/null; }
[ -n "${SKIP_BUILD:-}" ] || cargo build --release --bins --examples -q
BIN=${CARGO_TARGET_DIR:-$ROOT/target}/release/lmsbridge
GEN=${CARGO_TARGET_DIR:-$ROOT/target}/release/examples/bench-data
source benches/lib.sh

URL=$(database lmsbridge_bench_scale postgres)
echo "== generating $ENROLLMENTS enrollments on PostgreSQL"
"$GEN" --database-url "$URL" --enrollments "$ENROLLMENTS" --aom-learners 1000 > "$OUT/scale.json"
python3 - "$OUT/scale.json" "$OUT" <<'PY'
import json, sys
summary = json.load(open(sys.argv[1]))
open(f"{sys.argv[2]}/scale-learners.txt", "w").write("\n".join(summary["learners"]) + "\n")
open(f"{sys.argv[2]}/scale.token", "w").write(summary["token"])
PY
# Settled as a running database is (visibility map set, statistics fresh): no autovacuum mid-round.
psql -q "$URL" -c "VACUUM ANALYZE" >/dev/null
TOKEN=$(cat "$OUT/scale.token")
serve "$URL" 18801
ONE=$SERVER
serve "$URL" 18802
TWO=$SERVER

cpu_ticks() { for pid in "$@"; do awk '{ print $14 + $15 }' "/proc/$pid/stat" 2>/dev/null || true; done | awk '{ t += $1 } END { print t + 0 }'; }
# w1 PORT CONNECTIONS -> requests/s
w1() { TOKEN=$TOKEN LEARNERS=$OUT/scale-learners.txt wrk -t1 -c"$2" -d"${DURATION}s" -s benches/w1.lua "http://127.0.0.1:$1/api/v2/soap/2.0" | awk '/^W1/ { print $3 }'; }
HZ=$(getconf CLK_TCK)
: > "$OUT/scale-rounds.txt"
for round in $(seq 1 "$ROUNDS"); do
  for layout in one two; do
    echo "   round $round: $layout process(es)"
    # PostgreSQL's backends serving this database (not other users of the same server).
    PG_PIDS=$(psql -Atq "$PG_ADMIN" -c "SELECT pid FROM pg_stat_activity WHERE datname = 'lmsbridge_bench_scale' AND backend_type = 'client backend'" | tr '\n' ' ')
    a0=$(cpu_ticks "$ONE"); b0=$(cpu_ticks "$TWO"); p0=$(cpu_ticks $PG_PIDS)
    if [ "$layout" = one ]; then
      r1=$(w1 18801 64); r2=0
    else
      w1 18801 32 > "$OUT/scale-wrk1.txt" & first=$!
      r2=$(w1 18802 32); wait "$first"; r1=$(cat "$OUT/scale-wrk1.txt")
    fi
    a1=$(cpu_ticks "$ONE"); b1=$(cpu_ticks "$TWO"); p1=$(cpu_ticks $PG_PIDS)
    # layout rps1 rps2 cpu-µs/request of process 1, of process 2, of PostgreSQL (over both processes' requests)
    awk -v l="$layout" -v r1="$r1" -v r2="$r2" -v d="$DURATION" -v hz="$HZ" -v a=$((a1 - a0)) -v b=$((b1 - b0)) -v p=$((p1 - p0)) 'BEGIN {
      n1 = r1 * d; n2 = r2 * d; n = n1 + n2
      printf "%s %.0f %.0f %.1f %.1f %.1f %.1f\n", l, r1, r2, 1e6 * a / hz / n1, (n2 > 0 ? 1e6 * b / hz / n2 : 0), 1e6 * (a + b) / hz / n, 1e6 * p / hz / n
    }' >> "$OUT/scale-rounds.txt"
  done
done
kill "$ONE" "$TWO"
median() { awk -v l="$1" -v c="$2" '$1 == l { print $c }' "$OUT/scale-rounds.txt" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
{
  echo "# W1 scale-out on PostgreSQL ($(date -u +%Y-%m-%d), $(nproc) cores, $ENROLLMENTS enrollments, median of $ROUNDS rounds of ${DURATION} s)"
  echo
  echo "| layout | requests/s | lmsbridge CPU µs/request | PostgreSQL CPU µs/request |"
  echo "|---|---|---|---|"
  echo "| one process, 64 connections | $(median one 2) | $(median one 4) | $(median one 7) |"
  echo "| two processes, 32 connections each | $(median two 2) + $(median two 3) | $(median two 4) and $(median two 5) (both: $(median two 6)) | $(median two 7) |"
  echo
  echo "Rounds (layout, requests/s of each process, CPU µs/request of process 1, process 2, both, PostgreSQL):"
  echo
  sed 's/^/    /' "$OUT/scale-rounds.txt"
} > "$RESULTS"
cat "$RESULTS"
