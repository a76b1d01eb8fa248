#!/usr/bin/env bash
# Two builds of gantry.jar side by side on one machine, in interleaved wrk rounds: req/s, p99 and
# the CPU time each Gantry process spent per proxied request (utime+stime from /proc ÷ requests),
# which holds up on a loaded machine where req/s swings. Usage: bench/compare-builds.sh OLD.jar NEW.jar
# (ROUNDS, DUR in seconds). Access logs off in both.
set -u
OLD=$1; NEW=$2; ROUNDS=${ROUNDS:-3}; DUR=${DUR:-8}
work=$(mktemp -d); rm -rf $work; mkdir -p $work
cleanup() { kill $(jobs -p) 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
java -cp "$NEW" "$(dirname "$0")/Upstream.java" 18181 > $work/up.log 2>&1 &
cat > $work/routes.yaml <<YAML
upstreams:
  - {name: bench, targets: [{url: 'http://127.0.0.1:18181'}]}
routes:
  - {id: bench, match: {path: /bench/**}, upstream: bench, rewrite: /}
YAML
GANTRY_LOG_ACCESS=off java -jar "$OLD" --http-port 18070 --cluster-port 0 --cluster-name abold --routes $work/routes.yaml --data-dir $work/old > $work/old.log 2>&1 &
OLDPID=$!
GANTRY_LOG_ACCESS=off java -jar "$NEW" --http-port 18090 --cluster-port 0 --cluster-name abnew --routes $work/routes.yaml --data-dir $work/new > $work/new.log 2>&1 &
NEWPID=$!
for _ in $(seq 1 180); do grep -q 'Gantry ready' $work/old.log && grep -q 'Gantry ready' $work/new.log && break; sleep 0.5; done
cpu() { awk '{print $14+$15}' /proc/$1/stat; }
for p in 18070 18090; do wrk -t2 -c50 -d8s http://127.0.0.1:$p/bench/x >/dev/null; done
for r in $(seq 1 $ROUNDS); do
  for side in old new; do
    if [ $side = old ]; then port=18070; pid=$OLDPID; else port=18090; pid=$NEWPID; fi
    c0=$(cpu $pid)
    out=$(wrk -t2 -c50 -d${DUR}s --latency http://127.0.0.1:$port/bench/x)
    c1=$(cpu $pid)
    reqs=$(echo "$out" | awk '/requests in/ {print $1}')
    rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
    p99=$(echo "$out" | awk '/^ +99%/ {print $2}')
    tck=$(getconf CLK_TCK)
    echo "$side round $r: $rps req/s, p99 $p99, $(echo "($c1-$c0)*1000000/$tck/$reqs" | bc -l | xargs printf '%.1f') CPU-us/req"
  done
done
