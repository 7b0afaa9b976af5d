#!/usr/bin/env bash
# Spring sample (issue 13): authenticated GET /api/v1/me with the starter's JwtDecoder against Spring
# Security's stock NimbusJwtDecoder, the same jar, both measured by wrk (4.1) with the same settings,
# alternating in one run.
#
#   ./mvnw -q -B package -DskipTests -pl samples/spring-service -am
#   benchmarks/spring_decoder.sh [rounds]        # default 3 rounds of 15 s per variant
#
# Needs wrk, curl and python3 on the PATH. Two instances of samples/spring-service run side by side
# (APP_ENV=dev, RATE_LIMIT=1000000/1h: a limit no round reaches), from one fresh working directory so
# they share the dev issuer's key:
#   ours   as shipped: the starter's decoder (hardening-auth's verifier) behind oauth2ResourceServer(jwt());
#   stock  the same jar with --hardening.auth.enabled=false and Spring Boot's own resource-server
#          properties (jwk-set-uri, issuer-uri, audiences): Boot then builds its stock
#          NimbusJwtDecoder.withJwkSetUri(...) with the issuer and audience validators. The JWK set is
#          the dev issuer's public key, served over HTTP by python3 -m http.server.
# One token per round, signed with the dev issuer's key, is accepted by both. Prints, per round, the load average,
# each variant's request rate and the server's CPU time per request (from /proc, JIT compiler
# threads left out), and stock ÷ ours.
# Any non-2xx response fails the run.
set -euo pipefail

ROUNDS=${1:-3}
JAR=$(readlink -f "${JAR:-samples/spring-service/target/spring-service.jar}")
OURS_PORT=${OURS_PORT:-18580}
STOCK_PORT=${STOCK_PORT:-18581}
JWKS_PORT=${JWKS_PORT:-18582}
WRK="wrk -t2 -c50 -d${DURATION:-15s}"
WORK=$(mktemp -d)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT
cd "$WORK"

await() { # log file
  for _ in $(seq 1 240); do
    grep -q "listening on" "$1" && return 0
    sleep 0.5
  done
  cat "$1"
  exit 1
}

APP_ENV=dev RATE_LIMIT=1000000/1h PORT=$OURS_PORT java -jar "$JAR" >ours.log 2>&1 &
OURS=$!
PIDS+=("$OURS")
await ours.log

# The dev issuer's key now exists: serve its public half as a JWK set.
mkdir jwks
python3 - .hardening/dev-secrets/dev-issuer-rs256.jwk jwks/jwks.json <<'EOF'
import json, sys
key = json.load(open(sys.argv[1]))
public = {k: key[k] for k in ("kty", "kid", "use", "alg", "n", "e") if k in key}
json.dump({"keys": [public]}, open(sys.argv[2], "w"))
EOF
python3 -m http.server "$JWKS_PORT" --bind 127.0.0.1 --directory jwks >jwks.log 2>&1 &
PIDS+=("$!")

APP_ENV=dev RATE_LIMIT=1000000/1h PORT=$STOCK_PORT java -jar "$JAR" \
    --hardening.auth.enabled=false \
    --spring.security.oauth2.resourceserver.jwt.jwk-set-uri="http://127.0.0.1:$JWKS_PORT/jwks.json" \
    --spring.security.oauth2.resourceserver.jwt.issuer-uri=urn:hardening:dev-issuer \
    --spring.security.oauth2.resourceserver.jwt.audiences=spring-service >stock.log 2>&1 &
STOCK=$!
PIDS+=("$STOCK")
await stock.log

# A token of the dev issuer's key with typ JWT: the dev issuer mints typ at+jwt (RFC 9068), which
# Spring's stock decoder refuses ("the given typ value needs to be one of [JWT]"); the starter's
# decoder accepts both (OIDC_TOKEN_TYPE=any). Same claims as the dev issuer's tokens. RS256 signed
# here with the key's private exponent (PKCS #1 v1.5, Python's pow), so nothing else is needed.
token() {
  python3 - .hardening/dev-secrets/dev-issuer-rs256.jwk "$1" spring-service <<'EOF'
import base64, hashlib, json, sys, time, uuid
key = json.load(open(sys.argv[1])); sub = sys.argv[2]; aud = sys.argv[3]
b64 = lambda b: base64.urlsafe_b64encode(b).rstrip(b"=").decode()
num = lambda s: int.from_bytes(base64.urlsafe_b64decode(s + "=" * (-len(s) % 4)), "big")
now = int(time.time())
header = {"kid": key["kid"], "typ": "JWT", "alg": "RS256"}
claims = {"sub": sub, "aud": aud, "scope": "api", "iss": "urn:hardening:dev-issuer", "exp": now + 3600, "iat": now,
          "jti": str(uuid.uuid4()), "client_id": "dev-token-endpoint"}
signing_input = b64(json.dumps(header, separators=(",", ":")).encode()) + "." + b64(json.dumps(claims, separators=(",", ":")).encode())
n, d = num(key["n"]), num(key["d"]); k = (n.bit_length() + 7) // 8
digest_info = bytes.fromhex("3031300d060960864801650304020105000420") + hashlib.sha256(signing_input.encode()).digest()
em = b"\x00\x01" + b"\xff" * (k - len(digest_info) - 3) + b"\x00" + digest_info
sig = pow(int.from_bytes(em, "big"), d, n).to_bytes(k, "big")
print(signing_input + "." + b64(sig))
EOF
}
me() { # port token
  $WRK -H "Authorization: Bearer $2" "http://127.0.0.1:$1/api/v1/me"
}
check() { # port token
  local code
  code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $2" "http://127.0.0.1:$1/api/v1/me")
  [ "$code" = 200 ] || { echo "port $1: /api/v1/me answered $code" >&2; exit 1; }
}
cpu_ticks() { # user + system ticks of the process's threads without the JIT compiler threads, whose
  # catching up on a loaded machine would otherwise be charged to whichever round it falls in
  python3 - "$1" <<'EOF'
import glob, sys
total = 0
for path in glob.glob(f"/proc/{sys.argv[1]}/task/*/stat"):
    try:
        s = open(path).read()
    except OSError:
        continue
    if s[s.index("(") + 1:s.rindex(")")].startswith(("C1 Compil", "C2 Compil")):
        continue
    f = s[s.rindex(")") + 2:].split()
    total += int(f[11]) + int(f[12])
print(total)
EOF
}

WARM=$(token warm-up)
check "$OURS_PORT" "$WARM"
check "$STOCK_PORT" "$WARM"
for _ in 1 2 3 4; do
  me "$OURS_PORT" "$WARM" >/dev/null
  me "$STOCK_PORT" "$WARM" >/dev/null
done

HZ=$(getconf CLK_TCK)
echo "round  load(1m)  ours req/s  stock req/s  stock/ours  server CPU us/req ours  stock"
for r in $(seq 1 "$ROUNDS"); do
  T=$(token "round-$r")
  LOAD=$(cut -d' ' -f1 /proc/loadavg)
  # odd rounds measure ours first, even rounds stock first
  if [ $((r % 2)) = 1 ]; then
    o0=$(cpu_ticks "$OURS"); me "$OURS_PORT" "$T" >ours.out; o1=$(cpu_ticks "$OURS")
    s0=$(cpu_ticks "$STOCK"); me "$STOCK_PORT" "$T" >stock.out; s1=$(cpu_ticks "$STOCK")
  else
    s0=$(cpu_ticks "$STOCK"); me "$STOCK_PORT" "$T" >stock.out; s1=$(cpu_ticks "$STOCK")
    o0=$(cpu_ticks "$OURS"); me "$OURS_PORT" "$T" >ours.out; o1=$(cpu_ticks "$OURS")
  fi
  for f in ours stock; do
    if grep -q Non-2xx "$f.out"; then
      echo "round $r: $f had $(awk '/Non-2xx/ {print $NF}' "$f.out") non-2xx responses" >&2
      exit 1
    fi
  done
  python3 - "$r" "$LOAD" "$(awk '/Requests\/sec/ {print $2}' ours.out)" "$(awk '/Requests\/sec/ {print $2}' stock.out)" \
      "$((o1 - o0))" "$((s1 - s0))" "$(awk '/requests in/ {print $1}' ours.out)" \
      "$(awk '/requests in/ {print $1}' stock.out)" "$HZ" <<'EOF'
import sys
r, load, ours, stock, to, ts, no, ns, hz = sys.argv[1:]
ours, stock = float(ours), float(stock)
us = lambda ticks, n: 1e6 * int(ticks) / int(hz) / int(n)
print(f"{r:>5}  {load:>8}  {ours:>10,.0f}  {stock:>11,.0f}  {stock / ours:10.2f}  {us(to, no):>22.0f}  {us(ts, ns):>5.0f}")
EOF
done
