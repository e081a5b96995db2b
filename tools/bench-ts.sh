#!/bin/bash
# Usage: tools/bench-ts.sh PORT   (a Ferrite started with: taskset -c 1 ./ferrite --port PORT)
# WARNING: sends FLUSHALL. Time-series ingestion with redis-benchmark, client pinned to CPU 0:
# KEYS series ts:000000000000.. (redis-benchmark's -r KEYS key names) created with
# DUPLICATE_POLICY LAST (with the default BLOCK, '*' timestamps collide within a millisecond);
# TS.ADD at P1 and P16, TS.MADD of S samples per call at P16. Prints requests/s and samples/s,
# median of REPEAT runs. With 1000 keys most samples share their key's newest millisecond (an
# in-place upsert of the last sample); with 100000 most are appends.
# FIXED=1 runs only the issue's form instead: TS.MADD ts:1 * 1 ... ts:S * S (the same S keys in every call).
# Env: KEYS (1000), REPEAT (3), S (10), N_ADD (200000), N_MADD (200000), CLIENTS (50), FIXED (0).
set -euo pipefail
PORT=${1:?port}
FIXED=${FIXED:-0} KEYS=${KEYS:-1000} REPEAT=${REPEAT:-3} S=${S:-10} N_ADD=${N_ADD:-200000} N_MADD=${N_MADD:-200000} CLIENTS=${CLIENTS:-50}
redis-cli -p "$PORT" flushall >/dev/null
if [ "$FIXED" = 1 ]; then
  for k in $(seq 1 "$S"); do redis-cli -p "$PORT" TS.CREATE "ts:$k" DUPLICATE_POLICY LAST >/dev/null; done
  fixed=(TS.MADD)
  for k in $(seq 1 "$S"); do fixed+=("ts:$k" '*' "$k"); done
  r=$(for i in $(seq 1 "$REPEAT"); do
        taskset -c 0 redis-benchmark -p "$PORT" -c "$CLIENTS" -P 16 -n "$N_MADD" -r 100000 --csv "${fixed[@]}" 2>/dev/null \
          | tail -1 | awk -F'","' '{print $2}'
      done | sort -g | sed -n "$(( (REPEAT + 1) / 2 ))p")
  printf 'TS.MADD  P16 %10.0f req/s %12.0f samples/s (fixed keys ts:1..ts:%s)\n' "$r" "$(awk -v r="$r" -v s="$S" 'BEGIN{print r*s}')" "$S"
  exit 0
fi
for i in $(seq 0 $((KEYS - 1))); do printf 'TS.CREATE ts:%012d DUPLICATE_POLICY LAST\n' "$i"; done \
  | redis-cli -p "$PORT" >/dev/null
rps() { # P N args...
  local P=$1 N=$2; shift 2
  taskset -c 0 redis-benchmark -p "$PORT" -c "$CLIENTS" -P "$P" -n "$N" -r "$KEYS" --csv "$@" 2>/dev/null \
    | tail -1 | awk -F'","' '{print $2}'
}
median() { sort -g | sed -n "$(( (REPEAT + 1) / 2 ))p"; }
madd=(TS.MADD)
for k in $(seq 1 "$S"); do madd+=("ts:__rand_int__" '*' "$k"); done
for P in 1 16; do
  r=$(for i in $(seq 1 "$REPEAT"); do rps "$P" "$N_ADD" TS.ADD ts:__rand_int__ '*' 42.5; done | median)
  printf 'TS.ADD   P%-2s %10.0f req/s %12.0f samples/s\n' "$P" "$r" "$r"
done
r=$(for i in $(seq 1 "$REPEAT"); do rps 16 "$N_MADD" "${madd[@]}"; done | median)
printf 'TS.MADD  P16 %10.0f req/s %12.0f samples/s (%s samples a call)\n' "$r" "$(awk -v r="$r" -v s="$S" 'BEGIN{print r*s}')" "$S"
