#!/usr/bin/env bash
# Bad input with real clients: malformed Authorization headers, oversized headers, 10,000
# bad-token handshakes in a row (memory stays flat, a valid subscriber is still served), SQL
# injection attempts in the REST API's fields, and one tenant's token and user against another.
source "$(dirname "$0")/lib.sh" "$1"

make_deployment
EVE_HASH=$("$RIVULET" user hash-password --password eve123)
cat >>"$CONFIG" <<YAML
YAML
# A second tenant with its own user (appended to the sample's tenants list).
sed -i "/^policies:/i\\
  - domain: other.com\\
    users:\\
      - {name: eve@other.com, passwordHash: \"$EVE_HASH\", roles: [subscriber]}\\
" "$CONFIG"
start_gateway
bob=(-u bob@quantis.com -p user123)
create_app bob@quantis.com user123 TrainApp
devportal "${bob[@]}" subscribe TrainApp TrainRealLocationAPI --policy AsyncUnlimited >/dev/null
TOKEN=$(token --client-id "$CLIENT_ID" --client-secret "$CLIENT_SECRET")
BOB_APP=$APP_ID
TOPIC=$API/loc-train-qnt-456

# Malformed Authorization headers.
expect_handshake 401 "Bearer without a token" "$TOPIC" -H "Authorization: Bearer"
expect_handshake 401 "Bearer and spaces" "$TOPIC" -H "Authorization: Bearer    "
expect_handshake 401 "two words" "$TOPIC" -H "Authorization: Bearer $TOKEN extra"
expect_handshake 401 "a quoted token" "$TOPIC" -H "Authorization: Bearer \"$TOKEN\""
expect_handshake 401 "non-ASCII" "$TOPIC" -H "Authorization: Bearer tökén"
expect_handshake 401 "control characters" "$TOPIC" -H $'Authorization: Bearer a\tb'
expect_handshake 401 "another scheme" "$TOPIC" -H "Authorization: Digest username=bob"
expect_handshake 401 "a 4,000-character token" "$TOPIC" -H "Authorization: Bearer $(head -c 4000 /dev/zero | tr '\0' 'A')"
expect_handshake 401 "an empty access_token" "$TOPIC?access_token="
expect_handshake 401 "an injected access_token" "$TOPIC?access_token=%27%20OR%201%3D1%20--"
expect_handshake 101 "the good token still works" "$TOPIC" -H "Authorization: Bearer $TOKEN"

# Oversized headers: 431 before any check, and the gateway carries on.
big=$(head -c 20000 /dev/zero | tr '\0' 'x')
expect_handshake 431 "a 20 KB header" "$TOPIC" -H "X-Big: $big" -H "Authorization: Bearer $TOKEN"
{ printf 'X-Big: '; head -c 200000 /dev/zero | tr '\0' 'x'; echo; } >"$WORK/big.header"
status=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 --cacert "$CA" -H @"$WORK/big.header" \
    -u bob@quantis.com:user123 "https://localhost:$HTTPS/api/v1/apis" || true)
[[ $status != 200 ]] || fail "a 200 KB header was accepted by the REST API"
status=$(curl -s -o /dev/null -w '%{http_code}' --cacert "$CA" -u bob@quantis.com:user123 \
    "https://localhost:$HTTPS/api/v1/apis")
[[ $status == 200 ]] || fail "the REST API stopped answering after a huge header ($status)"
pass "oversized headers are refused (ws: 431; https: no answer, closed by its watchdog), and the REST API still answers"

# 10,000 bad-token handshakes in a row, 64 at a time, while a valid subscriber listens.
wscat_to "$WORK/valid.out" -c "$TOPIC" -H "Authorization: Bearer $TOKEN"
wait_until 10000 connected "$WORK/valid.out" || fail "the valid subscriber did not connect"
rss() { awk '/^VmRSS/{print $2}' "/proc/$GATEWAY_PID/status"; }
flood() { # flood N
    local i
    for ((i = 0; i < $1; i++)); do
        echo "url = \"http://127.0.0.1:$WS/t/quantis.com/train/location/1.0.0/loc-train-qnt-456\""
        echo 'output = "/dev/null"'
    done >"$WORK/flood.cfg"
    curl -s --no-progress-meter -Z --parallel-max 64 -K "$WORK/flood.cfg" -w '%{http_code}\n' --http1.1 \
        -H 'Connection: Upgrade' -H 'Upgrade: websocket' -H 'Sec-WebSocket-Version: 13' \
        -H 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==' -H "Authorization: Bearer not-a-real-token" |
        sort | uniq -c
}
flood 1000 >/dev/null # warm up
before=$(rss)
start=$(now_ms)
flood 10000 >"$WORK/flood.txt" &
flooding=$!
wait_until 5000 test -s "$WORK/flood.cfg"
feed 456 1.0
wait_until 2000 has "$WORK/valid.out" '"latitude":1.0' || fail "the valid subscriber starved during the flood"
expect_handshake 101 "a valid handshake during the flood" "$TOPIC" -H "Authorization: Bearer $TOKEN"
wait "$flooding"
elapsed=$(($(now_ms) - start))
after=$(rss)
grep -q "10000 401" "$WORK/flood.txt" || fail "the flood's answers: $(cat "$WORK/flood.txt")"
((after - before < 4096)) || fail "RSS grew from $before to $after KiB"
feed 456 2.0
wait_until 2000 has "$WORK/valid.out" '"latitude":2.0' || fail "the valid subscriber lost its events"
pass "10,000 bad-token handshakes: all 401 in $elapsed ms, RSS $before -> $after KiB, the valid subscriber served throughout"

# SQL injection in the REST API's fields: refused or kept as text, never run.
rest() { # rest METHOD PATH [BODY] -> "STATUS BODY"
    curl -s -w '\n%{http_code}' --cacert "$CA" -u bob@quantis.com:user123 -X "$1" \
        -H 'Content-Type: application/json' ${3:+-d "$3"} "https://localhost:$HTTPS$2"
}
expect_rest() { # expect_rest STATUS DESCRIPTION METHOD PATH [BODY]
    local out
    out=$(rest "$3" "$4" "${5:-}")
    [[ $(tail -1 <<<"$out") == "$1" ]] || fail "$2: expected $1, got: $out"
    pass "$2: $1"
}
evil="x'); DROP TABLE applications; --"
expect_rest 400 "injection in an application name" POST /api/v1/applications "{\"name\":\"$evil\"}"
expect_rest 201 "injection in a description (kept as text)" POST /api/v1/applications \
    "{\"name\":\"Other\",\"description\":\"$evil\"}"
expect_rest 404 "injection in applicationId" POST /api/v1/subscriptions \
    "{\"applicationId\":\"$evil\",\"apiId\":\"TrainRealLocationAPI:1.0.0\",\"policy\":\"AsyncGold\"}"
expect_rest 404 "injection in apiId" POST /api/v1/subscriptions \
    "{\"applicationId\":\"$BOB_APP\",\"apiId\":\"$evil\",\"policy\":\"AsyncGold\"}"
expect_rest 400 "injection in policy" POST /api/v1/subscriptions \
    "{\"applicationId\":\"$BOB_APP\",\"apiId\":\"TrainRealLocationAPI:1.0.0\",\"policy\":\"$evil\"}"
expect_rest 404 "injection in a path id" GET "/api/v1/applications/1%27%20OR%20%271%27%3D%271"
expect_rest 404 "injection in a query" GET "/api/v1/subscriptions?applicationId=1%27%20OR%201%3D1"
expect_rest 400 "injection in a date" GET "/api/v1/usage?from=2026-01-01%27%20OR%201%3D1"
out=$(rest GET /api/v1/applications)
grep -q '"name":"TrainApp"' <<<"$out" && grep -qF "\"description\":\"x'); DROP TABLE applications; --\"" <<<"$out" ||
    fail "the applications after the attempts: $out"
status=$(curl -s -o /dev/null -w '%{http_code}' --cacert "$CA" -u "x' OR '1'='1:' OR ''='" \
    -d "grant_type=password&username=' OR 1=1 --&password=x" "https://localhost:$HTTPS/oauth2/token")
[[ $status == 401 ]] || fail "injection in client credentials: $status"
status=$(curl -s -o /dev/null -w '%{http_code}' --cacert "$CA" -u "' OR 1=1 --:x" \
    "https://localhost:$HTTPS/api/v1/apis")
[[ $status == 401 ]] || fail "injection in a user name: $status"
pass "the store is whole and the injected text is only text"

# One tenant against another.
eve=(-u eve@other.com -p eve123)
devportal "${eve[@]}" apis | grep -q TrainRealLocationAPI && fail "eve sees quantis.com's APIs"
status=$(curl -s -o /dev/null -w '%{http_code}' --cacert "$CA" -u eve@other.com:eve123 \
    "https://localhost:$HTTPS/api/v1/applications/$BOB_APP")
[[ $status == 404 ]] || fail "eve reads bob's application: $status"
create_app eve@other.com eve123 EveApp
devportal "${eve[@]}" subscribe EveApp TrainRealLocationAPI:1.0.0 --policy AsyncGold 2>/dev/null &&
    fail "eve subscribed to a quantis.com API"
EVE=$(token --client-id "$CLIENT_ID" --client-secret "$CLIENT_SECRET")
expect_handshake 403 "an other.com token on a quantis.com API" "$TOPIC" -H "Authorization: Bearer $EVE"
pass "tenants see and use only their own"
echo "all passed"
