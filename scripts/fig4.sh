#!/bin/sh
# Reproduces the numerical experiment of Liu et al. 2024, supplement III.C
# (Fig. 4): random quadratic systems with a fraction f of dissipative
# Hessian eigenvalues. Writes the problem file, the analysis and the
# plots into DIR (default docs/fig4).
#   (a) error vs t for N = 1..4 with f = 1:     DIR/f100_error.svg
#   (b) error vs t at N = 4 for several f:       DIR/compare_error.svg
# Usage: sh scripts/fig4.sh [DIR] [QGDC]
set -eu
DIR=${1:-docs/fig4}
QGDC=${2:-./qgdc}
mkdir -p "$DIR"
"$QGDC" generate --n 6 --fractions 1,0.83,0.67,0.5 --steps 300 --order 4 --u0 0.5 --seed 1 -o "$DIR/fig4.qgd"
"$QGDC" analyze --max-order 4 --plot "$DIR" -o "$DIR/analysis.txt" "$DIR/fig4.qgd"
echo "wrote $DIR/fig4.qgd, $DIR/analysis.txt and the plots"
echo "(for the numbers behind the plots: $QGDC analyze --max-order 4 --json $DIR/fig4.qgd)"
