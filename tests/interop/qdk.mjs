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
//
// LIBRARY. Imported as a module (interop.mjs does), nothing runs on import;
// it exports loadQdk() (the wasm module, loaded once per process),
// setSeed(key) (the RNG stream for the next runs; null: the OS RNG),
// checkFile, runFile and estimateFile (each returns the JSON document the
// CLI prints, with "ok", and never exits), estimatorParams and summarize.

import fs from "node:fs";
import path from "node:path";
import { createHash } from "node:crypto";
import { fileURLToPath } from "node:url";

export const HERE = path.dirname(fileURLToPath(import.meta.url));
export const PKG_DIR = path.join(HERE, "node_modules", "qsharp-lang");
const WASM = path.join(PKG_DIR, "lib", "web", "qsc_wasm_bg.wasm");

export const qdkInstalled = () => fs.existsSync(WASM);
export const qdkVersion = () => JSON.parse(fs.readFileSync(path.join(PKG_DIR, "package.json"), "utf8")).version;

// ---------- deterministic RNG ----------
// One hook, installed before the QDK is imported, serves either the OS RNG
// (seed key null) or a SHA-256 counter stream keyed by the seed key.
let seedKey = null, counter = 0, pool = Buffer.alloc(0);
const osGetRandomValues = globalThis.crypto.getRandomValues.bind(globalThis.crypto);
function nextBytes(n) {
  while (pool.length < n) {
    const h = createHash("sha256").update(`qgdc-interop\0${seedKey}\0${counter++}`).digest();
    pool = Buffer.concat([pool, h]);
  }
  const out = pool.subarray(0, n);
  pool = pool.subarray(n);
  return out;
}
const hookedGetRandomValues = (arr) => {
  if (seedKey === null) return osGetRandomValues(arr);
  const bytes = new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength);
  bytes.set(nextBytes(bytes.length));
  return arr;
};
try {
  globalThis.crypto.getRandomValues = hookedGetRandomValues;
} catch { /* fall through to the check below */ }
if (globalThis.crypto.getRandomValues !== hookedGetRandomValues) {
  Object.defineProperty(globalThis, "crypto", {
    value: { ...globalThis.crypto, getRandomValues: hookedGetRandomValues },
    configurable: true, writable: true,
  });
}
// Restarts the stream: the simulator's next draws come from key (a string),
// or from the OS RNG when key is null.
export function setSeed(key) {
  seedKey = key === null || key === undefined ? null : String(key);
  counter = 0;
  pool = Buffer.alloc(0);
}

let qsModule = null;
export async function loadQdk() {
  if (qsModule) return qsModule;
  if (!qdkInstalled()) throw new Error(`qsharp-lang is not installed in ${HERE}/node_modules (run 'npm ci' in ${HERE})`);
  const qs = await import("qsharp-lang");
  await qs.loadWasmModule(fs.readFileSync(WASM));
  qsModule = qs;
  return qs;
}

function uriToPath(u) {
  return u.startsWith("file://") ? fileURLToPath(u) : u;
}
// A host for the QDK's project loader and language service. The project
// loader silently substitutes an empty file for a missing `include`, so the
// files it could not read are collected and reported.
function makeHost(unreadable) {
  return {
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
}

function fmtDiag(d, doc, file) {
  const r = d.range?.start;
  const where = r ? `${path.basename(doc || d.uri || file)}:${r.line + 1}:${r.character + 1}` : path.basename(file);
  return {
    severity: d.severity,
    code: d.code ?? null,
    message: d.message,
    file: doc || d.uri || file,
    line: r ? r.line + 1 : null,
    column: r ? r.character + 1 : null,
    text: `${where}: ${d.severity}: ${d.message}${d.code ? ` [${d.code}]` : ""}`,
  };
}

function errorInfo(e, file) {
  if (e && Array.isArray(e.diagnostics)) return e.diagnostics.map((x) => fmtDiag(x.diagnostic, x.document, file));
  if (e && Array.isArray(e.errors)) return e.errors.map((x) => ({ message: String(x.message ?? x), text: String(x.message ?? x) }));
  const m = e instanceof Error ? e.message : typeof e === "string" ? e : JSON.stringify(e);
  return [{ message: m, text: m }];
}

// One file's session: its source, host and timings.
async function session(command, file) {
  const qs = await loadQdk();
  const absFile = path.resolve(file);
  const source = fs.readFileSync(absFile, "utf8");
  const unreadable = new Set();
  const timing = {}; // milliseconds per phase, reported as "timingMs"
  const S = {
    qs, file, absFile, source, unreadable, host: makeHost(unreadable), timing,
    base: { command, file, qdkVersion: qdkVersion() },
    async timed(name, fn) {
      const t0 = performance.now();
      try { return await fn(); } finally { timing[name] = Math.round(performance.now() - t0); }
    },
  };
  return S;
}

// Static check through the language service: parse, lower, name resolution
// and type check, no execution. Returns {errors, warnings}.
async function staticCheck(S) {
  const ls = await S.qs.getLanguageService(S.host);
  const byUri = new Map();
  ls.addEventListener("diagnostics", (e) => byUri.set(e.detail.uri, e.detail.diagnostics));
  await ls.updateConfiguration({ targetProfile: "unrestricted" });
  await ls.updateDocument(S.absFile, 1, S.source, "openqasm");
  await ls.dispose(); // stops the update loop after it has processed the document
  const all = [];
  for (const [uri, diags] of byUri) for (const d of diags) all.push(fmtDiag(d, uri, S.absFile));
  return {
    errors: all.filter((d) => d.severity === "error"),
    warnings: all.filter((d) => d.severity !== "error"),
  };
}

async function loadProgram(S) {
  const loader = await S.qs.getProjectLoader(S.host);
  const cfg = await loader.loadOpenQasmProject(S.absFile);
  if (cfg.errors && cfg.errors.length) throw new Error(cfg.errors.join("; "));
  if (S.unreadable.size) throw new Error(`include file not found: ${[...S.unreadable].join(", ")}`);
  return { packageGraphSources: cfg.packageGraphSources, projectType: "openqasm", profile: "unrestricted" };
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

// ---------- the three operations ----------
// Each returns the JSON document ("ok" true or false); on failure it also
// carries "exitCode" (1 rejected, 2 internal) and "message" (one line),
// which the CLI prints on stderr and drops from the JSON.
function fail(out, exitCode, message) {
  return Object.assign(out, { ok: false, exitCode, message });
}

export async function checkFile(file) {
  const S = await session("check", file);
  const { errors, warnings } = await S.timed("check", () => staticCheck(S));
  if (errors.length === 0) {
    try { await S.timed("load", () => loadProgram(S)); } catch (e) { errors.push(...errorInfo(e, S.absFile)); }
  }
  const out = { ...S.base, ok: errors.length === 0, errors, warnings, timingMs: S.timing };
  if (errors.length) return fail(out, 1, `${file} rejected by QDK: ${errors[0].text}`);
  return out;
}

async function compile(S, noCheck) {
  let errors = [], warnings = [];
  if (!noCheck) ({ errors, warnings } = await S.timed("check", () => staticCheck(S)));
  if (errors.length) return { failed: fail({ ...S.base, stage: "check", errors, warnings }, 1, `${S.file} rejected by QDK: ${errors[0].text}`) };
  try {
    return { program: await S.timed("load", () => loadProgram(S)), warnings };
  } catch (e) {
    const errs = errorInfo(e, S.absFile);
    return { failed: fail({ ...S.base, stage: "load", errors: errs }, 1, `${S.file}: project load failed: ${errs[0].text}`) };
  }
}

// opts: shots (default 1000), seed (null: the OS RNG; else the stream is
// restarted with this key just before the simulation), noCheck.
export async function runFile(file, opts = {}) {
  const shots = opts.shots ?? 1000, seed = opts.seed ?? null;
  const S = await session("run", file);
  const c = await compile(S, opts.noCheck);
  if (c.failed) return c.failed;
  const compiler = await S.qs.getCompiler();
  const ev = new S.qs.QscEventTarget(true);
  if (seed !== null) setSeed(seed);
  const t0 = performance.now();
  try {
    await compiler.run(c.program, "", shots, ev);
  } catch (e) {
    const errs = errorInfo(e, S.absFile);
    return fail({ ...S.base, stage: "run", errors: errs }, 1, `${file}: QDK run failed: ${errs[0].text}`);
  }
  S.timing.run = Math.round(performance.now() - t0);
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
    ...S.base, ok: failed === 0 && results.length === shots,
    shots, seed, completedShots: results.length, failedShots: failed,
    bitOrder: "histogram: QDK order, c[0] leftmost; histogramQasm: each register c[n-1]..c[0] (c[0] rightmost); tuple members in declaration order separated by spaces",
    histogram: sortObj(histogram), histogramQasm: sortObj(histogramQasm), histogramRaw: sortObj(histogramRaw),
    failures, messages: [...messages], warnings: c.warnings, timingMs: S.timing,
  };
  if (!out.ok) return fail(out, 1, `${file}: ${failed} of ${shots} shots failed: ${Object.keys(failures)[0] ?? "missing results"}`);
  return out;
}

// The estimator's job parameters: the defaults ({}) first, then --params
// (one object or a list), then the --qubit/--qec/--budget shorthand.
// Throws on bad input.
export function estimatorParams(o = {}) {
  const list = [{}]; // the estimator's defaults: qubit_gate_ns_e3, surface_code, errorBudget 1e-3
  const labels = ["default"];
  if (o.params != null) {
    let text = o.params;
    if (typeof text === "string" && text.startsWith("@")) {
      try { text = fs.readFileSync(text.slice(1), "utf8"); } catch (e) { throw new Error(`cannot read ${text.slice(1)}: ${e.message}`); }
    }
    let p = text;
    if (typeof text === "string") {
      try { p = JSON.parse(text); } catch (e) { throw new Error(`--params is not JSON: ${e.message}`); }
    }
    for (const x of Array.isArray(p) ? p : [p]) { list.push(x); labels.push(x?.label ?? "params"); }
  }
  if (o.qubit != null || o.qec != null || o.budget != null) {
    const x = {};
    if (o.qubit != null) x.qubitParams = { name: o.qubit };
    if (o.qec != null) x.qecScheme = { name: o.qec };
    else if (o.qubit != null && o.qubit.startsWith("qubit_maj")) x.qecScheme = { name: "floquet_code" };
    if (o.budget != null) x.errorBudget = o.budget;
    list.push(x); labels.push("options");
  }
  return { list, labels };
}

export function summarize(r) {
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

// opts: list and labels (from estimatorParams; default: the defaults only),
// noCheck, raw (keep the estimator's own result in each item).
export async function estimateFile(file, opts = {}) {
  const S = await session("estimate", file);
  const c = await compile(S, opts.noCheck);
  if (c.failed) return c.failed;
  const list = opts.list ?? [{}], labels = opts.labels ?? ["default"];
  const compiler = await S.qs.getCompiler();
  const t0 = performance.now();
  let text;
  try {
    text = await compiler.getEstimates(c.program, "", JSON.stringify(list));
  } catch (e) {
    const errs = errorInfo(e, S.absFile);
    return fail({ ...S.base, stage: "estimate", errors: errs }, 1, `${file}: QDK estimator failed: ${errs[0].text}`);
  }
  S.timing.estimate = Math.round(performance.now() - t0);
  let parsed;
  try { parsed = JSON.parse(text); } catch { return fail({ ...S.base }, 2, `estimator returned non-JSON: ${String(text).slice(0, 200)}`); }
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
    ...S.base, ok,
    logicalCounts: estimates.find((e) => e.ok)?.logicalCounts ?? null,
    estimates, warnings: c.warnings, timingMs: S.timing,
  };
  if (!ok) {
    const bad = estimates.find((e) => !e.ok);
    return fail(out, 1, `${file}: estimator (${bad.label}) failed: ${bad.error.code}: ${bad.error.message}`);
  }
  return out;
}

// ---------- command line ----------
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

async function main(argv) {
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
  try {
    fs.readFileSync(path.resolve(file));
  } catch (e) {
    die(2, `cannot read ${file}: ${e.message}`);
  }
  if (!qdkInstalled()) die(2, `qsharp-lang is not installed in ${HERE}/node_modules (run 'npm ci' in ${HERE})`);
  let ep = null;
  if (command === "estimate") {
    try { ep = estimatorParams(opts); } catch (e) { usage(e.message); }
  }
  // The stream starts before the QDK loads, as it always has, so a given
  // (file, shots, seed, QDK version) keeps its histogram.
  if (opts.seed !== null) setSeed(opts.seed);
  await loadQdk();
  const out = command === "check" ? await checkFile(file)
    : command === "run" ? await runFile(file, { shots: opts.shots, seed: null, noCheck: opts.noCheck })
    : await estimateFile(file, { ...ep, noCheck: opts.noCheck, raw: opts.raw });
  if (command === "run") out.seed = opts.seed;
  if (!out.ok) {
    const { exitCode, message, ...json } = out;
    die(exitCode ?? 1, message ?? "failed", json);
  }
  process.stdout.write(JSON.stringify(out, null, 2) + "\n");
  process.exit(0);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  try {
    await main(process.argv.slice(2));
  } catch (e) {
    die(2, `internal error: ${e?.stack ?? e}`);
  }
}
