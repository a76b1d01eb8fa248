#!/usr/bin/env bash
# Two builds of gantry.jar side by side on one machine, with the Vert.x floor proxy beside them as a
# yardstick, in interleaved wrk rounds: each round drives every target in turn with the same
# browser-like GET and records the CPU time (utime+stime from /proc) each process spent per request.
# On a shared machine a single round's figure swings by ±20 %; what holds is the ratio of two
# targets within a round, so the summary gives each round's NEW/OLD ratio and their median.
# Usage: bench/compare-builds.sh OLD.jar NEW.jar   (ROUNDS=10 DUR=5 WARM=4; ROUTE=edge for the
# edge guard route instead of the bare one). Both are lean standalone gateway nodes (no embedded
# backend, access logs off), so only the request path is measured.
set -u
OLD=$1; NEW=$2; ROUNDS=${ROUNDS:-10}; DUR=${DUR:-5}; WARM=${WARM:-4}
cd "$(dirname "$0")/.."
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
UP=18181; FLOOR=18182
java -cp "$NEW" bench/Upstream.java $UP > "$work/up.log" 2>&1 & pids+=($!)
java -cp "$NEW" bench/VertxFloor.java $FLOOR $UP > "$work/floor.log" 2>&1 & pids+=($!)
cat > "$work/routes.yaml" <<YAML
upstreams:
  - {name: bench, targets: [{url: 'http://127.0.0.1:$UP'}]}
routes:
  - {id: bare, match: {path: /bare/**}, upstream: bench, rewrite: /}
  - id: edge
    match: {path: /edge/**}
    upstream: bench
    rewrite: /
    policies: [{ddos: {per-ip-rps: 1000000, max-connections-per-ip: 100000}}, {waf: {paranoia: 1}}]
YAML
names=(floor); procs=("${pids[1]}"); urls=("http://127.0.0.1:$FLOOR/x")
port=18183
for side in old new; do
  jar=$OLD; [ $side = new ] && jar=$NEW
  GANTRY_LOG_ACCESS=off java -jar "$jar" --standalone --roles gateway --http-port $port --routes "$work/routes.yaml" \
    --data-dir "$work/$side" > "$work/$side.log" 2>&1 & pids+=($!)
  names+=($side); procs+=($!); urls+=("http://127.0.0.1:$port/${ROUTE:-bare}/x"); port=$((port + 1))
done
for log in old new; do
  for _ in $(seq 1 240); do grep -q 'Gantry ready' "$work/$log.log" && break; sleep 0.5; done
  grep -q 'Gantry ready' "$work/$log.log" || { echo "$log did not start:"; tail -5 "$work/$log.log"; exit 1; }
done
for _ in $(seq 1 240); do grep -q 'listening' "$work/floor.log" && break; sleep 0.5; done
Q="?q=running+shoes&page=2&sort=price"
H=(-H "User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36"
  -H "Accept: application/json" -H "Cookie: session=7f3a9c2e-41b2-4f0e-9d7a-2c5b8e1f6a90; theme=dark")
cpu() { awk '{sub(/^.*\) /, ""); split($0, f, " "); print f[12] + f[13]}' /proc/$1/stat; }
tck=$(getconf CLK_TCK)
for _ in 1 2 3; do for i in "${!urls[@]}"; do wrk -t2 -c50 -d${WARM}s "${H[@]}" "${urls[$i]}$Q" > /dev/null; done; done
for r in $(seq 1 "$ROUNDS"); do
  for i in "${!urls[@]}"; do
    c0=$(cpu "${procs[$i]}")
    out=$(wrk -t2 -c50 -d${DUR}s "${H[@]}" "${urls[$i]}$Q")
    c1=$(cpu "${procs[$i]}")
    reqs=$(awk '/requests in/ {print $1}' <<<"$out"); rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
    echo "${names[$i]} $r $rps $(awk -v d=$((c1 - c0)) -v hz="$tck" -v n="$reqs" 'BEGIN {printf "%.1f", d * 1e6 / hz / n}')"
  done
done | tee "$work/rounds.txt" | awk '{printf "%-5s round %s: %s req/s, %s CPU-us/req\n", $1, $2, $3, $4}'
awk '{cpu[$1, $2] = $4; rounds[$2] = 1}
  END {
    n = 0; for (r in rounds) { ratio[++n] = cpu["new", r] / cpu["old", r]; vsfloor[n] = cpu["new", r] / cpu["floor", r]; oldfloor[n] = cpu["old", r] / cpu["floor", r] }
    printf "new/old CPU per request, median of %d rounds: %.3f\n", n, median(ratio, n)
    printf "old/floor: %.2f   new/floor: %.2f\n", median(oldfloor, n), median(vsfloor, n)
  }
  function median(a, n,   i, j, t) {
    for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }' "$work/rounds.txt"
