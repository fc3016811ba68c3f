#!/usr/bin/env bash
# run.sh — the QDK interop test; `make interop` runs it. Checks qgdc's
# OpenQASM 3 against Microsoft's QDK (npm qsharp-lang, version pinned in
# tests/interop/package.json and package-lock.json).
#
#   tests/interop/run.sh [--out DIR] [--shots N] [--seed S] [--alpha A]
#                        [other interop.mjs options] [FILE.qasm|FILE.qgd ...]
#
# 1. No node (or no npm while qsharp-lang is not installed): prints
#    "interop: node not found, skipped" (or "npm") and exits 0.
# 2. Installs the pinned qsharp-lang with `npm ci` unless node_modules
#    already holds exactly the locked version (so an installed tree runs
#    offline; a clean clone needs the npm registry or npm's cache).
# 3. Runs interop.mjs with qgdc = $QGDC (default ./qgdc at the top of the
#    tree): every circuit in circuits/ (and circuits/unsupported/), qgdc's
#    hierarchical and --flat output of each, every examples/*.qgd that
#    `qgdc compile` accepts; the QDK parses and runs each, its distribution
#    is G-tested against `qgdc sim`, flat counts and physical estimates are
#    compared with `qgdc count`. See interop.mjs for the details.
# Results in DIR (default tests/interop/results, or $INTEROP_OUT; git-ignored
# contents). Defaults: N = 2000 shots, S = 1, A = 1e-3 (family-wise
# false-alarm rate, Bonferroni-corrected over all tests). Prints one line per
# circuit, the figures, then "N passed, M failed"; exit 0 if nothing failed.
set -u

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
case "${1:-}" in -h|--help) sed -n '2,23p' "$0"; exit 0 ;; esac

if ! command -v node >/dev/null 2>&1; then
  echo "interop: node not found, skipped"
  exit 0
fi

# The locked version against the installed one.
locked=$(node -e 'const l = require(process.argv[1]); process.stdout.write(String(l.packages?.["node_modules/qsharp-lang"]?.version ?? ""))' "$HERE/package-lock.json" 2>/dev/null)
installed=""
if [ -f "$HERE/node_modules/qsharp-lang/lib/web/qsc_wasm_bg.wasm" ]; then
  installed=$(node -e 'process.stdout.write(String(require(process.argv[1]).version))' "$HERE/node_modules/qsharp-lang/package.json" 2>/dev/null)
fi
if [ -z "$locked" ]; then
  echo "[FAIL] interop: cannot read the qsharp-lang version from $HERE/package-lock.json"
  exit 1
fi
if [ "$installed" != "$locked" ]; then
  if ! command -v npm >/dev/null 2>&1; then
    echo "interop: npm not found, skipped (qsharp-lang $locked is not installed in $HERE/node_modules)"
    exit 0
  fi
  echo "interop: installing qsharp-lang $locked with npm ci ..."
  if ! (cd "$HERE" && npm ci --prefer-offline --no-audit --no-fund --loglevel=error); then
    echo "[FAIL] interop: npm ci failed in $HERE (is the npm registry reachable?)"
    exit 1
  fi
else
  echo "interop: qsharp-lang $installed (as locked) in $HERE/node_modules"
fi

args=()
[ -n "${INTEROP_OUT:-}" ] && args+=(--out "$INTEROP_OUT")
node "$HERE/interop.mjs" --qgdc "${QGDC:-$ROOT/qgdc}" "${args[@]}" "$@"; rc=$?
node "$HERE/qc2.mjs" --qgdc "${QGDC:-$ROOT/qgdc}" || rc=1; exit $rc # the second simulator, quantum-circuit (OpenQASM 2.0)
