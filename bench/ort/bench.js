#!/usr/bin/env node
'use strict';
// ONNX Runtime (CPU, onnxruntime-node) peer harness for Braid.
//
//   node bench.js bench MODEL [options]      time warm-up + N runs, print JSON
//   node bench.js reference MODEL [options]  write ORT outputs as output_K.pb
//   node bench.js info MODEL                 print inputs/outputs as JSON
//
// Options:
//   --threads N          intra-op threads (default 1; ORT counts the caller)
//   --runs N             timed runs (default 20)
//   --warmup N           untimed runs first (default 3)
//   --input NAME=FILE    input from a TensorProto .pb or a .npy (repeatable)
//   --input-dir DIR      inputs from DIR/input_K.pb (matched by the tensor's
//                        name, else by position among the graph inputs)
//   --dim NAME=V         value of a symbolic dimension for random inputs
//   --seed S             seed of random inputs (default 1)
//   --out-dir DIR        reference: where output_K.pb go (default --input-dir)
//   --opt LEVEL          graph optimisation: disabled|basic|extended|all (all)
//   --no-spin            stop intra-op threads from spin-waiting
//   --times              bench: add every run's time to the JSON
// Inputs not given are filled with seeded random values: floats uniform in
// [-1, 1), integers in [0, 10), bools 0/1.

const fs = require('fs');
const path = require('path');
const ort = require('onnxruntime-node');
const {encodeTensorProto, loadTensorFile, DTYPES} = require('./tensor_proto');

function usage(msg) {
  if (msg) process.stderr.write(`bench.js: ${msg}\n`);
  process.stderr.write(
      'usage: node bench.js {bench|reference|info} MODEL [--threads N] ' +
      '[--runs N] [--warmup N] [--input NAME=FILE]... [--input-dir DIR] ' +
      '[--dim NAME=V]... [--seed S] [--out-dir DIR] [--opt LEVEL] ' +
      '[--no-spin] [--times]\n');
  process.exit(2);
}

function parseArgs(argv) {
  const opts = {mode: argv[0], model: argv[1], threads: 1, runs: 20, warmup: 3,
    inputs: [], inputDir: null, dims: {}, seed: 1, outDir: null, opt: 'all',
    spin: true, times: false};
  if (!['bench', 'reference', 'info'].includes(opts.mode)) usage('unknown mode');
  if (!opts.model) usage('missing MODEL');
  const intArg = (name, v, min) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) usage(`${name} needs an integer >= ${min}`);
    return n;
  };
  for (let i = 2; i < argv.length; ++i) {
    const a = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) usage(`${a} needs a value`);
      return argv[++i];
    };
    const pair = (v) => {
      const eq = v.indexOf('=');
      if (eq <= 0) usage(`${a} expects NAME=VALUE, got '${v}'`);
      return [v.slice(0, eq), v.slice(eq + 1)];
    };
    switch (a) {
      case '--threads': opts.threads = intArg(a, next(), 1); break;
      case '--runs': opts.runs = intArg(a, next(), 1); break;
      case '--warmup': opts.warmup = intArg(a, next(), 0); break;
      case '--input': opts.inputs.push(pair(next())); break;
      case '--input-dir': opts.inputDir = next(); break;
      case '--dim': {
        const [k, v] = pair(next());
        opts.dims[k] = intArg(a, v, 0);
        break;
      }
      case '--seed': opts.seed = intArg(a, next(), 0); break;
      case '--out-dir': opts.outDir = next(); break;
      case '--opt': opts.opt = next(); break;
      case '--no-spin': opts.spin = false; break;
      case '--times': opts.times = true; break;
      default: usage(`unknown option '${a}'`);
    }
  }
  if (!['disabled', 'basic', 'extended', 'all'].includes(opts.opt)) {
    usage(`--opt must be disabled|basic|extended|all, got '${opts.opt}'`);
  }
  return opts;
}

// Deterministic PRNG (mulberry32).
function makeRng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function floatToHalfBits(f) {
  const buf = new DataView(new ArrayBuffer(4));
  buf.setFloat32(0, f);
  const x = buf.getUint32(0);
  const sign = (x >>> 16) & 0x8000;
  const exp = ((x >>> 23) & 0xff) - 127 + 15;
  if (exp <= 0) return sign;
  return sign | (exp << 10) | ((x >>> 13) & 0x3ff);
}

function randomTensor(meta, dims, rng) {
  const shape = meta.shape.map((d) => {
    if (typeof d === 'number') return d;
    return d in dims ? dims[d] : 1;
  });
  const count = shape.reduce((a, b) => a * b, 1);
  const type = meta.type;
  const code = Object.keys(DTYPES).find((k) => DTYPES[k][0] === type);
  if (!code) throw new Error(`input '${meta.name}': no random fill for ${type}`);
  const Ctor = DTYPES[code][1];
  let data;
  if (type === 'string') {
    data = Array.from({length: count}, () => 'a');
  } else {
    data = new Ctor(count);
    for (let i = 0; i < count; ++i) {
      const u = rng();
      if (type === 'float32' || type === 'float64') data[i] = 2 * u - 1;
      else if (type === 'float16') data[i] = floatToHalfBits(2 * u - 1);
      else if (type === 'bool') data[i] = u < 0.5 ? 0 : 1;
      else if (Ctor === BigInt64Array || Ctor === BigUint64Array) {
        data[i] = BigInt(Math.floor(u * 10));
      } else data[i] = Math.floor(u * 10);
    }
  }
  return new ort.Tensor(type, data, shape);
}

function listInputFiles(dir) {
  return fs.readdirSync(dir)
      .map((f) => /^input_(\d+)\.(pb|npy)$/.exec(f))
      .filter((m) => m)
      .sort((a, b) => Number(a[1]) - Number(b[1]))
      .map((m) => ({index: Number(m[1]), file: path.join(dir, m[0])}));
}

// Builds the feeds: explicit files, then --input-dir, then random.
function buildFeeds(session, opts) {
  const feeds = {};
  const sources = {};
  const names = session.inputNames;
  for (const [name, file] of opts.inputs) {
    if (!names.includes(name)) {
      throw new Error(`--input ${name}: model has no input '${name}' ` +
                      `(inputs: ${names.join(', ')})`);
    }
    feeds[name] = loadTensorFile(file).tensor;
    sources[name] = file;
  }
  if (opts.inputDir) {
    const files = listInputFiles(opts.inputDir);
    if (files.length === 0) {
      throw new Error(`--input-dir ${opts.inputDir}: no input_K.pb files`);
    }
    for (const {index, file} of files) {
      const t = loadTensorFile(file);
      let name = t.name;
      if (!names.includes(name)) {
        if (index >= names.length) {
          throw new Error(`${file}: model has only ${names.length} inputs`);
        }
        name = names[index];
      }
      if (!(name in feeds)) {
        feeds[name] = t.tensor;
        sources[name] = file;
      }
    }
  }
  const rng = makeRng(opts.seed);
  for (const meta of session.inputMetadata) {
    if (meta.name in feeds) continue;
    if (!meta.isTensor) throw new Error(`input '${meta.name}' is not a tensor`);
    feeds[meta.name] = randomTensor(meta, opts.dims, rng);
    sources[meta.name] = `random(seed=${opts.seed})`;
  }
  const described = {};
  for (const name of names) {
    described[name] = {type: feeds[name].type, dims: feeds[name].dims,
      source: sources[name]};
  }
  return {feeds, described};
}

function sessionOptions(opts) {
  const o = {
    executionProviders: ['cpu'],
    intraOpNumThreads: opts.threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: opts.opt,
    enableCpuMemArena: true,
    enableMemPattern: true,
    logSeverityLevel: 3,
  };
  if (!opts.spin) o.extra = {'session.intra_op.allow_spinning': '0'};
  return o;
}

function nowMs() {
  return Number(process.hrtime.bigint()) / 1e6;
}

// Nearest-rank percentile of an ascending array.
function percentile(sorted, p) {
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1];
}

function round3(x) {
  return Math.round(x * 1000) / 1000;
}

async function bench(opts) {
  const t0 = nowMs();
  const session = await ort.InferenceSession.create(opts.model, sessionOptions(opts));
  const loadMs = nowMs() - t0;
  const {feeds, described} = buildFeeds(session, opts);
  const f0 = nowMs();
  await session.run(feeds);
  const firstRunMs = nowMs() - f0;
  for (let i = 1; i < opts.warmup; ++i) await session.run(feeds);
  const times = [];
  for (let i = 0; i < opts.runs; ++i) {
    const s = nowMs();
    await session.run(feeds);
    times.push(nowMs() - s);
  }
  await session.release();
  const sorted = [...times].sort((a, b) => a - b);
  const mean = times.reduce((a, b) => a + b, 0) / times.length;
  const variance = times.reduce((a, b) => a + (b - mean) ** 2, 0) / times.length;
  const result = {
    runtime: 'onnxruntime',
    version: ort.env.versions.node,
    model: opts.model,
    threads: opts.threads,
    runs: opts.runs,
    warmup: opts.warmup,
    median_ms: round3(percentile(sorted, 50)),
    p90_ms: round3(percentile(sorted, 90)),
    mean_ms: round3(mean),
    min_ms: round3(sorted[0]),
    max_ms: round3(sorted[sorted.length - 1]),
    stdev_ms: round3(Math.sqrt(variance)),
    load_ms: round3(loadMs),
    first_run_ms: round3(firstRunMs),
    graph_optimization: opts.opt,
    spinning: opts.spin,
    inputs: described,
  };
  if (opts.times) result.times_ms = times.map(round3);
  process.stdout.write(JSON.stringify(result) + '\n');
}

async function reference(opts) {
  if (!opts.inputDir && opts.inputs.length === 0) {
    usage('reference needs --input-dir or --input');
  }
  const outDir = opts.outDir || opts.inputDir;
  if (!outDir) usage('reference needs --out-dir when only --input is given');
  const session = await ort.InferenceSession.create(opts.model, sessionOptions(opts));
  const {feeds, described} = buildFeeds(session, opts);
  for (const [name, d] of Object.entries(described)) {
    if (d.source.startsWith('random')) {
      throw new Error(`reference: no input file for '${name}'`);
    }
  }
  const results = await session.run(feeds);
  fs.mkdirSync(outDir, {recursive: true});
  const outputs = [];
  session.outputNames.forEach((name, k) => {
    const t = results[name];
    const file = path.join(outDir, `output_${k}.pb`);
    fs.writeFileSync(file, encodeTensorProto(name, t));
    outputs.push({name, type: t.type, dims: t.dims, file});
  });
  await session.release();
  process.stdout.write(JSON.stringify({runtime: 'onnxruntime',
    version: ort.env.versions.node, model: opts.model, inputs: described,
    outputs}) + '\n');
}

async function info(opts) {
  const session = await ort.InferenceSession.create(opts.model, sessionOptions(opts));
  process.stdout.write(JSON.stringify({model: opts.model,
    inputs: session.inputMetadata, outputs: session.outputMetadata}) + '\n');
  await session.release();
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (opts.mode === 'bench') await bench(opts);
  else if (opts.mode === 'reference') await reference(opts);
  else await info(opts);
}

main().catch((e) => {
  process.stderr.write(`bench.js: ${e && e.message ? e.message : e}\n`);
  process.exit(1);
});
