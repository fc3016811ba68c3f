#!/usr/bin/env node
// stats_selftest.mjs — quick checks of stats.mjs (a few seconds, no QDK needed):
// chi-square tail values, the merging of small categories, impossible
// outcomes, and the false-alarm rate at alpha = 0.05 on simulated samples.
//   node tests/interop/stats_selftest.mjs     (exit 0 = all good)
import assert from "node:assert/strict";
import { chiSquareSurvival, compareHistograms, goodnessOfFit, productDistribution } from "./stats.mjs";

const close = (a, b, tol, what) => assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b}`);
close(chiSquareSurvival(3.841458820694124, 1), 0.05, 1e-12, "chi2(1) 95%");
close(chiSquareSurvival(10.827566170662733, 1), 1e-3, 1e-12, "chi2(1) 99.9%");
close(chiSquareSurvival(18.307038053275146, 10), 0.05, 1e-12, "chi2(10) 95%");
close(chiSquareSurvival(29.588298445074418, 10), 1e-3, 1e-12, "chi2(10) 99.9%");
close(chiSquareSurvival(0, 4), 1, 0, "zero statistic");

// deterministic outcome: one category, nothing to test
let r = goodnessOfFit({ "11": 500 }, { "11": 1 });
assert.ok(r.agree && r.degenerate);
// impossible outcome
r = goodnessOfFit({ "11": 499, "01": 1 }, { "11": 1 });
assert.ok(!r.agree && r.pValue === 0 && r.impossible[0].outcome === "01");
// small categories get merged
r = compareHistograms({ a: 500, b: 493, c: 4, d: 3 }, { a: 507, b: 487, c: 3, d: 3 });
assert.ok(r.mergedCategories === 2 && r.bins === 3 && r.df === 2 && r.agree, JSON.stringify(r));
// a clear difference is detected
r = compareHistograms({ a: 600, b: 400 }, { a: 400, b: 600 });
assert.ok(!r.agree && r.pValue < 1e-15);
// product distribution
const pd = productDistribution([1, 0.25]);
assert.deepEqual(Object.keys(pd).sort(), ["10", "11"]);
close(pd["11"], 0.25, 1e-15, "product");

// false-alarm rate at alpha = 0.05: 3000 trials, tolerance 0.02 (~5 sigma;
// the G-test runs slightly liberal, ~0.054, with many small merged cells)
let s = 20240601 >>> 0;
const rnd = () => {
  s = (s + 0x6d2b79f5) >>> 0;
  let t = s;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
function sample(d, n) {
  const keys = Object.keys(d), cum = [];
  let c = 0;
  for (const k of keys) { c += d[k]; cum.push(c); }
  const h = {};
  for (let i = 0; i < n; i++) {
    const u = rnd() * c;
    let j = 0;
    while (cum[j] < u) j++;
    h[keys[j]] = (h[keys[j]] || 0) + 1;
  }
  return h;
}
const d = productDistribution([0.27, 0.12, 0.02, 0.9, 0.19]);
const T = 3000;
let fc = 0, fg = 0;
for (let t = 0; t < T; t++) {
  const a = sample(d, 500);
  if (!compareHistograms(a, sample(d, 800), { alpha: 0.05 }).agree) fc++;
  if (!goodnessOfFit(a, d, { alpha: 0.05 }).agree) fg++;
}
close(fc / T, 0.05, 0.02, "compare false-alarm rate");
close(fg / T, 0.05, 0.02, "gof false-alarm rate");
console.log(`stats self-test ok (false alarms at 0.05: compare ${fc / T}, gof ${fg / T})`);
