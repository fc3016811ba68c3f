// qc2.mjs — a second, independent simulator for `make interop` (run.sh runs
// it after interop.mjs): the npm package quantum-circuit (version pinned in
// package.json / package-lock.json), which reads OpenQASM 2.0.
//
//   node tests/interop/qc2.mjs [--qgdc PATH] [--max-qubits N] [FILE.qasm ...]
//
// For each circuit (default: circuits/*.qasm and circuits/qasm2/*.qasm),
// `qgdc qasm --version 2` writes it as OpenQASM 2.0; circuits whose 2.0 form
// has a measurement before a gate, a reset, a condition or a post-selection
// are skipped (quantum-circuit's state vector would be one sampled branch),
// as are those of more than N qubits (default 12, ancillas included). The
// terminal measurements are taken out of the text, quantum-circuit runs the
// rest and its exact state vector (qc.state, unrounded) gives the
// distribution of the measured bits, which is compared with the exact one of
// `qgdc sim --json --shots 0` on the SOURCE file: |p − q| ≤ 1e-9 for every
// outcome of either. quantum-circuit numbers its wires in qreg declaration
// order and wire w is bit w of a state index.
//
// Prints one line per circuit and "qc2: N passed, M failed, K skipped";
// exit 1 if anything failed. Without quantum-circuit installed it prints
// "qc2: quantum-circuit not installed, skipped" and exits 0.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, "../..");
const TOL = 1e-9;

let QuantumCircuit;
process.removeAllListeners("warning"); // quantum-circuit's antlr4 warns about a circular import
try {
  QuantumCircuit = (await import("quantum-circuit")).default;
} catch {
  console.log("qc2: quantum-circuit not installed, skipped (npm ci in tests/interop installs the locked version)");
  process.exit(0);
}

const argv = process.argv.slice(2);
let qgdc = process.env.QGDC || path.join(ROOT, "qgdc");
let maxQubits = 12;
const files = [];
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === "--qgdc") qgdc = path.resolve(argv[++i]);
  else if (argv[i] === "--max-qubits") maxQubits = Number(argv[++i]);
  else if (argv[i] === "-h" || argv[i] === "--help") {
    console.log(fs.readFileSync(fileURLToPath(import.meta.url), "utf8").split("\n").slice(0, 21).join("\n"));
    process.exit(0);
  } else files.push(argv[i]);
}
if (!files.length)
  for (const dir of ["circuits", "circuits/qasm2"])
    for (const f of fs.readdirSync(path.join(HERE, dir)).sort())
      if (f.endsWith(".qasm")) files.push(path.join(HERE, dir, f));

function run(args) {
  try {
    return { out: execFileSync(qgdc, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }) };
  } catch (e) {
    return { error: `qgdc ${args.join(" ")}: exit ${e.status}: ${String(e.stderr).trim()}` };
  }
}

// The 2.0 text without its terminal measurements, the wires, and the
// measured (wire, bit) pairs; or { skip } with the reason.
function prepare(text) {
  const qregs = new Map(), cregs = new Map();
  let nq = 0, nb = 0, measured = false;
  const keep = [], meas = [];
  for (const line of text.split("\n")) {
    const s = line.replace(/\/\/.*$/, "").trim();
    if (line.includes("// post-select")) return { skip: "post-selection" };
    let m;
    if ((m = /^qreg\s+(\w+)\[(\d+)\];$/.exec(s))) { qregs.set(m[1], nq); nq += Number(m[2]); }
    else if ((m = /^creg\s+(\w+)\[(\d+)\];$/.exec(s))) { cregs.set(m[1], nb); nb += Number(m[2]); }
    if ((m = /^measure\s+(\w+)\[(\d+)\]\s*->\s*(\w+)\[(\d+)\];$/.exec(s))) {
      meas.push([qregs.get(m[1]) + Number(m[2]), cregs.get(m[3]) + Number(m[4])]);
      measured = true;
      continue;
    }
    if (/^if\s*\(/.test(s)) return { skip: "a condition" };
    if (/^reset\b/.test(s)) return { skip: "reset" };
    if (measured && s && !/^barrier\b/.test(s)) return { skip: "a mid-circuit measurement" };
    keep.push(line);
  }
  if (nq > maxQubits) return { skip: `${nq} qubits > ${maxQubits}` };
  return { text: keep.join("\n"), nq, nb, meas };
}

// quantum-circuit's distribution of the measured bits: key c[nb−1]…c[0].
function qcDistribution(p) {
  const qc = new QuantumCircuit();
  let errors = [];
  qc.importQASM(p.text, (errs) => { errors = errs || []; });
  if (errors.length) throw new Error(`quantum-circuit cannot read the 2.0 output: ${JSON.stringify(errors)}`);
  if (qc.numQubits > p.nq) throw new Error(`quantum-circuit made ${qc.numQubits} wires of ${p.nq} qubits`);
  qc.run();
  const dist = {};
  for (const [k, a] of Object.entries(qc.state)) {
    const i = Number(k), pr = a.re * a.re + a.im * a.im;
    if (!pr) continue;
    const bits = new Array(p.nb).fill("0");
    for (const [w, b] of p.meas) bits[p.nb - 1 - b] = (i >> w) & 1 ? "1" : "0";
    const key = bits.join("");
    dist[key] = (dist[key] ?? 0) + pr;
  }
  return dist;
}

let pass = 0, fail = 0, skip = 0;
for (const f of files) {
  const name = path.relative(HERE, f);
  const q2 = run(["qasm", "--version", "2", f]);
  if (q2.error) { console.log(`[FAIL] ${name}: ${q2.error}`); fail++; continue; }
  const p = prepare(q2.out);
  if (p.skip) { console.log(`[skip] ${name}: ${p.skip}`); skip++; continue; }
  const sim = run(["sim", "--json", "--shots", "0", f]);
  if (sim.error) { console.log(`[FAIL] ${name}: ${sim.error}`); fail++; continue; }
  const ours = JSON.parse(sim.out).probabilities;
  let theirs;
  try {
    theirs = qcDistribution(p);
  } catch (e) {
    console.log(`[FAIL] ${name}: ${e.message}`);
    fail++;
    continue;
  }
  let worst = 0, at = "";
  for (const k of new Set([...Object.keys(ours), ...Object.keys(theirs)])) {
    const d = Math.abs((ours[k] ?? 0) - (theirs[k] ?? 0));
    if (d > worst || Number.isNaN(d)) { worst = d; at = k; }
  }
  if (worst <= TOL) {
    console.log(`[ok]   ${name}: ${p.nq} qubits, ${Object.keys(ours).length} outcomes, max |p - q| = ${worst.toExponential(1)}`);
    pass++;
  } else {
    console.log(`[FAIL] ${name}: quantum-circuit differs from qgdc sim at ${at}: ${theirs[at] ?? 0} vs ${ours[at] ?? 0} (|p - q| = ${worst.toExponential(2)} > ${TOL})`);
    fail++;
  }
}
console.log(`qc2: ${pass} passed, ${fail} failed, ${skip} skipped (quantum-circuit, exact state vector, |p - q| <= ${TOL})`);
process.exit(fail ? 1 : 0);
