#!/usr/bin/env bash
# server-bound-bench.sh — Ferrite against redis-server when the server is the limit, not the client.
#
# bench.sh runs one redis-benchmark thread against one server CPU; on small machines that client
# saturates first, and its ratios then measure the client. This script gives the client several
# threads on CPUs of its own, so the server's CPU is what runs out. Needs a machine with at least
# 12 CPUs (set the CPU lists below for another layout). Two parts:
#
#   one-core   both servers confined to SERVER_CPU from their start (Ferrite then runs one event
#              loop), client with CLIENT_THREADS threads on CLIENT_CPUS: per-core throughput.
#   scaling    Ferrite on SCALE_SERVER_CPUS (one event loop per CPU), redis-server on the same CPUs
#              (one command thread), client on SCALE_CLIENT_CPUS: what one server process serves.
#
# Each (command, mode) runs Ferrite and Redis alternately REPEAT times; the median is shown.
# Env: JAVA, JAR (ferrite-server.jar), REDIS_SERVER, REDIS_BENCHMARK, REDIS_CLI (commands on PATH by
# default), PARTS="one-core scaling", SCALE (multiplies request counts), REPEAT (default 3),
# QUICK=1 (one-core without SET).
set -u
JAVA=${JAVA:-java}; JAR=${JAR:-ferrite-server/target/ferrite-server.jar}
REDIS_SERVER=${REDIS_SERVER:-redis-server}; REDIS_BENCHMARK=${REDIS_BENCHMARK:-redis-benchmark}
REDIS_CLI=${REDIS_CLI:-redis-cli}
SERVER_CPU=${SERVER_CPU:-2}; CLIENT_CPUS=${CLIENT_CPUS:-4-11}; CLIENT_THREADS=${CLIENT_THREADS:-8}
SCALE_SERVER_CPUS=${SCALE_SERVER_CPUS:-0-7}; SCALE_CLIENT_CPUS=${SCALE_CLIENT_CPUS:-8-15}
PARTS=${PARTS:-"one-core scaling"}; SCALE=${SCALE:-1}; REPEAT=${REPEAT:-3}
FP=${FP:-7801}; RP=${RP:-7802}
TMP=$(mktemp -d /tmp/server-bound.XXXXXX)
JOPTS="-XX:+UseCompactObjectHeaders -XX:+UseG1GC -XX:MaxGCPauseMillis=5 -XX:+AlwaysPreTouch -Xms4g -Xmx4g
 --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow"
FPID=""; RPID=""
cleanup() { stop; rm -rf "$TMP"; }
trap cleanup EXIT

up() {  # port: wait for PONG
  for _ in $(seq 1 100); do
    [ "$("$REDIS_CLI" -p "$1" ping 2>/dev/null)" = PONG ] && return 0
    sleep 0.2
  done
  echo "no server on port $1" >&2; exit 2
}
start() {  # cpus [ferrite flags...]
  local cpus=$1; shift
  # shellcheck disable=SC2086
  taskset -c "$cpus" "$JAVA" $JOPTS -jar "$JAR" --port "$FP" "$@" >"$TMP/ferrite.log" 2>&1 &
  FPID=$!
  (cd "$TMP" && exec taskset -c "$cpus" "$REDIS_SERVER" --port "$RP" --bind 127.0.0.1 --save '' \
      --appendonly no --dir "$TMP" --logfile "$TMP/redis.log") </dev/null >/dev/null 2>&1 &
  RPID=$!
  up "$FP"; up "$RP"
}
stop() {
  [ -n "$FPID" ] && kill "$FPID" 2>/dev/null && wait "$FPID" 2>/dev/null
  [ -n "$RPID" ] && kill "$RPID" 2>/dev/null && wait "$RPID" 2>/dev/null
  FPID=""; RPID=""
}
rps() {  # port cpus threads clients P N cmd... -> "requests/s server-CPU-us-per-request"
  local port=$1 cpus=$2 threads=$3 clients=$4 P=$5 N=$6 pid c0 c1 r; shift 6
  pid=$([ "$port" = "$FP" ] && echo "$FPID" || echo "$RPID")
  c0=$(awk '{print $14+$15}' "/proc/$pid/stat")
  r=$(taskset -c "$cpus" "$REDIS_BENCHMARK" -p "$port" --threads "$threads" -c "$clients" -P "$P" -n "$N" \
      -r 100000 --csv "$@" 2>/dev/null | tail -1 | awk -F'","' '{print $2+0}')
  c1=$(awk '{print $14+$15}' "/proc/$pid/stat")
  awk -v r="$r" -v c="$((c1 - c0))" -v n="$N" -v hz="$(getconf CLK_TCK)" 'BEGIN{printf "%d %.3f\n", r, c * 1e6 / hz / n}'
}
median() { sort -g | awk '{a[NR]=$1} END{print (NR ? a[int((NR+1)/2)] : 0)}'; }
row() {  # part cpus threads clients P N cmd...
  local part=$1 cpus=$2 threads=$3 clients=$4 P=$5 N; N=$(awk -v n="$6" -v s="$SCALE" 'BEGIN{print int(n*s)}'); shift 6
  : >"$TMP/f"; : >"$TMP/r"
  rps "$FP" "$cpus" "$threads" "$clients" "$P" "$((N / 2))" "$@" >/dev/null   # JIT warm-up, same mode
  for _ in $(seq 1 "$REPEAT"); do
    rps "$RP" "$cpus" "$threads" "$clients" "$P" "$N" "$@" >>"$TMP/r"
    rps "$FP" "$cpus" "$threads" "$clients" "$P" "$N" "$@" >>"$TMP/f"
  done
  local f r fc rc
  f=$(cut -d' ' -f1 "$TMP/f" | median); r=$(cut -d' ' -f1 "$TMP/r" | median)
  fc=$(cut -d' ' -f2 "$TMP/f" | median); rc=$(cut -d' ' -f2 "$TMP/r" | median)
  printf '%-9s %-40s P%-3s %10.0f %10.0f %6s %7s %7s   [F: %s] [R: %s]\n' "$part" "$*" "$P" "$f" "$r" \
      "$(awk -v a="$f" -v b="$r" 'BEGIN{ if (b > 0) printf "%.2f", a / b; else print "-" }')" "$fc" "$rc" \
      "$(cut -d' ' -f1 "$TMP/f" | tr '\n' ' ')" "$(cut -d' ' -f1 "$TMP/r" | tr '\n' ' ')"
}

echo "# server-bound-bench.sh $(date -u +%FT%TZ) on $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs))"
echo "# redis: $("$REDIS_SERVER" --version | cut -d' ' -f3)  java: $("$JAVA" -version 2>&1 | head -1)"
printf '%-9s %-40s %-4s %10s %10s %6s %7s %7s\n' part command mode ferrite_rps redis_rps ratio f_us r_us
for part in $PARTS; do
  case $part in
    one-core)
      start "$SERVER_CPU"
      for P in 16 1; do
        N=$([ "$P" = 16 ] && echo 4000000 || echo 600000)
        row one-core "$CLIENT_CPUS" "$CLIENT_THREADS" 200 "$P" "$N" PFADD hll __rand_int__
        row one-core "$CLIENT_CPUS" "$CLIENT_THREADS" 200 "$P" "$N" GET key:__rand_int__
        [ -n "${QUICK:-}" ] || row one-core "$CLIENT_CPUS" "$CLIENT_THREADS" 200 "$P" "$N" SET key:__rand_int__ vvvvvvvvvvvvvvvv
      done
      stop ;;
    scaling)
      start "$SCALE_SERVER_CPUS"
      for P in 16 1; do
        N=$([ "$P" = 16 ] && echo 8000000 || echo 1500000)
        row scaling "$SCALE_CLIENT_CPUS" 8 400 "$P" "$N" SET key:__rand_int__ vvvvvvvvvvvvvvvv
        row scaling "$SCALE_CLIENT_CPUS" 8 400 "$P" "$N" GET key:__rand_int__
        row scaling "$SCALE_CLIENT_CPUS" 8 400 "$P" "$N" PFADD hll:__rand_int__ __rand_int__
      done
      stop ;;
    *) echo "unknown part $part" >&2 ;;
  esac
done
echo "# ratio = Ferrite / Redis median requests/s; f_us, r_us = median server CPU (user+sys) per request, µs;"
echo "# [F: ...] [R: ...] are the single runs' requests/s"
