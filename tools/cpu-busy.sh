#!/usr/bin/env bash
# cpu-busy.sh PORT "CMD ARGS" P N R
# Busy share of CPU 1 (where bench.sh pins the servers) and CPU 0 (the client) during one
# redis-benchmark run against PORT: tells whether the server or the client is the bottleneck.
PORT=$1; CMD=$2; P=$3; N=$4; R=$5
s0=$(grep "^cpu1 " /proc/stat); c0=$(grep "^cpu0 " /proc/stat)
rps=$(taskset -c 0 redis-benchmark -p $PORT -c 50 -P $P -n $N -r $R --csv $CMD 2>/dev/null | tail -1 | awk -F'","' '{print $2}')
s1=$(grep "^cpu1 " /proc/stat); c1=$(grep "^cpu0 " /proc/stat)
busy() { echo "$1" "$2" | awk '{n=NF/2; for(i=2;i<=n;i++){a=$(i); b=$(i+n); d=b-a; t+=d; if(i==5||i==6) idle+=d}; printf "%.1f", 100*(t-idle)/t}'; }
echo "port $PORT rps=$rps cpu1_busy=$(busy "$s0" "$s1")% cpu0_busy=$(busy "$c0" "$c1")%"
