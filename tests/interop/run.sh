#!/usr/bin/env bash
# run.sh — check OpenQASM files against Microsoft's QDK (npm qsharp-lang,
# version pinned in tests/interop/package.json). Called by `make interop`.
#
#   tests/interop/run.sh [--out DIR] [--shots N] [--seed S] [--alpha A] [FILE.qasm ...]
#
# Without files it runs tests/interop/circuits/*.qasm and
# tests/interop/circuits/unsupported/*.qasm. For each file it runs
#   qdk.mjs check, qdk.mjs run --shots N --seed S, qdk.mjs estimate
# writing DIR/NAME.{check,run,estimate}.json (+ .err with the stderr), then
# verify.mjs judges them against the file's `// expect-...:` comments and
# writes DIR/NAME.verdict.json. Prints [ok]/[FAIL] per file, then
# "N passed, N failed"; DIR/summary.json lists the verdicts.
# Exit status: 0 all passed (or node missing: prints SKIPPED), 1 otherwise.
# Defaults: DIR = tests/interop/results (git-ignored), N = 2000, S = 1,
# A = 1e-3 (false-alarm rate of each probability check).
set -u

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT="${INTEROP_OUT:-$HERE/results}"
SHOTS=2000
SEED=1
ALPHA=1e-3
FILES=()
while [ $# -gt 0 ]; do
  case "$1" in
    --out) OUT="$2"; shift 2 ;;
    --shots) SHOTS="$2"; shift 2 ;;
    --seed) SEED="$2"; shift 2 ;;
    --alpha) ALPHA="$2"; shift 2 ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    --*) echo "run.sh: unknown option $1" >&2; exit 2 ;;
    *) FILES+=("$1"); shift ;;
  esac
done

if ! command -v node >/dev/null 2>&1; then
  echo "SKIPPED: node not found (the QDK interop tests need Node.js >= 16.17 and npm)"
  exit 0
fi

if [ ! -f "$HERE/node_modules/qsharp-lang/lib/web/qsc_wasm_bg.wasm" ]; then
  if ! command -v npm >/dev/null 2>&1; then
    echo "[FAIL] npm not found: cannot install qsharp-lang into $HERE/node_modules" >&2
    exit 1
  fi
  echo "installing the pinned qsharp-lang with npm ci ..."
  if ! (cd "$HERE" && npm ci --no-audit --no-fund --loglevel=error); then
    echo "[FAIL] npm ci failed in $HERE (is the npm registry reachable?)" >&2
    exit 1
  fi
fi

if [ ${#FILES[@]} -eq 0 ]; then
  shopt -s nullglob
  FILES=("$HERE"/circuits/*.qasm "$HERE"/circuits/unsupported/*.qasm)
  shopt -u nullglob
fi
if [ ${#FILES[@]} -eq 0 ]; then
  echo "run.sh: no .qasm files given or found" >&2
  exit 1
fi

mkdir -p "$OUT" || exit 1
QDK="$HERE/qdk.mjs"
VERIFY="$HERE/verify.mjs"
pass=0
fail=0
verdicts=()
declare -A seen=()
for f in "${FILES[@]}"; do
  if [ ! -f "$f" ]; then
    echo "[FAIL] $f: no such file"
    fail=$((fail + 1))
    missing="$OUT/missing__$(basename "$f").verdict.json"
    printf '{"file": "%s", "name": "%s", "ok": false, "notes": [], "problems": ["no such file"]}\n' "$f" "$(basename "$f")" >"$missing"
    verdicts+=("$missing")
    continue
  fi
  abs=$(cd "$(dirname "$f")" && pwd)/$(basename "$f")
  # NAME: path below circuits/ with / -> __ (unsupported/x.qasm -> unsupported__x), else the base name
  case "$abs" in
    "$HERE"/circuits/*) rel=${abs#"$HERE"/circuits/} ;;
    *) rel=$(basename "$abs") ;;
  esac
  name=${rel%.qasm}
  name=${name//\//__}
  if [ -n "${seen[$name]:-}" ]; then name="${name}__${#seen[@]}"; fi
  seen[$name]=1
  prefix="$OUT/$name"
  rm -f "$prefix".check.json "$prefix".run.json "$prefix".estimate.json "$prefix".*.err "$prefix".verdict.json

  node "$QDK" check "$abs" >"$prefix.check.json" 2>"$prefix.check.err"
  if [ $? -eq 0 ]; then
    node "$QDK" run "$abs" --shots "$SHOTS" --seed "$SEED" --no-check >"$prefix.run.json" 2>"$prefix.run.err"
    if [ $? -eq 0 ]; then
      node "$QDK" estimate "$abs" --no-check >"$prefix.estimate.json" 2>"$prefix.estimate.err"
    fi
  fi
  # drop empty outputs so verify.mjs sees "did not run / died" precisely
  for s in check run estimate; do
    [ -s "$prefix.$s.json" ] || rm -f "$prefix.$s.json"
    [ -s "$prefix.$s.err" ] || rm -f "$prefix.$s.err"
  done

  if node "$VERIFY" "$abs" "$prefix" --alpha "$ALPHA"; then
    pass=$((pass + 1))
  else
    fail=$((fail + 1))
  fi
  verdicts+=("$prefix.verdict.json")
done

node -e '
  const fs = require("fs");
  const [here, out, shots, seed, alpha, ...files] = process.argv.slice(1);
  const v = files.filter((f) => fs.existsSync(f)).map((f) => JSON.parse(fs.readFileSync(f, "utf8")));
  const pkg = JSON.parse(fs.readFileSync(require("path").join(here, "node_modules", "qsharp-lang", "package.json"), "utf8"));
  fs.writeFileSync(out + "/summary.json", JSON.stringify({
    qdkVersion: pkg.version, shots: Number(shots), seed, alpha: Number(alpha),
    passed: v.filter((x) => x.ok).length, failed: v.filter((x) => !x.ok).length,
    results: v.map((x) => ({ name: x.name, file: x.file, ok: x.ok, notes: x.notes, problems: x.problems, logicalCounts: x.logicalCounts ?? null })),
  }, null, 2) + "\n");
' "$HERE" "$OUT" "$SHOTS" "$SEED" "$ALPHA" "${verdicts[@]}" || true

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
