#!/usr/bin/env bash
# Runs every benchmark of lmsbridge and writes target/bench/results.md:
#   W1  GetEnrollments for one learner (5 rows), 64 keep-alive connections, wrk, DURATION seconds
#       - against lmsbridge on SQLite and on PostgreSQL (the latter in rounds interleaved with
#         pgbench -S -M prepared -c 64 on a scratch database of scale 10, with CPU per request from /proc),
#       - against a minimal actix server answering the same bytes (the ceiling of this machine),
#       - against a node-soap server serving the same WSDL from an in-memory copy of the rows (the peer);
#   W2  GetEnrollments for the whole account (1M and 100k): time to first byte, total, MB/s, peak RSS;
#   W3  EnrollLearnersInCourses, 1,000 learners x 10 courses in one call;
#   W4  ListEnrollments through every row, pageSize 1000;
#   W5  Skillable's GetClassEnrollment by id, 64 keep-alive connections, against lmsbridge on SQLite and
#       the ceiling answering the same bytes, in the W1 rounds;
#   W6  Rhythm's course registration by id, and W7 a student's registrations (an index lookup), the
#       same way, each against its own ceiling;
#   W8  Rhythm's batch: 100 patches a request, each its own transaction (operations/s);
#   W9  Academy Of Mine's enrolled learners of a course of AOM_LEARNERS enrollments, the first page
#       and the last (page size 10, with the totals by status), 64 keep-alive connections;
#   W10 Academy Of Mine's enroll learners: 1,000 learners in one call (median of 3 courses);
#   W11 Keepnet's enrollments search (POST /api/enrollments/search), the first page of 10 of the
#       demo's Keepnet world, as a Company Admin, against lmsbridge on SQLite and its ceiling, in the
#       W1 rounds;
#   and the criterion benchmarks of request decoding and response encoding.
# W1 on SQLite, the ceiling and the peer are measured in interleaved rounds (lmsbridge, ceiling, peer,
# then again), and each reports its median round: on a shared machine the speed drifts over minutes,
# and ratios of figures taken side by side are the ones that mean something.
# Environment: ENROLLMENTS (default 1000000), SMALL (100000), AOM_LEARNERS (100000), DURATION (20), ROUNDS (3), LMSBRIDGE_BENCH_PG
# (admin URL of a PostgreSQL server; default postgres://postgres@127.0.0.1/postgres), BASELINE (an
# lmsbridge binary built from an earlier commit: its W1 on SQLite joins the interleaved rounds, on the
# same rows, so a change's effect is measured side by side). Needs wrk, node, python3, curl.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
ENROLLMENTS=${ENROLLMENTS:-1000000}
SMALL=${SMALL:-100000}
DURATION=${DURATION:-20}
ROUNDS=${ROUNDS:-3}
AOM_LEARNERS=${AOM_LEARNERS:-100000}
PG_ADMIN=${LMSBRIDGE_BENCH_PG:-postgres://postgres@127.0.0.1/postgres}
OUT=$ROOT/target/bench
mkdir -p "$OUT"
RESULTS=$OUT/results.md
rm -f "$OUT/w1-rounds.txt" "$OUT/w5-rounds.txt" "$OUT/w6-rounds.txt" "$OUT/w7-rounds.txt" "$OUT/w11-rounds.txt"
PIDS=()
cleanup() { for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT

command -v wrk >/dev/null || { echo "installing wrk"; apt-get install -y -qq wrk >/dev/null; }
npm ci --prefix benches/peer --no-audit --no-fund --loglevel=error >/dev/null
cargo build --release --bins --examples -q
BIN=$ROOT/target/release/lmsbridge
GEN=$ROOT/target/release/examples/bench-data
CEILING=$ROOT/target/release/examples/bench-ceiling

source benches/lib.sh

w1() { TOKEN=$TOKEN LEARNERS=$OUT/learners.txt wrk -t2 -c64 -d"${DURATION}s" -s benches/w1.lua "http://127.0.0.1:$1/api/v2/soap/2.0" | grep '^W1'; }
w5() { API_KEY=$(cat "$OUT/sqlite.skillable-key") IDS=$OUT/sqlite-class-enrollments.txt wrk -t2 -c64 -d"${DURATION}s" -s benches/w5.lua "http://127.0.0.1:$1" | grep '^W5'; }
w11() {
  LABEL=W11 PATH_TO=/api/enrollments/search BODY=$OUT/w11.json AUTH_NAME=Authorization AUTH_VALUE="Bearer $(cat "$OUT/sqlite.keepnet-token")" \
    wrk -t2 -c64 -d"${DURATION}s" -s benches/post.lua "http://127.0.0.1:$1" | grep '^W11 '
}
rhythm() { # rhythm LABEL PATHS PORT
  LABEL=$1 PATHS=$2 AUTH_NAME=Authorization AUTH_VALUE=$(cat "$OUT/sqlite.rhythm-key") wrk -t2 -c64 -d"${DURATION}s" -s benches/paths.lua "http://127.0.0.1:$3" | grep "^$1 "
}
echo "# lmsbridge benchmarks ($(date -u +%Y-%m-%d), $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo))" > "$RESULTS"
echo >> "$RESULTS"
echo "| workload | backend | result | notes |" >> "$RESULTS"
echo "|---|---|---|---|" >> "$RESULTS"

PORT=18600
for BACKEND in sqlite postgres; do
  PORT=$((PORT + 10))
  URL=$(database lmsbridge_bench "$BACKEND")
  echo "== $BACKEND: generating $ENROLLMENTS enrollments"
  "$GEN" --database-url "$URL" --enrollments "$ENROLLMENTS" --aom-learners "$AOM_LEARNERS" > "$OUT/$BACKEND.json"
  python3 - "$OUT/$BACKEND.json" "$OUT" "$BACKEND" <<'PY'
import json, sys
summary = json.load(open(sys.argv[1]))
out, backend = sys.argv[2], sys.argv[3]
open(f"{out}/learners.txt", "w").write("\n".join(summary["learners"]) + "\n")
open(f"{out}/{backend}.token", "w").write(summary["token"])
open(f"{out}/{backend}.skillable-key", "w").write(summary["skillable_key"])
open(f"{out}/{backend}-class-enrollments.txt", "w").write("\n".join(str(i) for i in summary["class_enrollments"]) + "\n")
open(f"{out}/{backend}.rhythm-key", "w").write(summary["rhythm_key"])
open(f"{out}/{backend}.aom-token", "w").write(summary["aom_token"])
open(f"{out}/{backend}.keepnet-client", "w").write(f"grant_type=client_credentials&scope=api1&client_id={summary['keepnet_client_id']}&client_secret={summary['keepnet_client_secret']}")
open(f"{out}/{backend}.aom-course", "w").write(str(summary["aom_course"]))
open(f"{out}/{backend}.aom-enroll-courses", "w").write("\n".join(str(c) for c in summary["aom_enroll_courses"]) + "\n")
open(f"{out}/{backend}.aom-students.json", "w").write(json.dumps({"studentIds": summary["aom_students"], "portalId": -1}))
collection = "/courseRegistrations/bench.org"
open(f"{out}/{backend}-w6.txt", "w").write("".join(f"{collection}/{r}\n" for r in summary["registrations"]))
open(f"{out}/{backend}-w7.txt", "w").write("".join(f"{collection}/student/{s}\n" for s in summary["registration_students"]))
open(f"{out}/{backend}-w8.json", "w").write(json.dumps({"operations": [
    {"op": "patch", "id": r, "patch": [{"op": "replace", "path": "/city", "value": "Lisbon"}]} for r in summary["registrations"][:100]]}))
learners = "".join(f"<id>{l}</id>" for l in summary["w3_learners"])
courses = "".join(f"<id>{c}</id>" for c in summary["w3_courses"])
open(f"{out}/w3.inner", "w").write(f"<courseIds>{courses}</courseIds><learnerIds>{learners}</learnerIds><dueDateType>due_period</dueDateType><duePeriod>720</duePeriod>")
print(f"generated {summary['enrollments']} enrollments in {summary['seconds']:.1f} s")
PY
  TOKEN=$(cat "$OUT/$BACKEND.token")
  echo "| data generation | $BACKEND | $ENROLLMENTS enrollments in $(python3 -c "import json;print(round(json.load(open('$OUT/$BACKEND.json'))['seconds'],1))") s | batched inserts in transactions |" >> "$RESULTS"

  echo "== $BACKEND: W2 whole account"
  w2 "$URL" "$PORT" "$OUT/$BACKEND" "$BACKEND, $ENROLLMENTS"

  serve "$URL" "$PORT"
  MAIN=$SERVER
  if [ "$BACKEND" = postgres ]; then
    PG_URL=$URL  # W1 on PostgreSQL runs later, in rounds interleaved with pgbench
  else
    SQLITE_URL=$URL
  fi
  echo "== $BACKEND: W4 paging"
  read -r _ _ pages _ rows _ seconds < <(python3 benches/w4.py "http://127.0.0.1:$PORT/api/v2/soap/2.0" "$TOKEN")
  echo "| W4 ListEnrollments, pageSize 1000 | $BACKEND | $rows rows in $pages pages, $seconds s | $(awk -v r="$rows" -v s="$seconds" 'BEGIN{printf "%.0f rows/s", r/s}') |" >> "$RESULTS"
  echo "== $BACKEND: W3 bulk enrollment"
  envelope "<EnrollLearnersInCoursesRequest><credentials><token>$TOKEN</token></credentials>$(cat "$OUT/w3.inner")</EnrollLearnersInCoursesRequest>" > "$OUT/w3.xml"
  read -r _ total _ < <(soap "$PORT" "$OUT/w3.xml")
  echo "| W3 1,000 learners x 10 courses | $BACKEND | 10,000 enrollments in $(awk -v t="$total" 'BEGIN{printf "%.2f", t}') s | $(awk -v t="$total" 'BEGIN{printf "%.0f enrollments/s", 10000/t}'), one transaction |" >> "$RESULTS"

  echo "== $BACKEND: W8 Rhythm batch"
  for _ in 1 2 3 4 5; do
    curl -s -o /dev/null -w '%{time_total}\n' -H "Authorization: $(cat "$OUT/$BACKEND.rhythm-key")" -H 'Content-Type: application/json' \
      --data-binary @"$OUT/$BACKEND-w8.json" "http://127.0.0.1:$PORT/courseRegistrations/bench.org/batch"
  done | sort -n | sed -n 3p > "$OUT/w8-seconds.txt"
  echo "| W8 Rhythm batch, 100 patches | $BACKEND | $(awk '{printf "%.3f s a batch, %.0f operations/s", $1, 100/$1}' "$OUT/w8-seconds.txt") (median of 5) | each operation its own transaction |" >> "$RESULTS"

  echo "== $BACKEND: W9 Academy Of Mine enrolled learners, W10 enroll 1,000"
  learners="/api/courses/enrolled-learners?course_id=$(cat "$OUT/$BACKEND.aom-course")&portalId=-1&page_size=10"
  echo "$learners&page_number=1" > "$OUT/w9-first.txt"
  echo "$learners&page_number=$(( AOM_LEARNERS / 10 ))" > "$OUT/w9-last.txt"
  for page in first last; do
    read -r _ _ rps _ p50 _ p99 _ errors < <(LABEL=W9 PATHS="$OUT/w9-$page.txt" AUTH_NAME=Authorization AUTH_VALUE="Bearer $(cat "$OUT/$BACKEND.aom-token")" \
      wrk -t2 -c64 -d"${DURATION}s" -s benches/paths.lua "http://127.0.0.1:$PORT" | grep '^W9 ')
    echo "| W9 AOM enrolled learners, $page page of $AOM_LEARNERS | $BACKEND | $rps requests/s, p50 $p50 ms, p99 $p99 ms | $errors non-200; totals by status in every answer |" >> "$RESULTS"
  done
  while read -r course; do
    curl -s -w '\n%{time_total}\n' -H "Authorization: Bearer $(cat "$OUT/$BACKEND.aom-token")" -H 'Content-Type: application/json' \
      --data-binary @"$OUT/$BACKEND.aom-students.json" "http://127.0.0.1:$PORT/api/courses/$course/enrollments" > "$OUT/w10-answer.txt"
    grep -q '"1000 student(s) enrolled successfully"' "$OUT/w10-answer.txt" || { echo "W10: unexpected answer: $(head -c 300 "$OUT/w10-answer.txt")" >&2; exit 1; }
    tail -1 "$OUT/w10-answer.txt"
  done < "$OUT/$BACKEND.aom-enroll-courses" | sort -n | sed -n 2p > "$OUT/w10-seconds.txt"
  echo "| W10 AOM enroll 1,000 learners in one call | $BACKEND | $(awk '{printf "%.3f s, %.0f enrollments/s", $1, 1000/$1}' "$OUT/w10-seconds.txt") (median of 3) | one transaction, with activity entries |" >> "$RESULTS"

  if [ "$BACKEND" = sqlite ]; then
    # The ceiling and the peer answer the same request with the same bytes, from the same rows.
    envelope "<GetEnrollmentsRequest><credentials><token>$TOKEN</token></credentials><learnerIds><id>$(head -1 "$OUT/learners.txt")</id></learnerIds></GetEnrollmentsRequest>" > "$OUT/w1.xml"
    curl -s -H 'Content-Type: text/xml' --data-binary @"$OUT/w1.xml" "http://127.0.0.1:$PORT/api/v2/soap/2.0" > "$OUT/w1-response.xml"
    curl -s "http://127.0.0.1:$PORT/api/v2/soap/2.0?wsdl" > "$OUT/peer.wsdl"
    curl -s "http://127.0.0.1:$PORT/GetClassEnrollment/$(head -1 "$OUT/sqlite-class-enrollments.txt")" \
      -H "api_key: $(cat "$OUT/sqlite.skillable-key")" > "$OUT/w5-response.json"
    curl -s "http://127.0.0.1:$PORT$(head -1 "$OUT/sqlite-w6.txt")" -H "Authorization: $(cat "$OUT/sqlite.rhythm-key")" > "$OUT/w6-response.json"
    curl -s "http://127.0.0.1:$PORT$(head -1 "$OUT/sqlite-w7.txt")" -H "Authorization: $(cat "$OUT/sqlite.rhythm-key")" > "$OUT/w7-response.json"
    curl -s -d @"$OUT/sqlite.keepnet-client" "http://127.0.0.1:$PORT/connect/token" |
      python3 -c "import json,sys;print(json.load(sys.stdin)['access_token'],end='')" > "$OUT/sqlite.keepnet-token"
    echo '{"pageNumber": 1, "pageSize": 10, "orderBy": "CreateTime", "ascending": false}' > "$OUT/w11.json"
    curl -s "http://127.0.0.1:$PORT/api/enrollments/search" -H "Authorization: Bearer $(cat "$OUT/sqlite.keepnet-token")" \
      -H 'Content-Type: application/json' --data-binary @"$OUT/w11.json" > "$OUT/w11-response.json"
    grep -q '"totalNumberOfRecords"' "$OUT/w11-response.json" || { echo "W11: unexpected answer: $(head -c 300 "$OUT/w11-response.json")" >&2; exit 1; }
    echo "== exporting the rows for the peer"
    curl -s "http://127.0.0.1:$PORT/api/v1/enrollments" -H "Authorization: Bearer $TOKEN" > "$OUT/peer-data.json"
  fi
  kill "$MAIN"; wait "$MAIN" 2>/dev/null || true

  SMALL_URL=$(database lmsbridge_bench_small "$BACKEND")
  "$GEN" --database-url "$SMALL_URL" --enrollments "$SMALL" --users 1000 > "$OUT/$BACKEND-small.json"
  python3 -c "import json;open('$OUT/$BACKEND-small.token','w').write(json.load(open('$OUT/$BACKEND-small.json'))['token'])"
  w2 "$SMALL_URL" "$((PORT + 1))" "$OUT/$BACKEND-small" "$BACKEND, $SMALL"
done

echo "== W1: lmsbridge on SQLite, the ceiling and the node-soap peer (loading the rows), $ROUNDS interleaved rounds"
TOKEN=$(cat "$OUT/sqlite.token")
serve "$SQLITE_URL" 18699
MAIN=$SERVER
"$CEILING" --bind 127.0.0.1:18700 --body "$OUT/w1-response.xml" >"$OUT/ceiling.log" 2>&1 &
PIDS+=($!); CEILING_PID=$!
"$CEILING" --bind 127.0.0.1:18703 --body "$OUT/w5-response.json" >"$OUT/ceiling-w5.log" 2>&1 &
PIDS+=($!); CEILING_W5_PID=$!
"$CEILING" --bind 127.0.0.1:18704 --body "$OUT/w6-response.json" >"$OUT/ceiling-w6.log" 2>&1 &
PIDS+=($!); CEILING_W6_PID=$!
"$CEILING" --bind 127.0.0.1:18705 --body "$OUT/w7-response.json" >"$OUT/ceiling-w7.log" 2>&1 &
PIDS+=($!); CEILING_W7_PID=$!
"$CEILING" --bind 127.0.0.1:18706 --body "$OUT/w11-response.json" >"$OUT/ceiling-w11.log" 2>&1 &
PIDS+=($!); CEILING_W11_PID=$!
node benches/peer/server.js --port 18701 --wsdl "$OUT/peer.wsdl" --data "$OUT/peer-data.json" --token="$TOKEN" >"$OUT/peer.log" 2>"$OUT/peer.err" &
PIDS+=($!); PEER_PID=$!
for _ in $(seq 1 600); do grep -q "peer listening" "$OUT/peer.log" 2>/dev/null && break; sleep 0.2; done
TARGETS="lmsbridge:18699 ceiling:18700 peer:18701"
if [ -n "${BASELINE:-}" ]; then
  LMSBRIDGE_LOG=warn "$BASELINE" --database-url "$SQLITE_URL" serve --bind 127.0.0.1:18702 >"$OUT/baseline.log" 2>&1 &
  PIDS+=($!); BASELINE_PID=$!
  wait_for "http://127.0.0.1:18702/readyz"
  TARGETS="lmsbridge:18699 baseline:18702 ceiling:18700 peer:18701"
fi
for round in $(seq 1 "$ROUNDS"); do
  for target in $TARGETS; do
    echo "   round $round: ${target%:*}"
    w1 "${target#*:}" | sed "s/^/${target%:*} /" >> "$OUT/w1-rounds.txt"
  done
  for target in lmsbridge:18699 ceiling:18703; do
    echo "   round $round: W5 ${target%:*}"
    w5 "${target#*:}" | sed "s/^/${target%:*} /" >> "$OUT/w5-rounds.txt"
  done
  for target in lmsbridge:18699 ceiling:18704; do
    echo "   round $round: W6 ${target%:*}"
    rhythm W6 "$OUT/sqlite-w6.txt" "${target#*:}" | sed "s/^/${target%:*} /" >> "$OUT/w6-rounds.txt"
  done
  for target in lmsbridge:18699 ceiling:18705; do
    echo "   round $round: W7 ${target%:*}"
    rhythm W7 "$OUT/sqlite-w7.txt" "${target#*:}" | sed "s/^/${target%:*} /" >> "$OUT/w7-rounds.txt"
  done
  for target in lmsbridge:18699 ceiling:18706; do
    echo "   round $round: W11 ${target%:*}"
    w11 "${target#*:}" | sed "s/^/${target%:*} /" >> "$OUT/w11-rounds.txt"
  done
done
# median NAME [FILE] -> NAME's median round (requests/s p50 p99 non-200), then every round's requests/s in order
median() {
  local rounds file=${2:-$OUT/w1-rounds.txt}
  rounds=$(awk -v name="$1" '$1 == name { printf "%s%s", sep, $4; sep = ", " }' "$file")
  awk -v name="$1" '$1 == name { print $4, $6, $8, $10 }' "$file" | sort -n |
    awk -v rounds="$rounds" '{ line[NR] = $0 } END { print line[int((NR + 1) / 2)], rounds }'
}
# ratio NAME BASE [FILE] -> the median over rounds of NAME's requests/s over BASE's in the same round (each
# round measures both back to back, so the machine's drift between rounds cancels), then each round's
ratio() {
  local rounds
  rounds=$(awk -v a="$1" -v b="$2" '$1 == a { x[++n] = $4 } $1 == b { y[++m] = $4 } END { for (i = 1; i <= n; i++) print 100 * x[i] / y[i] }' "${3:-$OUT/w1-rounds.txt}")
  printf '%s (rounds: %s)' "$(sort -n <<< "$rounds" | awk '{ r[NR] = $1 } END { printf "%.0f %%", r[int((NR + 1) / 2)] }')" \
    "$(awk '{ printf "%s%.0f", sep, $1; sep = ", " }' <<< "$rounds")"
}
read -r W1_sqlite p50 p99 errors rest < <(median lmsbridge)
echo "| W1 one learner | sqlite | $W1_sqlite requests/s, p50 $p50 ms, p99 $p99 ms (median of $ROUNDS rounds: $rest) | $errors non-200 |" >> "$RESULTS"
if [ -n "${BASELINE:-}" ]; then
  read -r baseline p50 p99 errors rest < <(median baseline)
  echo "| W1 one learner, baseline ($BASELINE) | sqlite | $baseline requests/s, p50 $p50 ms, p99 $p99 ms (median of $ROUNDS rounds: $rest) | $errors non-200 |" >> "$RESULTS"
  kill "$BASELINE_PID"
fi
read -r ceiling p50 p99 _ rest < <(median ceiling)
echo "| W1 ceiling (fixed answer, actix) | - | $ceiling requests/s, p50 $p50 ms, p99 $p99 ms (median of $ROUNDS rounds: $rest) | $(wc -c < "$OUT/w1-response.xml") bytes a response |" >> "$RESULTS"
read -r peer p50 p99 _ rest < <(median peer)
echo "| W1 peer (node-soap, in memory) | - | $peer requests/s, p50 $p50 ms, p99 $p99 ms (median of $ROUNDS rounds: $rest) | peak RSS $(peak_rss_mib "$PEER_PID") MiB |" >> "$RESULTS"
read -r W5_sqlite p50 p99 errors rest < <(median lmsbridge "$OUT/w5-rounds.txt")
echo "| W5 Skillable GetClassEnrollment by id | sqlite | $W5_sqlite requests/s, p50 $p50 ms, p99 $p99 ms (median of $ROUNDS rounds: $rest) | $errors not Status 0 |" >> "$RESULTS"
read -r W5_ceiling p50 p99 _ rest < <(median ceiling "$OUT/w5-rounds.txt")
echo "| W5 ceiling (fixed answer, actix) | - | $W5_ceiling requests/s, p50 $p50 ms, p99 $p99 ms (median of $ROUNDS rounds: $rest) | $(wc -c < "$OUT/w5-response.json") bytes a response |" >> "$RESULTS"
read -r W6_sqlite p50 p99 errors rest < <(median lmsbridge "$OUT/w6-rounds.txt")
echo "| W6 Rhythm course registration by id | sqlite | $W6_sqlite requests/s, p50 $p50 ms, p99 $p99 ms (median of $ROUNDS rounds: $rest) | $errors non-200 |" >> "$RESULTS"
read -r W6_ceiling p50 p99 _ rest < <(median ceiling "$OUT/w6-rounds.txt")
echo "| W6 ceiling (fixed answer, actix) | - | $W6_ceiling requests/s, p50 $p50 ms, p99 $p99 ms (median of $ROUNDS rounds: $rest) | $(wc -c < "$OUT/w6-response.json") bytes a response |" >> "$RESULTS"
read -r W7_sqlite p50 p99 errors rest < <(median lmsbridge "$OUT/w7-rounds.txt")
echo "| W7 Rhythm registrations of a student | sqlite | $W7_sqlite requests/s, p50 $p50 ms, p99 $p99 ms (median of $ROUNDS rounds: $rest) | $errors non-200 |" >> "$RESULTS"
read -r W7_ceiling p50 p99 _ rest < <(median ceiling "$OUT/w7-rounds.txt")
echo "| W7 ceiling (fixed answer, actix) | - | $W7_ceiling requests/s, p50 $p50 ms, p99 $p99 ms (median of $ROUNDS rounds: $rest) | $(wc -c < "$OUT/w7-response.json") bytes a response |" >> "$RESULTS"
read -r W11_sqlite p50 p99 errors rest < <(median lmsbridge "$OUT/w11-rounds.txt")
echo "| W11 Keepnet enrollments search, first page | sqlite | $W11_sqlite requests/s, p50 $p50 ms, p99 $p99 ms (median of $ROUNDS rounds: $rest) | $errors non-200 |" >> "$RESULTS"
read -r W11_ceiling p50 p99 _ rest < <(median ceiling "$OUT/w11-rounds.txt")
echo "| W11 ceiling (fixed answer, actix) | - | $W11_ceiling requests/s, p50 $p50 ms, p99 $p99 ms (median of $ROUNDS rounds: $rest) | $(wc -c < "$OUT/w11-response.json") bytes a response |" >> "$RESULTS"
kill "$MAIN" "$CEILING_PID" "$CEILING_W5_PID" "$CEILING_W6_PID" "$CEILING_W7_PID" "$CEILING_W11_PID" "$PEER_PID"

echo "== W1 on PostgreSQL and pgbench -S -M prepared (the database alone), $ROUNDS interleaved rounds"
# pgbench runs one indexed select per transaction on a scratch database of scale 10, with as many
# connections as wrk opens: what this PostgreSQL itself answers on this machine. CPU times come from
# /proc over each lmsbridge round: the server's own, and every PostgreSQL process's.
PGBENCH_URL=$(database lmsbridge_pgbench postgres)
pgbench -i -s 10 -q "$PGBENCH_URL" >"$OUT/pgbench-init.log" 2>&1
TOKEN=$(cat "$OUT/postgres.token")
serve "$PG_URL" 18698
PG_MAIN=$SERVER
cpu_ticks() { for pid in "$@"; do awk '{ print $14 + $15 }' "/proc/$pid/stat" 2>/dev/null || true; done | awk '{ t += $1 } END { print t + 0 }'; }
rm -f "$OUT/w1pg-rounds.txt" "$OUT/w1pg-cpu.txt"
for round in $(seq 1 "$ROUNDS"); do
  echo "   round $round: lmsbridge on PostgreSQL"
  PG_PIDS=$(pgrep -u postgres -x postgres | tr '\n' ' ')
  server_before=$(cpu_ticks "$PG_MAIN"); pg_before=$(cpu_ticks $PG_PIDS)
  w1 18698 | sed "s/^/lmsbridge /" | tee -a "$OUT/w1pg-rounds.txt" > "$OUT/w1pg-round.txt"
  server_after=$(cpu_ticks "$PG_MAIN"); pg_after=$(cpu_ticks $PG_PIDS)
  awk -v d="$DURATION" -v hz="$(getconf CLK_TCK)" -v s=$((server_after - server_before)) -v p=$((pg_after - pg_before)) \
    '{ n = $4 * d; printf "%.1f %.1f\n", 1e6 * s / hz / n, 1e6 * p / hz / n }' "$OUT/w1pg-round.txt" >> "$OUT/w1pg-cpu.txt"
  echo "   round $round: pgbench"
  pgbench -n -S -M prepared -c 64 -j 2 -T "$DURATION" "$PGBENCH_URL" 2>/dev/null |
    awk '/^latency average/ { lat = $4 } /^tps/ { tps = $3 } END { printf "pgbench W1 requests/s %.0f p50_ms %s p99_ms - non200 0\n", tps, lat }' >> "$OUT/w1pg-rounds.txt"
done
kill "$PG_MAIN"
read -r W1_postgres p50 p99 errors rest < <(median lmsbridge "$OUT/w1pg-rounds.txt")
echo "| W1 one learner | postgres | $W1_postgres requests/s, p50 $p50 ms, p99 $p99 ms (median of $ROUNDS rounds: $rest) | $errors non-200 |" >> "$RESULTS"
read -r pgbench_tps latency _ _ rest < <(median pgbench "$OUT/w1pg-rounds.txt")
echo "| pgbench -S -M prepared -c 64 (scale 10) | postgres | $pgbench_tps transactions/s, mean latency $latency ms (median of $ROUNDS rounds: $rest) | one indexed select each, no HTTP |" >> "$RESULTS"
read -r cpu_server cpu_pg < <(sort -n "$OUT/w1pg-cpu.txt" | awk '{ l[NR] = $0 } END { print l[int((NR + 1) / 2)] }')
echo "| W1 CPU per request on PostgreSQL | postgres | lmsbridge ${cpu_server} µs, PostgreSQL ${cpu_pg} µs (median round; rounds: $(awk '{ printf "%s%s+%s", sep, $1, $2; sep = ", " }' "$OUT/w1pg-cpu.txt")) | from /proc, over each W1 round |" >> "$RESULTS"

{
  echo
  echo "Ratios are the median of each round's ratio (both measured back to back in the round)."
  echo "W1 on SQLite: $(ratio lmsbridge ceiling) of the ceiling, $(awk -v a="$W1_sqlite" -v b="$peer" 'BEGIN{printf "%.1f", a/b}') x the peer."
  echo "W5 on SQLite: $(ratio lmsbridge ceiling "$OUT/w5-rounds.txt") of its ceiling."
  echo "W6 on SQLite: $(ratio lmsbridge ceiling "$OUT/w6-rounds.txt") of its ceiling."
  echo "W7 on SQLite: $(ratio lmsbridge ceiling "$OUT/w7-rounds.txt") of its ceiling."
  echo "W11 on SQLite: $(ratio lmsbridge ceiling "$OUT/w11-rounds.txt") of its ceiling."
  [ -z "${BASELINE:-}" ] || echo "W1 on SQLite against the baseline: $(awk -v a="$W1_sqlite" -v b="$baseline" 'BEGIN{printf "%.1f %%", 100*a/b}') of its requests/s."
  echo "W1 on PostgreSQL: $(ratio lmsbridge pgbench "$OUT/w1pg-rounds.txt") of pgbench -S -M prepared with as many connections, $(awk -v a="$W1_postgres" -v b="$ceiling" 'BEGIN{printf "%.0f %%", 100*a/b}') of the ceiling, $(awk -v a="$W1_postgres" -v b="$peer" 'BEGIN{printf "%.1f", a/b}') x the peer."
  echo
  echo "Request decoding and response encoding alone (criterion, median throughput):"
  echo
} >> "$RESULTS"
cargo bench -q --bench codec -- --warm-up-time 1 --measurement-time 3 2>/dev/null | awk '
  /^[a-zA-Z].*\// { name = $0 }
  /thrpt:/ && name != "" { gsub(/[\[\]]/, ""); printf "- %s: %s %s\n", name, $4, $5; name = "" }' >> "$RESULTS"
echo
cat "$RESULTS"
