#!/usr/bin/env bash
# Checks the directory `./mvnw deploy` wrote: for every published module the jar, -sources,
# -javadoc and a POM that carries the licence, SCM and developers; the BOM without a parent.
set -euo pipefail
repo=${1:-target/local-deploy}/dev/hardening
fail=0
newest() { ls "$1" 2>/dev/null | grep -E -- "$2" | sort | tail -1; }
for m in hardening-config hardening-auth hardening-ratelimit hardening-lifecycle hardening-micrometer hardening-spring-boot; do
  d=$(ls -d "$repo/$m"/*/ 2>/dev/null | head -1)
  for kind in '[0-9]\.jar$' '-sources\.jar$' '-javadoc\.jar$' '\.pom$'; do
    [ -n "$(newest "$d" "$kind")" ] || { echo "missing: $m $kind"; fail=1; }
  done
  pom="$d$(newest "$d" '\.pom$')"
  for tag in '<licenses>' '<scm' '<developers>' '<url>'; do
    grep -q "$tag" "$pom" 2>/dev/null || { echo "$m POM lacks $tag"; fail=1; }
  done
  ! grep -q '<parent>' "$pom" || { echo "$m POM still needs its parent"; fail=1; }
done
for unpublished in hardening-testkit hardened-service grpc-service benchmarks hardening-spring-boot-boot35; do
  [ ! -e "$repo/$unpublished" ] || { echo "deployed but not published: $unpublished"; fail=1; }
done
bom="$(ls -d "$repo"/hardening-bom/*/)"; bom="$bom$(newest "$bom" '\.pom$')"
! grep -q '<parent>' "$bom" || { echo "hardening-bom has a parent"; fail=1; }
[ "$fail" = 0 ] && echo "deployed artifacts: 6 modules x (jar, sources, javadoc, POM with licence/SCM/developers) + BOM: ok"
exit "$fail"
