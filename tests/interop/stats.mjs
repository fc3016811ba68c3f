#!/usr/bin/env node
// stats.mjs — do two measurement histograms agree? (and: does one histogram
// agree with exact probabilities?)
//
// Library use (ESM):
//   import { compareHistograms, goodnessOfFit } from "./stats.mjs";
//   compareHistograms(ours, theirs, { alpha: 1e-3, test: "g", minExpected: 5 })
//   goodnessOfFit(hist, probs, { alpha: 1e-3, test: "g", minExpected: 5 })
// A histogram is { outcomeKey: count }; keys must use the same convention on
// both sides (e.g. qdk.mjs's "histogram": c[0] leftmost).
//
// Command line (exit 0 = agree, 1 = disagree, 2 = usage error):
//   node stats.mjs compare OURS.json QDK.json [--alpha A] [--test g|chi2] [--min-expected E]
//   node stats.mjs gof     RUN.json PROBS.json [--alpha A] [--test g|chi2] [--min-expected E]
// A .json argument may be a bare histogram, a qdk.mjs `run` output (its
// "histogram" field is used; "shots" is checked), or {"histogram": {...},
// "shots": N}. PROBS.json is { outcomeKey: probability }.
//
// THE TESTS. compare: the 2 x K contingency-table test of homogeneity (are
// both samples drawn from the same distribution?), G statistic
// G = 2 sum O ln(O/E) by default or Pearson's X^2 = sum (O-E)^2/E, with
// E_ik = n_i * (a_k + b_k) / (n_1 + n_2) and K-1 degrees of freedom.
// gof: one-sample goodness of fit, E_k = n p_k, K-1 degrees of freedom.
// Under H0 both statistics are asymptotically chi-square; the p-value is the
// upper tail Q(df/2, stat/2) (regularized incomplete gamma). We declare
// DISAGREEMENT when p < alpha, so alpha is the false-alarm rate: the
// probability of failing a correct simulator on one comparison (default
// 1e-3). With many comparisons in one run the family-wise rate is about
// (number of comparisons) x alpha; pick alpha accordingly, or fix seeds.
//
// SMALL EXPECTED COUNTS. The chi-square approximation needs E >= ~5 in every
// cell (Cochran). Categories whose smallest expected count is below
// minExpected (default 5) are merged, rarest first, into one pooled bin until
// every bin reaches minExpected (if the pooled bin still falls short it is
// merged into the next-rarest category). If everything collapses into one bin
// the test has 0 degrees of freedom and reports agreement (nothing left to
// test) with "degenerate": true.
// gof only: an outcome observed although its exact probability is 0 (e.g. a
// wrong bit in a deterministic circuit) is a certain disagreement: p = 0,
// reported in "impossible".

import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

// ---------- special functions ----------
function logGamma(x) {
  // Lanczos approximation (g = 7, n = 9), relative error < 1e-13 for x > 0.
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
    -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  x -= 1;
  let a = c[0];
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += c[i] / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

// Regularized upper incomplete gamma Q(a, x) = Gamma(a, x) / Gamma(a).
export function gammaQ(a, x) {
  if (x < 0 || a <= 0) throw new Error("gammaQ: bad arguments");
  if (x === 0) return 1;
  const gln = logGamma(a);
  if (x < a + 1) {
    // series for P(a, x)
    let ap = a, sum = 1 / a, del = sum;
    for (let n = 0; n < 10000; n++) {
      ap += 1; del *= x / ap; sum += del;
      if (Math.abs(del) < Math.abs(sum) * 1e-16) break;
    }
    return Math.max(0, 1 - sum * Math.exp(-x + a * Math.log(x) - gln));
  }
  // continued fraction for Q(a, x) (modified Lentz)
  const FPMIN = 1e-300;
  let b = x + 1 - a, c = 1 / FPMIN, d = 1 / b, h = d;
  for (let i = 1; i < 10000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b; if (Math.abs(d) < FPMIN) d = FPMIN;
    c = b + an / c; if (Math.abs(c) < FPMIN) c = FPMIN;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-16) break;
  }
  return Math.exp(-x + a * Math.log(x) - gln) * h;
}

export function chiSquareSurvival(stat, df) {
  if (df <= 0) return 1;
  return gammaQ(df / 2, Math.max(0, stat) / 2);
}

// ---------- helpers ----------
function checkHistogram(h, name) {
  if (h === null || typeof h !== "object" || Array.isArray(h)) throw new Error(`${name}: histogram must be an object {outcome: count}`);
  let n = 0;
  for (const [k, v] of Object.entries(h)) {
    if (!Number.isInteger(v) || v < 0) throw new Error(`${name}: count for '${k}' is not a non-negative integer`);
    n += v;
  }
  if (n === 0) throw new Error(`${name}: histogram is empty`);
  return n;
}

// cells: [{keys:[...], obs:[o_1..o_r], exp:[e_1..e_r]}]; merge until min(exp) >= minExpected.
function mergeSmall(cells, minExpected) {
  const minE = (c) => Math.min(...c.exp);
  const big = cells.filter((c) => minE(c) >= minExpected);
  const small = cells.filter((c) => minE(c) < minExpected).sort((a, b) => minE(a) - minE(b));
  if (small.length === 0) return { bins: big, merged: 0 };
  const add = (p, c) => {
    p.keys.push(...c.keys);
    for (let i = 0; i < p.obs.length; i++) { p.obs[i] += c.obs[i]; p.exp[i] += c.exp[i]; }
  };
  const pool = { keys: [], obs: small[0].obs.map(() => 0), exp: small[0].exp.map(() => 0), pooled: true };
  for (const c of small) add(pool, c);
  // If the pool is still too small, absorb the rarest remaining categories.
  big.sort((a, b) => minE(a) - minE(b));
  while (minE(pool) < minExpected && big.length > 0) add(pool, big.shift());
  return { bins: [...big, pool], merged: small.length };
}

function statistic(bins, test) {
  let s = 0;
  for (const b of bins) {
    for (let i = 0; i < b.obs.length; i++) {
      const o = b.obs[i], e = b.exp[i];
      if (e <= 0) continue;
      s += test === "chi2" ? (o - e) ** 2 / e : o > 0 ? 2 * o * Math.log(o / e) : 0;
    }
  }
  return s;
}

function normOpts(o = {}) {
  const alpha = o.alpha ?? 1e-3;
  const test = o.test ?? "g";
  const minExpected = o.minExpected ?? 5;
  if (!(alpha > 0 && alpha < 1)) throw new Error("alpha must be in (0, 1)");
  if (test !== "g" && test !== "chi2") throw new Error("test must be 'g' or 'chi2'");
  if (!(minExpected >= 0)) throw new Error("minExpected must be >= 0");
  return { alpha, test, minExpected };
}

const describe = (bins) => bins.map((b) => ({
  outcomes: b.keys.length <= 8 ? b.keys : [...b.keys.slice(0, 8), `... (${b.keys.length} outcomes)`],
  observed: b.obs, expected: b.exp.map((e) => Number(e.toPrecision(6))),
}));

// ---------- the two tests ----------
export function compareHistograms(ours, theirs, options) {
  const { alpha, test, minExpected } = normOpts(options);
  const n1 = checkHistogram(ours, "first histogram");
  const n2 = checkHistogram(theirs, "second histogram");
  if (options?.shots1 !== undefined && options.shots1 !== n1) throw new Error(`first histogram holds ${n1} shots, not ${options.shots1}`);
  if (options?.shots2 !== undefined && options.shots2 !== n2) throw new Error(`second histogram holds ${n2} shots, not ${options.shots2}`);
  const keys = [...new Set([...Object.keys(ours), ...Object.keys(theirs)])].sort();
  const N = n1 + n2;
  const cells = keys.map((k) => {
    const a = ours[k] ?? 0, b = theirs[k] ?? 0;
    return { keys: [k], obs: [a, b], exp: [(n1 * (a + b)) / N, (n2 * (a + b)) / N] };
  });
  const { bins, merged } = mergeSmall(cells, minExpected);
  const df = bins.length - 1;
  const stat = df > 0 ? statistic(bins, test) : 0;
  const pValue = chiSquareSurvival(stat, df);
  return {
    test: test === "g" ? "G-test of homogeneity (2 x K)" : "Pearson chi-square test of homogeneity (2 x K)",
    n1, n2, categories: keys.length, bins: bins.length, mergedCategories: merged,
    statistic: stat, df, pValue, alpha, agree: pValue >= alpha, degenerate: df === 0,
    detail: describe(bins),
  };
}

export function goodnessOfFit(hist, probs, options) {
  const { alpha, test, minExpected } = normOpts(options);
  const n = checkHistogram(hist, "histogram");
  if (options?.shots !== undefined && options.shots !== n) throw new Error(`histogram holds ${n} shots, not ${options.shots}`);
  let total = 0;
  for (const [k, p] of Object.entries(probs)) {
    if (!(p >= 0 && p <= 1)) throw new Error(`probability for '${k}' is not in [0, 1]`);
    total += p;
  }
  if (Math.abs(total - 1) > 1e-6) throw new Error(`probabilities sum to ${total}, not 1`);
  const impossible = Object.entries(hist).filter(([k, v]) => v > 0 && !(probs[k] > 0)).map(([k, v]) => ({ outcome: k, observed: v }));
  if (impossible.length) {
    return {
      test: "goodness of fit", n, categories: Object.keys(probs).length, statistic: Infinity, df: null,
      pValue: 0, alpha, agree: false, degenerate: false, impossible,
    };
  }
  const keys = Object.keys(probs).filter((k) => probs[k] > 0).sort();
  const cells = keys.map((k) => ({ keys: [k], obs: [hist[k] ?? 0], exp: [(n * probs[k]) / total] }));
  const { bins, merged } = mergeSmall(cells, minExpected);
  const df = bins.length - 1;
  const stat = df > 0 ? statistic(bins, test) : 0;
  const pValue = chiSquareSurvival(stat, df);
  return {
    test: test === "g" ? "G-test goodness of fit" : "Pearson chi-square goodness of fit",
    n, categories: keys.length, bins: bins.length, mergedCategories: merged,
    statistic: stat, df, pValue, alpha, agree: pValue >= alpha, degenerate: df === 0, impossible: [],
    detail: describe(bins),
  };
}

// Probabilities of a product distribution of independent bits, keys with
// bit 0 leftmost (qdk.mjs "histogram" order): p1[i] = P(bit i = 1).
export function productDistribution(p1) {
  let dist = { "": 1 };
  for (const p of p1) {
    const next = {};
    for (const [k, v] of Object.entries(dist)) {
      if (1 - p > 0) next[k + "0"] = v * (1 - p);
      if (p > 0) next[k + "1"] = v * p;
    }
    dist = next;
  }
  return dist;
}

// ---------- command line ----------
function loadHist(file) {
  const j = JSON.parse(fs.readFileSync(file, "utf8"));
  if (j && typeof j === "object" && j.histogram && typeof j.histogram === "object") {
    return { hist: j.histogram, shots: typeof j.shots === "number" ? j.shots : undefined };
  }
  return { hist: j, shots: undefined };
}

async function main(argv) {
  const [cmd, f1, f2, ...rest] = argv;
  const o = {};
  for (let i = 0; i < rest.length; i++) {
    if (rest[i] === "--alpha") o.alpha = Number(rest[++i]);
    else if (rest[i] === "--test") o.test = rest[++i];
    else if (rest[i] === "--min-expected") o.minExpected = Number(rest[++i]);
    else throw new Error(`unknown option ${rest[i]}`);
  }
  if (!f1 || !f2 || !["compare", "gof"].includes(cmd)) {
    throw new Error("usage: node stats.mjs compare OURS.json QDK.json [--alpha A] [--test g|chi2] [--min-expected E]\n" +
      "       node stats.mjs gof RUN.json PROBS.json [--alpha A] [--test g|chi2] [--min-expected E]");
  }
  let r;
  if (cmd === "compare") {
    const a = loadHist(f1), b = loadHist(f2);
    r = compareHistograms(a.hist, b.hist, { ...o, shots1: a.shots, shots2: b.shots });
  } else {
    const a = loadHist(f1);
    r = goodnessOfFit(a.hist, JSON.parse(fs.readFileSync(f2, "utf8")), { ...o, shots: a.shots });
  }
  process.stdout.write(JSON.stringify(r, null, 2) + "\n");
  return r.agree ? 0 : 1;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  try {
    process.exit(await main(process.argv.slice(2)));
  } catch (e) {
    process.stderr.write(`stats.mjs: ${e.message}\n`);
    process.exit(2);
  }
}
