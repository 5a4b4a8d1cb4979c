#!/usr/bin/env bash
# Braid vs ONNX Runtime (CPU) on the benchmark model set; prints a Markdown
# table for docs/PERFORMANCE.md. Builds nothing.
#
# usage: bench/run_peer_comparison.sh [BRAID_BINARY] [options]
#   BRAID_BINARY        path of the `braid` CLI; omitted, "-" or not executable:
#                       ORT alone, braid columns "n/a"
#   --models "A B ..."  model names (default: resnet18 resnet18_b8 bert_encoder
#                       mlp lstm control_flow)
#   --models-dir DIR    where make_models.py writes (default bench/models)
#   --threads "1 2"     intra-op thread counts (default "1 2")
#   --rounds R          interleaved rounds per model (default 3)
#   --runs N            timed runs per process (default 20)
#   --warmup N          warm-up runs per process (default 3)
#   --raw FILE          also write every measurement as JSON lines to FILE
#   --plot FILE         also draw the braid/ORT ratios as an SVG bar chart
#   --no-reference      do not write missing ORT reference outputs
#
# Each round runs, for every thread count, Braid and ORT as separate
# processes on the same input files (MODEL/test_data_set_0/input_K.pb), the
# order of the two alternating between rounds. A cell is the median over
# rounds of each process's median (or p90) of its N timed runs.
# Needs: node + bench/ort/node_modules (see bench/README.md), /usr/bin/python3
# with onnx (model generation only).

set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ort_js="$here/ort/bench.js"
python=/usr/bin/python3

braid=""
if [[ $# -gt 0 && "$1" != --* ]]; then
  braid="$1"
  shift
fi
models="resnet18 resnet18_b8 bert_encoder mlp lstm control_flow"
models_dir="$here/models"
threads_list="1 2"
rounds=3
runs=20
warmup=3
raw_out=""
plot_out=""
write_reference=1

die() { echo "run_peer_comparison.sh: $*" >&2; exit 1; }

while [[ $# -gt 0 ]]; do
  case "$1" in
    --models) models="$2"; shift 2 ;;
    --models-dir) models_dir="$2"; shift 2 ;;
    --threads) threads_list="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --warmup) warmup="$2"; shift 2 ;;
    --raw) raw_out="$2"; shift 2 ;;
    --plot) plot_out="$2"; shift 2 ;;
    --no-reference) write_reference=0; shift ;;
    -h|--help) sed -n '2,26p' "$0"; exit 0 ;;
    *) die "unknown argument '$1' (see --help)" ;;
  esac
done

for n in "$rounds" "$runs" "$warmup"; do
  [[ "$n" =~ ^[0-9]+$ ]] || die "--rounds/--runs/--warmup need integers, got '$n'"
done

if [[ -z "$braid" || "$braid" == "-" ]]; then
  braid=""
  echo "note: no braid binary given; measuring ONNX Runtime alone" >&2
elif [[ ! -x "$braid" ]]; then
  echo "note: '$braid' is not an executable; measuring ONNX Runtime alone" >&2
  braid=""
fi

command -v node >/dev/null || die "node not found (apt-get install nodejs npm)"
[[ -d "$here/ort/node_modules/onnxruntime-node" ]] ||
  die "ONNX Runtime missing: cd bench/ort && ONNXRUNTIME_NODE_INSTALL=skip npm ci"

# Generate missing models (make_models.py leaves existing identical files).
missing=""
for m in $models; do
  [[ -f "$models_dir/$m.onnx" && -d "$models_dir/$m/test_data_set_0" ]] ||
    missing="$missing${missing:+,}$m"
done
if [[ -n "$missing" ]]; then
  echo "generating models: $missing" >&2
  "$python" "$here/make_models.py" "$models_dir" --only "$missing" >&2
fi

# ORT reference outputs, so `braid conformance MODELS_DIR` can check them.
if [[ $write_reference == 1 ]]; then
  for m in $models; do
    for set in "$models_dir/$m"/test_data_set_*; do
      [[ -f "$set/output_0.pb" ]] && continue
      echo "writing ORT reference outputs: $set" >&2
      node "$ort_js" reference "$models_dir/$m.onnx" --input-dir "$set" >/dev/null
    done
  done
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
results="$tmp/results.jsonl"
: >"$results"

# Prints one NAME=FILE line per input of a model's test_data_set_0 (input_K
# is graph input K, as make_models.py writes them).
input_flags() {
  local model="$1" set="$models_dir/$1/test_data_set_0"
  node "$ort_js" info "$models_dir/$model.onnx" | "$python" -c '
import json, sys, os
info = json.load(sys.stdin)
set_dir = sys.argv[1]
for k, meta in enumerate(info["inputs"]):
    path = os.path.join(set_dir, "input_%d.pb" % k)
    if not os.path.exists(path):
        sys.exit("missing %s for input %s" % (path, meta["name"]))
    print("%s=%s" % (meta["name"], path))' "$set"
}

# Appends one JSON line {model, threads, round, runtime, load1 (1-minute load
# average when the run started), ...result or error}.
record() {
  local model="$1" threads="$2" round="$3" runtime="$4" out="$5" rc="$6"
  local load="$7"
  "$python" - "$model" "$threads" "$round" "$runtime" "$rc" "$out" "$load" \
    >>"$results" <<'EOF'
import json, sys
model, threads, rnd, runtime, rc, path, load = sys.argv[1:8]
entry = {"model": model, "threads": int(threads), "round": int(rnd),
         "runtime": runtime, "load1": float(load)}
text = open(path).read().strip()
obj = None
for line in reversed(text.splitlines()):
    line = line.strip()
    if line.startswith("{"):
        try:
            obj = json.loads(line)
            break
        except ValueError:
            pass
if rc != "0" or obj is None or "median_ms" not in obj:
    entry["error"] = "exit %s: %s" % (rc, text[-300:])
else:
    entry["median_ms"] = float(obj["median_ms"])
    entry["p90_ms"] = float(obj.get("p90_ms", "nan"))
print(json.dumps(entry))
EOF
}

run_one() {
  local runtime="$1" model="$2" threads="$3" round="$4"
  local out="$tmp/out.txt" rc=0 load
  load="$(cut -d' ' -f1 /proc/loadavg)"
  if [[ "$runtime" == braid ]]; then
    timeout 900 "$braid" bench "$models_dir/$model.onnx" --threads "$threads" \
      --runs "$runs" --warmup "$warmup" "${flags[@]}" --json >"$out" 2>&1 || rc=$?
  else
    timeout 900 node "$ort_js" bench "$models_dir/$model.onnx" \
      --threads "$threads" --runs "$runs" --warmup "$warmup" "${flags[@]}" \
      >"$out" 2>&1 || rc=$?
  fi
  record "$model" "$threads" "$round" "$runtime" "$out" "$rc" "$load"
  [[ $rc == 0 ]] || echo "  $runtime failed on $model (threads $threads, exit $rc)" >&2
}

for m in $models; do
  pairs="$(input_flags "$m")" || die "cannot list the inputs of $m"
  flags=()
  while IFS= read -r pair; do
    [[ -n "$pair" ]] && flags+=(--input "$pair")
  done <<<"$pairs"
  for ((r = 1; r <= rounds; r++)); do
    for t in $threads_list; do
      echo "round $r/$rounds  $m  threads=$t" >&2
      if [[ -z "$braid" ]]; then
        run_one ort "$m" "$t" "$r"
      elif ((r % 2)); then
        run_one braid "$m" "$t" "$r"; run_one ort "$m" "$t" "$r"
      else
        run_one ort "$m" "$t" "$r"; run_one braid "$m" "$t" "$r"
      fi
    done
  done
done

[[ -n "$raw_out" ]] && cp "$results" "$raw_out"
if [[ -n "$plot_out" && -n "$braid" ]]; then
  "$python" "$here/plot_peer_comparison.py" "$results" "$plot_out" || echo "note: no plot written" >&2
fi

cpu="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
ort_version="$(cd "$here/ort" && node -p "require('onnxruntime-node').env.versions.node")"
braid_version="n/a"
if [[ -n "$braid" ]]; then
  braid_version="$("$braid" --version 2>/dev/null | head -n1 || true)"
  [[ -n "$braid_version" ]] || braid_version="$braid"
fi

"$python" - "$results" "$cpu" "$(nproc)" "$ort_version" "$braid_version" \
  "$rounds" "$runs" "$warmup" <<'EOF'
import json, statistics, sys, datetime
path, cpu, cores, ort_version, braid_version, rounds, runs, warmup = sys.argv[1:9]
rows = [json.loads(l) for l in open(path) if l.strip()]
order = []
for r in rows:
    key = (r["model"], r["threads"])
    if key not in order:
        order.append(key)

def cell(model, threads, runtime, field):
    vals = [r.get(field) for r in rows if r["model"] == model and
            r["threads"] == threads and r["runtime"] == runtime]
    if not vals:
        return None, "n/a"
    if any(v is None for v in vals):
        return None, "fail"
    v = statistics.median(vals)
    fmt = "%.3f" if v < 1 else "%.2f" if v < 100 else "%.1f"
    return v, fmt % v

print("Measured %s on %s (%s cores); ONNX Runtime %s (CPU, onnxruntime-node); "
      "braid: %s. Each cell: median over %s interleaved rounds of a process's "
      "median / p90 of %s timed runs after %s warm-up runs. Ratio = braid "
      "median / ORT median (below 1: braid faster). ORT timings include "
      "~20-40 us of Node call overhead per run."
      % (datetime.date.today().isoformat(), cpu, cores, ort_version,
         braid_version, rounds, runs, warmup))
loads = [r["load1"] for r in rows]
if loads and max(loads) > int(cores):
    print()
    print("Warning: the 1-minute load average reached %.1f on %s cores during "
          "these runs (other work competed for the CPUs); treat multi-thread "
          "figures with care." % (max(loads), cores))
print()
print("| model | threads | braid median ms | braid p90 ms | ORT median ms "
      "| ORT p90 ms | braid/ORT |")
print("|---|---:|---:|---:|---:|---:|---:|")
for model, threads in order:
    bm, bm_s = cell(model, threads, "braid", "median_ms")
    _, bp_s = cell(model, threads, "braid", "p90_ms")
    om, om_s = cell(model, threads, "ort", "median_ms")
    _, op_s = cell(model, threads, "ort", "p90_ms")
    ratio = "%.2f" % (bm / om) if bm is not None and om else "n/a"
    print("| %s | %d | %s | %s | %s | %s | %s |"
          % (model, threads, bm_s, bp_s, om_s, op_s, ratio))
errors = [r for r in rows if "error" in r]
if errors:
    print()
    print("Failures:")
    for r in errors:
        print("- %s %s threads=%d round %d: %s" % (
            r["runtime"], r["model"], r["threads"], r["round"],
            r["error"].replace("\n", " ")[:200]))
EOF
