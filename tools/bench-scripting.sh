#!/bin/bash
# Usage: tools/bench-scripting.sh FERRITE_PORT REDIS_PORT
# Start both servers first; like bench.sh, both are pinned to CPU 1 and the load generator to
# CPU 0. WARNING: sends FLUSHALL and SCRIPT FLUSH to both servers.
# EVALSHA of a 3-command script (INCR, SET, GET) and PUBLISH to a channel with 10 subscribers
# (redis-cli processes, pinned to CPU 0 with the generator), P1 and P16, median of 3 alternating
# runs; prints rps and p99 for Ferrite and Redis and their ratio.
set -u
FP=$1; RP=$2
SCRIPT="redis.call('INCR', KEYS[1]); redis.call('SET', KEYS[2], ARGV[1]); return redis.call('GET', KEYS[1])"
for port in "$FP" "$RP"; do
  pid=$(ss -ltnpH "sport = :$port" 2>/dev/null | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2)
  [ -n "$pid" ] && taskset -a -p -c 1 "$pid" >/dev/null
done
run() { # port P N args...
  local port=$1 P=$2 N=$3; shift 3
  taskset -c 0 redis-benchmark -p "$port" -c 50 -P "$P" -n "$N" -r 100000 --csv "$@" 2>/dev/null | tail -1 \
    | awk -F'","' '{gsub(/"/,"",$NF); print $2" "$7}'
}
subs=()
start_subscribers() { # port
  for _ in $(seq 1 10); do taskset -c 0 redis-cli -p "$1" subscribe ch >/dev/null & subs+=($!); done
  sleep 0.5
}
stop_subscribers() { for p in "${subs[@]}"; do kill "$p" 2>/dev/null; done; wait "${subs[@]}" 2>/dev/null; subs=(); }
trap stop_subscribers EXIT
printf '%-8s %-4s %12s %12s %6s %8s %8s\n' cmd mode ferrite redis ratio f_p99 r_p99
for name in EVALSHA PUBLISH; do
  for P in 1 16; do
    N=$([ "$P" = 1 ] && echo 100000 || echo 400000)
    : > /tmp/bs.f; : > /tmp/bs.r
    for _ in 1 2 3; do
      for port in "$RP" "$FP"; do
        redis-cli -p "$port" flushall >/dev/null; redis-cli -p "$port" script flush >/dev/null
        if [ "$name" = EVALSHA ]; then
          sha=$(redis-cli -p "$port" script load "$SCRIPT")
          out=$(run "$port" "$P" "$N" EVALSHA "$sha" 2 cnt "key:__rand_int__" val)
        else
          start_subscribers "$port"
          out=$(run "$port" "$P" "$N" PUBLISH ch hello)
          stop_subscribers
        fi
        if [ "$port" = "$FP" ]; then echo "$out" >> /tmp/bs.f; else echo "$out" >> /tmp/bs.r; fi
      done
    done
    fr=$(cut -d' ' -f1 /tmp/bs.f | sort -g | sed -n 2p); rr=$(cut -d' ' -f1 /tmp/bs.r | sort -g | sed -n 2p)
    fl=$(cut -d' ' -f2 /tmp/bs.f | sort -g | sed -n 2p); rl=$(cut -d' ' -f2 /tmp/bs.r | sort -g | sed -n 2p)
    printf '%-8s P%-3s %12s %12s %6.2f %8s %8s\n' "$name" "$P" "$fr" "$rr" "$(awk -v a="$fr" -v b="$rr" 'BEGIN{print a/b}')" "$fl" "$rl"
  done
done
