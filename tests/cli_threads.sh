# cli_threads.sh — OpenMP threads wait passively unless the user says
# otherwise (src/sim/threads.c): qgdc runs with OMP_WAIT_POLICY=passive when
# neither OMP_WAIT_POLICY nor GOMP_SPINCOUNT is set and it would use several
# threads. Seen from outside: qgdc's environment, read from /proc while it
# waits to open a FIFO given as its input. Sourced by run_golden.sh.

# thr_env NAME=VALUE...: qgdc's OMP_WAIT_POLICY and GOMP_SPINCOUNT lines, as
# it runs under exactly these OpenMP settings, into $tmp/thr_env
thr_env() {
    rm -f "$tmp/thr_fifo" "$tmp/thr_env"
    mkfifo "$tmp/thr_fifo" || return 1
    env -u OMP_WAIT_POLICY -u GOMP_SPINCOUNT -u OMP_NUM_THREADS "$@" "$QGDC" check "$tmp/thr_fifo" > "$tmp/thr_out" 2>&1 &
    thr_pid=$!
    # opening the FIFO for writing waits for qgdc to open it for reading
    timeout 30 sh -c 'exec 3> "$1"; tr "\0" "\n" < "/proc/$2/environ"' thr "$tmp/thr_fifo" "$thr_pid" \
        | grep -E '^(OMP_WAIT_POLICY|GOMP_SPINCOUNT)=' > "$tmp/thr_env"
    wait "$thr_pid"
    return 0
}

if [ "$(uname -s)" != Linux ] || [ ! -r /proc/self/environ ] || ! command -v mkfifo > /dev/null || ! command -v timeout > /dev/null; then
    echo "cli_threads: skipped (needs Linux's /proc, mkfifo and timeout)"
else
    thr_env OMP_NUM_THREADS=2
    if [ "$(cat "$tmp/thr_env")" = "OMP_WAIT_POLICY=passive" ]; then ok "threads: passive waiting by default"
    else bad "threads: passive waiting by default: environment '$(cat "$tmp/thr_env")'" "$tmp/thr_out"; fi

    thr_env OMP_NUM_THREADS=2 OMP_WAIT_POLICY=active
    if [ "$(cat "$tmp/thr_env")" = "OMP_WAIT_POLICY=active" ]; then ok "threads: the user's OMP_WAIT_POLICY wins"
    else bad "threads: the user's OMP_WAIT_POLICY wins: environment '$(cat "$tmp/thr_env")'" "$tmp/thr_out"; fi

    thr_env OMP_NUM_THREADS=2 GOMP_SPINCOUNT=100000
    if [ "$(cat "$tmp/thr_env")" = "GOMP_SPINCOUNT=100000" ]; then ok "threads: the user's GOMP_SPINCOUNT wins"
    else bad "threads: the user's GOMP_SPINCOUNT wins: environment '$(cat "$tmp/thr_env")'" "$tmp/thr_out"; fi

    thr_env OMP_NUM_THREADS=1
    if [ ! -s "$tmp/thr_env" ]; then ok "threads: one thread runs as started"
    else bad "threads: one thread runs as started: environment '$(cat "$tmp/thr_env")'" "$tmp/thr_out"; fi
    rm -f "$tmp/thr_fifo"
fi
