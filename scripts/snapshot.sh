#!/bin/sh
# snapshot.sh QGDC DIR — writes what qgdc emits for every example into DIR,
# so that a refactoring can be checked to leave every output unchanged:
#   sh scripts/snapshot.sh ./qgdc /tmp/before      (on the old build)
#   sh scripts/snapshot.sh ./qgdc /tmp/after       (on the new build)
#   diff -r /tmp/before /tmp/after                 (must print nothing)
# It records, for each examples/*.qgd: check --dump-ir, analyze --json,
# estimate --json, compile (hierarchical and --flat, with --json report),
# and run --json on the examples that run in about a second; and count,
# qasm, qasm --flat and sim of every .qasm file under tests/. Exit statuses
# are recorded too; flat circuits (up to 1 GB) as checksums; lines that carry wall-clock timings are masked. Each
# command gets 120 s (a busy machine is slow).
set -u
QGDC=$1
DIR=$2
mkdir -p "$DIR"
# timings in JSON ("..._s": x, "seconds": x) and in text ("... 0.12 s")
mask() { sed -E -e 's/("[a-z_]*(_s|seconds|_ms)"): *[-0-9.e+]+/\1: T/g' \
    -e 's/("(classical|build|simulation|readout|count)"): *[-0-9.e+]+/\1: T/g' -e 's/[0-9.]+ (ms|s)\b/T \1/g'; }
hashed() { # NAME CMD...: records the exit status and a checksum of stdout (for huge outputs)
    name=$1; shift
    { timeout 120 "$@" 2> "$DIR/$name.err"; echo "$?" > "$DIR/$name.rc"; } | sha256sum > "$DIR/$name.out"
    rc=$(cat "$DIR/$name.rc"); rm -f "$DIR/$name.rc"
    if [ "$rc" = 124 ]; then echo "timed out" > "$DIR/$name.out"; else echo "exit $rc" >> "$DIR/$name.out"; fi
}
rec() { # NAME CMD...
    name=$1; shift
    timeout 120 "$@" > "$DIR/$name.out" 2> "$DIR/$name.err"
    echo "exit $?" >> "$DIR/$name.out"
    mask < "$DIR/$name.out" > "$DIR/$name.tmp" && mv "$DIR/$name.tmp" "$DIR/$name.out"
    mask < "$DIR/$name.err" > "$DIR/$name.tmp" && mv "$DIR/$name.tmp" "$DIR/$name.err"
}
for f in examples/*.qgd; do
    b=$(basename "$f" .qgd)
    rec "$b.check" "$QGDC" check --dump-ir "$f"
    rec "$b.analyze" "$QGDC" analyze --json "$f"
    rec "$b.estimate" "$QGDC" estimate --json "$f"
    rec "$b.compile" "$QGDC" compile --json -o - --report "$DIR/$b.report.json" "$f"
    hashed "$b.compile_flat" "$QGDC" compile --flat -o - "$f"
    [ -f "$DIR/$b.report.json" ] && { mask < "$DIR/$b.report.json" > "$DIR/$b.tmp" && mv "$DIR/$b.tmp" "$DIR/$b.report.json"; }
done
for b in tiny1 structured_tiny ntk_micro; do
    rec "$b.run" "$QGDC" run --json "examples/$b.qgd"
done
# every OpenQASM file of the tests: count, qasm, qasm --flat, and sim for
# circuits of at most 20 qubits
for f in $(find tests -name '*.qasm' | sort); do
    k=qasm_$(echo "$f" | tr '/' '_')
    rec "$k.count" "$QGDC" count --json "$f"
    nq=$(sed -n 's/^ *"qubits": \([0-9]*\),.*/\1/p' "$DIR/$k.count.out" | head -1)
    if [ -z "$nq" ] || [ "$nq" -le 20 ]; then rec "$k.sim" "$QGDC" sim --json "$f"; fi
    rec "$k.qasm" "$QGDC" qasm "$f"
    hashed "$k.flat" "$QGDC" qasm --flat "$f"
done
