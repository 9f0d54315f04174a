// Times the Cedar engine (@cedar-policy/cedar-wasm) on the Signoff benchmark
// workload as converted by signoff_cedar_convert (README.md beside this file).
//
//   node run.js --dir DIR [--rules 10,100,1000,10000] [--json OUT]
//               [--seconds S]
//
// For each rule count: preparse the policy set once (statefulIsAuthorized
// then reuses it, so policy parsing is not timed), check that Cedar's
// allow/deny/needs-approval classification equals the Signoff
// interpreter's on every request, warm up, then time chunks of 32 requests
// (cycling through all of them) and report the median over chunks of the
// ns per decision. Two variants:
//   objects  the request as prebuilt JS objects (the regex-derived context
//            attributes are computed inside the timed loop)
//   json     the request as JSON text, JSON.parse'd inside the timed loop
// Exits 1 when any classification disagrees.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as cedar from '@cedar-policy/cedar-wasm/nodejs';

function parseArgs(argv) {
  const args = { dir: null, rules: [10, 100, 1000, 10000], json: null, seconds: 1.0 };
  for (let i = 2; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--dir') args.dir = value();
    else if (a === '--rules') args.rules = value().split(',').map(Number);
    else if (a === '--json') args.json = value();
    else if (a === '--seconds') args.seconds = Number(value());
    else throw new Error(`unknown argument ${a}`);
  }
  if (!args.dir) throw new Error('usage: node run.js --dir DIR [--rules N,...] [--json OUT] [--seconds S]');
  return args;
}

// Cedar's answer as the benchmark's classification: a deny is a deny; an
// allow that a "require:" policy took part in needs approval.
function classify(answer) {
  if (answer.type !== 'success') {
    throw new Error(`cedar failed: ${JSON.stringify(answer.errors)}`);
  }
  const { decision, diagnostics } = answer.response;
  if (decision === 'deny') return 'deny';
  for (const id of diagnostics.reason) {
    if (id.startsWith('require:')) return 'require_approval';
  }
  return 'allow';
}

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function runOne(dir, rules, seconds) {
  const w = JSON.parse(readFileSync(join(dir, `workload_${rules}.json`), 'utf8'));
  const psetId = `signoff-bench-${rules}`;
  const parsed = cedar.preparsePolicySet(psetId, { staticPolicies: w.policies });
  if (parsed.type !== 'success') {
    throw new Error(`policies_${rules} do not parse: ${JSON.stringify(parsed.errors)}`);
  }
  const regexes = Object.fromEntries(
    Object.entries(w.regexes).map(([name, re]) => [name, new RegExp(`^(?:${re})$`)]));
  const names = Object.keys(regexes);
  const derive = (inputs) => {
    const out = {};
    for (const name of names) out[name] = regexes[name].test(inputs[name]);
    return out;
  };

  const calls = w.requests.map((r) => ({ ...r.call, preparsedPolicySetId: psetId }));
  const inputs = w.requests.map((r) => r.derive);
  const texts = calls.map((c) => JSON.stringify(c));

  // Agreement, on every request, with errors surfaced.
  let agree = 0;
  const mismatches = [];
  let evalErrors = 0;
  for (let i = 0; i < calls.length; i++) {
    calls[i].context.derived = derive(inputs[i]);
    const answer = cedar.statefulIsAuthorized(calls[i]);
    if (answer.type === 'success' && answer.response.diagnostics.errors.length > 0) {
      evalErrors++;
    }
    const got = classify(answer);
    if (got === w.requests[i].expected) agree++;
    else if (mismatches.length < 5) {
      mismatches.push({ request: w.requests[i].signoff, signoff: w.requests[i].expected, cedar: got,
        reason: answer.response.diagnostics.reason });
    }
  }

  // A sample is a chunk of CHUNK consecutive requests (ns per decision over
  // the chunk); chunks cycle through all requests. Warm up for a fifth of
  // the budget, then sample for the rest: at least enough chunks to cover
  // every request once, at most 400.
  const CHUNK = Math.min(32, calls.length);
  let next = 0;
  const objects = () => {
    let sink = 0;
    for (let k = 0; k < CHUNK; k++) {
      const i = next;
      next = next + 1 === calls.length ? 0 : next + 1;
      const call = calls[i];
      call.context.derived = derive(inputs[i]);
      sink += classify(cedar.statefulIsAuthorized(call)).length;
    }
    return sink;
  };
  const fromJson = () => {
    let sink = 0;
    for (let k = 0; k < CHUNK; k++) {
      const i = next;
      next = next + 1 === calls.length ? 0 : next + 1;
      const call = JSON.parse(texts[i]);
      call.context.derived = derive(inputs[i]);
      sink += classify(cedar.statefulIsAuthorized(call)).length;
    }
    return sink;
  };
  const minSamples = Math.ceil(calls.length / CHUNK);
  const measure = (sample) => {
    const budget = BigInt(Math.round(seconds * 1e9));
    let start = process.hrtime.bigint();
    do sample(); while (process.hrtime.bigint() - start < budget / 5n);
    next = 0;
    const samples = [];
    start = process.hrtime.bigint();
    while (samples.length < minSamples ||
           (samples.length < 400 && process.hrtime.bigint() - start < budget)) {
      const t0 = process.hrtime.bigint();
      sample();
      const t1 = process.hrtime.bigint();
      samples.push(Number(t1 - t0) / CHUNK);
    }
    return { median: median(samples), samples: samples.length };
  };
  // Both variants share the engine's code: warm it up with both before
  // timing either (V8 tiers WebAssembly up in the background).
  {
    const start = process.hrtime.bigint();
    const budget = BigInt(Math.round(seconds * 1e9)) / 2n;
    do {
      objects();
      fromJson();
    } while (process.hrtime.bigint() - start < budget);
  }
  const obj = measure(objects);
  const js = measure(fromJson);
  return {
    rules,
    requests: calls.length,
    agree,
    eval_errors: evalErrors,
    mismatches,
    policies: Object.keys(w.policies).length,
    median_ns: obj.median,
    median_ns_json: js.median,
    samples: obj.samples,
    chunk: CHUNK,
  };
}

const args = parseArgs(process.argv);
const out = { cedar_version: cedar.getCedarVersion(), node: process.versions.node, results: [] };
let ok = true;
console.log(`Cedar ${out.cedar_version} (cedar-wasm) under Node ${out.node}: median ns per decision`);
for (const rules of args.rules) {
  const r = runOne(args.dir, rules, args.seconds);
  out.results.push(r);
  const line = `  ${String(rules).padStart(6)} rules: ${r.median_ns.toFixed(0).padStart(9)} ns (objects)  ` +
    `${r.median_ns_json.toFixed(0).padStart(9)} ns (from JSON)  ` +
    `classification agrees on ${r.agree}/${r.requests}` +
    (r.eval_errors ? `  (${r.eval_errors} with policy errors)` : '');
  console.log(line);
  if (r.agree !== r.requests) {
    ok = false;
    for (const m of r.mismatches) console.log(`    MISMATCH ${JSON.stringify(m)}`);
  }
}
if (args.json) writeFileSync(args.json, JSON.stringify(out, null, 2));
process.exit(ok ? 0 : 1);
