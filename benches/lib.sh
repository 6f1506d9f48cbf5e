# Shared by the benchmark scripts: start a server, time a request, make a fresh database.
# Expects BIN (the lmsbridge binary), OUT (a results folder), RESULTS (its table), PG_ADMIN and PIDS.
soap() { # soap PORT BODY-FILE -> curl timing line: first_byte total bytes
  curl -s -o /dev/null -w '%{time_starttransfer} %{time_total} %{size_download}\n' \
    -H 'Content-Type: text/xml; charset=utf-8' --data-binary @"$2" "http://127.0.0.1:$1/api/v2/soap/2.0"
}
wait_for() { for _ in $(seq 1 100); do curl -sf "$1" >/dev/null 2>&1 && return 0; sleep 0.1; done; echo "no answer from $1" >&2; return 1; }
serve() { # serve URL PORT -> pid (no request rate limit: the load is the point)
  LMSBRIDGE_LOG=warn LMSBRIDGE_RHYTHM_RATE_LIMIT=0 "$BIN" --database-url "$1" serve --bind "127.0.0.1:$2" >"$OUT/serve-$2.log" 2>&1 &
  PIDS+=($!)
  wait_for "http://127.0.0.1:$2/readyz"
  SERVER=$!
}
peak_rss_mib() { awk '/VmHWM/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status"; }
envelope() { printf '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns="http://ispringlearn.com/go/services/api/soap"><soap:Body>%s</soap:Body></soap:Envelope>' "$1"; }
database() { # database NAME BACKEND -> URL (fresh)
  if [ "$2" = sqlite ]; then rm -f "$OUT/$1.db" "$OUT/$1.db-wal" "$OUT/$1.db-shm"; echo "$OUT/$1.db"
  else psql -q "$PG_ADMIN" -c "DROP DATABASE IF EXISTS $1 WITH (FORCE)" -c "CREATE DATABASE $1" >/dev/null; echo "${PG_ADMIN%/*}/$1"; fi
}
w2() { # w2 URL PORT LABEL
  serve "$1" "$2"
  envelope "<GetEnrollmentsRequest><credentials><token>$(cat "$3.token")</token></credentials></GetEnrollmentsRequest>" > "$OUT/w2.xml"
  read -r first total bytes < <(soap "$2" "$OUT/w2.xml")
  echo "| W2 whole account | $4 | first byte $(awk -v t="$first" 'BEGIN{printf "%.3f", t}') s, total $(awk -v t="$total" 'BEGIN{printf "%.2f", t}') s, $(awk -v b="$bytes" -v t="$total" 'BEGIN{printf "%.0f MB at %.0f MB/s", b/1e6, b/1e6/t}') | peak RSS $(peak_rss_mib "$SERVER") MiB |" >> "$RESULTS"
  kill "$SERVER"; wait "$SERVER" 2>/dev/null || true
}
