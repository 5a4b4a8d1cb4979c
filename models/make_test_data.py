#!/usr/bin/python3
"""Writes fixed pseudo-random inputs for the third-party models in models/.

Usage: /usr/bin/python3 models/make_test_data.py [MODELS_DIR] [--force]

For each model NAME listed below it writes
MODELS_DIR/NAME/test_data_set_D/input_K.pb (TensorProto named as graph input
K). Reference outputs (output_K.pb) come from ONNX Runtime:
`models/fetch.sh` runs bench/ort/bench.js reference on every data set.
Existing inputs are kept unless --force (rewritten inputs with different
bytes drop that set's output_*.pb). Same seed, same bytes.

Inputs are shaped as each model's upstream pipeline feeds it: Silero VAD gets
a synthetic vowel-like 16 kHz chunk (and an 8 kHz one where the model
supports both rates, which takes the other If branch) with a random LSTM
state; PaddleOCR gets normalised images of dark bitmap-font text on a light
noisy ground, at the sizes its detector, recogniser and classifier use.
"""

import argparse
import os
import sys

import numpy as np
import onnx
from onnx import numpy_helper

SEED = 4242


def audio(rng, samples, rate):
  """A voiced, vowel-like sound: 140 Hz harmonics shaped by two formants."""
  t = np.arange(samples) / rate
  f0 = 140.0 * (1.0 + 0.02 * np.sin(2 * np.pi * 3.0 * t))
  phase = 2 * np.pi * np.cumsum(f0) / rate
  wave = np.zeros(samples)
  for h in range(1, 30):
    freq = 140.0 * h
    if freq >= rate / 2:
      break
    gain = (np.exp(-((freq - 700.0) / 150.0) ** 2)
            + 0.6 * np.exp(-((freq - 1200.0) / 200.0) ** 2) + 0.05)
    wave += gain * np.sin(h * phase + rng.uniform(0, 2 * np.pi))
  wave = 0.3 * wave / np.abs(wave).max() + rng.normal(0, 0.005, samples)
  return wave.reshape(1, samples).astype(np.float32)


def state(rng, shape):
  return rng.uniform(-0.5, 0.5, shape).astype(np.float32)


# 5x7 bitmap glyphs, enough to draw text-like images for the OCR models.
GLYPHS = {
    "A": ".###.#...##...#######...##...##...#",
    "B": "####.#...##...#####.#...##...#####.",
    "D": "####.#...##...##...##...##...#####.",
    "E": "######....#....####.#....#....#####",
    "I": ".###...#....#....#....#....#...###.",
    "M": "#...###.###.#.##.#.##...##...##...#",
    "N": "#...###..##.#.##..###...##...##...#",
    "O": ".###.#...##...##...##...##...#.###.",
    "R": "####.#...##...#####.#.#..#..#.#...#",
    "S": ".#####....#.....###.....#....#####.",
    "T": "#####..#....#....#....#....#....#..",
    "U": "#...##...##...##...##...##...#.###.",
    "X": "#...##...#.#.#...#...#.#.#...##...#",
    "0": ".###.#...##..###.#.###..##...#.###.",
    "1": "..#...##....#....#....#....#...###.",
    "2": ".###.#...#....#...#...#...#...#####",
    "3": "####.....#....#.###.....#....#####.",
    "4": "...#...##..#.#.#..#.#####...#....#.",
    "5": "######....####.....#....##...#.###.",
    " ": "." * 35,
}


def text_mask(text, scale):
  """Boolean ink mask of `text`, glyph cells 6x8 (1 px spacing), scaled."""
  rows = []
  for r in range(8):
    row = []
    for ch in text:
      g = GLYPHS[ch]
      row += [g[r * 5 + c] == "#" if r < 7 else False for c in range(5)]
      row.append(False)
    rows.append(row)
  mask = np.array(rows, bool)
  return np.kron(mask, np.ones((scale, scale), bool))


def page(rng, h, w, lines, scale):
  """Grey-level page [h, w] in 0..255: dark text lines on a light ground."""
  img = np.full((h, w), 225.0) + rng.normal(0, 6, (h, w))
  y = scale * 3
  for text in lines:
    m = text_mask(text, scale)
    mh, mw = min(m.shape[0], h - y), min(m.shape[1], w - 2 * scale)
    if mh <= 0:
      break
    region = img[y:y + mh, 2 * scale:2 * scale + mw]
    region[m[:mh, :mw]] = 35.0 + rng.normal(0, 6, int(m[:mh, :mw].sum()))
    y += m.shape[0] + scale * 3
  return np.clip(img, 0, 255)


def image(rng, h, w, lines, scale, mean, std):
  grey = page(rng, h, w, lines, scale) / 255.0
  rgb = np.stack([grey] * 3)[None]
  mean = np.asarray(mean).reshape(1, 3, 1, 1)
  std = np.asarray(std).reshape(1, 3, 1, 1)
  return ((rgb - mean) / std).astype(np.float32)


def silero_v5_style(rng):
  # Upstream wrapper feeds 64 context samples + 512 new ones at 16 kHz,
  # 32 + 256 at 8 kHz; state is the LSTM state [2, batch, 128].
  return [
      {"input": audio(rng, 576, 16000), "state": state(rng, (2, 1, 128)),
       "sr": np.array(16000, np.int64)},
      {"input": audio(rng, 288, 8000), "state": state(rng, (2, 1, 128)),
       "sr": np.array(8000, np.int64)},
  ]


def silero_16k_only(rng):
  return [{"input": audio(rng, 576, 16000), "state": state(rng, (2, 1, 128)),
           "sr": np.array(16000, np.int64)}]


def silero_v4(rng):
  # v4 takes 512 (16 kHz) or 256 (8 kHz) samples and separate h, c.
  return [
      {"input": audio(rng, 512, 16000), "sr": np.array(16000, np.int64),
       "h": state(rng, (2, 1, 64)), "c": state(rng, (2, 1, 64))},
      {"input": audio(rng, 256, 8000), "sr": np.array(8000, np.int64),
       "h": state(rng, (2, 1, 64)), "c": state(rng, (2, 1, 64))},
  ]


IMAGENET_MEAN, IMAGENET_STD = [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]
HALF = [0.5, 0.5, 0.5]

# name -> input generator (returns a list of data sets: {input name: array}).
MODELS = {
    "silero_vad_v6": silero_v5_style,
    "silero_vad_v4": silero_v4,
    "silero_vad_16k_op15": silero_16k_only,
    "silero_vad_op18_ifless": silero_16k_only,
    "ppocr_v4_det": lambda rng: [{"x": image(
        rng, 256, 352, ["BRAID RUNTIME", "ONNX TEST 2025", "AMD 4 NODES",
                        "ROUTE 315"], 3, IMAGENET_MEAN, IMAGENET_STD)}],
    "ppocr_v4_rec": lambda rng: [{"x": image(
        rng, 48, 320, ["BRAID 2025"], 5, HALF, HALF)}],
    "ppocr_mobile_v2_cls": lambda rng: [{"x": image(
        rng, 48, 192, ["ONNX 1"], 5, HALF, HALF)}],
}


def graph_inputs(model_path):
  model = onnx.load(model_path, load_external_data=False)
  inits = {i.name for i in model.graph.initializer}
  return [i.name for i in model.graph.input if i.name not in inits]


def write_case(case_dir, data_sets, force):
  names = graph_inputs(os.path.join(case_dir, "model.onnx"))
  for d, feeds in enumerate(data_sets):
    if sorted(feeds) != sorted(names):
      sys.exit("%s: generator gives %s, model wants %s" % (
          case_dir, sorted(feeds), names))
    data = os.path.join(case_dir, "test_data_set_%d" % d)
    os.makedirs(data, exist_ok=True)
    changed = False
    for k, name in enumerate(names):
      path = os.path.join(data, "input_%d.pb" % k)
      blob = numpy_helper.from_array(feeds[name], name).SerializeToString()
      if os.path.exists(path):
        with open(path, "rb") as f:
          if f.read() == blob:
            continue
        if not force:
          continue
      changed = True
      with open(path, "wb") as f:
        f.write(blob)
    if changed:
      for stale in os.listdir(data):
        if stale.startswith("output_") and stale.endswith(".pb"):
          os.remove(os.path.join(data, stale))
    print("%s: %d input(s)%s" % (data, len(names), " written" if changed else ""))


def main(argv):
  parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
  parser.add_argument("models_dir", nargs="?",
                      default=os.path.dirname(os.path.abspath(__file__)))
  parser.add_argument("--force", action="store_true")
  parser.add_argument("--only", default="")
  args = parser.parse_args(argv)
  names = [n for n in args.only.split(",") if n] or list(MODELS)
  for i, name in enumerate(MODELS):
    if name not in names:
      continue
    case = os.path.join(args.models_dir, name)
    if not os.path.exists(os.path.join(case, "model.onnx")):
      print("%s: no model.onnx (run models/fetch.sh), skipped" % case)
      continue
    # One generator per model, seeded by position: adding a model at the end
    # leaves the others' inputs unchanged.
    write_case(case, MODELS[name](np.random.default_rng(SEED + i)), args.force)


if __name__ == "__main__":
  main(sys.argv[1:])
