#!/bin/sh
# ntk_repro.sh [OUTDIR] — the evidence of Zlokapa, Neven & Lloyd for the fully
# connected network, on Fashion-MNIST instead of MNIST (docs/ntk.md):
#   (a) test accuracy of the exact, sparsified and diagonal NTK against the
#       training-set size n, up to 512;
#   (c) the condition number of K and of the sparsified K̃ against n.
# Writes OUTDIR/repro.qgd (one ntk problem per n and seed), OUTDIR/repro.json
# (qgdc analyze --json), OUTDIR/summary.md (the tables) and the plots
# OUTDIR/plots/ntk_accuracy.svg, OUTDIR/plots/ntk_kappa.svg.
#
# Settings (environment):
#   QGDC     the compiler                      (default ./qgdc)
#   CLASSES  the two Fashion-MNIST classes     (default "7, 9": sneaker, ankle boot)
#   SIZES    training-set sizes n              (default "16 32 64 128 256 512")
#   SEEDS    subset seeds per n                (default "1 2 3 4 5")
#   M        test examples per problem         (default 500)
#   ACT      activation, erf or relu           (default erf, as the paper)
#   DEPTH    the depth L, a .qgd expression    (default "ceil(L_conv / 10)", as the paper)
#   KERNEL   the approximation inverted        (default "sparse(seed = 1)": s = ceil(log2 n))
# Needs the Debian package dataset-fashion-mnist and python3 (for the tables).
set -eu
QGDC=${QGDC:-./qgdc}
OUT=${1:-build/ntk_repro}
CLASSES=${CLASSES:-"7, 9"}
SIZES=${SIZES:-"16 32 64 128 256 512"}
SEEDS=${SEEDS:-"1 2 3 4 5"}
M=${M:-500}
ACT=${ACT:-erf}
DEPTH=${DEPTH:-"ceil(L_conv / 10)"}
KERNEL=${KERNEL:-"sparse(seed = 1)"}
FM=/usr/share/datasets/fashion-mnist

[ -x "$QGDC" ] || { echo "ntk_repro: no compiler at $QGDC (run make, or set QGDC)" >&2; exit 2; }
[ -f "$FM/train-images-idx3-ubyte.gz" ] || {
    echo "ntk_repro: Fashion-MNIST is missing: apt-get install dataset-fashion-mnist (scripts/setup.sh)" >&2; exit 2; }
command -v python3 > /dev/null || { echo "ntk_repro: python3 is needed for the tables" >&2; exit 2; }
mkdir -p "$OUT/plots"

qgd="$OUT/repro.qgd"
{
    echo "# written by scripts/ntk_repro.sh: classes [$CLASSES], $ACT, L = $DEPTH, kernel = $KERNEL"
    for n in $SIZES; do
        for seed in $SEEDS; do
            cat << EOF
ntk n${n}_seed${seed} {
    train = idx("$FM/train-images-idx3-ubyte.gz", "$FM/train-labels-idx1-ubyte.gz",
                classes = [$CLASSES], n = $n, seed = $seed);
    test = idx("$FM/t10k-images-idx3-ubyte.gz", "$FM/t10k-labels-idx1-ubyte.gz",
               classes = [$CLASSES], n = $M, seed = 1000);
    activation = $ACT;
    L = $DEPTH;
    kernel = $KERNEL;
}
EOF
        done
    done
} > "$qgd"

echo "ntk_repro: analysing $(grep -c '^ntk ' "$qgd") problems ($qgd)" >&2
"$QGDC" analyze --json --plot "$OUT/plots" -o "$OUT/repro.json" "$qgd" 2> "$OUT/plots.log"

python3 - "$OUT/repro.json" "$CLASSES" "$ACT" "$DEPTH" "$KERNEL" "$M" > "$OUT/summary.md" << 'PY'
import json, math, sys
path, classes, act, depth, kernel, m = sys.argv[1:]
probs = [p for p in json.load(open(path))["problems"] if p.get("kind") == "ntk"]
by_n = {}
for p in probs:
    by_n.setdefault(p["n"], []).append(p)

def num(x):  # JSON null: an infinite condition number, or no value (a singular matrix)
    return math.inf if x is None else x

def mean(v):
    v = [num(x) for x in v]
    return sum(v) / len(v)

def sd(v):
    v = [num(x) for x in v]
    if len(v) < 2 or any(math.isinf(x) for x in v):
        return 0.0
    mu = mean(v)
    return math.sqrt(sum((x - mu) ** 2 for x in v) / (len(v) - 1))

def pm(v, fmt="{:.3f}"):
    return (fmt + " ± " + fmt).format(mean(v), sd(v))

def g(v):
    return "{:.3g}".format(mean(v))

K = lambda p, k: p["kernels"][k]
km1 = lambda x: None if x is None else x - 1
print(f"Fashion-MNIST classes [{classes}], activation {act}, L = {depth}, kernel = {kernel}, "
      f"{m} test images; mean ± standard deviation over {len(next(iter(by_n.values())))} seeded subsets per n.\n")
print("### (a) test accuracy\n")
print("| n | L | delta | exact | sparse | diagonal | sparse = exact | diagonal = exact |")
print("|---|---|---|---|---|---|---|---|")
for n in sorted(by_n):
    ps = by_n[n]
    acc = {k: [K(p, k)["accuracy"] for p in ps] for k in ("exact", "sparse", "diagonal")}
    agree = {k: [K(p, k)["agree_with_exact"] / p["m"] for p in ps] for k in ("sparse", "diagonal")}
    print(f"| {n} | {g([p['L'] for p in ps])} | {g([p['delta'] for p in ps])} | {pm(acc['exact'])} | {pm(acc['sparse'])} "
          f"| {pm(acc['diagonal'])} | {g(agree['sparse'])} | {g(agree['diagonal'])} |")
print("\n### (b) measurements of the quantum algorithm (sparse kernel)\n")
print("Medians over the test images, then mean over seeds: 1/P for the amplitude encoding of k* "
      "(Lemma III.4) and 1/<y|v>^2 for the sign readout (Lemma III.7), v = K~^-1 k*; "
      "each divided by ln n to show whether they grow like O(log n).\n")
print("| n | 1/P | 1/P / ln n | 1/<y,v>^2 | 1/<y,v>^2 / ln n |")
print("|---|---|---|---|---|")
for n in sorted(by_n):
    ps = by_n[n]
    mp = mean([K(p, 'sparse')['measurements_post'] for p in ps])
    ms = mean([K(p, 'sparse')['measurements_sign'] for p in ps])
    print(f"| {n} | {mp:.3g} | {mp / math.log(n):.3g} | {ms:.3g} | {ms / math.log(n):.3g} |")
print("\n### (c) conditioning\n")
print("| n | s per row | max off-diag K_ij/K_11 | 1/n^2 | kappa(K) - 1 | kappa(K~) - 1 | Gershgorin kappa(K~) - 1 "
      "| paper bound - 1 | rel. inverse error sparse | rel. inverse error diagonal |")
print("|---|---|---|---|---|---|---|---|---|---|")
for n in sorted(by_n):
    ps = by_n[n]
    print(f"| {n} | {ps[0]['sparse']['per_row']} | {g([p['offdiag_max'] for p in ps])} | {1 / n**2:.3g} "
          f"| {g([km1(K(p, 'exact')['kappa']) for p in ps])} | {g([km1(K(p, 'sparse')['kappa']) for p in ps])} "
          f"| {g([km1(K(p, 'sparse')['gershgorin_kappa']) for p in ps])} | {ps[0]['paper_kappa_bound'] - 1:.3g} "
          f"| {g([K(p, 'sparse')['inverse_error'] for p in ps])} | {g([K(p, 'diagonal')['inverse_error'] for p in ps])} |")
PY
cat "$OUT/summary.md"
echo "ntk_repro: plots in $OUT/plots (ntk_accuracy.svg, ntk_kappa.svg)" >&2
