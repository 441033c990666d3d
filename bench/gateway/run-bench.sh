#!/usr/bin/env bash
# The gateway benchmark (docs/PERFORMANCE.md, "Gateway"): fan-out through the API gateway to
# authenticated subscribers on many topics, beside the raw websocket-server sink, with the same
# load client (../shared/fanout-kit/fanout-c), and authenticated handshakes per second.
#
#   bench/gateway/run-bench.sh [--subscribers 1000] [--topics 100] [--rate 50[,100,...]]
#                              [--duration 10] [--handshakes 2000] [--pin]
#                              [--only raw|gateway|handshakes]
#
# --rate is the events per second each subscriber receives: the raw sink gets RATE events/s
# (each to every client), the gateway RATE x TOPICS events/s (each to one topic's subscribers),
# so both deliver SUBSCRIBERS x RATE events/s when they keep up. A list of rates measures each
# (the raw sink at every rate, then the gateway at every rate) and ends with a line per rate
# comparing the two: what the gateway delivered as a share of the raw sink, and the server's
# CPU per delivery of each. Subscribers are split into one
# load-client process per topic (the client connects all its connections to one URL); one more
# process feeds the events (POST to the app's http source). --pin puts the server and the
# feeder on CPU 0 and the client processes on CPU 1. Needs a build with the rivulet binary (build/bin/rivulet) and node.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
RIVULET=${RIVULET:-$root/build/bin/rivulet}
KIT=${KIT:-$root/../shared/fanout-kit}
KIT_OUT=${KIT_OUT:-/tmp/fanout-kit}
SUBSCRIBERS=1000 TOPICS=100 RATES=50 RATE=50 DURATION=10 WARMUP=2 HANDSHAKES=2000 PIN=0 ONLY=
while (($#)); do
    case $1 in
    --subscribers) SUBSCRIBERS=$2; shift 2 ;;
    --topics) TOPICS=$2; shift 2 ;;
    --rate) RATES=${2//,/ }; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    --handshakes) HANDSHAKES=$2; shift 2 ;;
    --pin) PIN=1; shift ;;
    --only) ONLY=$2; shift 2 ;;
    *) sed -n '2,17p' "$0"; exit 2 ;;
    esac
done
((SUBSCRIBERS % TOPICS == 0)) || { echo "--subscribers must be a multiple of --topics" >&2; exit 2; }
PER_TOPIC=$((SUBSCRIBERS / TOPICS))
make -s -C "$KIT/fanout-c" OUT="$KIT_OUT" >&2
FANOUT=$KIT_OUT/fanout
spin=() cpin=() fpin=()
((PIN)) && spin=(taskset -c 0) cpin=(taskset -c 1) fpin=(taskset -c 0)

WORK=$(mktemp -d /tmp/rivulet-gwbench.XXXXXX)
SERVER=
cleanup() {
    [[ -n $SERVER ]] && kill -TERM "$SERVER" 2>/dev/null && wait "$SERVER" 2>/dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT

read -r WS_PORT HTTP_PORT FEED_PORT RAW_PORT <<<"$(node -e '
    const net = require("net"); const s = [];
    let n = 0; for (let i = 0; i < 4; i++) s.push(net.createServer().listen(0, "127.0.0.1", () => {
        if (++n === 4) { console.log(s.map(x => x.address().port).join(" ")); s.forEach(x => x.close()); } }));')"
export WS_PORT HTTP_PORT FEED_PORT RAW_PORT BENCH_DIR=$WORK/data
cp "$here"/bench.yaml "$here"/bench-api.yaml "$here"/raw.siddhi "$WORK/"
sed "s/count() % 100 as topic/count() % $TOPICS as topic/" "$here/gateway.siddhi" >"$WORK/gateway.siddhi"

start_server() { # start_server ARGS...: waits until the log says it serves
    : >"$WORK/server.log"
    "${spin[@]}" "$RIVULET" run "$@" >"$WORK/server.log" 2>&1 &
    SERVER=$!
    for _ in $(seq 200); do
        grep -q "started from" "$WORK/server.log" && { [[ $* != *--config* ]] || grep -q "gateway: serving" "$WORK/server.log"; } && return 0
        kill -0 "$SERVER" 2>/dev/null || break
        sleep 0.1
    done
    echo "the server did not start:" >&2
    cat "$WORK/server.log" >&2
    exit 1
}
stop_server() {
    kill -TERM "$SERVER"
    wait "$SERVER" || true
    SERVER=
}

# One fan-out measurement: a load-client process per URL (PER_TOPIC connections each) plus a
# feeder; prints one JSON summary line.
measure() { # measure LABEL FEED_RATE AUTH URL...
    local label=$1 feed=$2 auth=$3
    shift 3
    local i=0 pids=()
    local args=(--duration "$DURATION" --warmup "$WARMUP" --rate "$RATE" --connect-timeout 30)
    [[ -n $auth ]] && args+=(--auth "$auth")
    for url in "$@"; do
        "${cpin[@]}" "$FANOUT" --url "$url" --clients "$PER_TOPIC" "${args[@]}" \
            >"$WORK/client.$i.json" 2>>"$WORK/clients.err" &
        pids+=($!)
        i=$((i + 1))
    done
    # The feeder starts after the subscribers connect (the clients wait for their own
    # connections, then warm up): it holds one connection of its own and the server's pid.
    "${fpin[@]}" "$FANOUT" --url "$1" --clients 1 --duration "$DURATION" --warmup "$WARMUP" \
        --rate "$feed" --feed-url "http://127.0.0.1:$FEED_PORT/trains" --server-pid "$SERVER" \
        ${auth:+--auth "$auth"} >"$WORK/feeder.json" 2>>"$WORK/clients.err"
    wait "${pids[@]}"
    node -e '
        const fs = require("fs");
        const [label, dir, n, seconds, subscribers, rate] = process.argv.slice(1);
        const runs = [...Array(Number(n)).keys()].map(i => JSON.parse(fs.readFileSync(`${dir}/client.${i}.json`)));
        const feeder = JSON.parse(fs.readFileSync(`${dir}/feeder.json`));
        const received = runs.reduce((s, r) => s + r.received, 0);
        const p99s = runs.map(r => r.p99_ms).filter(x => x != null).sort((a, b) => a - b);
        const p50s = runs.map(r => r.p50_ms).filter(x => x != null).sort((a, b) => a - b);
        console.log(JSON.stringify({
            mode: label, subscribers: Number(subscribers), connected: runs.reduce((s, r) => s + r.connected, 0),
            rate_per_subscriber: Number(rate), expected_per_s: Number(subscribers) * Number(rate),
            deliveries_per_s: Math.round(received / Number(seconds)),
            delivered_ratio: Math.round(received / Number(seconds) / (Number(subscribers) * Number(rate)) * 1000) / 1000,
            p50_ms_median: p50s[Math.floor(p50s.length / 2)], p99_ms_median: p99s[Math.floor(p99s.length / 2)],
            p99_ms_max: p99s[p99s.length - 1],
            server_cpu_pct: feeder.server_cpu_pct,
            server_cpu_us_per_delivery: Math.round(feeder.server_cpu_pct * 10000 / Math.max(1, received / Number(seconds)) * 100) / 100,
            server_rss_kb: feeder.server_rss_kb_end,
            feed: feeder.feed }));' "$label" "$WORK" "$i" "$DURATION" "$SUBSCRIBERS" "$RATE"
}

if [[ -z $ONLY || $ONLY == raw ]]; then
    start_server "$WORK/raw.siddhi"
    urls=()
    for ((t = 0; t < TOPICS; t++)); do urls+=("ws://127.0.0.1:$RAW_PORT/"); done
    for RATE in $RATES; do
        measure raw-sink "$RATE" "" "${urls[@]}" | tee -a "$WORK/results.jsonl"
    done
    stop_server
fi

if [[ -z $ONLY || $ONLY != raw ]]; then
    export BENCH_HASH
    BENCH_HASH=$("$RIVULET" user hash-password --password bench)
    start_server --config "$WORK/bench.yaml"
    portal=("$RIVULET" devportal --url "http://127.0.0.1:$HTTP_PORT" -u bench -p bench)
    keys=$("${portal[@]}" create-application Bench 2>/dev/null)
    client=$(awk '/^client id:/{print $3}' <<<"$keys")
    secret=$(awk '/^client secret:/{print $3}' <<<"$keys")
    "${portal[@]}" subscribe Bench BenchAPI:1.0.0 --policy AsyncUnlimited >/dev/null
    token=$("$RIVULET" token --url "http://127.0.0.1:$HTTP_PORT" --client-id "$client" \
        --client-secret "$secret" 2>/dev/null)
    if [[ -z $ONLY || $ONLY == gateway ]]; then
        urls=()
        for ((t = 0; t < TOPICS; t++)); do urls+=("ws://127.0.0.1:$WS_PORT/bench/1.0.0/train-$t"); done
        for RATE in $RATES; do
            measure gateway "$((RATE * TOPICS))" "Bearer $token" "${urls[@]}" | tee -a "$WORK/results.jsonl"
        done
    fi
    if [[ -z $ONLY || $ONLY == handshakes ]]; then
        # Authenticated handshakes: the load client's connect phase (100 in flight).
        for run in 1 2 3; do
            "${cpin[@]}" "$FANOUT" --url "ws://127.0.0.1:$WS_PORT/bench/1.0.0/train-1" \
                --clients "$HANDSHAKES" --duration 0.2 --warmup 0 --connect-concurrency 100 \
                --auth "Bearer $token" >"$WORK/hs.json" 2>>"$WORK/clients.err"
            node -e '
                const r = JSON.parse(require("fs").readFileSync(process.argv[1]));
                console.log(JSON.stringify({ mode: "handshakes", run: Number(process.argv[2]),
                    connected: r.connected, failures: r.connect_failures, seconds: r.connect_s,
                    handshakes_per_s: Math.round(r.connected / r.connect_s) }));' "$WORK/hs.json" "$run"
        done
    fi
    stop_server
    if [[ -z $ONLY || $ONLY == handshakes ]]; then
        start_server "$WORK/raw.siddhi"
        for run in 1 2 3; do
            "${cpin[@]}" "$FANOUT" --url "ws://127.0.0.1:$RAW_PORT/" --clients "$HANDSHAKES" \
                --duration 0.2 --warmup 0 --connect-concurrency 100 >"$WORK/hs.json" 2>>"$WORK/clients.err"
            node -e '
                const r = JSON.parse(require("fs").readFileSync(process.argv[1]));
                console.log(JSON.stringify({ mode: "handshakes-raw-sink (no auth)", run: Number(process.argv[2]),
                    connected: r.connected, failures: r.connect_failures, seconds: r.connect_s,
                    handshakes_per_s: Math.round(r.connected / r.connect_s) }));' "$WORK/hs.json" "$run"
        done
        stop_server
    fi
fi

# The gateway beside the raw sink at each rate (when both were measured).
if [[ -s $WORK/results.jsonl ]]; then node -e '
    const rows = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").map(JSON.parse);
    for (const g of rows.filter(r => r.mode === "gateway")) {
        const r = rows.find(x => x.mode === "raw-sink" && x.rate_per_subscriber === g.rate_per_subscriber);
        if (!r) continue;
        console.log(JSON.stringify({ mode: "gateway vs raw sink", rate_per_subscriber: g.rate_per_subscriber,
            deliveries_per_s: [g.deliveries_per_s, r.deliveries_per_s],
            delivered_ratio: [g.delivered_ratio, r.delivered_ratio],
            gateway_share_of_raw: Math.round(g.deliveries_per_s / r.deliveries_per_s * 1000) / 1000,
            p99_ms_median: [g.p99_ms_median, r.p99_ms_median],
            server_cpu_us_per_delivery: [g.server_cpu_us_per_delivery, r.server_cpu_us_per_delivery] }));
    }' "$WORK/results.jsonl"; fi
