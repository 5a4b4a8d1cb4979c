'use strict';
// Tests for tensor_proto.js: node --test bench/ort/ (needs npm ci first).

const test = require('node:test');
const assert = require('node:assert');
const fs = require('fs');
const os = require('os');
const path = require('path');
const ort = require('onnxruntime-node');
const {decodeTensorProto, encodeTensorProto, loadTensorFile} =
    require('./tensor_proto');

function roundTrip(type, data, dims) {
  const t = new ort.Tensor(type, data, dims);
  const back = decodeTensorProto(encodeTensorProto('v', t));
  assert.strictEqual(back.name, 'v');
  assert.strictEqual(back.tensor.type, type);
  assert.deepStrictEqual(back.tensor.dims, dims);
  assert.deepStrictEqual(Array.from(back.tensor.data), Array.from(data));
  return back;
}

test('raw_data round trip for every supported type', () => {
  roundTrip('float32', new Float32Array([1.5, -2, 0, 3.25]), [2, 2]);
  roundTrip('float64', new Float64Array([1e-300, -7]), [2]);
  roundTrip('int8', new Int8Array([-128, 127, 0]), [3]);
  roundTrip('uint8', new Uint8Array([0, 255]), [1, 2]);
  roundTrip('int16', new Int16Array([-32768, 5]), [2]);
  roundTrip('uint16', new Uint16Array([65535, 1]), [2]);
  roundTrip('int32', new Int32Array([-5, 1 << 30]), [2]);
  roundTrip('uint32', new Uint32Array([4294967295, 0]), [2]);
  roundTrip('int64', new BigInt64Array([-(2n ** 63n), 2n ** 62n]), [2]);
  roundTrip('uint64', new BigUint64Array([2n ** 64n - 1n]), [1]);
  roundTrip('bool', new Uint8Array([1, 0, 1]), [3]);
  roundTrip('float16', new Uint16Array([0x3e00, 0xc000]), [2]);
  roundTrip('string', ['ab', '', 'ü'], [3]);
});

test('scalar and empty tensors', () => {
  roundTrip('int64', new BigInt64Array([16000n]), []);
  roundTrip('float32', new Float32Array([]), [0, 4]);
});

// Hand-built TensorProto bytes: fields as onnx.helper.make_tensor writes
// them without raw_data.
function varint(n) {
  const out = [];
  let v = BigInt.asUintN(64, BigInt(n));
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v) b |= 0x80;
    out.push(b);
  } while (v);
  return out;
}

test('typed fields, packed and unpacked', () => {
  // dims 2 (unpacked), data_type FLOAT, float_data packed [1, -2].
  const f = Buffer.alloc(8);
  f.writeFloatLE(1, 0);
  f.writeFloatLE(-2, 4);
  const packed = Buffer.from([0x08, 2, 0x10, 1, 0x22, 8, ...f]);
  assert.deepStrictEqual(
      Array.from(decodeTensorProto(packed).tensor.data), [1, -2]);
  // Same values unpacked: two fixed32 fields with tag (4 << 3) | 5.
  const unpacked = Buffer.from([0x08, 2, 0x10, 1, 0x25, ...f.subarray(0, 4),
    0x25, ...f.subarray(4)]);
  assert.deepStrictEqual(
      Array.from(decodeTensorProto(unpacked).tensor.data), [1, -2]);
  // INT64 dims [3] with negative int64_data, packed.
  const ints = [...varint(-1), ...varint(5), ...varint(-(2 ** 40))];
  const i64 = Buffer.from([0x08, 3, 0x10, 7, 0x3a, ints.length, ...ints]);
  assert.deepStrictEqual(Array.from(decodeTensorProto(i64).tensor.data),
      [-1n, 5n, -(2n ** 40n)]);
  // BOOL via int32_data.
  const b = Buffer.from([0x08, 2, 0x10, 9, 0x2a, 2, 1, 0]);
  assert.deepStrictEqual(Array.from(decodeTensorProto(b).tensor.data), [1, 0]);
});

test('size mismatches and external data are errors', () => {
  const short = Buffer.from([0x08, 3, 0x10, 1, 0x4a, 4, 0, 0, 0, 0]);
  assert.throws(() => decodeTensorProto(short), /raw_data has 4 bytes/);
  const ext = Buffer.from([0x08, 1, 0x10, 1, 0x70, 1]);
  assert.throws(() => decodeTensorProto(ext), /external data/);
  assert.throws(() => decodeTensorProto(Buffer.from([0x10, 99])),
      /unsupported data_type 99/);
});

test('npy files', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'npy-'));
  const header = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 1), }";
  const pad = 64 - ((10 + header.length + 1) % 64);
  const h = header + ' '.repeat(pad) + '\n';
  const body = Buffer.alloc(8);
  body.writeFloatLE(0.5, 0);
  body.writeFloatLE(-4, 4);
  const buf = Buffer.concat([Buffer.from([0x93]), Buffer.from('NUMPY'),
    Buffer.from([1, 0]), Buffer.from([h.length & 0xff, h.length >> 8]),
    Buffer.from(h, 'latin1'), body]);
  const file = path.join(dir, 'a.npy');
  fs.writeFileSync(file, buf);
  const t = loadTensorFile(file).tensor;
  assert.deepStrictEqual(t.dims, [2, 1]);
  assert.deepStrictEqual(Array.from(t.data), [0.5, -4]);
  fs.rmSync(dir, {recursive: true});
});
