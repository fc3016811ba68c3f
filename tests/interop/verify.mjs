#!/usr/bin/env node
// verify.mjs — judge one circuit's QDK results against the expectations
// written in the circuit's comments. Called by run.sh after qdk.mjs has
// written PREFIX.check.json, PREFIX.run.json and PREFIX.estimate.json (and
// their .err files).
//
//   node verify.mjs FILE.qasm PREFIX [--alpha A]
//
// Prints one line "[ok]   NAME  details" or "[FAIL] NAME  reason", writes
// PREFIX.verdict.json, exits 0 (ok) or 1 (FAIL).
//
// Directives (comment lines anywhere in the .qasm file):
//   // expect-fail: STAGE TEXT     STAGE is check, run or estimate: the earlier
//                                  stages must succeed and STAGE must fail with
//                                  an error message containing TEXT.
//   // expect-probs: {"00": 0.5, "11": 0.5}
//                                  exact outcome probabilities, keys in
//                                  qdk.mjs "histogram" form (c[0] leftmost,
//                                  tuple members separated by spaces);
//                                  checked with stats.mjs goodnessOfFit (G-test)
//   // expect-probs-product: [p0, p1, ...]
//                                  independent bits, P(c[i] = 1) = p_i
//   // expect-counts: {"tCount": 4, ...}
//                                  every listed key must equal the estimator's
//                                  logicalCounts (default qubit model)
// Without expect-fail, check, run and estimate must all succeed.
//
// Library use: judge(source, file, name, stages, {alpha}) returns the verdict
// for in-memory results (stages.check/run/estimate = {ran, ok, json, err});
// directives(source) tells which checks a file asks for. interop.mjs uses both.

import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { goodnessOfFit, productDistribution } from "./stats.mjs";

const directiveOf = (src, key) => {
  const m = new RegExp(`^\\s*//\\s*${key}:\\s*(.*)$`, "m").exec(src);
  return m ? m[1].trim() : null;
};

// Which directives a source holds: {fail, probs, counts} (each true/false).
export function directives(src) {
  return {
    fail: directiveOf(src, "expect-fail") !== null,
    probs: directiveOf(src, "expect-probs") !== null || directiveOf(src, "expect-probs-product") !== null,
    counts: directiveOf(src, "expect-counts") !== null,
  };
}

// One stage's results as the CLI finds them in PREFIX.STAGE.json/.err.
function stageFromFiles(prefix, s) {
  const out = { ran: false, ok: false, json: null, err: "" };
  const jf = `${prefix}.${s}.json`, ef = `${prefix}.${s}.err`;
  if (fs.existsSync(ef)) out.err = fs.readFileSync(ef, "utf8").trim();
  if (!fs.existsSync(jf)) return out;
  out.ran = true;
  try {
    out.json = JSON.parse(fs.readFileSync(jf, "utf8"));
    out.ok = out.json.ok === true;
  } catch {
    out.json = null; // qdk.mjs died before printing JSON (usage/internal error)
  }
  return out;
}

export function judge(src, file, name, stages, { alpha = 1e-3 } = {}) {
  const directive = (key) => directiveOf(src, key);
  const order = ["check", "run", "estimate"];
  const firstError = (s) => {
    const st = stages[s];
    const j = st.json;
    const texts = [];
    if (j?.errors) texts.push(...j.errors.map((e) => e.text ?? e.message));
    if (j?.failures) texts.push(...Object.keys(j.failures));
    if (j?.estimates) texts.push(...j.estimates.filter((e) => !e.ok).map((e) => `${e.error.code}: ${e.error.message}`));
    if (st.err) texts.push(st.err);
    return texts.join("\n");
  };

  const verdict = { file, name, ok: true, notes: [], problems: [] };
  const problem = (m) => { verdict.ok = false; verdict.problems.push(m); };

  const xfail = directive("expect-fail");
  if (xfail) {
    const m = /^(check|run|estimate)\s+(.*)$/.exec(xfail);
    if (!m) problem(`bad expect-fail directive '${xfail}'`);
    else {
      const [, want, text] = m;
      for (const s of order) {
        if (s === want) {
          const st = stages[s];
          if (!st.ran) problem(`${s} did not run`);
          else if (st.ok) problem(`expected ${s} to fail with "${text}", but it succeeded`);
          else if (!firstError(s).includes(text)) problem(`${s} failed, but not with "${text}": ${firstError(s).split("\n")[0]}`);
          else verdict.notes.push(`fails as expected at ${s}: ${text}`);
          break;
        }
        if (!stages[s].ok) { problem(`${s} failed before the expected ${want} failure: ${firstError(s).split("\n")[0]}`); break; }
      }
    }
  } else {
    for (const s of order) {
      if (!stages[s].ran) problem(`${s} did not run`);
      else if (!stages[s].ok) problem(`${s} failed: ${firstError(s).split("\n")[0]}`);
    }
  }
  // Probabilities are checked whenever the run succeeded (also in a file
  // that expects a later stage to fail).
  const run = stages.run.json;
  let probs = null;
  try {
    const p = directive("expect-probs");
    const pp = directive("expect-probs-product");
    if (p) probs = JSON.parse(p);
    else if (pp) probs = productDistribution(JSON.parse(pp));
  } catch (e) { problem(`bad expect-probs directive: ${e.message}`); }
  if (probs && stages.run.ok && run?.histogram) {
    try {
      const g = goodnessOfFit(run.histogram, probs, { alpha, shots: run.shots });
      verdict.gof = g;
      if (!g.agree) {
        problem(g.impossible?.length
          ? `impossible outcomes observed: ${g.impossible.map((x) => `${x.outcome} x${x.observed}`).join(", ")}`
          : `histogram disagrees with expected probabilities: G = ${g.statistic.toFixed(2)}, df = ${g.df}, p = ${g.pValue.toExponential(2)} < ${alpha}`);
      } else verdict.notes.push(`probs p=${g.pValue.toPrecision(2)}`);
    } catch (e) { problem(`probability check: ${e.message}`); }
  }
  const c = directive("expect-counts");
  const est = stages.estimate.json;
  if (c && stages.estimate.ok && est?.logicalCounts) {
    let want = null;
    try { want = JSON.parse(c); } catch (e) { problem(`bad expect-counts directive: ${e.message}`); }
    if (want) {
      const diff = Object.entries(want).filter(([k, v]) => est.logicalCounts[k] !== v)
        .map(([k, v]) => `${k} ${est.logicalCounts[k]} (expected ${v})`);
      if (diff.length) problem(`logical counts differ: ${diff.join(", ")}`);
      else verdict.notes.push("counts match");
    }
  }
  if (stages.estimate.json?.logicalCounts) verdict.logicalCounts = stages.estimate.json.logicalCounts;
  return verdict;
}

export function verdictLine(v) {
  return v.ok
    ? `[ok]   ${v.name}${v.notes.length ? "  (" + v.notes.join("; ") + ")" : ""}`
    : `[FAIL] ${v.name}: ${v.problems.join("; ")}`;
}

function main(argv) {
  const [file, prefix, ...rest] = argv;
  let alpha = 1e-3;
  for (let i = 0; i < rest.length; i++) {
    if (rest[i] === "--alpha") alpha = Number(rest[++i]);
    else { console.error(`verify.mjs: unknown option ${rest[i]}`); process.exit(2); }
  }
  if (!file || !prefix) { console.error("usage: node verify.mjs FILE.qasm PREFIX [--alpha A]"); process.exit(2); }
  const name = path.basename(prefix);
  const src = fs.readFileSync(file, "utf8");
  const stages = { check: stageFromFiles(prefix, "check"), run: stageFromFiles(prefix, "run"), estimate: stageFromFiles(prefix, "estimate") };
  const verdict = judge(src, file, name, stages, { alpha });
  fs.writeFileSync(`${prefix}.verdict.json`, JSON.stringify(verdict, null, 2) + "\n");
  console.log(verdictLine(verdict));
  process.exit(verdict.ok ? 0 : 1);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) main(process.argv.slice(2));
