# Helpers for the gateway's end-to-end tests: a deployment on free ports in a temporary folder,
# the real `rivulet` binary, and the clients a user would use (curl, wscat under `script`, since
# wscat prints only to a terminal). Every wait is on a condition, with a timeout.
# Usage: source lib.sh RIVULET_BINARY
set -euo pipefail

RIVULET=${1:?usage: $0 path/to/rivulet}
RIVULET=$(readlink -f "$RIVULET")
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SAMPLES=$(cd "$HERE/../../../resources/samples" && pwd)

# wscat: the pinned copy `npm ci` puts in tests/e2e/node_modules, else the one on the PATH.
WSCAT=$HERE/../node_modules/.bin/wscat
[[ -x $WSCAT ]] || WSCAT=wscat
for tool in curl "$WSCAT" script node; do
    if ! command -v "$tool" >/dev/null; then
        echo "SKIP: $tool is not installed (scripts/setup.sh installs it)"
        [[ ${CI:-} == true ]] && exit 1
        exit 77
    fi
done

WORK=$(mktemp -d /tmp/rivulet-e2e.XXXXXX)
export XDG_DATA_HOME=$WORK/data
PIDS=()
GATEWAY_PID=

cleanup() {
    local status=$?
    for pid in "${PIDS[@]}" $GATEWAY_PID; do
        kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    done
    wait 2>/dev/null || true
    if [[ $status -ne 0 && -f $WORK/gateway.log ]]; then
        echo "--- gateway log ($WORK/gateway.log):"
        tail -30 "$WORK/gateway.log"
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

pass() {
    echo "ok - $*"
}

# N free TCP ports on 127.0.0.1, from the kernel (held together, then released).
free_ports() {
    node -e '
        const net = require("net");
        const n = Number(process.argv[1]);
        const servers = [];
        let ready = 0;
        for (let i = 0; i < n; i++) {
            const s = net.createServer().listen(0, "127.0.0.1", () => {
                if (++ready === n) {
                    console.log(servers.map(x => x.address().port).join(" "));
                    servers.forEach(x => x.close());
                }
            });
            servers.push(s);
        }' "$1"
}

now_ms() {
    local us=${EPOCHREALTIME//[.,]/}
    echo $((us / 1000))
}

# Waits until the command succeeds, polling every 50 ms, for at most $1 milliseconds.
wait_until() {
    local timeout=$1
    shift
    local deadline=$(($(now_ms) + timeout))
    while ! "$@" >/dev/null 2>&1; do
        (($(now_ms) < deadline)) || return 1
        sleep 0.05
    done
}

# The text of a wscat capture, without terminal escapes and carriage returns.
clean() {
    sed -e 's/\x1b\[[0-9;]*[A-Za-z]//g' -e 's/\r//g' "$1"
}

has() { # has FILE TEXT: the cleaned capture contains TEXT
    clean "$1" | grep -qF -- "$2"
}

count() { # count FILE TEXT
    clean "$1" | grep -cF -- "$2" || true
}

# Ports, app, API and config: the sample deployment with its ports moved to free ones.
# Extra YAML for the config can be given on standard input of write_config.
make_deployment() {
    read -r WS WSS HTTPS HTTP FEED WSFEED RAW <<<"$(free_ports 7)"
    export WS WSS HTTPS HTTP FEED WSFEED RAW
    mkdir -p "$WORK/deploy"
    sed -e "s/8006/$FEED/" -e "s/8026/$WSFEED/" -e "s/8025/$RAW/" \
        "$SAMPLES/TrainLocation.siddhi" >"$WORK/deploy/TrainLocation.siddhi"
    cp "$SAMPLES/TrainRealLocationAPI.yaml" "$WORK/deploy/"
    sed -e "s/port: 9099/port: $WS/" -e "s/port: 8099/port: $WSS/" \
        -e "s/port: 9443/port: $HTTPS/" -e "s/port: 9763/port: $HTTP/" \
        "$SAMPLES/rivulet.yaml" >"$WORK/deploy/rivulet.yaml"
    CONFIG=$WORK/deploy/rivulet.yaml
    CA=$XDG_DATA_HOME/rivulet/tls/gateway.crt
    API=ws://localhost:$WS/t/quantis.com/train/location/1.0.0
    export CONFIG CA API
}

start_gateway() {
    setsid "$RIVULET" run --config "$CONFIG" >>"$WORK/gateway.log" 2>&1 &
    GATEWAY_PID=$!
    wait_until 20000 grep -q "gateway: serving" "$WORK/gateway.log" ||
        fail "the gateway did not start: $(tail -5 "$WORK/gateway.log")"
}

stop_gateway() {
    kill -TERM "$GATEWAY_PID"
    wait "$GATEWAY_PID" || fail "rivulet run did not exit 0 on SIGTERM"
    GATEWAY_PID=
    : >"$WORK/gateway.log"
}

# wscat in a pseudo-terminal, in the background; its output goes to the file.
wscat_to() {
    local out=$1
    shift
    local cmd=$WSCAT
    for a in "$@"; do cmd+=" $(printf '%q' "$a")"; done
    setsid bash -c "sleep 600 | script -qfc $(printf '%q' "$cmd") /dev/null" >"$out" 2>&1 &
    PIDS+=($!)
}

connected() { has "$1" "Connected (press CTRL+C to quit)"; }

# A train's location into the app's http source.
feed() {
    curl -sf -X POST -H 'Content-Type: application/json' \
        -d "{\"event\":{\"trainId\":\"$1\",\"latitude\":${2:-6.9271},\"longitude\":79.8612,\"speed\":62.5,\"timestamp\":1700000000000}}" \
        "http://127.0.0.1:$FEED/trains" >/dev/null
}

# The HTTP status of a WebSocket handshake made with curl (extra curl arguments follow).
handshake() {
    local url=$1
    shift
    curl -s -o /dev/null -w '%{http_code}' --max-time 5 --http1.1 \
        -H 'Connection: Upgrade' -H 'Upgrade: websocket' -H 'Sec-WebSocket-Version: 13' \
        -H 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==' "$@" "${url/ws:/http:}" || true
}

expect_handshake() { # expect_handshake STATUS DESCRIPTION URL [curl args...]
    local expected=$1 what=$2 url=$3
    shift 3
    local got
    # After a 101 curl waits for a body that never comes: give it a second only.
    [[ $expected == 101 ]] && set -- --max-time 1 "$@"
    got=$(handshake "$url" "$@")
    [[ $got == "$expected" ]] || fail "$what: handshake status $got, expected $expected"
    pass "$what: $expected"
}

devportal() {
    "$RIVULET" devportal --url "https://localhost:$HTTPS" --cacert "$CA" "$@"
}

token() {
    "$RIVULET" token --url "https://localhost:$HTTPS" --cacert "$CA" "$@" 2>/dev/null
}

# Creates an application as USER/PASSWORD and sets APP_ID, CLIENT_ID, CLIENT_SECRET.
create_app() { # create_app USER PASSWORD NAME
    local out
    out=$(devportal -u "$1" -p "$2" create-application "$3" 2>/dev/null) || fail "create-application $3"
    APP_ID=$(awk '/^id:/{print $2}' <<<"$out")
    CLIENT_ID=$(awk '/^client id:/{print $3}' <<<"$out")
    CLIENT_SECRET=$(awk '/^client secret:/{print $3}' <<<"$out")
    [[ -n $CLIENT_ID && -n $CLIENT_SECRET ]] || fail "create-application printed no keys: $out"
}
