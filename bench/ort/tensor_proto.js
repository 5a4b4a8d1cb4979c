'use strict';
// Minimal reader/writer for onnx.TensorProto (the .pb files of ONNX test
// cases) and .npy files, producing/consuming onnxruntime-node Tensors.
//
// Reads dims, data_type, name, raw_data and every typed *_data field, packed
// or not. Writes dims, data_type, name and raw_data (string_data for strings),
// which is what onnx.numpy_helper.from_array writes. External data is not
// supported (throws).

const fs = require('fs');
const ort = require('onnxruntime-node');

// ONNX TensorProto.DataType -> [ort type name, TypedArray, bytes per element].
const DTYPES = {
  1: ['float32', Float32Array, 4],
  2: ['uint8', Uint8Array, 1],
  3: ['int8', Int8Array, 1],
  4: ['uint16', Uint16Array, 2],
  5: ['int16', Int16Array, 2],
  6: ['int32', Int32Array, 4],
  7: ['int64', BigInt64Array, 8],
  8: ['string', null, 0],
  9: ['bool', Uint8Array, 1],
  10: ['float16', Uint16Array, 2],
  11: ['float64', Float64Array, 8],
  12: ['uint32', Uint32Array, 4],
  13: ['uint64', BigUint64Array, 8],
};
const ORT_TO_ONNX = Object.fromEntries(
    Object.entries(DTYPES).map(([k, v]) => [v[0], Number(k)]));

// ------------------------------------------------------------ wire format --

class Reader {
  constructor(buf) {
    this.buf = buf;
    this.pos = 0;
  }
  done() {
    return this.pos >= this.buf.length;
  }
  varint() {  // as BigInt
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (this.pos >= this.buf.length) throw new Error('truncated varint');
      const b = this.buf[this.pos++];
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
      shift += 7n;
      if (shift > 70n) throw new Error('varint too long');
    }
  }
  bytes(n) {
    if (this.pos + n > this.buf.length) throw new Error('truncated field');
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  lengthDelimited() {
    return this.bytes(Number(this.varint()));
  }
  skip(wireType) {
    if (wireType === 0) this.varint();
    else if (wireType === 1) this.bytes(8);
    else if (wireType === 2) this.lengthDelimited();
    else if (wireType === 5) this.bytes(4);
    else throw new Error(`unsupported wire type ${wireType}`);
  }
}

function asInt64(u) {  // BigInt from a varint -> signed 64-bit
  return BigInt.asIntN(64, u);
}

// Appends the values of a repeated scalar field, packed (wire type 2) or not.
function readRepeated(r, wireType, scalarWire, readOne, out) {
  if (wireType === 2) {
    const sub = new Reader(r.lengthDelimited());
    while (!sub.done()) out.push(readOne(sub));
  } else if (wireType === scalarWire) {
    out.push(readOne(r));
  } else {
    throw new Error(`unexpected wire type ${wireType}`);
  }
}

const readVarint = (r) => r.varint();
const readF32 = (r) => Buffer.from(r.bytes(4)).readFloatLE(0);
const readF64 = (r) => Buffer.from(r.bytes(8)).readDoubleLE(0);

// Parses a TensorProto. Returns {name, dataType, dims (Number[]), tensor}.
function decodeTensorProto(buf) {
  const r = new Reader(buf);
  const dims = [];
  let dataType = 0;
  let name = '';
  let raw = null;
  const fields = {floats: [], ints32: [], ints64: [], doubles: [], uints64: [],
    strings: []};
  while (!r.done()) {
    const key = Number(r.varint());
    const field = key >>> 3;
    const wire = key & 7;
    switch (field) {
      case 1: readRepeated(r, wire, 0, readVarint, dims); break;
      case 2: dataType = Number(r.varint()); break;
      case 4: readRepeated(r, wire, 5, readF32, fields.floats); break;
      case 5: readRepeated(r, wire, 0, readVarint, fields.ints32); break;
      case 6: fields.strings.push(Buffer.from(r.lengthDelimited())); break;
      case 7: readRepeated(r, wire, 0, readVarint, fields.ints64); break;
      case 8: name = Buffer.from(r.lengthDelimited()).toString('utf8'); break;
      case 9: raw = r.lengthDelimited(); break;
      case 10: readRepeated(r, wire, 1, readF64, fields.doubles); break;
      case 11: readRepeated(r, wire, 0, readVarint, fields.uints64); break;
      case 13: throw new Error(`tensor '${name}' uses external data`);
      case 14: {
        const loc = Number(r.varint());
        if (loc !== 0) throw new Error(`tensor '${name}' uses external data`);
        break;
      }
      default: r.skip(wire);
    }
  }
  const info = DTYPES[dataType];
  if (!info) throw new Error(`tensor '${name}': unsupported data_type ${dataType}`);
  const [typeName, Ctor, size] = info;
  const shape = dims.map((d) => Number(asInt64(d)));
  const count = shape.reduce((a, b) => a * b, 1);
  let data;
  if (typeName === 'string') {
    data = fields.strings.map((b) => b.toString('utf8'));
  } else if (raw !== null) {
    if (raw.length !== count * size) {
      throw new Error(`tensor '${name}': raw_data has ${raw.length} bytes, ` +
                      `shape needs ${count * size}`);
    }
    const copy = new Uint8Array(raw);  // aligned copy
    data = new Ctor(copy.buffer, 0, count);
  } else {
    data = new Ctor(count);
    let src;
    if (dataType === 1) src = fields.floats;
    else if (dataType === 11) src = fields.doubles;
    else if (dataType === 7) src = fields.ints64.map(asInt64);
    else if (dataType === 13 || dataType === 12) src = fields.uints64;
    else src = fields.ints32;
    if (src.length !== count) {
      throw new Error(`tensor '${name}': ${src.length} values, shape needs ${count}`);
    }
    for (let i = 0; i < count; ++i) {
      const v = src[i];
      if (Ctor === BigInt64Array) data[i] = BigInt.asIntN(64, BigInt(v));
      else if (Ctor === BigUint64Array) data[i] = BigInt.asUintN(64, BigInt(v));
      else if (typeof v === 'bigint') data[i] = Number(BigInt.asIntN(32, v));
      else data[i] = v;
    }
  }
  return {name, dataType, dims: shape, tensor: new ort.Tensor(typeName, data, shape)};
}

// --------------------------------------------------------------- encoding --

function encodeVarint(value, out) {  // value: BigInt >= 0 or Number >= 0
  let v = BigInt.asUintN(64, BigInt(value));
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v !== 0n) b |= 0x80;
    out.push(b);
  } while (v !== 0n);
}

function encodeBytesField(field, bytes, parts) {
  const head = [];
  encodeVarint((field << 3) | 2, head);
  encodeVarint(bytes.length, head);
  parts.push(Buffer.from(head), Buffer.from(bytes));
}

// Serialises an ort.Tensor as a TensorProto named `name`.
function encodeTensorProto(name, tensor) {
  const dataType = ORT_TO_ONNX[tensor.type];
  if (!dataType) throw new Error(`output '${name}': unsupported type ${tensor.type}`);
  const head = [];
  for (const d of tensor.dims) {
    encodeVarint(1 << 3, head);
    encodeVarint(d, head);
  }
  encodeVarint(2 << 3, head);
  encodeVarint(dataType, head);
  const parts = [Buffer.from(head)];
  if (tensor.type === 'string') {
    for (const s of tensor.data) encodeBytesField(6, Buffer.from(s, 'utf8'), parts);
  }
  encodeBytesField(8, Buffer.from(name, 'utf8'), parts);
  if (tensor.type !== 'string') {
    const d = tensor.data;
    encodeBytesField(9, new Uint8Array(d.buffer, d.byteOffset, d.byteLength), parts);
  }
  return Buffer.concat(parts);
}

// -------------------------------------------------------------------- npy --

const NPY_TYPES = {
  '<f4': 'float32', '<f8': 'float64', '<f2': 'float16', '|u1': 'uint8',
  '|i1': 'int8', '<u2': 'uint16', '<i2': 'int16', '<i4': 'int32', '<i8': 'int64',
  '<u4': 'uint32', '<u8': 'uint64', '|b1': 'bool',
};

function decodeNpy(buf, name) {
  if (buf.length < 10 || buf.toString('latin1', 1, 6) !== 'NUMPY') {
    throw new Error(`${name}: not a .npy file`);
  }
  const major = buf[6];
  const headerLen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const start = major === 1 ? 10 : 12;
  const header = buf.toString('latin1', start, start + headerLen);
  const descr = /'descr':\s*'([^']+)'/.exec(header);
  const fortran = /'fortran_order':\s*(True|False)/.exec(header);
  const shapeM = /'shape':\s*\(([^)]*)\)/.exec(header);
  if (!descr || !fortran || !shapeM) throw new Error(`${name}: bad .npy header`);
  if (fortran[1] === 'True') throw new Error(`${name}: Fortran-order .npy unsupported`);
  const typeName = NPY_TYPES[descr[1]];
  if (!typeName) throw new Error(`${name}: unsupported .npy dtype ${descr[1]}`);
  const shape = shapeM[1].split(',').map((s) => s.trim()).filter((s) => s)
      .map(Number);
  const Ctor = DTYPES[ORT_TO_ONNX[typeName]][1];
  const count = shape.reduce((a, b) => a * b, 1);
  const body = new Uint8Array(buf.subarray(start + headerLen));
  if (body.length < count * Ctor.BYTES_PER_ELEMENT) {
    throw new Error(`${name}: .npy data truncated`);
  }
  return new ort.Tensor(typeName, new Ctor(body.buffer, 0, count), shape);
}

// Loads a tensor from .pb (TensorProto) or .npy. Returns {name, tensor};
// name is '' for .npy files.
function loadTensorFile(path) {
  const buf = fs.readFileSync(path);
  if (path.endsWith('.npy')) return {name: '', tensor: decodeNpy(buf, path)};
  const t = decodeTensorProto(buf);
  return {name: t.name, tensor: t.tensor};
}

module.exports = {decodeTensorProto, encodeTensorProto, loadTensorFile, DTYPES};
