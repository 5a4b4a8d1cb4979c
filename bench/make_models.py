#!/usr/bin/python3
"""Writes the benchmark model set: realistic shapes, random weights, fixed seed.

Usage: /usr/bin/python3 bench/make_models.py [OUT_DIR] [--bert-layers N] [--seed S]
       [--only NAME[,NAME...]]

OUT_DIR defaults to bench/models/ (git-ignored). For each model NAME it writes
  OUT_DIR/NAME.onnx                          the model (opset 17, passes onnx.checker)
  OUT_DIR/NAME/model.onnx                    symlink to ../NAME.onnx
  OUT_DIR/NAME/test_data_set_D/input_K.pb    fixed inputs (TensorProto named as
                                             the graph input; control_flow has
                                             two sets, one per If branch)
so OUT_DIR is also an ONNX test-case folder once reference outputs are added
(bench/ort/bench.js reference ...; run_peer_comparison.sh does this).
A model or input whose bytes change has its data sets' stale output_*.pb deleted.

Needs onnx (1.12 tested) and numpy: use Debian's /usr/bin/python3.
The same seed always gives byte-identical files.
"""

import argparse
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, checker, helper, numpy_helper, shape_inference

OPSET = 17
IR_VERSION = 8  # highest IR version that onnx 1.12 writes for opset 17


class GraphBuilder:
  """Accumulates nodes and initializers with unique names."""

  def __init__(self, rng, prefix=""):
    self.rng = rng
    self.nodes = []
    self.initializers = []
    self.prefix = prefix
    self._count = {}

  def fresh(self, base):
    n = self._count.get(base, 0)
    self._count[base] = n + 1
    return "%s%s_%d" % (self.prefix, base, n)

  def const(self, base, array):
    name = self.fresh(base)
    self.initializers.append(numpy_helper.from_array(np.asarray(array), name))
    return name

  def op(self, op_type, inputs, n_out=1, name=None, **attrs):
    base = name or op_type.lower()
    outs = [self.fresh(base + "_out") for _ in range(n_out)]
    self.nodes.append(
        helper.make_node(op_type, inputs, outs, name=self.fresh(base), **attrs))
    return outs[0] if n_out == 1 else outs

  def op_to(self, op_type, inputs, outputs, **attrs):
    self.nodes.append(helper.make_node(
        op_type, inputs, outputs, name=self.fresh(op_type.lower()), **attrs))
    return outputs[0] if len(outputs) == 1 else outputs

  # Random parameters, float32.
  def normal(self, base, shape, std):
    return self.const(base, (self.rng.standard_normal(shape) * std)
                      .astype(np.float32))

  def uniform(self, base, shape, lo, hi):
    return self.const(base, self.rng.uniform(lo, hi, shape).astype(np.float32))


def make_model(graph, doc):
  model = helper.make_model(
      graph, producer_name="braid-bench", producer_version="1",
      opset_imports=[helper.make_opsetid("", OPSET)], doc_string=doc)
  model.ir_version = IR_VERSION
  return model


def tensor_info(name, elem_type, shape):
  return helper.make_tensor_value_info(name, elem_type, shape)


# ---------------------------------------------------------------- ResNet-18 --

def conv_bn(b, x, c_in, c_out, k, stride, relu):
  """Conv (no bias) + BatchNormalization (+ Relu), torchvision-style."""
  fan_in = c_in * k * k
  w = b.normal("conv_w", (c_out, c_in, k, k), np.sqrt(2.0 / fan_in))
  y = b.op("Conv", [x, w], name="conv", kernel_shape=[k, k],
           strides=[stride, stride], pads=[k // 2] * 4)
  # Running statistics chosen so activations stay O(1) through 8 blocks.
  scale = b.uniform("bn_scale", (c_out,), 0.5, 1.0 if relu else 0.6)
  bias = b.uniform("bn_bias", (c_out,), -0.1, 0.1)
  mean = b.uniform("bn_mean", (c_out,), -0.1, 0.1)
  var = b.uniform("bn_var", (c_out,), 0.5, 1.5)
  y = b.op("BatchNormalization", [y, scale, bias, mean, var], name="bn",
           epsilon=1e-5)
  return b.op("Relu", [y]) if relu else y


def basic_block(b, x, c_in, c_out, stride):
  y = conv_bn(b, x, c_in, c_out, 3, stride, relu=True)
  y = conv_bn(b, y, c_out, c_out, 3, 1, relu=False)
  shortcut = x
  if stride != 1 or c_in != c_out:
    shortcut = conv_bn(b, x, c_in, c_out, 1, stride, relu=False)
  return b.op("Relu", [b.op("Add", [y, shortcut])])


def resnet18(seed, batch):
  b = GraphBuilder(np.random.default_rng(seed))
  x = "input"
  y = conv_bn(b, x, 3, 64, 7, 2, relu=True)
  y = b.op("MaxPool", [y], kernel_shape=[3, 3], strides=[2, 2],
           pads=[1, 1, 1, 1])
  c_in = 64
  for c_out, stride in [(64, 1), (128, 2), (256, 2), (512, 2)]:
    y = basic_block(b, y, c_in, c_out, stride)
    y = basic_block(b, y, c_out, c_out, 1)
    c_in = c_out
  y = b.op("GlobalAveragePool", [y])
  y = b.op("Flatten", [y], axis=1)
  fc_w = b.normal("fc_w", (1000, 512), np.sqrt(1.0 / 512))
  fc_b = b.uniform("fc_b", (1000,), -0.05, 0.05)
  b.op_to("Gemm", [y, fc_w, fc_b], ["logits"], transB=1)
  graph = helper.make_graph(
      b.nodes, "resnet18",
      [tensor_info("input", TensorProto.FLOAT, [batch, 3, 224, 224])],
      [tensor_info("logits", TensorProto.FLOAT, [batch, 1000])],
      b.initializers)
  doc = ("ResNet-18 topology (torchvision layout, BatchNormalization not "
         "folded), random weights, batch %d." % batch)
  inputs = {"input": np.random.default_rng(seed + 1)
            .standard_normal((batch, 3, 224, 224)).astype(np.float32)}
  return make_model(graph, doc), inputs


# ------------------------------------------------------------- BERT encoder --

def bert_layer(b, x, mask_add, seq, hidden, heads, ffn):
  head_dim = hidden // heads
  std = 0.02

  def dense(inp, n_in, n_out, base):
    w = b.normal(base + "_w", (n_in, n_out), std)
    bias = b.normal(base + "_b", (n_out,), std)
    return b.op("Add", [b.op("MatMul", [inp, w]), bias])

  split_shape = b.const("split_heads_shape",
                        np.array([1, seq, heads, head_dim], np.int64))
  merge_shape = b.const("merge_heads_shape",
                        np.array([1, seq, hidden], np.int64))
  q = b.op("Reshape", [dense(x, hidden, hidden, "query"), split_shape])
  k = b.op("Reshape", [dense(x, hidden, hidden, "key"), split_shape])
  v = b.op("Reshape", [dense(x, hidden, hidden, "value"), split_shape])
  q = b.op("Transpose", [q], perm=[0, 2, 1, 3])          # [1,H,S,D]
  k = b.op("Transpose", [k], perm=[0, 2, 3, 1])          # [1,H,D,S]
  v = b.op("Transpose", [v], perm=[0, 2, 1, 3])          # [1,H,S,D]
  scores = b.op("MatMul", [q, k])                        # [1,H,S,S]
  scores = b.op("Div", [scores, b.const(
      "sqrt_head_dim", np.array(np.sqrt(head_dim), np.float32))])
  scores = b.op("Add", [scores, mask_add])
  probs = b.op("Softmax", [scores], axis=-1)
  ctx = b.op("MatMul", [probs, v])                       # [1,H,S,D]
  ctx = b.op("Transpose", [ctx], perm=[0, 2, 1, 3])      # [1,S,H,D]
  ctx = b.op("Reshape", [ctx, merge_shape])
  attn = dense(ctx, hidden, hidden, "attn_out")
  x = b.op("Add", [attn, x])
  x = b.op("LayerNormalization",
           [x, b.uniform("ln1_scale", (hidden,), 0.9, 1.1),
            b.normal("ln1_bias", (hidden,), std)], axis=-1, epsilon=1e-12)
  h = dense(x, hidden, ffn, "ffn_in")
  # GELU (exact): 0.5 * h * (1 + erf(h / sqrt(2))), as exported by PyTorch.
  e = b.op("Erf", [b.op("Div", [h, b.const(
      "sqrt2", np.array(np.sqrt(2.0), np.float32))])])
  e = b.op("Add", [e, b.const("one", np.array(1.0, np.float32))])
  h = b.op("Mul", [b.op("Mul", [h, e]),
                   b.const("half", np.array(0.5, np.float32))])
  h = dense(h, ffn, hidden, "ffn_out")
  x = b.op("Add", [h, x])
  return b.op("LayerNormalization",
              [x, b.uniform("ln2_scale", (hidden,), 0.9, 1.1),
               b.normal("ln2_bias", (hidden,), std)], axis=-1, epsilon=1e-12)


def bert_encoder(seed, layers, seq=128, hidden=768, heads=12, ffn=3072):
  b = GraphBuilder(np.random.default_rng(seed))
  # Additive mask: (1 - mask) * -10000, broadcast to [1,1,1,S].
  m = b.op("Cast", ["attention_mask"], to=TensorProto.FLOAT)
  m = b.op("Sub", [b.const("one", np.array(1.0, np.float32)), m])
  m = b.op("Mul", [m, b.const("neg_big", np.array(-10000.0, np.float32))])
  mask_add = b.op("Unsqueeze", [m, b.const("axes", np.array([1, 2], np.int64))])
  x = "hidden_states"
  for _ in range(layers):
    x = bert_layer(b, x, mask_add, seq, hidden, heads, ffn)
  b.op_to("Identity", [x], ["last_hidden_state"])
  cls = b.op("Gather", [x, b.const("cls_index", np.array(0, np.int64))],
             axis=1)                                      # [1,hidden]
  pool = b.op("Gemm", [cls, b.normal("pooler_w", (hidden, hidden), 0.02),
                       b.normal("pooler_b", (hidden,), 0.02)], transB=1)
  b.op_to("Tanh", [pool], ["pooler_output"])
  graph = helper.make_graph(
      b.nodes, "bert_encoder",
      [tensor_info("hidden_states", TensorProto.FLOAT, [1, seq, hidden]),
       tensor_info("attention_mask", TensorProto.INT64, [1, seq])],
      [tensor_info("last_hidden_state", TensorProto.FLOAT, [1, seq, hidden]),
       tensor_info("pooler_output", TensorProto.FLOAT, [1, hidden])],
      b.initializers)
  doc = ("BERT-base-shaped encoder: %d layers, hidden %d, %d heads, FFN %d, "
         "sequence %d, batch 1; attention from MatMul/Softmax, "
         "LayerNormalization, GELU via Erf; random weights."
         % (layers, hidden, heads, ffn, seq))
  rng = np.random.default_rng(seed + 1)
  mask = np.ones((1, seq), np.int64)
  mask[:, seq - seq // 8:] = 0  # trailing padding, as a real batch has
  inputs = {
      "hidden_states": rng.standard_normal((1, seq, hidden)).astype(np.float32),
      "attention_mask": mask,
  }
  return make_model(graph, doc), inputs


# ---------------------------------------------------------------------- MLP --

def mlp(seed, batch=64, sizes=(512, 1024, 1024, 1024, 1024, 10)):
  b = GraphBuilder(np.random.default_rng(seed))
  x = "x"
  for i in range(len(sizes) - 1):
    w = b.normal("w", (sizes[i], sizes[i + 1]), np.sqrt(2.0 / sizes[i]))
    bias = b.uniform("b", (sizes[i + 1],), -0.05, 0.05)
    last = i == len(sizes) - 2
    y = b.op("MatMul", [x, w])
    if last:
      x = b.op_to("Add", [y, bias], ["logits"])
    else:
      x = b.op("Relu", [b.op("Add", [y, bias])])
  graph = helper.make_graph(
      b.nodes, "mlp",
      [tensor_info("x", TensorProto.FLOAT, [batch, sizes[0]])],
      [tensor_info("logits", TensorProto.FLOAT, [batch, sizes[-1]])],
      b.initializers)
  doc = "MLP %s, batch %d, MatMul/Add/Relu, random weights." % (
      "-".join(map(str, sizes)), batch)
  inputs = {"x": np.random.default_rng(seed + 1)
            .standard_normal((batch, sizes[0])).astype(np.float32)}
  return make_model(graph, doc), inputs


# --------------------------------------------------------------------- LSTM --

def lstm_params(b, n_in, hidden, num_dir):
  # Twice PyTorch's default bound, so activations are not vanishingly small.
  bound = 2.0 / np.sqrt(hidden)
  w = b.uniform("lstm_W", (num_dir, 4 * hidden, n_in), -bound, bound)
  r = b.uniform("lstm_R", (num_dir, 4 * hidden, hidden), -bound, bound)
  bias = b.uniform("lstm_B", (num_dir, 8 * hidden), -bound, bound)
  return w, r, bias


def lstm(seed, seq=32, batch=1, n_in=128, hidden=256, classes=10):
  b = GraphBuilder(np.random.default_rng(seed))
  # Layer 1: bidirectional, as PyTorch exports nn.LSTM(bidirectional=True).
  w, r, bias = lstm_params(b, n_in, hidden, 2)
  y1, _, _ = b.op("LSTM", ["x", w, r, bias], n_out=3, name="lstm",
                  hidden_size=hidden, direction="bidirectional")
  y1 = b.op("Transpose", [y1], perm=[0, 2, 1, 3])        # [S,B,2,H]
  y1 = b.op("Reshape", [y1, b.const(
      "shape", np.array([seq, batch, 2 * hidden], np.int64))])
  # Layer 2: forward.
  w, r, bias = lstm_params(b, 2 * hidden, hidden, 1)
  y2, h2, _ = b.op("LSTM", [y1, w, r, bias], n_out=3, name="lstm",
                   hidden_size=hidden, direction="forward")
  b.op_to("Squeeze", [y2, b.const("axes", np.array([1], np.int64))], ["y"])
  last = b.op("Squeeze", [h2, b.const("axes", np.array([0], np.int64))])
  fc_w = b.normal("fc_w", (classes, hidden), np.sqrt(1.0 / hidden))
  fc_b = b.uniform("fc_b", (classes,), -0.05, 0.05)
  b.op_to("Gemm", [last, fc_w, fc_b], ["logits"], transB=1)
  graph = helper.make_graph(
      b.nodes, "lstm",
      [tensor_info("x", TensorProto.FLOAT, [seq, batch, n_in])],
      [tensor_info("y", TensorProto.FLOAT, [seq, batch, hidden]),
       tensor_info("logits", TensorProto.FLOAT, [batch, classes])],
      b.initializers)
  doc = ("Two-layer LSTM (bidirectional %d->%d, then forward %d->%d), "
         "sequence %d, batch %d, Gemm head; random weights."
         % (n_in, hidden, 2 * hidden, hidden, seq, batch))
  inputs = {"x": np.random.default_rng(seed + 1)
            .standard_normal((seq, batch, n_in)).astype(np.float32)}
  return make_model(graph, doc), inputs


# ------------------------------------------------------------- control flow --

def control_flow(seed, batch=4, width=64, max_trips=8, stop_after=5):
  """If on a data-dependent condition, then a Loop with early exit.

  Subgraphs read outer-scope initializers. The Loop runs stop_after + 1
  iterations (its condition turns false after iteration stop_after), fewer
  than max_trips, so its scan output has a length known only at run time.
  """
  rng = np.random.default_rng(seed)
  b = GraphBuilder(rng)
  scale = np.sqrt(1.0 / width)
  w_then = b.normal("w_then", (width, width), scale)
  b_then = b.uniform("b_then", (width,), -0.1, 0.1)
  w_else = b.normal("w_else", (width, width), scale)
  w_loop = b.normal("w_loop", (width, width), scale)
  step = b.const("step_scale", np.array(0.01, np.float32))
  limit = b.const("stop_after", np.array(stop_after, np.int64))

  total = b.op("ReduceSum", ["x"], keepdims=0)
  cond = b.op("Greater", [total, b.const("zero", np.array(0.0, np.float32))])

  tb = GraphBuilder(rng, prefix="then_")
  tb.op_to("Relu", [tb.op("Add", [tb.op("MatMul", ["x", w_then]), b_then])],
           ["then_h"])
  then_graph = helper.make_graph(
      tb.nodes, "then_branch", [],
      [tensor_info("then_h", TensorProto.FLOAT, [batch, width])])
  eb = GraphBuilder(rng, prefix="else_")
  eb.op_to("Tanh", [eb.op("MatMul", ["x", w_else])], ["else_h"])
  else_graph = helper.make_graph(
      eb.nodes, "else_branch", [],
      [tensor_info("else_h", TensorProto.FLOAT, [batch, width])])
  h0 = b.op("If", [cond], name="if", then_branch=then_graph,
            else_branch=else_graph)

  lb = GraphBuilder(rng, prefix="body_")
  shift = lb.op("Mul", [lb.op("Cast", ["iter"], to=TensorProto.FLOAT), step])
  h_next = lb.op("Tanh", [lb.op("Add", [lb.op("MatMul", ["h_in", w_loop]),
                                        shift])])
  lb.op_to("Identity", [h_next], ["h_out"])
  lb.op_to("Identity", [h_next], ["h_scan"])
  lb.op_to("Less", ["iter", limit], ["cond_out"])
  body = helper.make_graph(
      lb.nodes, "loop_body",
      [tensor_info("iter", TensorProto.INT64, []),
       tensor_info("cond_in", TensorProto.BOOL, []),
       tensor_info("h_in", TensorProto.FLOAT, [batch, width])],
      [tensor_info("cond_out", TensorProto.BOOL, []),
       tensor_info("h_out", TensorProto.FLOAT, [batch, width]),
       tensor_info("h_scan", TensorProto.FLOAT, [batch, width])])
  trips = b.const("max_trips", np.array(max_trips, np.int64))
  true_c = b.const("true", np.array(True))
  b.op_to("Loop", [trips, true_c, h0], ["y", "trajectory"], body=body)
  graph = helper.make_graph(
      b.nodes, "control_flow",
      [tensor_info("x", TensorProto.FLOAT, [batch, width])],
      [tensor_info("y", TensorProto.FLOAT, [batch, width]),
       tensor_info("trajectory", TensorProto.FLOAT, ["steps", batch, width])],
      b.initializers)
  doc = ("If on sign(sum(x)) choosing Relu(xW+b) or Tanh(xW'), then a Loop "
         "(max %d trips, exits after %d) of h = tanh(hW + 0.01*i) with a scan "
         "output; random weights." % (max_trips, stop_after + 1))
  x = np.random.default_rng(seed + 1).standard_normal((batch, width))
  x = x.astype(np.float32)
  x *= np.sign(x.sum())
  # Data set 0 takes the then-branch (sum > 0), data set 1 the else-branch.
  return make_model(graph, doc), [{"x": x}, {"x": -x}]


# --------------------------------------------------------------------- main --

def build_all(seed, bert_layers):
  return {
      "resnet18": lambda: resnet18(seed, 1),
      "resnet18_b8": lambda: resnet18(seed, 8),
      "bert_encoder": lambda: bert_encoder(seed + 10, bert_layers),
      "mlp": lambda: mlp(seed + 20),
      "lstm": lambda: lstm(seed + 30),
      "control_flow": lambda: control_flow(seed + 40),
  }


def write(out_dir, name, model, data_sets):
  path = os.path.join(out_dir, name + ".onnx")
  checker.check_model(model, full_check=True)
  shape_inference.infer_shapes(model, check_type=True, strict_mode=True)
  blob = model.SerializeToString()
  model_changed = True
  if os.path.exists(path):
    with open(path, "rb") as f:
      model_changed = f.read() != blob
  if model_changed:
    with open(path, "wb") as f:
      f.write(blob)
  case = os.path.join(out_dir, name)
  os.makedirs(case, exist_ok=True)
  link = os.path.join(case, "model.onnx")
  if os.path.lexists(link):
    os.remove(link)
  os.symlink(os.path.join("..", name + ".onnx"), link)
  if isinstance(data_sets, dict):
    data_sets = [data_sets]
  graph_inputs = [i.name for i in model.graph.input]
  for d, inputs in enumerate(data_sets):
    data = os.path.join(case, "test_data_set_%d" % d)
    os.makedirs(data, exist_ok=True)
    changed = model_changed
    for k, input_name in enumerate(graph_inputs):
      blob = numpy_helper.from_array(inputs[input_name],
                                     input_name).SerializeToString()
      input_path = os.path.join(data, "input_%d.pb" % k)
      if os.path.exists(input_path):
        with open(input_path, "rb") as f:
          if f.read() == blob:
            continue
      changed = True
      with open(input_path, "wb") as f:
        f.write(blob)
    if changed:
      for stale in os.listdir(data):
        if stale.startswith("output_") and stale.endswith(".pb"):
          os.remove(os.path.join(data, stale))
  return path


def main(argv):
  here = os.path.dirname(os.path.abspath(__file__))
  parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
  parser.add_argument("out_dir", nargs="?", default=os.path.join(here, "models"))
  parser.add_argument("--seed", type=int, default=20240)
  parser.add_argument("--bert-layers", type=int, default=4)
  parser.add_argument("--only", default="",
                      help="comma-separated subset of model names")
  args = parser.parse_args(argv)
  os.makedirs(args.out_dir, exist_ok=True)
  builders = build_all(args.seed, args.bert_layers)
  names = [n for n in args.only.split(",") if n] or list(builders)
  for name in names:
    if name not in builders:
      sys.exit("unknown model '%s'; known: %s" % (name, ", ".join(builders)))
    model, inputs = builders[name]()
    path = write(args.out_dir, name, model, inputs)
    n_params = sum(int(np.prod(t.dims)) for t in model.graph.initializer)
    print("%-14s %6.1f MB  %5.1fM params  %s" % (
        name, os.path.getsize(path) / 1e6, n_params / 1e6, path))


if __name__ == "__main__":
  main(sys.argv[1:])
