#!/usr/bin/env bash
# threads_load.sh — does a second OpenMP thread ever cost much?
#
#   bash bench/threads_load.sh [QGDC] [FILE.qgd] [REPS]
#
# Times `QGDC run FILE.qgd` (default ./qgdc, examples/poly1.qgd, 5 reps)
# with OMP_NUM_THREADS=1 and 2, on the machine as it is ("quiet") and with
# a background load of one busy loop per core ("loaded"), every rep running
# the four side by side in turn, and prints the median wall times and the
# ratio 2 threads / 1 thread for each. The environment is otherwise the
# caller's: with OMP_WAIT_POLICY or GOMP_SPINCOUNT unset qgdc waits
# passively (src/sim/threads.c); GOMP_SPINCOUNT=300000 brings back libgomp's
# spinning default. Exits 1 if a ratio is above MAX_RATIO (default 1.5).
set -u
qgdc=${1:-./qgdc}
file=${2:-examples/poly1.qgd}
reps=${3:-5}
max_ratio=${MAX_RATIO:-1.5}
[ -x "$qgdc" ] || { echo "threads_load: no executable $qgdc" >&2; exit 2; }
[ -r "$file" ] || { echo "threads_load: cannot read $file" >&2; exit 2; }
ncores=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)
tmp=$(mktemp -d) || exit 2
hogs=()
stop_load() {
    for p in "${hogs[@]}"; do kill "$p" 2>/dev/null; done
    for p in "${hogs[@]}"; do wait "$p" 2>/dev/null; done
    hogs=()
}
trap 'stop_load; rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

start_load() {
    for ((c = 0; c < ncores; c++)); do
        (while :; do :; done) &
        hogs+=($!)
    done
}

# one timed run: wall seconds on stdout
run_once() {
    local t0 t1
    t0=$(date +%s.%N)
    OMP_NUM_THREADS=$1 "$qgdc" run "$file" >"$tmp/out" 2>&1 || { cat "$tmp/out" >&2; return 1; }
    t1=$(date +%s.%N)
    awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", b - a }'
}

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }

echo "threads_load: $qgdc run $file, $reps reps, $ncores cores, load: one busy loop per core"
echo "  OMP_WAIT_POLICY=${OMP_WAIT_POLICY-(unset)} GOMP_SPINCOUNT=${GOMP_SPINCOUNT-(unset)}; 1-minute load average $(cut -d' ' -f1 /proc/loadavg 2>/dev/null)"
for ((r = 1; r <= reps; r++)); do
    for load in quiet loaded; do
        [ $load = loaded ] && start_load
        for t in 1 2; do
            s=$(run_once $t) || exit 1
            echo "$s" >>"$tmp/$load.$t"
        done
        stop_load
    done
done

fail=0
printf '\n| machine | 1 thread (s) | 2 threads (s) | 2 / 1 |\n|---|---|---|---|\n'
for load in quiet loaded; do
    m1=$(median <"$tmp/$load.1")
    m2=$(median <"$tmp/$load.2")
    ratio=$(awk -v a="$m1" -v b="$m2" 'BEGIN { printf "%.2f", b / a }')
    printf '| %s | %s | %s | %s |\n' "$load" "$m1" "$m2" "$ratio"
    awk -v x="$ratio" -v m="$max_ratio" 'BEGIN { exit !(x > m) }' && fail=1
done
echo "  (medians of $reps; each rep runs the four side by side)"
[ $fail = 0 ] || { echo "threads_load: 2 threads took more than $max_ratio x the time of 1" >&2; exit 1; }
