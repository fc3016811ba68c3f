#!/usr/bin/env node
// interop.mjs — the whole QDK interop test (what `make interop` runs,
// through run.sh): qgdc's circuits against Microsoft's QDK (npm qsharp-lang,
// pinned in package.json), in worker processes that each load the QDK's
// wasm module once.
//
//   node tests/interop/interop.mjs [--qgdc PATH] [--out DIR] [--shots N]
//        [--seed S] [--alpha A] [--jobs K] [--max-qubits Q] [--max-gates G]
//        [--work W] [--parse-big B] [FILE.qasm | FILE.qgd ...]
//
// Without files: tests/interop/circuits/*.qasm, circuits/unsupported/*.qasm
// and every examples/*.qgd. What is checked:
//
// * circuits/unsupported/X.qasm ("pinned"): the QDK's behaviour the file's
//   `// expect-...:` comments describe (verify.mjs), nothing else.
// * circuits/X.qasm: the file itself ("source": its directives, and the QDK's
//   distribution against qgdc's simulator); `qgdc qasm X.qasm` ("hier":
//   hierarchical output; parses and runs in the QDK, same distribution) and
//   `qgdc qasm --flat X.qasm` ("flat": the same, plus the estimator's logical
//   counts equal to `qgdc count --json`, and the physical estimates of both
//   for six qubit models and budgets).
// * examples/X.qgd: `qgdc compile X.qgd -o X.hier.qasm` and `qgdc compile
//   (with the flags of a line "# interop-compile-args: FLAGS" in the file)
//   --flat X.qgd -o X.flat.qasm` (or `qgdc qasm --flat X.hier.qasm`), then as
//   hier and flat above. A file `qgdc compile` refuses with exit status 2
//   (not supported, or no compile command) or 1 (refused: e.g. too big to
//   build) is skipped with a note; any other failure of qgdc fails.
// * Circuits too big for the QDK are not run, with a note: more than Q
//   qubits with ancillas (default 20) or more than G executed operations
//   (default 250000), from `qgdc count` or compile's report (a flat file is
//   then not even written). If the file is at most B bytes (default 5e5) the
//   QDK still parses and type-checks it, and a rejection fails. A flat file
//   with too many qubits to simulate but at most G operations (the
//   structured encoding's circuits) is not run but still estimated: its
//   COUNTS and PHYSICAL checks below apply ("counted, not run").
//
// DISTRIBUTIONS. qgdc's side is `qgdc sim --json --shots n --seed S`: the
// exact distribution of the measured bits when every measurement is
// terminal, else n sampled shots. The QDK runs the file for n shots: N
// (default 2000), fewer when the QDK's work, n x operations (x 6 for files
// that are not flat, which the QDK simulates more slowly), would exceed W
// (default 1e6), never fewer than 100. Post-selections (qgdc's
// `// post-select:` measurements into the register declared
// `// post-selected qubits`) are applied to the QDK's shots: shots with
// another outcome are dropped, and the number kept is itself tested against
// qgdc's post-selection probability (binomial, as a 2-cell G-test). Then a
// G-test: goodness of fit against qgdc's exact probabilities, or the 2 x K
// homogeneity test against qgdc's shots (stats.mjs). A QDK outcome of
// probability 0 under qgdc fails outright.
// FALSE ALARMS: --alpha A (default 1e-3) is the family-wise false-alarm rate
// of the whole run: with m statistical tests planned (distributions,
// post-selection rates and `expect-probs` directives), each is run at
// A / m (Bonferroni), so a correct qgdc and QDK fail the run with
// probability at most A over random seeds.
// REPRODUCIBLE: the QDK's simulator seeds its RNG from
// crypto.getRandomValues once per process (and reseeds after every 64 KiB
// it draws); qdk.mjs serves those calls from a SHA-256 stream keyed by S
// and the worker's number, and the jobs are split among the K workers
// (default 2) by a fixed rule, so the same files, options and S give the
// same results.
//
// COUNTS (flat only): numQubits = qubits with ancillas (qubitsPeak), tCount,
// rotationCount, cczCount, measurementCount equal exactly, and rotationDepth
// too when qgdc reports its depth exact. Where qgdc counted gates under `if`
// as executed and the QDK's estimator followed one random branch, a
// difference is reported as a note, not a failure.
// PHYSICAL (flat only): for each model in PHYSICAL below, code distance
// equal, physical qubits and runtime within 10% (ratios printed).
//
// Output: one line per circuit variant (in the order they finish), the
// figures, then "N passed, M failed"; DIR/summary.json holds everything and
// DIR/NAME.* the files and JSON of each variant. Exit 0 when nothing failed.

import { fork, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { compareHistograms, goodnessOfFit } from "./stats.mjs";
import { directives, judge, verdictLine } from "./verify.mjs";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, "..", "..");
const SELF = fileURLToPath(import.meta.url);

// The physical comparison: qubit model, error budget (surface code on both sides).
const PHYSICAL = [
  ["qubit_gate_ns_e3", 1e-3], ["qubit_gate_ns_e4", 1e-4], ["qubit_gate_us_e3", 1e-3],
  ["qubit_gate_us_e4", 1e-3], ["qubit_maj_ns_e4", 1e-3], ["qubit_maj_ns_e6", 1e-4],
];
const PHYS_TOL = 0.10;
const COUNT_KEYS = [["numQubits", "qubitsPeak"], ["tCount", "tCount"], ["rotationCount", "rotationCount"],
  ["cczCount", "cczCount"], ["measurementCount", "measurementCount"]];
const HIER_WEIGHT = 6;
const MIN_SHOTS = 100;
const firstLine = (s) => (s || "").trim().split("\n")[0] ?? "";
const sanitize = (s) => s.replace(/[^A-Za-z0-9_.-]/g, "_");

if (process.argv[2] === "--worker") await worker();
else await main();

// =====================================================================
// The main process: qgdc's side, the plan, the workers, the figures.
// =====================================================================
async function main() {
  const opt = {
    qgdc: path.join(ROOT, "qgdc"), out: path.join(HERE, "results"), shots: 2000, seed: "1", alpha: 1e-3,
    jobs: Math.max(1, Math.min(2, os.availableParallelism?.() ?? os.cpus().length)),
    maxQubits: 20, maxGates: 250000, work: 1e6, parseBig: 5e5, files: [],
  };
  const usage = (msg) => {
    const text = fs.readFileSync(SELF, "utf8").split("\n").slice(1, 80)
      .filter((l) => l.startsWith("//")).map((l) => l.slice(3)).join("\n");
    if (msg) { process.stderr.write(`interop.mjs: ${msg}\n`); process.exit(2); }
    process.stdout.write(text + "\n");
    process.exit(0);
  };
  {
    const argv = process.argv.slice(2);
    const num = (a, v) => {
      const x = Number(v);
      if (!Number.isFinite(x) || x <= 0) usage(`${a} needs a positive number`);
      return x;
    };
    for (let i = 0; i < argv.length; i++) {
      const a = argv[i];
      const val = () => (i + 1 < argv.length ? argv[++i] : usage(`${a} needs a value`));
      if (a === "--qgdc") opt.qgdc = path.resolve(val());
      else if (a === "--out") opt.out = path.resolve(val());
      else if (a === "--shots") opt.shots = Math.floor(num(a, val()));
      else if (a === "--seed") opt.seed = val();
      else if (a === "--alpha") { opt.alpha = num(a, val()); if (opt.alpha >= 1) usage("--alpha must be in (0, 1)"); }
      else if (a === "--jobs") opt.jobs = Math.floor(num(a, val()));
      else if (a === "--max-qubits") opt.maxQubits = num(a, val());
      else if (a === "--max-gates") opt.maxGates = num(a, val());
      else if (a === "--work") opt.work = num(a, val());
      else if (a === "--parse-big") opt.parseBig = num(a, val());
      else if (a === "-h" || a === "--help") usage(null);
      else if (a.startsWith("--")) usage(`unknown option ${a}`);
      else opt.files.push(path.resolve(a));
    }
  }
  if (!fs.existsSync(opt.qgdc)) usage(`no qgdc at ${opt.qgdc} (build it, or give --qgdc)`);
  const t0 = performance.now();

  // ---------- qgdc, two at a time ----------
  let running = 0;
  const waiting = [];
  const qgdc = async (args) => {
    if (running >= opt.jobs) await new Promise((r) => waiting.push(r));
    running++;
    try {
      return await new Promise((resolve) => {
        const p = spawn(opt.qgdc, args, { stdio: ["ignore", "pipe", "pipe"] });
        const out = [], err = [];
        p.stdout.on("data", (d) => out.push(d));
        p.stderr.on("data", (d) => err.push(d));
        p.on("error", (e) => resolve({ status: 127, stdout: "", stderr: e.message }));
        p.on("close", (code, signal) => resolve({
          status: code ?? 128 + (os.constants.signals[signal] ?? 0),
          stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8"),
        }));
      });
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
  const qgdcJson = async (args) => {
    const r = await qgdc(args);
    if (r.status !== 0) return { error: `qgdc ${args.join(" ")}: exit ${r.status}: ${firstLine(r.stderr)}` };
    try { return { json: JSON.parse(r.stdout) }; } catch (e) { return { error: `qgdc ${args.join(" ")}: bad JSON: ${e.message}` }; }
  };
  const tooBig = ({ qubits, ops }) => (qubits > opt.maxQubits || ops > opt.maxGates
    ? `too big for the QDK: ${qubits} qubits, ${ops} operations (limits ${opt.maxQubits} qubits, ${opt.maxGates} operations)`
    : null);

  fs.mkdirSync(opt.out, { recursive: true });
  // what an earlier run left (only the kinds of file this script writes)
  for (const f of fs.readdirSync(opt.out)) {
    if (/\.(check|run|estimate|verdict)\.json$|\.(hier|flat)\.qasm$|\.report\.(json|txt)$|\.err$|^summary\.json$/.test(f)) fs.rmSync(path.join(opt.out, f), { force: true });
  }

  let files = opt.files;
  if (files.length === 0) {
    const ls = (d, ext) => (fs.existsSync(d) ? fs.readdirSync(d).filter((f) => f.endsWith(ext)).sort().map((f) => path.join(d, f)) : []);
    files = [...ls(path.join(HERE, "circuits"), ".qasm"), ...ls(path.join(HERE, "circuits", "unsupported"), ".qasm"),
      ...ls(path.join(ROOT, "examples"), ".qgd")];
  }

  // ---------- the circuit files of each input ----------
  const skipped = [];       // {name, why}
  const setupFailures = []; // {name, problems}
  async function prepare(f) {
    const out = [];
    if (!fs.existsSync(f)) { setupFailures.push({ name: path.basename(f), problems: ["no such file"] }); return out; }
    if (f.endsWith(".qasm")) {
      const base = sanitize(path.basename(f, ".qasm"));
      if (path.dirname(f) === path.join(HERE, "circuits", "unsupported")) return [{ name: `unsupported__${base}`, file: f, role: "pinned", group: base }];
      out.push({ name: base, file: f, role: "source", group: base });
      const hier = path.join(opt.out, `${base}.hier.qasm`), flat = path.join(opt.out, `${base}.flat.qasm`);
      const [rh, rf] = await Promise.all([qgdc(["qasm", f, "-o", hier]), qgdc(["qasm", "--flat", f, "-o", flat])]);
      if (rh.status !== 0) setupFailures.push({ name: `${base}.hier`, problems: [`qgdc qasm failed (exit ${rh.status}): ${firstLine(rh.stderr)}`] });
      else out.push({ name: `${base}.hier`, file: hier, role: "hier", group: base });
      if (rf.status !== 0) setupFailures.push({ name: `${base}.flat`, problems: [`qgdc qasm --flat failed (exit ${rf.status}): ${firstLine(rf.stderr)}`] });
      else out.push({ name: `${base}.flat`, file: flat, role: "flat", group: base });
      return out;
    }
    if (!f.endsWith(".qgd")) { setupFailures.push({ name: path.basename(f), problems: ["not a .qasm or .qgd file"] }); return out; }
    const base = `example__${sanitize(path.basename(f, ".qgd"))}`;
    const hier = path.join(opt.out, `${base}.hier.qasm`), flat = path.join(opt.out, `${base}.flat.qasm`);
    const report = path.join(opt.out, `${base}.report.json`);
    // extra compile flags a file asks for: "# interop-compile-args: ..."
    const extra = (fs.readFileSync(f, "utf8").match(/^#\s*interop-compile-args:(.*)$/m)?.[1] ?? "").trim().split(/\s+/).filter(Boolean);
    const rh = await qgdc(["compile", ...extra, f, "-o", hier, "--json", "--report", report]);
    if (rh.status === 1 || rh.status === 2) {
      skipped.push({ name: base, why: `qgdc compile ${rh.status === 2 ? "does not support it" : "refuses it"} (exit ${rh.status}): ${firstLine(rh.stderr) || "no message"}` });
      return out;
    }
    if (rh.status !== 0) { setupFailures.push({ name: base, problems: [`qgdc compile failed (exit ${rh.status}): ${firstLine(rh.stderr)}`] }); return out; }
    // the size from compile's own report (reading a big hierarchical file back takes seconds)
    let size = null;
    try {
      const l = JSON.parse(fs.readFileSync(report, "utf8")).resources.logical;
      size = { qubits: Number(l.qubitsPeak), ops: Number(l.operations) };
    } catch { /* counted from the file later */ }
    out.push({ name: `${base}.hier`, file: hier, role: "hier", group: base, size });
    if (size && size.ops > opt.maxGates) {
      skipped.push({ name: `${base}.flat`, why: `not written: ${tooBig(size)}` });
      return out;
    }
    let rf = await qgdc(["compile", ...extra, "--flat", f, "-o", flat, "--report", path.join(opt.out, `${base}.flat.report.txt`)]);
    if (rf.status === 2) rf = await qgdc(["qasm", "--flat", hier, "-o", flat]);
    if (rf.status !== 0) setupFailures.push({ name: `${base}.flat`, problems: [`qgdc --flat output failed (exit ${rf.status}): ${firstLine(rf.stderr)}`] });
    else out.push({ name: `${base}.flat`, file: flat, role: "flat", group: base });
    return out;
  }
  const jobs = (await Promise.all(files.map(prepare))).flat();

  // ---------- qgdc's side of each: size, counts, simulation ----------
  for (const j of jobs) {
    j.notes = []; j.problems = [];
    j.bytes = fs.statSync(j.file).size;
    j.source = j.bytes <= opt.parseBig || !j.size ? fs.readFileSync(j.file, "utf8") : "";
    j.directives = directives(j.source);
  }
  async function qgdcSide(j) {
    if (j.role === "pinned") return;
    if (j.size && tooBig(j.size)) { j.skip = tooBig(j.size); return; }
    const cnt = await qgdcJson(["count", "--json", "--no-physical", j.file]);
    if (cnt.error) { j.problems.push(cnt.error); j.broken = true; return; }
    j.logical = cnt.json.logical;
    const qubits = Number(j.logical.qubitsPeak), ops = Number(j.logical.operations);
    if (tooBig({ qubits, ops })) {
      if (j.role === "flat" && ops <= opt.maxGates) {
        // too many qubits to simulate, few enough operations to estimate
        j.countOnly = tooBig({ qubits, ops });
        const phys = await Promise.all(PHYSICAL.map(([model, budget]) => qgdcJson(["count", "--json", "--qubit", model, "--budget", String(budget), j.file])));
        j.physQgdc = phys.map((r) => (r.error ? { error: r.error } : r.json.physical ?? { error: "no physical estimate in qgdc's output" }));
        return;
      }
      j.skip = tooBig({ qubits, ops });
      return;
    }
    const weight = j.role === "flat" ? 1 : HIER_WEIGHT; // source files are hierarchical too
    j.shots = Math.min(opt.shots, Math.max(MIN_SHOTS, Math.floor(opt.work / (Math.max(1, ops) * weight))));
    j.cost = j.shots * Math.max(1, ops) * weight;
    const [sim, ...phys] = await Promise.all([
      qgdcJson(["sim", "--json", "--shots", String(j.shots), "--seed", String(opt.seed), j.file]),
      ...(j.role === "flat" ? PHYSICAL.map(([model, budget]) => qgdcJson(["count", "--json", "--qubit", model, "--budget", String(budget), j.file])) : []),
    ]);
    if (sim.error) { j.problems.push(sim.error); j.broken = true; return; }
    j.sim = sim.json;
    if (j.role === "flat") j.physQgdc = phys.map((r) => (r.error ? { error: r.error } : r.json.physical ?? { error: "no physical estimate in qgdc's output" }));
  }
  await Promise.all(jobs.map(qgdcSide));
  for (const j of jobs) {
    if (!j.sim) continue;
    j.post = postselectMap(j, jobs);
    if (j.post?.error) { j.problems.push(j.post.error); j.broken = true; }
  }
  const tSetup = (performance.now() - t0) / 1000;

  // ---------- the plan: tests (Bonferroni), workers ----------
  let planned = 0;
  for (const j of jobs) {
    if (j.broken || j.skip || j.countOnly) continue;
    if (j.directives.probs) planned++;
    if (j.role !== "pinned") planned += 1 + (j.post ? 1 : 0);
  }
  const alphaEach = opt.alpha / Math.max(1, planned);
  const work = jobs.filter((j) => !(j.skip && j.bytes > opt.parseBig));
  for (const j of jobs) if (j.skip && j.bytes > opt.parseBig) skipped.push({ name: j.name, why: j.skip });
  // longest first onto the least loaded worker; each keeps the input order
  const K = Math.max(1, Math.min(opt.jobs, work.length));
  const load = new Array(K).fill(0), bins = Array.from({ length: K }, () => []);
  const costOf = (j) => 2e4 + (j.cost ?? (j.skip ? j.bytes * 20 : 0));
  [...work.keys()].sort((a, b) => costOf(work[b]) - costOf(work[a]) || a - b).forEach((i) => {
    const w = load.indexOf(Math.min(...load));
    load[w] += costOf(work[i]);
    bins[w].push(i);
  });

  let pass = 0, fail = 0;
  const results = [], tests = [];
  for (const sf of setupFailures) {
    console.log(`[FAIL] ${sf.name}: ${sf.problems.join("; ")}`);
    fail++;
    results.push({ name: sf.name, ok: false, problems: sf.problems, notes: [] });
  }
  for (const s of skipped) console.log(`[skip] ${s.name}: ${s.why}`);

  const ctx = { out: opt.out, alphaEach, parseBig: opt.parseBig, seed: opt.seed };
  const tQdk = performance.now();
  let qdkVersion = null;
  await Promise.all(bins.map((bin, w) => new Promise((resolve, reject) => {
    if (bin.length === 0) return resolve();
    const child = fork(SELF, ["--worker"], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
    let done = 0;
    child.on("message", (m) => {
      if (m.type === "version") { qdkVersion = m.version; return; }
      if (m.type !== "result") return;
      done++;
      console.log(verdictLine(m.verdict));
      results.push(m.verdict);
      tests.push(...m.tests);
      if (m.verdict.ok) pass++; else fail++;
    });
    child.on("exit", (code) => {
      if (done < bin.length) {
        const lost = bin.slice(done).map((i) => work[i].name);
        for (const n of lost) {
          console.log(`[FAIL] ${n}: the QDK worker died (exit ${code}) before it finished`);
          results.push({ name: n, ok: false, problems: [`QDK worker died (exit ${code})`], notes: [] });
          fail++;
        }
      }
      resolve();
    });
    child.on("error", reject);
    child.send({ type: "jobs", worker: w, jobs: bin.map((i) => work[i]), ctx });
  })));

  // ---------- figures ----------
  const order = new Map(jobs.map((j, i) => [j.name, i]));
  results.sort((a, b) => (order.get(a.name) ?? -1) - (order.get(b.name) ?? -1));
  const seconds = (performance.now() - t0) / 1000;
  const byP = [...tests].sort((a, b) => a.pValue - b.pValue);
  const byG = [...tests].filter((t) => Number.isFinite(t.statistic) && t.df > 0).sort((a, b) => b.statistic / b.df - a.statistic / a.df);
  const counted = results.filter((r) => r.counts);
  const phys = results.flatMap((r) => (r.physical ?? []).filter((x) => x.qubitsRatio !== undefined).map((x) => ({ ...x, job: r.name })));
  const range = (xs) => (xs.length ? [Math.min(...xs), Math.max(...xs)] : null);
  const ran = results.filter((r) => r.role && !r.parseOnly && !r.countOnly).length, parsed = results.filter((r) => r.parseOnly).length;
  const countOnly = results.filter((r) => r.countOnly).length;
  const figures = {
    qdkVersion, shots: opt.shots, seed: opt.seed, familyAlpha: opt.alpha, workers: K,
    testsPlanned: planned, testsRun: tests.length, alphaEach,
    minP: byP[0] ?? null, maxGperDf: byG[0] ?? null,
    countComparisons: counted.length, countsEqual: counted.filter((r) => r.counts.equal).length,
    physicalComparisons: phys.length,
    distanceEqual: phys.filter((x) => x.distance[0] === x.distance[1]).length,
    qubitsRatio: range(phys.map((x) => x.qubitsRatio)), runtimeRatio: range(phys.map((x) => x.runtimeRatio)),
    skipped, seconds: Number(seconds.toFixed(1)), setupSeconds: Number(tSetup.toFixed(1)),
    qdkSeconds: Number(((performance.now() - tQdk) / 1000).toFixed(1)),
  };
  fs.writeFileSync(path.join(opt.out, "summary.json"), JSON.stringify({ ...figures, passed: pass, failed: fail, tests, results }, null, 2) + "\n");
  console.log("");
  console.log(`QDK qsharp-lang ${qdkVersion ?? "?"}: ${ran} circuit files run, ${countOnly} counted only (too many qubits to run), ${parsed} only parsed (too big to run), ${skipped.length} skipped; ` +
    `${seconds.toFixed(0)} s (qgdc ${tSetup.toFixed(0)} s, QDK ${figures.qdkSeconds.toFixed(0)} s, ${K} worker${K === 1 ? "" : "s"})`);
  console.log(`statistics: ${tests.length} G-tests (${planned} planned), family-wise false-alarm rate ${opt.alpha} -> ${alphaEach.toExponential(2)} each (Bonferroni)`);
  const fixed = (x, d) => (Number.isFinite(x) ? x.toFixed(d) : String(x)); // a test without a statistic prints as such
  if (byP[0]) console.log(`  smallest p = ${byP[0].pValue.toExponential(2)} (${byP[0].job}, ${byP[0].what}, G = ${fixed(byP[0].statistic, 2)}, df = ${byP[0].df})`);
  if (byG[0]) console.log(`  largest G/df = ${(byG[0].statistic / byG[0].df).toFixed(2)} (${byG[0].job}, G = ${byG[0].statistic.toFixed(2)}, df = ${byG[0].df}, p = ${byG[0].pValue.toPrecision(3)})`);
  console.log(`logical counts (flat): ${figures.countsEqual} of ${figures.countComparisons} circuits equal in qubits, T, rotations, CCZ, measurements and, where exact, rotation depth`);
  if (phys.length) {
    console.log(`physical estimates (flat, ${PHYSICAL.length} qubit models): ${figures.distanceEqual} of ${phys.length} with the same code distance; ` +
      `qgdc/QDK physical qubits ${figures.qubitsRatio.map((x) => x.toFixed(4)).join("..")}, runtime ${figures.runtimeRatio.map((x) => x.toFixed(4)).join("..")}`);
  }
  console.log(`${pass} passed, ${fail} failed`);
  process.exit(fail === 0 ? 0 : 1);
}

// Post-selection register and required values, from the emitted text:
// `bit[n] NAME; // post-selected qubits, in program order`, then each
// `// post-select: ... == V ...` comment followed by `NAME[i] = measure ...;`.
// A hierarchical file that post-selects inside loops or gates borrows the
// map of its flat sibling (same program order).
function postselectMap(j, jobs) {
  const text = j.source;
  const decl = /^\s*bit\[(\d+)\]\s+([A-Za-z_][A-Za-z0-9_]*)\s*;\s*\/\/\s*post-selected qubits/m.exec(text);
  const nps = j.sim.postselections?.length ?? 0;
  if (!decl) return nps ? { error: "qgdc post-selects but the file declares no post-selection register" } : null;
  const name = decl[2], size = Number(decl[1]);
  const values = new Array(size).fill(null);
  const lines = text.split("\n");
  let ok = true;
  for (let i = 0; i < lines.length; i++) {
    const m = /^(\s*)\/\/\s*post-select:.*==\s*([01])\b/.exec(lines[i]);
    if (!m) continue;
    const next = lines.slice(i + 1).find((l) => l.trim() !== "") ?? "";
    const mm = new RegExp(`^\\s*${name}\\[(\\d+)\\]\\s*=\\s*measure\\b`).exec(next);
    if (m[1].length > 0 || !mm) { ok = false; break; } // indented: inside a loop, gate or if
    values[Number(mm[1])] = Number(m[2]);
  }
  if (!ok || values.some((v) => v === null)) {
    const sib = j.role === "hier" ? jobs.find((x) => x.group === j.group && x.role === "flat") : null;
    const r = sib ? postselectMap({ ...sib, sim: j.sim }, jobs) : null;
    if (r && !r.error) return { ...r, borrowed: true };
    return { error: "cannot tell which post-selection bit takes which value (post-selection inside a loop, gate or if)" };
  }
  // its place among the classical variables the QDK prints (declaration order)
  const regs = [];
  for (const l of lines) {
    const d = /^\s*(?:bit(?:\[\d+\])?|creg)\s+([A-Za-z_][A-Za-z0-9_]*)/.exec(l);
    if (d) regs.push(d[1]);
  }
  return { name, size, values, member: regs.indexOf(name), nmembers: regs.length };
}

// =====================================================================
// A worker: the QDK's side of its share of the circuits.
// =====================================================================
async function worker() {
  const q = await import("./qdk.mjs");
  const msg = await new Promise((r) => process.once("message", r));
  const { ctx, worker: w } = msg;
  q.setSeed(`${ctx.seed}/worker${w}`); // the simulator seeds itself once per process
  await q.loadQdk();
  process.send({ type: "version", version: q.qdkVersion() });
  const estimateList = [{}, ...PHYSICAL.map(([model, budget]) => ({ qubitParams: { name: model }, qecScheme: { name: "surface_code" }, errorBudget: budget }))];
  const estimateLabels = ["default", ...PHYSICAL.map(([m, b]) => `${m}/${b}`)];
  const writeJson = (name, obj) => fs.writeFileSync(path.join(ctx.out, name), JSON.stringify(obj, null, 2) + "\n");
  const alphaEach = ctx.alphaEach;

  for (const j of msg.jobs) {
    const tj = performance.now();
    const tests = [];
    const recordTest = (what, r) => tests.push({ job: j.name, what, statistic: r.statistic, df: r.df, pValue: r.pValue, impossible: r.impossible?.length ?? 0 });
    let verdict;
    if (j.skip) {
      // too big to run, small enough to parse: the QDK's static check only
      const c = await q.checkFile(j.file);
      const { exitCode, message, ...json } = c;
      writeJson(`${j.name}.check.json`, json);
      verdict = { file: j.file, name: j.name, role: j.role, ok: c.ok, notes: [], problems: [], parseOnly: true };
      if (c.ok) verdict.notes.push(`parses in the QDK; not run: ${j.skip}`);
      else verdict.problems.push(`the QDK rejects it (${firstLine(message)}); not run: ${j.skip}`);
    } else if (j.countOnly) {
      // counted, not run: the QDK's check and estimator only
      const stages = { check: { ran: false }, estimate: { ran: false } };
      const put = (s, out) => {
        const { exitCode, message, ...json } = out;
        stages[s] = { ran: true, ok: out.ok === true, json, err: out.ok ? "" : message ?? "" };
        writeJson(`${j.name}.${s}.json`, json);
      };
      put("check", await q.checkFile(j.file));
      verdict = { file: j.file, name: j.name, ok: true, countOnly: true, notes: [`counted, not run: ${j.countOnly}`], problems: [] };
      if (!stages.check.ok) verdict.problems.push(`QDK check failed: ${firstLine(stages.check.err)}`);
      else {
        put("estimate", await q.estimateFile(j.file, { list: estimateList, labels: estimateLabels, noCheck: true }));
        compareEstimates(j, stages.estimate);
      }
      verdict.notes.push(...j.notes);
      verdict.problems.push(...j.problems);
      verdict.ok = verdict.problems.length === 0;
      Object.assign(verdict, { role: j.role, shots: null, distribution: null, counts: j.counts ?? null, physical: j.physical ?? null });
    } else {
      const stages = {
        check: { ran: false, ok: false, json: null, err: "" },
        run: { ran: false, ok: false, json: null, err: "" },
        estimate: { ran: false, ok: false, json: null, err: "" },
      };
      const put = (s, out) => {
        const { exitCode, message, ...json } = out;
        stages[s] = { ran: true, ok: out.ok === true, json, err: out.ok ? "" : message ?? "" };
        writeJson(`${j.name}.${s}.json`, json);
      };
      if (!j.broken) {
        put("check", await q.checkFile(j.file));
        if (stages.check.ok) {
          put("run", await q.runFile(j.file, { shots: j.shots ?? 2000, noCheck: true }));
          if (stages.run.ok && j.role !== "hier") {
            const ep = j.role === "flat" ? { list: estimateList, labels: estimateLabels } : {};
            put("estimate", await q.estimateFile(j.file, { ...ep, noCheck: true }));
          }
        }
      }
      if (j.role === "pinned" || j.role === "source") {
        if (j.role === "source" && !j.directives.fail && !j.directives.probs && !j.broken) j.notes.push("no expect-probs");
        verdict = judge(j.source, j.file, j.name, stages, { alpha: alphaEach });
        if (verdict.gof) recordTest("expect-probs", verdict.gof);
      } else {
        verdict = { file: j.file, name: j.name, ok: true, notes: [], problems: [] };
        for (const s of ["check", "run"]) {
          if (!stages[s].ran) { if (!j.broken) verdict.problems.push(`${s} did not run`); break; }
          if (!stages[s].ok) { verdict.problems.push(`QDK ${s} failed: ${firstLine(stages[s].err)}`); break; }
        }
      }
      if (j.role !== "pinned" && !j.broken && stages.run.ok) compareDistribution(j, stages.run.json, alphaEach, recordTest);
      if (j.role === "flat" && stages.estimate.ran) compareEstimates(j, stages.estimate);
      verdict.notes.push(...j.notes);
      verdict.problems.push(...j.problems);
      verdict.ok = verdict.problems.length === 0;
      Object.assign(verdict, {
        role: j.role, shots: j.shots ?? null, distribution: j.distribution ?? null,
        counts: j.counts ?? null, physical: j.physical ?? null,
      });
    }
    verdict.seconds = Number(((performance.now() - tj) / 1000).toFixed(2));
    writeJson(`${j.name}.verdict.json`, verdict);
    process.send({ type: "result", verdict, tests });
  }
  process.disconnect();
}

// QDK key (histogram: members in declaration order, each c[0] leftmost,
// separated by spaces) -> qgdc key (all bits, last register first, each
// c[n-1]..c[0]). Drops the post-selection member and returns null for a shot
// whose post-selected bits are not the required ones.
function toQgdcKey(key, post) {
  const members = key === "" ? [] : key.split(" ");
  let keep = members;
  if (post) {
    if (members.length !== post.nmembers) throw new Error(`QDK outcome '${key}' has ${members.length} members, expected ${post.nmembers}`);
    const ps = members[post.member];
    for (let i = 0; i < post.size; i++) if (Number(ps[i]) !== post.values[i]) return null;
    keep = members.filter((_, i) => i !== post.member);
  }
  return keep.map((m) => [...m].reverse().join("")).reverse().join("");
}

function compareDistribution(j, run, alphaEach, recordTest) {
  const qdk = {};
  let kept = 0, total = 0;
  try {
    for (const [k, v] of Object.entries(run.histogram)) {
      total += v;
      const key = toQgdcKey(k, j.post);
      if (key === null) continue;
      qdk[key] = (qdk[key] ?? 0) + v;
      kept += v;
    }
  } catch (e) { j.problems.push(e.message); return; }
  if (j.post) {
    const P = j.sim.postselection_probability;
    const r = goodnessOfFit({ kept, dropped: total - kept }, P >= 1 ? { kept: 1 } : { kept: P, dropped: 1 - P }, { alpha: alphaEach });
    recordTest("post-selection rate", r);
    if (!r.agree) j.problems.push(`post-selection kept ${kept} of ${total} QDK shots; qgdc's probability ${P.toPrecision(4)} (p = ${r.pValue.toExponential(2)} < ${alphaEach.toExponential(2)})`);
    else j.notes.push(`post-selected ${kept}/${total} (qgdc P = ${P.toPrecision(3)})`);
    if (kept === 0) { j.problems.push("no QDK shot survived the post-selection: nothing to compare"); return; }
  }
  let r, how;
  if (j.sim.probabilities) {
    r = goodnessOfFit(qdk, j.sim.probabilities, { alpha: alphaEach });
    how = "G vs exact";
  } else {
    r = compareHistograms(j.sim.counts, qdk, { alpha: alphaEach });
    how = "G 2-sample";
  }
  recordTest(how, r);
  j.distribution = { how, statistic: r.statistic, df: r.df, pValue: r.pValue, shots: kept };
  if (!r.agree) {
    j.problems.push(r.impossible?.length
      ? `QDK outcomes impossible under qgdc: ${r.impossible.slice(0, 4).map((x) => `${x.outcome} x${x.observed}`).join(", ")}`
      : `distribution differs from qgdc sim: G = ${r.statistic.toFixed(2)}, df = ${r.df}, p = ${r.pValue.toExponential(2)} < ${alphaEach.toExponential(2)}`);
  } else j.notes.push(`${how}: G=${r.statistic.toFixed(1)} df=${r.df} p=${r.pValue.toPrecision(2)}`);
}

function compareEstimates(j, stage) {
  const est = stage.json;
  const first = est?.estimates?.[0];
  const ql = j.logical;
  if (!first?.ok) {
    if (Number(ql.tCount) + Number(ql.rotationCount) + Number(ql.cczCount) + Number(ql.measurementCount) === 0)
      j.notes.push("the estimator refuses a circuit without T, rotations, CCZ or measurements, and so does qgdc's physical estimate");
    else j.problems.push(`QDK estimator failed: ${first?.error?.message ?? firstLine(stage.err)}`);
    return;
  }
  // logical counts: the default model's
  const lc = first.logicalCounts;
  const diffs = [];
  for (const [qk, gk] of COUNT_KEYS) if (Number(ql[gk]) !== lc[qk]) diffs.push(`${qk} QDK ${lc[qk]} qgdc ${ql[gk]}`);
  if (ql.depthExact && Number(ql.rotationDepth) !== lc.rotationDepth) diffs.push(`rotationDepth QDK ${lc.rotationDepth} qgdc ${ql.rotationDepth}`);
  j.counts = { qdk: lc, equal: diffs.length === 0, diffs };
  if (diffs.length === 0) j.notes.push("counts equal");
  else if (ql.conditionalsCountedAsExecuted) j.notes.push(`counts differ where qgdc counts gates under 'if' as executed: ${diffs.join(", ")}`);
  else j.problems.push(`logical counts differ: ${diffs.join(", ")}`);
  // physical estimates
  j.physical = [];
  let worst = 0;
  PHYSICAL.forEach(([model, budget], i) => {
    const qg = j.physQgdc[i], e = est.estimates[i + 1];
    const row = { model, budget };
    j.physical.push(row);
    if (!e?.ok && qg.error) { row.note = "both refuse"; return; }
    if (!e?.ok) { j.problems.push(`${model}: QDK estimator failed (${e?.error?.message ?? "no result"}), qgdc did not`); return; }
    if (qg.error) { j.problems.push(`${model}: qgdc has no physical estimate: ${qg.error}`); return; }
    const p = e.physical;
    Object.assign(row, {
      distance: [Number(qg.codeDistance), p.codeDistance],
      qubitsRatio: Number(qg.physicalQubits) / p.physicalQubits,
      runtimeRatio: Number(qg.runtimeNs) / p.runtimeNs,
      qubits: [Number(qg.physicalQubits), p.physicalQubits], runtimeNs: [Number(qg.runtimeNs), p.runtimeNs],
    });
    worst = Math.max(worst, Math.abs(row.qubitsRatio - 1), Math.abs(row.runtimeRatio - 1));
    if (row.distance[0] !== row.distance[1]) j.problems.push(`${model}: code distance qgdc ${row.distance[0]}, QDK ${row.distance[1]}`);
    if (Math.abs(row.qubitsRatio - 1) > PHYS_TOL) j.problems.push(`${model}: physical qubits ratio ${row.qubitsRatio.toFixed(4)}`);
    if (Math.abs(row.runtimeRatio - 1) > PHYS_TOL) j.problems.push(`${model}: runtime ratio ${row.runtimeRatio.toFixed(4)}`);
  });
  j.notes.push(`physical: max |ratio-1| = ${worst.toPrecision(2)}`);
}
