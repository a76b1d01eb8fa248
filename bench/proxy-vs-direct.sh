#!/usr/bin/env bash
# Quick measurement: requests/s and latency of the Gantry proxy route against calling the
# upstream directly, with wrk on loopback, twice each. For the side-by-side with nginx and HAProxy
# use bench/run. JAR=other.jar measures another build; JAVA_OPTS goes to Gantry's JVM.
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=${JAR:-runtime/target/gantry.jar}
[ -f "$JAR" ] || ./mvnw -q -DskipTests package
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
DUR=${DUR:-10s}; CONN=${CONN:-50}
work=$(mktemp -d)
cleanup() { kill $(jobs -p) 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
java -cp "$JAR" bench/Upstream.java 18081 > "$work/upstream.log" 2>&1 &
cat > "$work/routes.yaml" <<YAML
upstreams:
  - {name: bench, targets: [{url: 'http://127.0.0.1:18081'}]}
routes:
  - {id: bench, match: {path: /bench/**}, upstream: bench, rewrite: /}
YAML
# TRACING=on sends spans to the upstream (it answers any POST with 200), to measure tracing's cost.
if [ "${TRACING:-off}" = on ]; then export GANTRY_TRACING_OTLP_ENDPOINT=http://127.0.0.1:18081; fi
java ${JAVA_OPTS:-} -jar "$JAR" --http-port 18080 --cluster-port 0 --cluster-name bench --routes "$work/routes.yaml" \
  --data-dir "$work/data" > "$work/gantry.log" 2>&1 &
for _ in $(seq 1 120); do grep -q 'Gantry ready' "$work/gantry.log" && break; sleep 0.5; done
for _ in $(seq 1 60); do grep -q 'listening' "$work/upstream.log" && break; sleep 0.5; done
run() { wrk -t2 -c"$CONN" -d"$DUR" --latency "$1" | awk -v name="$2" '
  /Requests\/sec/ {rps=$2} /^ +50%/ {p50=$2} /^ +99%/ {p99=$2}
  END {printf "| %-22s | %10s | %8s | %8s |\n", name, rps, p50, p99}'; }
wrk -t2 -c"$CONN" -d3s http://127.0.0.1:18081/ > /dev/null   # warm-up
wrk -t2 -c"$CONN" -d${WARM:-10s} http://127.0.0.1:18080/bench/x > /dev/null
echo "| target                 |    req/s   |   p50    |   p99    |"
echo "|------------------------|------------|----------|----------|"
run http://127.0.0.1:18081/x "upstream direct"
run http://127.0.0.1:18080/bench/x "gantry proxy route"
run http://127.0.0.1:18081/x "upstream direct"
run http://127.0.0.1:18080/bench/x "gantry proxy route"
