#!/usr/bin/env bash
# Sets up and builds Braid, then runs a real third-party model (PaddleOCR's
# PP-OCRv4 text recogniser: a CNN stem and attention built from MatMul and
# Softmax) on the CPU: outputs, timing, where each node ran. Finally checks
# every bundled real model against ONNX Runtime's reference outputs.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cmake --preset release >/dev/null
cmake --build --preset release --target braid
BRAID=build/release/bin/braid
MODEL=models/ppocr_v4_rec
echo
echo "== braid run $MODEL/model.onnx"
"$BRAID" run "$MODEL/model.onnx" --input-dir "$MODEL/test_data_set_0"
echo
echo "== outputs of the bundled real models vs ONNX Runtime (rtol 1e-3, atol 1e-5)"
"$BRAID" conformance models --verbose
