#!/bin/sh
# techniques.sh — the issue's targets for the cheapest circuit (docs/techniques.md):
# whole-training CCZ of resnet7m and resnet103m with algorithm = best, the
# l2 and l-infinity read-outs, with and without a 10,000-qubit budget, and
# the time of each estimate (the target: under 1 s, also at n = 1e9).
#   sh bench/techniques.sh [QGDC]
Q=${1:-./qgdc}
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
sed -e 's/n = 7451044;/n = 1000000000;/' -e 's/nnz = 32 \* 7451044/nnz = 32 * 1000000000/' \
    -e 's/kept = 745104;/kept = 100000000;/' -e 's/model resnet7m/model n1e9/' examples/resnet7m.qgd > "$tmp/n1e9.qgd"
printf '%-12s %-6s %-8s %12s %12s %8s %8s\n' model error qubits "paper CCZ" "best CCZ" "qubits" seconds
for f in examples/resnet7m.qgd examples/resnet103m.qgd "$tmp/n1e9.qgd"; do
    for m in l2 linf; do
        for b in none 10000; do
            args="--json --compare --error-measure $m"
            [ "$b" != none ] && args="$args --max-logical-qubits $b"
            t0=$(date +%s.%N)
            "$Q" estimate $args "$f" > "$tmp/out.json" || exit 1
            t1=$(date +%s.%N)
            python3 - "$tmp/out.json" "$(basename "$f" .qgd)" "$m" "$b" "$(echo "$t1 - $t0" | bc)" <<'PY' || exit 1
import json, sys
d = json.load(open(sys.argv[1]))
print("%-12s %-6s %-8s %12.3e %12.3e %8d %8.2f" % (sys.argv[2], sys.argv[3], sys.argv[4], int(d["steps"][0]["total_ccz"]),
      int(d["best"]["total_ccz"]), d["best"]["logical_qubits"], float(sys.argv[5])))
PY
        done
    done
done
