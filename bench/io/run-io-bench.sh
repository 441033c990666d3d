#!/usr/bin/env bash
# The engine I/O benchmark in one command (issue 4, section 5). Builds the benchmarks, then:
#   1. ingest: events/s through the http and websocket-server sources into a filter query;
#   2. fan-out: rivulet run vs the Node.js ws server (the peer) vs the C epoll floor server,
#      same load client (../shared/fanout-kit), same run: 100 clients x 1,000 events/s,
#      the highest rate each sustains at 100 clients (>= 95% delivered), 1,000 clients x 50
#      events/s, and memory per idle client at 1,000 clients.
# Usage: bench/io/run-io-bench.sh [--quick]      (prints JSON lines and a summary table)
set -euo pipefail
cd "$(dirname "$0")/../.."
KIT=${KIT:-../shared/fanout-kit}
OUT=${KIT_OUT:-/tmp/fanout-kit}
BUILD=${RIVULET_BENCH_DIR:-build-bench}
QUICK=0; [[ ${1:-} == --quick ]] && QUICK=1
DUR=${DURATION:-5}

cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DRIVULET_BUILD_STUDIO=OFF \
      -DRIVULET_BUILD_TESTS=OFF -DRIVULET_BUILD_BENCH=ON >/dev/null
cmake --build "$BUILD" --target rivulet ingestbench >/dev/null
[[ -d $OUT/node_modules/ws ]] || npm install --prefix "$OUT" ws@8 >/dev/null 2>&1
make -s -C "$KIT/fanout-c" OUT="$OUT" && make -s -C "$KIT/floor-server" OUT="$OUT"
RIVULET=$BUILD/bin/rivulet

echo "== ingest"
"$BUILD/bin/ingestbench" --rivulet "$RIVULET" --seconds "$DUR"
"$BUILD/bin/ingestbench" --rivulet "$RIVULET" --seconds "$DUR" --batch 50

fields='per_sec,expected_per_sec,delivered_ratio,p50_ms,p99_ms,server_cpu_pct,server_rss_kb_per_client'
summary() { python3 -c "
import json,sys
d=json.loads(sys.stdin.read().strip().splitlines()[-1])
us=d['server_cpu_pct']*10000/max(d['per_sec'],1)
print('%-8s %5d clients %6d ev/s: %9d deliveries/s (%.0f%%)  p50 %.2f ms  p99 %.2f ms  cpu %5.1f%% = %.2f us/delivery  rss %.1f KB/client' % (
  sys.argv[1], d['clients'], d['rate'], d['per_sec'], 100*d['delivered_ratio'], d['p50_ms'], d['p99_ms'], d['server_cpu_pct'], us, d['server_rss_kb_per_client']))
print(json.dumps(d), file=sys.stderr)" "$1"; }
port=18100
point() { # name clients rate
    local name=$1 clients=$2 rate=$3; port=$((port + 1))
    case $name in
    rivulet) FEED_PORT=$((port + 500)) CLIENTS=$clients RATE=$rate DURATION=$DUR PORT=$port PIN=1 \
             FEED_URL=http://127.0.0.1:$((port + 500))/trains "$KIT/run-fanout.sh" \
             "$RIVULET" run bench/io/fanout.siddhi --log-level WARN ;;
    ws)      CLIENTS=$clients RATE=$rate DURATION=$DUR PORT=$port PIN=1 NODE_PATH=$OUT/node_modules \
             "$KIT/run-fanout.sh" node "$KIT/ws-broadcast-server.js" --port {PORT} --rate {RATE} \
             --duration {DURATION} --start-clients {CLIENTS} ;;
    floor)   CLIENTS=$clients RATE=$rate DURATION=$DUR PORT=$port PIN=1 "$KIT/run-fanout.sh" \
             "$OUT/floor" --port {PORT} --rate {RATE} --duration {DURATION} --start-clients {CLIENTS} ;;
    floor-batch) CLIENTS=$clients RATE=$rate DURATION=$DUR PORT=$port PIN=1 "$KIT/run-fanout.sh" \
             "$OUT/floor" --port {PORT} --rate {RATE} --duration {DURATION} --start-clients {CLIENTS} --batch ;;
    esac 2>/dev/null | summary "$name"
}

echo "== fan-out: 100 clients x 1,000 events/s"
for s in rivulet ws floor floor-batch; do point $s 100 1000; done
echo "== fan-out: highest sustained rate at 100 clients"
rates="2000 5000 10000 20000"; [[ $QUICK == 1 ]] && rates="5000 10000"
for s in ws rivulet; do for r in $rates; do point $s 100 "$r"; done; done
echo "== fan-out: 1,000 clients x 50 events/s"
for s in rivulet ws floor floor-batch; do point $s 1000 50; done
echo "== memory per idle client (1,000 clients, 1 event/s)"
for s in rivulet ws floor; do point $s 1000 1; done
