#!/usr/bin/env bash
# The tutorial, as a new user follows it from the README, with the sample deployment (its ports
# moved to free ones): sign in to the developer portal, create an application, subscribe it to
# TrainRealLocationAPI, get a token with each grant, connect with wscat and see only train 456,
# revoke the token and get closed, read the usage report and the metrics, restart.
source "$(dirname "$0")/lib.sh" "$1"

make_deployment
start_gateway

# The developer portal from a terminal.
devportal -u bob@quantis.com -p user123 apis | grep -q "TrainRealLocationAPI:1.0.0" ||
    fail "rivulet devportal apis does not list TrainRealLocationAPI"
pass "devportal apis lists TrainRealLocationAPI:1.0.0"
create_app bob@quantis.com user123 TrainApp
pass "devportal create-application TrainApp: client id $CLIENT_ID"
devportal -u bob@quantis.com -p user123 subscribe TrainApp TrainRealLocationAPI:1.0.0 \
    --policy AsyncGold >/dev/null || fail "devportal subscribe"
devportal -u bob@quantis.com -p user123 subscriptions TrainApp | grep -q "AsyncGold" ||
    fail "the subscription is not listed"
pass "devportal subscribe TrainApp TrainRealLocationAPI:1.0.0 --policy AsyncGold"

# A token with each grant: client credentials from the CLI, password with curl.
TOKEN=$(token --client-id "$CLIENT_ID" --client-secret "$CLIENT_SECRET")
[[ ${#TOKEN} -eq 43 ]] || fail "rivulet token printed '$TOKEN'"
pass "rivulet token (client_credentials)"
response=$(curl -s --cacert "$CA" -u "$CLIENT_ID:$CLIENT_SECRET" -d grant_type=password \
    -d username=bob@quantis.com -d password=user123 "https://localhost:$HTTPS/oauth2/token")
PW_TOKEN=$(sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p' <<<"$response")
[[ -n $PW_TOKEN ]] || fail "password grant: $response"
grep -q '"token_type":"Bearer"' <<<"$response" || fail "password grant: $response"
pass "curl POST /oauth2/token (password grant)"

# The tutorial's command, verbatim but for the port: only train 456 is printed.
wscat_to "$WORK/456.out" -c "$API/loc-train-qnt-456/" -H "Authorization: Bearer $TOKEN"
# Without the trailing slash, the token in the query.
wscat_to "$WORK/123.out" -c "$API/loc-train-qnt-123?access_token=$PW_TOKEN"
# Over TLS.
wscat_to "$WORK/wss.out" --ca "$CA" \
    -c "wss://localhost:$WSS/t/quantis.com/train/location/1.0.0/loc-train-qnt-456" \
    -H "Authorization: Bearer $PW_TOKEN"
for f in 456 123 wss; do
    wait_until 10000 connected "$WORK/$f.out" || fail "wscat $f did not connect: $(clean "$WORK/$f.out")"
done
pass "wscat connected (ws with header, ws with ?access_token=, wss)"
feed 456
feed 123
feed 789
feed 456 6.9300
wait_until 5000 test "$(count "$WORK/456.out" '"trainId":"456"')" -eq 2 ||
    fail "wscat 456 printed: $(clean "$WORK/456.out")"
wait_until 5000 test "$(count "$WORK/wss.out" '"trainId":"456"')" -eq 2 ||
    fail "wscat wss printed: $(clean "$WORK/wss.out")"
wait_until 5000 test "$(count "$WORK/123.out" '"trainId":"123"')" -eq 1 ||
    fail "wscat 123 printed: $(clean "$WORK/123.out")"
for f in 456 wss; do
    ! has "$WORK/$f.out" '"trainId":"123"' && ! has "$WORK/$f.out" '"trainId":"789"' ||
        fail "wscat $f got another train: $(clean "$WORK/$f.out")"
done
! has "$WORK/123.out" '"trainId":"456"' || fail "wscat 123 got train 456"
has "$WORK/456.out" '< {"event":{"trainId":"456","latitude":6.93,"longitude":79.8612,"speed":62.5,"timestamp":1700000000000}}' ||
    fail "unexpected message form: $(clean "$WORK/456.out")"
pass "each wscat prints only its train's events"

# Revoking the token ends its connection within a second; the other token's stay.
start=$(now_ms)
token revoke "$TOKEN" --client-id "$CLIENT_ID" --client-secret "$CLIENT_SECRET" ||
    fail "rivulet token revoke"
wait_until 1000 has "$WORK/456.out" 'Disconnected (code: 4401, reason: "access token revoked")' ||
    fail "not closed within a second of the revocation: $(clean "$WORK/456.out")"
pass "revoked: wscat closed with 4401 after $(($(now_ms) - start)) ms"
! has "$WORK/wss.out" "Disconnected" || fail "the other token's connection was closed"
wscat_to "$WORK/again.out" -c "$API/loc-train-qnt-456" -H "Authorization: Bearer $TOKEN"
wait_until 5000 has "$WORK/again.out" "Unexpected server response: 401" ||
    fail "a revoked token connected: $(clean "$WORK/again.out")"
pass "a revoked token gets 401"

# Usage (what is billed is what was delivered: 2 + 2 + 1) and metrics.
usage=$("$RIVULET" usage --url "https://localhost:$HTTPS" --cacert "$CA" -u bob@quantis.com -p user123)
grep -q ",TrainApp,.*,TrainRealLocationAPI,1.0.0,AsyncGold,5,0," <<<"$usage" ||
    fail "rivulet usage: $usage"
pass "rivulet usage: 5 events delivered to TrainApp"
metrics=$(curl -sf "http://localhost:$HTTP/metrics")
grep -q 'rivulet_gateway_topic_events_delivered_total{tenant="quantis.com",api="TrainRealLocationAPI",version="1.0.0",topic="loc-train-qnt-456"} 4' <<<"$metrics" ||
    fail "GET /metrics: $(grep topic_events_delivered <<<"$metrics")"
grep -q 'rivulet_gateway_handshake_failures_total{.*reason="invalid_token"} 1' <<<"$metrics" ||
    fail "GET /metrics has no refused handshake"
curl -sf "http://localhost:$HTTP/api/v1/analytics" | grep -q '"applications":\[{' ||
    fail "GET /api/v1/analytics"
pass "GET /metrics and /api/v1/analytics count the deliveries"

# A restart keeps applications, subscriptions, tokens and counters.
stop_gateway
"$RIVULET" usage --config "$CONFIG" --format json | grep -q '"delivered": 5' ||
    fail "rivulet usage --config: $("$RIVULET" usage --config "$CONFIG")"
pass "rivulet usage --config reads the key store"
start_gateway
devportal -u bob@quantis.com -p user123 applications | grep -q TrainApp || fail "TrainApp is gone"
wscat_to "$WORK/after.out" -c "$API/loc-train-qnt-456" -H "Authorization: Bearer $PW_TOKEN"
wait_until 10000 connected "$WORK/after.out" || fail "the token did not survive the restart"
feed 456
wait_until 5000 has "$WORK/after.out" '"trainId":"456"' || fail "nothing after the restart"
pass "after a restart: the application, the subscription and the token are there"

# What the portal does, from the terminal too: a token with a chosen validity, the list of
# live tokens, revoking one by its id (its connection closes), a policy change, a rename.
SHORT=$(devportal -u bob@quantis.com -p user123 create-token TrainApp --validity 120 2>/dev/null)
[[ ${#SHORT} -eq 43 ]] || fail "devportal create-token printed '$SHORT'"
tokens=$(devportal -u bob@quantis.com -p user123 tokens TrainApp)
SHORT_ID=$(awk 'NR==2 {print $1}' <<<"$tokens") # the newest first
devportal -u bob@quantis.com -p user123 tokens TrainApp --json |
    grep -Eq "\"id\":\"$SHORT_ID\"[^}]*\"expiresIn\":1[0-2][0-9][,}]|\"expiresIn\":1[0-2][0-9],[^}]*\"id\":\"$SHORT_ID\"" ||
    fail "devportal tokens: the newest token is not the 120 s one: $tokens"
pass "devportal create-token --validity 120 and tokens"
wscat_to "$WORK/short.out" -c "$API/loc-train-qnt-456" -H "Authorization: Bearer $SHORT"
wait_until 10000 connected "$WORK/short.out" || fail "the new token did not connect"
devportal -u bob@quantis.com -p user123 revoke-token TrainApp "$SHORT_ID" 2>/dev/null ||
    fail "devportal revoke-token"
wait_until 2000 has "$WORK/short.out" "Disconnected (code: 4401" ||
    fail "revoke-token did not close the connection: $(clean "$WORK/short.out")"
pass "devportal revoke-token closes the token's connection (4401)"
SUB=$(devportal -u bob@quantis.com -p user123 subscriptions TrainApp | awk 'NR==2 {print $1}')
devportal -u bob@quantis.com -p user123 change-policy "$SUB" --policy AsyncSilver | grep -q AsyncSilver ||
    fail "devportal change-policy"
devportal -u bob@quantis.com -p user123 rename-application TrainApp TrainApp2 2>/dev/null ||
    fail "devportal rename-application"
devportal -u bob@quantis.com -p user123 subscriptions TrainApp2 | grep -q "TrainApp2 .*AsyncSilver" ||
    fail "after rename and change-policy: $(devportal -u bob@quantis.com -p user123 subscriptions TrainApp2)"
pass "devportal change-policy and rename-application"
echo "all passed"
