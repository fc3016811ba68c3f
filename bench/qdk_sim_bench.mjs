#!/usr/bin/env node
// qdk_sim_bench.mjs — the simulator benchmark's circuit (bench/bench_circuit.h:
// H, RZ, RY, CX, CCX and 3-controlled X on low, middle and high qubits) in
// the QDK's simulator (npm qsharp-lang, installed in tests/interop by
// `make interop`) and in `qgdc sim`, through the same OpenQASM files, with
// the ratio QDK / qgdc. `make bench` runs it when node and the QDK are there.
//
//   node bench/qdk_sim_bench.mjs [--qgdc ./qgdc] [--sizes 20,22] [--reps 1]
//
// For each size n two files are written: P = a preparation that makes the
// state dense and entangled (h, ry on every qubit, a cx ladder, rz, a
// reversed cx ladder, ry: without entanglement the QDK's sparse simulator
// keeps untouched qubits lazily and does far less work), then measure
// q[0]; C = P followed by the 20 gates of the target circuit (5 times over
// for the QDK up to 20 qubits, once above; 20 times over for qgdc). Per
// gate = (time(C) - time(P)) / gates, the best of R runs (default 1, after
// an untimed warm-up run of C) for the QDK, of 5 for qgdc. QDK time: its in-process run of one shot (compiling included,
// which P and C share). qgdc time: the wall time of `qgdc sim --shots 0`
// with OMP_NUM_THREADS=1 and 2. The QDK's simulator is single-threaded and
// runs in wasm (4 GiB at most): at 24 qubits a dense state does not fit
// (reported as such when asked for with --sizes).

import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, "..");
let qgdc = path.join(ROOT, "qgdc"), sizes = [20, 22], reps = 1;
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === "--qgdc") qgdc = path.resolve(argv[++i]);
  else if (argv[i] === "--sizes") sizes = argv[++i].split(",").map(Number);
  else if (argv[i] === "--reps") reps = Number(argv[++i]);
  else { console.error(`qdk_sim_bench.mjs: unknown argument ${argv[i]}`); process.exit(2); }
}
if (sizes.some((n) => !(n >= 18 && n <= 30)) || !(reps >= 1)) { console.error("qdk_sim_bench.mjs: sizes 18..30, reps >= 1"); process.exit(2); }
const q = await import("../tests/interop/qdk.mjs");
if (!q.qdkInstalled()) { console.log("qdk_sim_bench: skipped (qsharp-lang is not installed in tests/interop: make interop)"); process.exit(0); }

// bench_circuit.h's target circuit at 24 qubits; qubits 20..23 become n-4..n-1.
const CIRCUIT = [
  ["h", 0], ["h", 11], ["h", 23], ["rz", 0], ["rz", 12], ["rz", 23], ["ry", 1], ["ry", 13], ["ry", 22],
  ["cx", 0, 1], ["cx", 0, 23], ["cx", 23, 0], ["cx", 11, 12], ["cx", 22, 5],
  ["ccx", 0, 1, 2], ["ccx", 0, 23, 12], ["ccx", 21, 22, 23],
  ["c3x", 0, 1, 2, 3], ["c3x", 20, 21, 22, 0], ["c3x", 3, 12, 23, 8],
];
const THETA = 0.3; // BENCH_THETA
const QGDC_TIMES = 20; // qgdc's file repeats the 20 gates this often (its time per gate is small)
function files(n, dir, times) {
  const m = (i) => (i >= 20 ? i - 24 + n : i);
  const head = ['OPENQASM 3.0;', 'include "stdgates.inc";', `qubit[${n}] q;`, "bit[1] c;"];
  const prep = [];
  for (let i = 0; i < n; i++) prep.push(`h q[${i}];`);
  for (let i = 0; i < n; i++) prep.push(`ry(${(0.1 + 0.05 * i).toFixed(2)}) q[${i}];`);
  for (let i = 0; i + 1 < n; i++) prep.push(`cx q[${i}], q[${i + 1}];`);
  for (let i = 0; i < n; i++) prep.push(`rz(${(0.2 + 0.03 * i).toFixed(2)}) q[${i}];`);
  for (let i = 0; i + 1 < n; i++) prep.push(`cx q[${i + 1}], q[${i}];`);
  for (let i = 0; i < n; i++) prep.push(`ry(${(0.3 + 0.07 * i).toFixed(2)}) q[${i}];`);
  const gates = CIRCUIT.map(([g, ...qs]) => {
    const ops = qs.map((x) => `q[${m(x)}]`).join(", ");
    return g === "rz" || g === "ry" ? `${g}(${THETA}) ${ops};` : g === "c3x" ? `ctrl(3) @ x ${ops};` : `${g} ${ops};`;
  });
  const tail = ["c[0] = measure q[0];"];
  const P = path.join(dir, `prep${n}.qasm`), C = path.join(dir, `circ${n}x${times}.qasm`);
  fs.writeFileSync(P, [...head, ...prep, ...tail].join("\n") + "\n");
  fs.writeFileSync(C, [...head, ...prep, ...Array(times).fill(gates).flat(), ...tail].join("\n") + "\n");
  return { P, C };
}

async function qdkTime(file) {
  const r = await q.runFile(file, { shots: 1, noCheck: true });
  if (!r.ok) throw new Error(r.message ?? "QDK run failed");
  return r.timingMs.run / 1e3;
}
function qgdcTime(file, threads) {
  const t0 = performance.now();
  const r = spawnSync(qgdc, ["sim", "--shots", "0", file], { env: { ...process.env, OMP_NUM_THREADS: String(threads) }, encoding: "utf8" });
  const t = (performance.now() - t0) / 1e3;
  if (r.status !== 0) throw new Error(`qgdc sim failed: ${r.stderr}`);
  return t;
}
const best = (f, k) => { let b = Infinity; for (let i = 0; i < k; i++) b = Math.min(b, f()); return b; };

await q.loadQdk();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "qdk_sim_bench-"));
const cpu = os.cpus()[0]?.model ?? "?";
console.log(`qdk_sim_bench: QDK qsharp-lang ${q.qdkVersion()} (Node ${process.version}, wasm, 1 thread) against ${path.relative(process.cwd(), qgdc) || qgdc} sim; ` +
  `${os.cpus().length} x ${cpu}`);
console.log(`per gate = (time(prep + gates) - time(prep)) / gates: 100 gates (20 above 20 qubits) for the QDK, ${20 * QGDC_TIMES} for qgdc; ratio = QDK / qgdc`);
console.log(`${"n".padStart(3)} ${"state".padStart(9)} ${"QDK prep s".padStart(11)} ${"QDK ms/gate".padStart(12)} ` +
  `${"qgdc 1t ms".padStart(11)} ${"qgdc 2t ms".padStart(11)} ${"ratio 1t".padStart(9)} ${"ratio 2t".padStart(9)}`);
const rows = [];
for (const n of sizes) {
  const qt = n <= 20 ? 5 : 1; // the QDK's repetitions of the 20 gates
  const { P, C } = files(n, dir, qt);
  const C10 = files(n, dir, QGDC_TIMES).C;
  const state = `${(16 * 2 ** n / 2 ** 20).toFixed(0)} MiB`;
  let qp, qc;
  try {
    qp = Infinity; qc = Infinity;
    await qdkTime(C); // warm-up: the wasm memory grows to its size once
    for (let r = 0; r < reps; r++) { qp = Math.min(qp, await qdkTime(P)); qc = Math.min(qc, await qdkTime(C)); }
  } catch (e) {
    console.log(`${String(n).padStart(3)} ${state.padStart(9)}  QDK failed: ${String(e.message ?? e).split("\n")[0]} (its wasm memory is 4 GiB)`);
    rows.push({ n, qdkError: String(e.message ?? e) });
    break; // the wasm module may be unusable after a failure
  }
  const g1 = (best(() => qgdcTime(C10, 1), 5) - best(() => qgdcTime(P, 1), 5)) / (20 * QGDC_TIMES);
  const g2 = (best(() => qgdcTime(C10, 2), 5) - best(() => qgdcTime(P, 2), 5)) / (20 * QGDC_TIMES);
  const qg = (qc - qp) / (20 * qt);
  rows.push({ n, qdkPrepS: qp, qdkMsPerGate: 1e3 * qg, qgdcMsPerGate1: 1e3 * g1, qgdcMsPerGate2: 1e3 * g2 });
  console.log(`${String(n).padStart(3)} ${state.padStart(9)} ${qp.toFixed(1).padStart(11)} ${(1e3 * qg).toFixed(1).padStart(12)} ` +
    `${(1e3 * g1).toFixed(2).padStart(11)} ${(1e3 * g2).toFixed(2).padStart(11)} ${(qg / g1).toFixed(0).padStart(9)} ${(qg / g2).toFixed(0).padStart(9)}`);
}
fs.rmSync(dir, { recursive: true, force: true });
process.exit(0);
