#!/usr/bin/env bash
# ab-cpu.sh JAR_A JAR_B "CMD ARGS" [P] [N] [R] [ROUNDS]
# Server CPU time per request (utime+stime of the server process over N requests) and
# requests/s for two Ferrite builds (ports 7781, 7782) and a running redis-server on 7778,
# interleaved round by round; servers pinned to CPU 1, redis-benchmark to CPU 0. CPU per
# request is far less disturbed by other load on the machine than requests/s.
# Needs redis-server on 7778 (started by you; stop it by PID afterwards). Sends FLUSHALL to
# the two Ferrite instances it starts. A_ARGS/B_ARGS: extra server flags; EXTRA_OPTS: JVM flags.
A=$1; B=$2; CMD=$3; P=${4:-16}; N=${5:-1000000}; R=${6:-100000}; ROUNDS=${7:-5}
J=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
OPTS="-XX:+UseCompactObjectHeaders -XX:+UseG1GC -XX:MaxGCPauseMillis=5 -XX:+AlwaysPreTouch --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow ${EXTRA_OPTS:-}"
taskset -c 1 $J $OPTS -jar $A --port 7781 ${A_ARGS:-} >/tmp/ab-a.log 2>&1 & PA=$!
taskset -c 1 $J $OPTS -jar $B --port 7782 ${B_ARGS:-} >/tmp/ab-b.log 2>&1 & PB=$!
RP=$(pgrep -x redis-server | head -1); taskset -a -p -c 1 $RP >/dev/null
sleep 4
cpu() { awk '{print $14+$15}' /proc/$1/stat; }
one() { local port=$1 pid=$2 c0 c1 rps; c0=$(cpu $pid); rps=$(taskset -c 0 redis-benchmark -p $port -c 50 -P $P -n $N -r $R --csv $CMD 2>/dev/null | tail -1 | awk -F'","' '{print $2}'); c1=$(cpu $pid); awk -v a=$c0 -v b=$c1 -v n=$N -v r=$rps 'BEGIN{printf "%.3fus/req(%s rps)", (b-a)*10000/n, int(r)}'; }
for p in 7781 7782; do redis-cli -p $p flushall >/dev/null; done
one 7781 $PA >/dev/null; one 7782 $PB >/dev/null; one 7781 $PA >/dev/null; one 7782 $PB >/dev/null
for i in $(seq 1 $ROUNDS); do
  echo "round $i A=$(one 7781 $PA) B=$(one 7782 $PB) redis=$(one 7778 $RP)"
done
kill $PA $PB; wait $PA $PB 2>/dev/null
