#!/bin/bash
# Usage: start Ferrite on 7777 and a redis-server on 7778, pin both to CPU 1 (taskset -a -p -c 1 PID), then run this.
# WARNING: sends FLUSHALL to both servers.
# LPOP and ZREVRANGE 0 9 (top-10 of a 1000-member leaderboard), Ferrite vs Redis, median of 3.
run() { # port P args...
  local port=$1 P=$2; shift 2
  taskset -c 0 redis-benchmark -p $port -c 50 -P $P -n $N --csv "$@" 2>/dev/null | tail -1 | awk -F'","' '{gsub(/"/,"",$NF); print $2" "$7}'
}
for P in 1 16; do
  N=$([ $P = 1 ] && echo 100000 || echo 1000000)
  for name in LPOP ZRANGE10; do
    : > /tmp/eb.f; : > /tmp/eb.r
    for i in 1 2 3; do
      for port in 7778 7777; do
        redis-cli -p $port flushall >/dev/null
        if [ $name = LPOP ]; then
          taskset -c 0 redis-benchmark -p $port -c 50 -P 16 -n $((N+100000)) -q LPUSH list x >/dev/null 2>&1
          out=$(run $port $P LPOP list)
        else
          for m in $(seq 1 1000); do echo "ZADD zs $m m:$m"; done | redis-cli -p $port > /dev/null
          out=$(run $port $P ZREVRANGE zs 0 9 WITHSCORES)
        fi
        [ $port = 7777 ] && echo "$out" >> /tmp/eb.f || echo "$out" >> /tmp/eb.r
      done
    done
    fr=$(cut -d' ' -f1 /tmp/eb.f | sort -g | sed -n 2p); rr=$(cut -d' ' -f1 /tmp/eb.r | sort -g | sed -n 2p)
    fl=$(cut -d' ' -f2 /tmp/eb.f | sort -g | sed -n 2p); rl=$(cut -d' ' -f2 /tmp/eb.r | sort -g | sed -n 2p)
    printf '%-9s P%-3s %12s %12s %6.2f %8s %8s\n' $name $P $fr $rr $(awk -v a=$fr -v b=$rr 'BEGIN{print a/b}') $fl $rl
  done
done
