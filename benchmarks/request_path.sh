#!/usr/bin/env bash
# Request path of the reference service (issue 12): authenticated GET /api/v1/me against GET /livez,
# both driven by wrk (4.1) with the same settings, alternating in one run against one server.
#
#   ./mvnw -q -B package -DskipTests -pl samples/hardened-service -am
#   benchmarks/request_path.sh [rounds]        # default 3 rounds of 15 s each per endpoint
#
# Needs wrk, curl and python3 on the PATH. The service runs with APP_ENV=dev (its dev issuer mints the
# tokens) and RATE_LIMIT=1000000/1h: a limit no round reaches, with the caller's bucket kept between
# requests (each round uses a fresh subject, so no round starts from another's bucket). Prints, per
# round, the load average, both request rates, their ratio and the server's CPU time per request
# (from /proc; the least disturbed figure when other processes share the machine), once for the
# whole process and once without the JIT compiler threads, which on a loaded machine are still
# compiling long after the warm-up. WARMUP=N repeats the warm-up (15 s per route) N times.
set -euo pipefail

ROUNDS=${1:-3}
JAR=${JAR:-samples/hardened-service/target/hardened-service.jar}
PORT=${PORT:-18480}
WRK="wrk -t2 -c50 -d15s"
BASE="http://127.0.0.1:$PORT"
LOG=$(mktemp)

APP_ENV=dev RATE_LIMIT=1000000/1h PORT=$PORT java -jar "$JAR" >"$LOG" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null; rm -f "$LOG"' EXIT
for _ in $(seq 1 120); do
  grep -q "listening on" "$LOG" && break
  sleep 0.5
done
grep -q "listening on" "$LOG" || { cat "$LOG"; exit 1; }

token() {
  curl -sf -X POST "$BASE/dev/token?sub=$1" | python3 -c 'import sys, json; print(json.load(sys.stdin)["access_token"])'
}
cpu_ticks() { # all threads, then all but the JIT compiler threads (user + system ticks)
  python3 - "$PID" <<'EOF'
import glob, sys
total = jit = 0
for path in glob.glob(f"/proc/{sys.argv[1]}/task/*/stat"):
    try:
        s = open(path).read()
    except OSError:
        continue
    f = s[s.rindex(")") + 2:].split()
    ticks = int(f[11]) + int(f[12])
    total += ticks
    if s[s.index("(") + 1:s.rindex(")")].startswith(("C1 Compil", "C2 Compil")):
        jit += ticks
print(total, total - jit)
EOF
}
rate() {
  awk '/Requests\/sec/ {print $2}' "$1"
}
count() {
  awk '/requests in/ {print $1}' "$1"
}
non2xx() {
  awk '/Non-2xx/ {print $NF}' "$1"
}

WARM=$(token warm-up)
for _ in $(seq 1 "${WARMUP:-1}"); do
  $WRK "$BASE/livez" >/dev/null
  $WRK -H "Authorization: Bearer $WARM" "$BASE/api/v1/me" >/dev/null
done

HZ=$(getconf CLK_TCK)
OUT=$(mktemp -d)
echo "round  load(1m)  livez req/s  me req/s  me/livez  server CPU us/req livez  me  without JIT livez  me"
for r in $(seq 1 "$ROUNDS"); do
  T=$(token "round-$r")
  LOAD=$(cut -d' ' -f1 /proc/loadavg)
  read -r c0 j0 < <(cpu_ticks)
  $WRK "$BASE/livez" >"$OUT/livez"
  read -r c1 j1 < <(cpu_ticks)
  $WRK -H "Authorization: Bearer $T" "$BASE/api/v1/me" >"$OUT/me"
  read -r c2 j2 < <(cpu_ticks)
  for f in livez me; do
    if [ -n "$(non2xx "$OUT/$f")" ]; then
      echo "round $r: $f had $(non2xx "$OUT/$f") non-2xx responses" >&2
      exit 1
    fi
  done
  python3 - "$r" "$LOAD" "$(rate "$OUT/livez")" "$(rate "$OUT/me")" "$((c1 - c0))" "$((c2 - c1))" \
      "$(count "$OUT/livez")" "$(count "$OUT/me")" "$HZ" "$((j1 - j0))" "$((j2 - j1))" <<'EOF'
import sys
r, load, livez, me, tl, tm, nl, nm, hz, jl, jm = sys.argv[1:]
livez, me = float(livez), float(me)
us = lambda ticks, n: 1e6 * int(ticks) / int(hz) / int(n)
print(f"{r:>5}  {load:>8}  {livez:>11,.0f}  {me:>8,.0f}  {me / livez:8.2f}  {us(tl, nl):>22.0f}  {us(tm, nm):>3.0f}"
      f"  {us(jl, nl):>15.0f}  {us(jm, nm):>3.0f}")
EOF
done
rm -rf "$OUT"
