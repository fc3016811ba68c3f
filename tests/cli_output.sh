# cli_output.sh — what -o / --report write to (sourced by run_golden.sh):
# only regular files are replaced (atomically); devices, FIFOs and stdout
# are written directly; symbolic links are followed and kept; every write
# error is a message and exit status 1. Devices are private nodes made with
# mknod in $tmp (root only), never the system's.

E=examples/tiny1.qgd
"$QGDC" check --dump-ir "$E" > "$tmp/out_ref"

# private device nodes: a null (1,3) and a full (1,7) device
if [ "$(id -u)" -eq 0 ] && mkdir -p "$tmp/dev" && mknod "$tmp/dev/null" c 1 3 2> /dev/null && mknod "$tmp/dev/full" c 1 7 2> /dev/null; then
    expect_rc "-o a null device" 0 "$QGDC" check --dump-ir -o "$tmp/dev/null" "$E"
    if [ -c "$tmp/dev/null" ]; then ok "cli: -o leaves a device a device"; else bad "cli: -o replaced a device by a regular file"; fi
    expect_rc "compile --report a null device" 0 "$QGDC" compile -o "$tmp/out_t.qasm" --report "$tmp/dev/null" "$E"
    if [ -c "$tmp/dev/null" ]; then ok "cli: --report leaves a device a device"; else bad "cli: --report replaced a device"; fi
    expect_rc "-o a full device" 1 "$QGDC" check --dump-ir -o "$tmp/dev/full" "$E"
    if grep -q "cannot write '$tmp/dev/full': No space left on device" "$tmp/cli_err"; then ok "cli: -o full device message"; else bad "cli: -o full device message" "$tmp/cli_err"; fi
    if [ -c "$tmp/dev/full" ]; then ok "cli: a full device stays a device"; else bad "cli: a full device was replaced"; fi
    # standard output on a full device: checked at exit
    "$QGDC" check --dump-ir "$E" > "$tmp/dev/full" 2> "$tmp/cli_err"
    rc=$?
    if [ $rc -eq 1 ] && grep -q "cannot write to standard output: No space left on device" "$tmp/cli_err"; then ok "cli: stdout on a full device fails"; else bad "cli: stdout on a full device: exit $rc" "$tmp/cli_err"; fi
    "$QGDC" estimate examples/resnet7m.qgd --json > "$tmp/dev/full" 2> "$tmp/cli_err"
    rc=$?
    if [ $rc -eq 1 ]; then ok "cli: estimate to a full stdout fails"; else bad "cli: estimate to a full stdout: exit $rc" "$tmp/cli_err"; fi
    # a symbolic link to a device: the device is written, the link kept
    ln -s dev/null "$tmp/lnull"
    expect_rc "-o a link to a device" 0 "$QGDC" check -o "$tmp/lnull" "$E"
    if [ -L "$tmp/lnull" ] && [ -c "$tmp/dev/null" ]; then ok "cli: link to a device kept"; else bad "cli: link to a device replaced"; fi
else
    echo "[skip] cli: device-node output tests need root (mknod)"
fi

# a FIFO is written, not replaced (the reader has 10 s)
if mkfifo "$tmp/fifo" 2> /dev/null; then
    (timeout 10 cat "$tmp/fifo" > "$tmp/fifo_out") &
    reader=$!
    expect_rc "-o a FIFO" 0 timeout 10 "$QGDC" check --dump-ir -o "$tmp/fifo" "$E"
    wait $reader
    if [ -p "$tmp/fifo" ]; then ok "cli: a FIFO stays a FIFO"; else bad "cli: -o replaced a FIFO"; fi
    if cmp -s "$tmp/fifo_out" "$tmp/out_ref"; then ok "cli: the FIFO's reader got the output"; else bad "cli: the FIFO's reader got the output"; fi
fi

# a symbolic link: the file it names is replaced (keeping its mode), the link kept
echo old > "$tmp/real.ir"
chmod 640 "$tmp/real.ir"
ln -s real.ir "$tmp/link.ir"
expect_rc "-o a symbolic link" 0 "$QGDC" check --dump-ir -o "$tmp/link.ir" "$E"
if [ -L "$tmp/link.ir" ] && [ "$(readlink "$tmp/link.ir")" = real.ir ]; then ok "cli: -o keeps the link"; else bad "cli: -o replaced the link"; fi
if cmp -s "$tmp/real.ir" "$tmp/out_ref"; then ok "cli: -o through a link writes the target"; else bad "cli: -o through a link writes the target"; fi
if [ "$(stat -c %a "$tmp/real.ir")" = 640 ]; then ok "cli: a replaced file keeps its mode"; else bad "cli: a replaced file has mode $(stat -c %a "$tmp/real.ir"), expected 640"; fi
# a dangling link: its target is created
ln -s made.ir "$tmp/dangling.ir"
expect_rc "-o a dangling link" 0 "$QGDC" check --dump-ir -o "$tmp/dangling.ir" "$E"
if [ -L "$tmp/dangling.ir" ] && cmp -s "$tmp/made.ir" "$tmp/out_ref"; then ok "cli: a dangling link's target is created"; else bad "cli: a dangling link's target is created"; fi
# a link loop and a directory are refused
ln -s loop2 "$tmp/loop1"; ln -s loop1 "$tmp/loop2"
expect_rc "-o a link loop" 1 "$QGDC" check -o "$tmp/loop1" "$E"
expect_rc "-o a directory" 1 "$QGDC" check -o "$tmp" "$E"
if grep -q "Is a directory" "$tmp/cli_err"; then ok "cli: -o a directory message"; else bad "cli: -o a directory message" "$tmp/cli_err"; fi
if ls "$tmp"/*.tmp* > /dev/null 2>&1; then bad "cli: output temporaries left behind"; else ok "cli: no output temporaries left"; fi

# a closed pipe: EPIPE is an error (exit 1), not a silent death by SIGPIPE
"$QGDC" compile --flat -o "$tmp/big.qasm" examples/poly1.qgd > /dev/null 2>&1
if [ "$(wc -c < "$tmp/big.qasm")" -gt 1000000 ]; then
    { "$QGDC" qasm --flat "$tmp/big.qasm" 2> "$tmp/pipe_err"; echo $? > "$tmp/pipe_rc"; } | head -c 10 > "$tmp/pipe_head"
    rc=$(cat "$tmp/pipe_rc")
    if [ "$rc" -eq 1 ] && grep -q "Broken pipe" "$tmp/pipe_err"; then ok "cli: a closed pipe is exit 1 with a message"; else bad "cli: a closed pipe: exit $rc" "$tmp/pipe_err"; fi
else
    bad "cli: poly1's flat circuit is expected to exceed 1 MB"
fi
