#!/usr/bin/env bash
# Every refusal, with real clients: the handshake statuses (401, 403, 404, 429) with curl and
# wscat, the close codes (4429 past the quota, 4403 when the subscription is cancelled, 4401
# when the token expires), the OAuth2 error bodies, and a quota that survives a restart.
source "$(dirname "$0")/lib.sh" "$1"

make_deployment
EVE_HASH=$("$RIVULET" user hash-password --password eve123)
write_config() { # write_config TOKEN_LIFETIME
    sed -e "s/x-rivulet-policies: .*/x-rivulet-policies: [AsyncGold, Tiny]/" \
        "$SAMPLES/TrainRealLocationAPI.yaml" >"$WORK/deploy/TrainRealLocationAPI.yaml"
    cat >"$WORK/deploy/secure.yaml" <<YAML
asyncapi: 2.6.0
info: {title: SecureTrainAPI, version: '1.0.0'}
x-rivulet-tenant: quantis.com
x-rivulet-context: /train/secure
x-rivulet-stream: TrainLocationStream
x-rivulet-scopes: [{name: 'train:admin', roles: [admin]}]
channels:
  'train-{trainId}': {subscribe: {}}
YAML
    cat >"$WORK/deploy/other.yaml" <<YAML
asyncapi: 2.6.0
info: {title: OtherAPI, version: '2'}
x-rivulet-tenant: other.com
x-rivulet-context: /other
x-rivulet-stream: TrainLocationStream
channels:
  all: {subscribe: {}}
YAML
    cat >"$CONFIG" <<YAML
listeners:
  ws: {port: $WS}
  wss: {port: $WSS}
  https: {port: $HTTPS}
  http: {port: $HTTP, host: localhost}
tokens: {lifetime: $1}
tenants:
  - domain: quantis.com
    users:
      - name: bob@quantis.com
        passwordHash: "$(grep -o '\$argon2id[^"]*' "$SAMPLES/rivulet.yaml")"
        roles: [subscriber]
  - domain: other.com
    users:
      - {name: eve@other.com, passwordHash: "$EVE_HASH", roles: [subscriber]}
policies:
  - {name: Tiny, count: 3, timeUnit: day}
apps: [TrainLocation.siddhi]
apis: [TrainRealLocationAPI.yaml, secure.yaml, other.yaml]
YAML
}
write_config 3600
start_gateway
bob=(-u bob@quantis.com -p user123)

create_app bob@quantis.com user123 Subscribed
devportal "${bob[@]}" subscribe Subscribed TrainRealLocationAPI --policy AsyncGold >/dev/null
devportal "${bob[@]}" subscribe Subscribed SecureTrainAPI --policy AsyncGold >/dev/null
GOOD=$(token --client-id "$CLIENT_ID" --client-secret "$CLIENT_SECRET")
GOOD_ID=$CLIENT_ID GOOD_SECRET=$CLIENT_SECRET
create_app bob@quantis.com user123 Lonely
LONELY=$(token --client-id "$CLIENT_ID" --client-secret "$CLIENT_SECRET")
create_app eve@other.com eve123 EveApp
devportal -u eve@other.com -p eve123 subscribe EveApp OtherAPI --policy AsyncGold >/dev/null
EVE=$(token --client-id "$CLIENT_ID" --client-secret "$CLIENT_SECRET")
create_app bob@quantis.com user123 Small
devportal "${bob[@]}" subscribe Small TrainRealLocationAPI --policy Tiny >/dev/null
SMALL=$(token --client-id "$CLIENT_ID" --client-secret "$CLIENT_SECRET")
SMALL_ID=$CLIENT_ID SMALL_SECRET=$CLIENT_SECRET
TOPIC=$API/loc-train-qnt-456

# Handshake refusals, with curl.
expect_handshake 401 "no token" "$TOPIC"
expect_handshake 401 "Basic instead of Bearer" "$TOPIC" -H "Authorization: Basic Ym9iOnVzZXIxMjM="
expect_handshake 401 "unknown token" "$TOPIC" -H "Authorization: Bearer ${GOOD}x"
expect_handshake 401 "unknown token in the query" "$TOPIC?access_token=AAAA"
expect_handshake 404 "unknown API" "ws://localhost:$WS/t/quantis.com/train/speed/1.0.0/x" \
    -H "Authorization: Bearer $GOOD"
expect_handshake 404 "unknown version" "ws://localhost:$WS/t/quantis.com/train/location/2.0.0/loc-train-qnt-456" \
    -H "Authorization: Bearer $GOOD"
expect_handshake 404 "unknown topic" "$API/train-456" -H "Authorization: Bearer $GOOD"
expect_handshake 403 "application not subscribed" "$TOPIC" -H "Authorization: Bearer $LONELY"
expect_handshake 403 "token of another tenant" "$TOPIC" -H "Authorization: Bearer $EVE"
expect_handshake 403 "quantis token on an other.com API" "ws://localhost:$WS/t/other.com/other/2/all" \
    -H "Authorization: Bearer $GOOD"
expect_handshake 403 "missing scope" "ws://localhost:$WS/t/quantis.com/train/secure/1.0.0/train-456" \
    -H "Authorization: Bearer $GOOD"
expect_handshake 101 "eve on her own API" "ws://localhost:$WS/t/other.com/other/2/all" \
    -H "Authorization: Bearer $EVE"
headers=$(curl -s -D - -o /dev/null --max-time 5 -H 'Connection: Upgrade' -H 'Upgrade: websocket' \
    -H 'Sec-WebSocket-Version: 13' -H 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==' "${TOPIC/ws:/http:}")
grep -qi '^WWW-Authenticate: Bearer realm="rivulet"' <<<"$headers" || fail "401 without WWW-Authenticate: $headers"
pass "401 carries WWW-Authenticate: Bearer"

# The same refusals as wscat shows them.
wscat_to "$WORK/none.out" -c "$TOPIC"
wscat_to "$WORK/lonely.out" -c "$TOPIC" -H "Authorization: Bearer $LONELY"
wscat_to "$WORK/nowhere.out" -c "$API/nowhere" -H "Authorization: Bearer $GOOD"
wait_until 5000 has "$WORK/none.out" "Unexpected server response: 401" || fail "wscat: $(clean "$WORK/none.out")"
wait_until 5000 has "$WORK/lonely.out" "Unexpected server response: 403" || fail "wscat: $(clean "$WORK/lonely.out")"
wait_until 5000 has "$WORK/nowhere.out" "Unexpected server response: 404" || fail "wscat: $(clean "$WORK/nowhere.out")"
pass "wscat shows 401, 403 and 404"

# Past the quota: three events, then closed with 4429; a new connection gets 429.
wscat_to "$WORK/small.out" -c "$TOPIC" -H "Authorization: Bearer $SMALL"
wait_until 10000 connected "$WORK/small.out" || fail "Small did not connect"
for i in 1 2 3 4 5; do feed 456; done
wait_until 5000 has "$WORK/small.out" 'Disconnected (code: 4429, reason: "quota exceeded: Tiny allows 3 events per day")' ||
    fail "not closed past the quota: $(clean "$WORK/small.out")"
[[ $(count "$WORK/small.out" '"trainId":"456"') == 3 ]] || fail "Small got $(count "$WORK/small.out" '"trainId"') events"
pass "past its quota a subscriber gets no further event and is closed with 4429"
expect_handshake 429 "a subscriber past its quota" "$TOPIC" -H "Authorization: Bearer $SMALL"

# Cancelling a subscription closes its connections with 4403.
wscat_to "$WORK/good.out" -c "$TOPIC" -H "Authorization: Bearer $GOOD"
wait_until 10000 connected "$WORK/good.out" || fail "Subscribed did not connect"
sub=$(devportal "${bob[@]}" subscriptions Subscribed | awk '/TrainRealLocationAPI/{print $1}')
devportal "${bob[@]}" unsubscribe "$sub" 2>/dev/null || fail "unsubscribe"
wait_until 1000 has "$WORK/good.out" 'Disconnected (code: 4403, reason: "subscription cancelled")' ||
    fail "not closed on unsubscribe: $(clean "$WORK/good.out")"
pass "a cancelled subscription's connections are closed with 4403"
expect_handshake 403 "a cancelled subscription" "$TOPIC" -H "Authorization: Bearer $GOOD"

# OAuth2 errors (RFC 6749 5.2), with curl.
oauth() { # oauth STATUS ERROR curl-args...
    local status=$1 error=$2
    shift 2
    local body
    body=$(curl -s -w '\n%{http_code}' --cacert "$CA" "$@" "https://localhost:$HTTPS/oauth2/token")
    [[ $(tail -1 <<<"$body") == "$status" && $body == *"\"error\":\"$error\""* ]] ||
        fail "token endpoint: expected $status $error, got: $body"
    pass "POST /oauth2/token: $status $error"
}
oauth 401 invalid_client -u "$GOOD_ID:wrong" -d grant_type=client_credentials
oauth 401 invalid_client -d grant_type=client_credentials
oauth 400 invalid_grant -u "$GOOD_ID:$GOOD_SECRET" -d grant_type=password -d username=bob@quantis.com -d password=nope
oauth 400 invalid_grant -u "$GOOD_ID:$GOOD_SECRET" -d grant_type=password -d username=eve@other.com -d password=eve123
oauth 400 unsupported_grant_type -u "$GOOD_ID:$GOOD_SECRET" -d grant_type=implicit
oauth 400 invalid_request -u "$GOOD_ID:$GOOD_SECRET" -d scope=default
oauth 400 invalid_scope -u "$GOOD_ID:$GOOD_SECRET" -d grant_type=client_credentials -d scope=everything
status=$(curl -s -o /dev/null -w '%{http_code}' --cacert "$CA" -u "$GOOD_ID:$GOOD_SECRET" \
    -d token=never-issued "https://localhost:$HTTPS/oauth2/revoke")
[[ $status == 200 ]] || fail "revoking an unknown token: $status"
pass "POST /oauth2/revoke of an unknown token: 200 (RFC 7009)"

# Restart with 2-second tokens: the quota is still used up; a token expires and its
# connection ends.
stop_gateway
write_config 2
start_gateway
expect_handshake 429 "the quota after a restart" "$TOPIC" -H "Authorization: Bearer $SMALL"
SHORT=$(token --client-id "$SMALL_ID" --client-secret "$SMALL_SECRET")
devportal "${bob[@]}" subscribe Lonely TrainRealLocationAPI --policy AsyncGold >/dev/null
create_app bob@quantis.com user123 Brief
devportal "${bob[@]}" subscribe Brief TrainRealLocationAPI --policy AsyncGold >/dev/null
BRIEF=$(token --client-id "$CLIENT_ID" --client-secret "$CLIENT_SECRET")
wscat_to "$WORK/brief.out" -c "$TOPIC" -H "Authorization: Bearer $BRIEF"
wait_until 5000 connected "$WORK/brief.out" || fail "Brief did not connect"
wait_until 4000 has "$WORK/brief.out" 'Disconnected (code: 4401, reason: "access token expired")' ||
    fail "not closed when the token expired: $(clean "$WORK/brief.out")"
pass "an expired token's connection is closed with 4401"
expect_handshake 401 "an expired token" "$TOPIC" -H "Authorization: Bearer $BRIEF"
[[ -n $SHORT ]] || fail "no token"
echo "all passed"
