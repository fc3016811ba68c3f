#!/usr/bin/env node
// qdk.mjs — drive Microsoft's QDK OpenQASM 3 front end (npm `qsharp-lang`,
// version pinned in package.json) from the command line, printing JSON.
//
//   node tests/interop/qdk.mjs check    FILE.qasm
//   node tests/interop/qdk.mjs run      FILE.qasm [--shots N] [--seed S]
//   node tests/interop/qdk.mjs estimate FILE.qasm [--params JSON|@file.json]
//                                       [--qubit NAME] [--qec NAME] [--budget X]
//                                       [--raw]
//   run and estimate first do the same static check as `check` (use
//   --no-check to skip it on very large files); "timingMs" in the output gives
//   the wall time of each phase (check, load, run / estimate).
//
// Exit status: 0 success; 1 the QDK rejected the program (compile error,
// failed shot, estimator error); 2 usage or internal error. A one-line
// human-readable message goes to stderr on every failure; stdout always holds
// one JSON document (also on failure, with "ok": false) unless usage was wrong.
//
// API used (qsharp-lang 1.32.5-dev, see dist/main.d.ts, dist/compiler/compiler.d.ts):
//   loadWasmModule(bytes of lib/web/qsc_wasm_bg.wasm)  (Node needs the bytes)
//   getProjectLoader(host).loadOpenQasmProject(absPath) -> packageGraphSources
//     (resolves `include "x.inc"` relative to the file; stdgates.inc is built in)
//   getCompiler() -> run(program, "", shots, QscEventTarget)
//                 -> getEstimates(program, "", JSON.stringify([params...]))
//   getLanguageService(host).updateDocument(uri, 1, text, "openqasm") and the
//     "diagnostics" event: full parse + semantic + type check without running.
//   program = { packageGraphSources, projectType: "openqasm", profile: "unrestricted" }
//   The entry expression is "" for OpenQASM: the whole file is the entry point.
//
// BIT ORDER. The QDK reports each shot as a Q# value: a tuple of all classical
// variables in declaration order (or only the `output` ones if the program
// declares any), a lone variable not wrapped in a tuple, each bit[n] register
// as an array [c[0], c[1], ..., c[n-1]] of Zero/One. E.g. after `x q[0];
// c = measure q;` on 3 qubits the QDK prints "[One, Zero, Zero]": c[0] is the
// LEFTMOST element. That is the reverse of OpenQASM/Qiskit bit-string notation,
// where c[0] is the rightmost character ("001").
// This script gives three histograms:
//   histogramRaw   keys = the QDK's own strings, e.g. "([One, Zero, Zero], 3)"
//   histogram      keys = QDK order, c[0] leftmost: registers as bit strings,
//                  tuple members joined by one space, e.g. "100 3"
//   histogramQasm  same but each bit register written c[n-1]...c[0] (OpenQASM
//                  order, c[0] rightmost), e.g. "001 3"; members stay in
//                  declaration order.
//
// SEED. The QDK's simulator seeds its RNG from one call to
// crypto.getRandomValues (32 bytes) per run; the npm API has no seed argument.
// With --seed S we replace globalThis.crypto.getRandomValues by a deterministic
// SHA-256 counter-mode stream keyed by S, so a given (file, shots, seed, QDK
// version) always gives the same histogram. Without --seed the OS RNG is used.
// The resource estimator always uses its own fixed seed (StdRng seed 0) for
// measurement outcomes, so it follows one pseudo-random branch of any `if` on a
// measured bit, independent of --seed.

import fs from "node:fs";
import path from "node:path";
import { createHash } from "node:crypto";
import { fileURLToPath } from "node:url";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const PKG_DIR = path.join(HERE, "node_modules", "qsharp-lang");

function die(code, msg, json) {
  if (json) process.stdout.write(JSON.stringify(json, null, 2) + "\n");
  process.stderr.write(`qdk.mjs: ${msg}\n`);
  process.exit(code);
}

function usage(msg) {
  die(2, `${msg}\nusage: node qdk.mjs check FILE.qasm\n` +
    `       node qdk.mjs run FILE.qasm [--shots N] [--seed S]\n` +
    `       node qdk.mjs estimate FILE.qasm [--params JSON|@file] [--qubit NAME] [--qec NAME] [--budget X] [--raw]`);
}

// ---------- argument parsing ----------
const argv = process.argv.slice(2);
const command = argv[0];
if (!command || command === "-h" || command === "--help") usage("no command given");
if (!["check", "run", "estimate"].includes(command)) usage(`unknown command '${command}'`);
const opts = { shots: 1000, seed: null, params: null, raw: false, qubit: null, qec: null, budget: null, noCheck: false };
let file = null;
for (let i = 1; i < argv.length; i++) {
  const a = argv[i];
  const val = () => {
    if (i + 1 >= argv.length) usage(`option ${a} needs a value`);
    return argv[++i];
  };
  if (a === "--shots") opts.shots = Number(val());
  else if (a === "--seed") opts.seed = val();
  else if (a === "--params") opts.params = val();
  else if (a === "--qubit") opts.qubit = val();
  else if (a === "--qec") opts.qec = val();
  else if (a === "--budget") opts.budget = Number(val());
  else if (a === "--raw") opts.raw = true;
  else if (a === "--no-check") opts.noCheck = true;
  else if (a.startsWith("--")) usage(`unknown option ${a}`);
  else if (file === null) file = a;
  else usage(`unexpected argument '${a}'`);
}
if (!file) usage("no input file");
if (!Number.isInteger(opts.shots) || opts.shots < 1) usage("--shots must be a positive integer");
if (opts.budget !== null && !(opts.budget > 0 && opts.budget < 1)) usage("--budget must be in (0,1)");
const absFile = path.resolve(file);
let source;
try {
  source = fs.readFileSync(absFile, "utf8");
} catch (e) {
  die(2, `cannot read ${file}: ${e.message}`);
}
if (!fs.existsSync(path.join(PKG_DIR, "lib", "web", "qsc_wasm_bg.wasm")))
  die(2, `qsharp-lang is not installed in ${HERE}/node_modules (run 'npm ci' in ${HERE})`);
const qdkVersion = JSON.parse(fs.readFileSync(path.join(PKG_DIR, "package.json"), "utf8")).version;

// ---------- deterministic RNG (must precede any simulation) ----------
if (opts.seed !== null) {
  let counter = 0;
  let pool = Buffer.alloc(0);
  const seedKey = String(opts.seed);
  const next = (n) => {
    while (pool.length < n) {
      const h = createHash("sha256").update(`qgdc-interop\0${seedKey}\0${counter++}`).digest();
      pool = Buffer.concat([pool, h]);
    }
    const out = pool.subarray(0, n);
    pool = pool.subarray(n);
    return out;
  };
  const detGetRandomValues = (arr) => {
    const bytes = new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength);
    bytes.set(next(bytes.length));
    return arr;
  };
  try {
    globalThis.crypto.getRandomValues = detGetRandomValues;
  } catch { /* fall through to the check below */ }
  if (globalThis.crypto.getRandomValues !== detGetRandomValues) {
    Object.defineProperty(globalThis, "crypto", {
      value: { ...globalThis.crypto, getRandomValues: detGetRandomValues },
      configurable: true, writable: true,
    });
  }
}

const qs = await import("qsharp-lang");
await qs.loadWasmModule(fs.readFileSync(path.join(PKG_DIR, "lib", "web", "qsc_wasm_bg.wasm")));

// Files the QDK asked for but that could not be read. The project loader
// silently substitutes an empty file for a missing `include`, so we report it.
const unreadable = new Set();
const host = {
  readFile: async (uri) => {
    try { return fs.readFileSync(uriToPath(uri), "utf8"); } catch { unreadable.add(uriToPath(uri)); return null; }
  },
  listDirectory: async (uri) => {
    try {
      const p = uriToPath(uri);
      return fs.readdirSync(p, { withFileTypes: true })
        .map((d) => [path.join(p, d.name), d.isDirectory() ? 2 : 1]);
    } catch { return []; }
  },
  resolvePath: async (base, rel) => path.resolve(uriToPath(base), rel),
  fetchGithub: async () => { throw new Error("GitHub sources are not available offline"); },
  findManifestDirectory: async () => null,
};
function uriToPath(u) {
  return u.startsWith("file://") ? fileURLToPath(u) : u;
}

const base = { command, file, qdkVersion };

function fmtDiag(d, doc) {
  const r = d.range?.start;
  const where = r ? `${path.basename(doc || d.uri || file)}:${r.line + 1}:${r.character + 1}` : path.basename(file);
  return {
    severity: d.severity,
    code: d.code ?? null,
    message: d.message,
    file: doc || d.uri || absFile,
    line: r ? r.line + 1 : null,
    column: r ? r.character + 1 : null,
    text: `${where}: ${d.severity}: ${d.message}${d.code ? ` [${d.code}]` : ""}`,
  };
}

// Static check through the language service: parse, lower, name resolution
// and type check, no execution. Returns {errors, warnings}.
async function staticCheck() {
  const ls = await qs.getLanguageService(host);
  const byUri = new Map();
  ls.addEventListener("diagnostics", (e) => byUri.set(e.detail.uri, e.detail.diagnostics));
  await ls.updateConfiguration({ targetProfile: "unrestricted" });
  await ls.updateDocument(absFile, 1, source, "openqasm");
  await ls.dispose(); // stops the update loop after it has processed the document
  const all = [];
  for (const [uri, diags] of byUri) for (const d of diags) all.push(fmtDiag(d, uri));
  return {
    errors: all.filter((d) => d.severity === "error"),
    warnings: all.filter((d) => d.severity !== "error"),
  };
}

async function loadProgram() {
  const loader = await qs.getProjectLoader(host);
  const cfg = await loader.loadOpenQasmProject(absFile);
  if (cfg.errors && cfg.errors.length) throw new Error(cfg.errors.join("; "));
  if (unreadable.size) throw new Error(`include file not found: ${[...unreadable].join(", ")}`);
  return { packageGraphSources: cfg.packageGraphSources, projectType: "openqasm", profile: "unrestricted" };
}

function errorInfo(e) {
  if (e && Array.isArray(e.diagnostics)) return e.diagnostics.map((x) => fmtDiag(x.diagnostic, x.document));
  if (e && Array.isArray(e.errors)) return e.errors.map((x) => ({ message: String(x.message ?? x), text: String(x.message ?? x) }));
  const m = e instanceof Error ? e.message : typeof e === "string" ? e : JSON.stringify(e);
  return [{ message: m, text: m }];
}

// ---------- parsing the QDK's printed values ----------
// value := '(' list ')' | '[' list ']' | atom ; atoms are Zero, One, true,
// false, numbers, quoted strings, or anything up to the next , ) ].
function parseValue(s) {
  let i = 0;
  const ws = () => { while (i < s.length && /\s/.test(s[i])) i++; };
  function list(close) {
    const items = [];
    ws();
    if (s[i] === close) { i++; return items; }
    for (;;) {
      items.push(value());
      ws();
      if (s[i] === ",") { i++; continue; }
      if (s[i] === close) { i++; return items; }
      throw new Error(`bad value at ${i}`);
    }
  }
  function value() {
    ws();
    if (s[i] === "(") { i++; return { t: "tuple", v: list(")") }; }
    if (s[i] === "[") { i++; return { t: "array", v: list("]") }; }
    if (s[i] === '"') {
      const j = s.indexOf('"', i + 1);
      const a = s.slice(i, j + 1); i = j + 1; return { t: "atom", v: a };
    }
    const m = /^[^,()[\]]+/.exec(s.slice(i));
    if (!m) throw new Error(`bad value at ${i}`);
    i += m[0].length;
    return { t: "atom", v: m[0].trim() };
  }
  const v = value();
  ws();
  if (i !== s.length) throw new Error("trailing text");
  return v;
}
const isResult = (n) => n.t === "atom" && (n.v === "Zero" || n.v === "One");
function render(n, qasmOrder) {
  if (n.t === "atom") return n.v === "Zero" ? "0" : n.v === "One" ? "1" : n.v;
  if (n.t === "array" && n.v.length > 0 && n.v.every(isResult)) {
    const bits = n.v.map((x) => (x.v === "One" ? "1" : "0"));
    return (qasmOrder ? bits.reverse() : bits).join("");
  }
  if (n.t === "array") return "[" + n.v.map((x) => render(x, qasmOrder)).join(",") + "]";
  return n.v.map((x) => render(x, qasmOrder)).join(" "); // tuple
}

// ---------- commands ----------
async function cmdCheck() {
  const { errors, warnings } = await timed("check", staticCheck);
  if (errors.length === 0) {
    try { await timed("load", loadProgram); } catch (e) { errors.push(...errorInfo(e)); }
  }
  const out = { ...base, ok: errors.length === 0, errors, warnings, timingMs: timing };
  if (errors.length) die(1, `${file} rejected by QDK: ${errors[0].text}`, out);
  return out;
}

const timing = {}; // milliseconds per phase, reported as "timingMs"
async function timed(name, fn) {
  const t0 = performance.now();
  try { return await fn(); } finally { timing[name] = Math.round(performance.now() - t0); }
}

async function compileOrDie() {
  let errors = [], warnings = [];
  if (!opts.noCheck) ({ errors, warnings } = await timed("check", staticCheck));
  if (errors.length) die(1, `${file} rejected by QDK: ${errors[0].text}`, { ...base, ok: false, stage: "check", errors, warnings });
  try {
    return { program: await timed("load", loadProgram), warnings };
  } catch (e) {
    const errs = errorInfo(e);
    die(1, `${file}: project load failed: ${errs[0].text}`, { ...base, ok: false, stage: "load", errors: errs });
  }
}

async function cmdRun() {
  const { program, warnings } = await compileOrDie();
  const compiler = await qs.getCompiler();
  const ev = new qs.QscEventTarget(true);
  const t0 = performance.now();
  try {
    await compiler.run(program, "", opts.shots, ev);
  } catch (e) {
    const errs = errorInfo(e);
    die(1, `${file}: QDK run failed: ${errs[0].text}`, { ...base, ok: false, stage: "run", errors: errs });
  }
  timing.run = Math.round(performance.now() - t0);
  const results = ev.getResults();
  const histogramRaw = {}, histogram = {}, histogramQasm = {}, failures = {};
  let failed = 0;
  const messages = new Set();
  for (const r of results) {
    for (const e of r.events || []) if (e.type === "Message") messages.add(e.message);
    if (!r.success) {
      failed++;
      const m = typeof r.result === "string" ? r.result : r.result?.message ?? JSON.stringify(r.result);
      failures[m] = (failures[m] || 0) + 1;
      continue;
    }
    const raw = String(r.result);
    histogramRaw[raw] = (histogramRaw[raw] || 0) + 1;
    let k1 = raw, k2 = raw;
    try {
      const v = parseValue(raw);
      k1 = render(v, false);
      k2 = render(v, true);
    } catch { /* keep raw */ }
    histogram[k1] = (histogram[k1] || 0) + 1;
    histogramQasm[k2] = (histogramQasm[k2] || 0) + 1;
  }
  const sortObj = (o) => Object.fromEntries(Object.entries(o).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)));
  const out = {
    ...base, ok: failed === 0 && results.length === opts.shots,
    shots: opts.shots, seed: opts.seed, completedShots: results.length, failedShots: failed,
    bitOrder: "histogram: QDK order, c[0] leftmost; histogramQasm: each register c[n-1]..c[0] (c[0] rightmost); tuple members in declaration order separated by spaces",
    histogram: sortObj(histogram), histogramQasm: sortObj(histogramQasm), histogramRaw: sortObj(histogramRaw),
    failures, messages: [...messages], warnings, timingMs: timing,
  };
  if (!out.ok) die(1, `${file}: ${failed} of ${opts.shots} shots failed: ${Object.keys(failures)[0] ?? "missing results"}`, out);
  return out;
}

function estimatorParams() {
  const list = [{}]; // the estimator's defaults: qubit_gate_ns_e3, surface_code, errorBudget 1e-3
  const labels = ["default"];
  if (opts.params !== null) {
    let text = opts.params;
    if (text.startsWith("@")) {
      try { text = fs.readFileSync(text.slice(1), "utf8"); } catch (e) { usage(`cannot read ${text.slice(1)}: ${e.message}`); }
    }
    let p;
    try { p = JSON.parse(text); } catch (e) { usage(`--params is not JSON: ${e.message}`); }
    for (const x of Array.isArray(p) ? p : [p]) { list.push(x); labels.push("params"); }
  }
  if (opts.qubit !== null || opts.qec !== null || opts.budget !== null) {
    const x = {};
    if (opts.qubit !== null) x.qubitParams = { name: opts.qubit };
    if (opts.qec !== null) x.qecScheme = { name: opts.qec };
    else if (opts.qubit !== null && opts.qubit.startsWith("qubit_maj")) x.qecScheme = { name: "floquet_code" };
    if (opts.budget !== null) x.errorBudget = opts.budget;
    list.push(x); labels.push("options");
  }
  return { list, labels };
}

function summarize(r) {
  const b = r.physicalCounts?.breakdown ?? {};
  return {
    logicalCounts: r.logicalCounts,
    physical: {
      codeDistance: r.logicalQubit?.codeDistance,
      physicalQubits: r.physicalCounts?.physicalQubits,
      runtimeNs: r.physicalCounts?.runtime,
      runtime: r.physicalCountsFormatted?.runtime,
      rqops: r.physicalCounts?.rqops,
      numTfactories: b.numTfactories,
      numTfactoryRuns: b.numTfactoryRuns,
      numTstates: b.numTstates,
      numTsPerRotation: b.numTsPerRotation ?? null,
      algorithmicLogicalQubits: b.algorithmicLogicalQubits,
      algorithmicLogicalDepth: b.algorithmicLogicalDepth,
      logicalDepth: b.logicalDepth,
      physicalQubitsForAlgorithm: b.physicalQubitsForAlgorithm,
      physicalQubitsForTfactories: b.physicalQubitsForTfactories,
      requiredLogicalQubitErrorRate: b.requiredLogicalQubitErrorRate,
      requiredLogicalTstateErrorRate: b.requiredLogicalTstateErrorRate ?? null,
      clockFrequency: b.clockFrequency,
      logicalCycleTimeNs: r.logicalQubit?.logicalCycleTime,
      physicalQubitsPerLogicalQubit: r.logicalQubit?.physicalQubits,
      logicalErrorRate: r.logicalQubit?.logicalErrorRate,
      tfactory: r.tfactory ? {
        physicalQubits: r.tfactory.physicalQubits, runtimeNs: r.tfactory.runtime,
        numRounds: r.tfactory.numRounds, unitNamePerRound: r.tfactory.unitNamePerRound,
        numUnitsPerRound: r.tfactory.numUnitsPerRound, codeDistancePerRound: r.tfactory.codeDistancePerRound,
        logicalErrorRate: r.tfactory.logicalErrorRate,
      } : null,
      errorBudget: r.errorBudget,
    },
    qubitModel: r.jobParams?.qubitParams?.name,
    qecScheme: r.jobParams?.qecScheme?.name,
    errorBudget: r.jobParams?.errorBudget,
  };
}

async function cmdEstimate() {
  const { program, warnings } = await compileOrDie();
  const { list, labels } = estimatorParams();
  const compiler = await qs.getCompiler();
  const t0 = performance.now();
  let text;
  try {
    text = await compiler.getEstimates(program, "", JSON.stringify(list));
  } catch (e) {
    const errs = errorInfo(e);
    die(1, `${file}: QDK estimator failed: ${errs[0].text}`, { ...base, ok: false, stage: "estimate", errors: errs });
  }
  timing.estimate = Math.round(performance.now() - t0);
  let parsed;
  try { parsed = JSON.parse(text); } catch { die(2, `estimator returned non-JSON: ${String(text).slice(0, 200)}`); }
  if (!Array.isArray(parsed)) parsed = [parsed];
  const estimates = parsed.map((r, i) => {
    const e = { label: labels[i] ?? `item${i}`, params: list[i] };
    if (r.status === "success" || r.logicalCounts) Object.assign(e, { ok: true }, summarize(r));
    else Object.assign(e, { ok: false, error: { code: r.code ?? null, message: r.message ?? JSON.stringify(r) } });
    if (opts.raw) e.raw = r;
    return e;
  });
  const ok = estimates.every((e) => e.ok);
  const out = {
    ...base, ok,
    logicalCounts: estimates.find((e) => e.ok)?.logicalCounts ?? null,
    estimates, warnings, timingMs: timing,
  };
  if (!ok) {
    const bad = estimates.find((e) => !e.ok);
    die(1, `${file}: estimator (${bad.label}) failed: ${bad.error.code}: ${bad.error.message}`, out);
  }
  return out;
}

try {
  const out = command === "check" ? await cmdCheck() : command === "run" ? await cmdRun() : await cmdEstimate();
  process.stdout.write(JSON.stringify(out, null, 2) + "\n");
  process.exit(0);
} catch (e) {
  die(2, `internal error: ${e?.stack ?? e}`);
}
