#!/bin/bash
# stream-consumers.sh FERRITE_PORT REDIS_PORT [entries=1000000] [consumers=4] [runs=3]
# XREADGROUP+XACK throughput with N consumers (issue 5), Ferrite vs redis-server, alternating
# runs, median. Uses (and deletes) the key bench:stream only. Before running: start both
# servers and pin them to CPU 1 (taskset -a -p -c 1 PID); the client runs on CPU 0.
# The tool: ferrite-bench/.../stream/StreamConsumerThroughput.java (its Javadoc has the loop).
set -euo pipefail
F=$1; R=$2; N=${3:-1000000}; C=${4:-4}; RUNS=${5:-3}
HERE=$(cd "$(dirname "$0")/.." && pwd)
JAR=$HERE/ferrite-bench/target/ferrite-bench.jar
[ -f "$JAR" ] || { echo "build it first: ./mvnw -o -q -B -DskipTests package" >&2; exit 2; }
JAVA=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
: > /tmp/stream-consumers.f; : > /tmp/stream-consumers.r
for i in $(seq 1 "$RUNS"); do
  for port in $R $F; do
    line=$(taskset -c 0 "$JAVA" -cp "$JAR" io.ferrite.bench.stream.StreamConsumerThroughput "$port" "$N" "$C")
    echo "run $i: $line"
    rate=$(echo "$line" | sed -n 's/.*entries_per_sec=\([0-9]*\).*/\1/p')
    [ "$port" = "$F" ] && echo "$rate" >> /tmp/stream-consumers.f || echo "$rate" >> /tmp/stream-consumers.r
  done
done
mid=$(( (RUNS + 1) / 2 ))
fr=$(sort -g /tmp/stream-consumers.f | sed -n ${mid}p); rr=$(sort -g /tmp/stream-consumers.r | sed -n ${mid}p)
printf 'median entries/s: ferrite %s redis %s ratio %.2f\n' "$fr" "$rr" "$(awk -v a="$fr" -v b="$rr" 'BEGIN{print a/b}')"
