#!/usr/bin/env node
// bench_estimator.mjs — how long the QDK resource estimator (and simulator)
// take per gate, for flat circuits and for the same gates inside a `for` loop.
//
//   node tests/interop/bench_estimator.mjs [--sizes 1000,10000,100000] [--reps 3]
//                                          [--kinds flat,loop] [--run]
//
// Everything runs in one Node process with the wasm module loaded once, so the
// numbers are the QDK's own cost (compile + execute + physical estimation),
// not process start-up. Per-gate cost is the least-squares slope of time
// against gate count; the intercept is the fixed cost of one call.
// Circuits: 8 qubits, a repeating 4-gate body (t, h, cx, rz(generic)),
// followed by `bit[8] c = measure q;`.
//   flat:  N gate statements written out
//   loop:  `for int i in [0:N/4-1] { <4 gates> }` (the estimator still executes
//          every iteration; compile cost is constant)
// Output: JSON on stdout, a readable table on stderr.

import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
let sizes = [1000, 10000, 100000];
let reps = 3;
let doRun = false;
let kinds = ["flat", "loop"];
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--sizes") sizes = args[++i].split(",").map(Number);
  else if (args[i] === "--reps") reps = Number(args[++i]);
  else if (args[i] === "--run") doRun = true;
  else if (args[i] === "--kinds") kinds = args[++i].split(",");
  else { console.error(`unknown argument ${args[i]}`); process.exit(2); }
}

const qs = await import("qsharp-lang");
await qs.loadWasmModule(fs.readFileSync(path.join(HERE, "node_modules/qsharp-lang/lib/web/qsc_wasm_bg.wasm")));
const compiler = await qs.getCompiler();
const version = JSON.parse(fs.readFileSync(path.join(HERE, "node_modules/qsharp-lang/package.json"), "utf8")).version;

const HEAD = 'OPENQASM 3.0;\ninclude "stdgates.inc";\nqubit[8] q;\n';
const TAIL = "bit[8] c = measure q;\n";
const body4 = (i) => [`t q[${i % 8}];`, `h q[${(i + 1) % 8}];`, `cx q[${i % 8}], q[${(i + 3) % 8}];`, `rz(0.${(i % 89) + 10}) q[${(i + 2) % 8}];`];
function flat(n) {
  const lines = [];
  for (let i = 0; lines.length < n; i++) for (const g of body4(i)) if (lines.length < n) lines.push(g);
  return HEAD + lines.join("\n") + "\n" + TAIL;
}
function loop(n) {
  return HEAD + `for int i in [0:${Math.max(1, Math.round(n / 4)) - 1}] {\n  t q[0];\n  h q[1];\n  cx q[0], q[3];\n  rz(0.3) q[2];\n}\n` + TAIL;
}
const prog = (src) => ({ sources: [["bench.qasm", src]], languageFeatures: [], projectType: "openqasm", profile: "unrestricted" });

async function time(fn) {
  let best = Infinity;
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    await fn();
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}
function fit(xs, ys) {
  const n = xs.length, mx = xs.reduce((a, b) => a + b) / n, my = ys.reduce((a, b) => a + b) / n;
  let sxy = 0, sxx = 0;
  for (let i = 0; i < n; i++) { sxy += (xs[i] - mx) * (ys[i] - my); sxx += (xs[i] - mx) ** 2; }
  const slope = sxx ? sxy / sxx : NaN;
  return { slopeUsPerGate: slope * 1000, interceptMs: my - slope * mx };
}

// Warm-up: the first call pays for compiling the standard library etc.
await compiler.getEstimates(prog(flat(100)), "", "[{}]");

const rows = [];
let crashed = false;
for (const kind of kinds) {
  if (crashed) break;
  for (const n of sizes) {
    const src = kind === "flat" ? flat(n) : loop(n);
    const p = prog(src);
    let counts = null;
    let est, run = null;
    try {
      est = await time(async () => {
        const r = JSON.parse(await compiler.getEstimates(p, "", "[{}]"));
        counts = r[0].logicalCounts ?? r[0];
      });
      if (doRun) run = await time(async () => compiler.run(p, "", 1, new qs.QscEventTarget(true)));
    } catch (e) {
      // e.g. flat 10^6 gates: "RuntimeError: unreachable" from the wasm (it
      // runs out of its 4 GiB address space); the module is unusable after that.
      const error = String(e?.message ?? e);
      rows.push({ kind, gates: n, error });
      console.error(`${kind.padEnd(5)} N=${String(n).padStart(8)}  FAILED: ${error}`);
      crashed = true;
      break;
    }
    rows.push({ kind, gates: n, estimateMs: Math.round(est), runOneShotMs: run === null ? null : Math.round(run), logicalCounts: counts });
    console.error(`${kind.padEnd(5)} N=${String(n).padStart(8)}  estimate ${est.toFixed(0).padStart(7)} ms` + (run === null ? "" : `  run(1 shot) ${run.toFixed(0).padStart(7)} ms`));
  }
}
const summary = {};
for (const kind of kinds) {
  const r = rows.filter((x) => x.kind === kind && !x.error);
  if (r.length < 2) continue;
  summary[kind] = { estimate: fit(r.map((x) => x.gates), r.map((x) => x.estimateMs)) };
  if (doRun) summary[kind].run = fit(r.map((x) => x.gates), r.map((x) => x.runOneShotMs));
  console.error(`${kind}: estimator ${summary[kind].estimate.slopeUsPerGate.toFixed(2)} us/gate + ${summary[kind].estimate.interceptMs.toFixed(0)} ms` +
    (doRun ? `; simulator ${summary[kind].run.slopeUsPerGate.toFixed(2)} us/gate/shot + ${summary[kind].run.interceptMs.toFixed(0)} ms` : ""));
}
process.stdout.write(JSON.stringify({ qdkVersion: version, node: process.version, reps, rows, summary }, null, 2) + "\n");
