#include "tools/cli_common.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iostream>
#include <random>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "backends/cpu/dispatch.h"
#include "braid/status_macros.h"
#include "graph/onnx/tensor_proto.h"
#include "tools/npy.h"

namespace braid::tools {

absl::StatusOr<std::string> ReadFileBytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot open ", path.string()));
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return bytes;
}

absl::Status WriteFileBytes(const std::filesystem::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  if (!out || !out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()))) {
    return absl::PermissionDeniedError(absl::StrCat("cannot write ", path.string()));
  }
  return absl::OkStatus();
}

absl::StatusOr<Value> ReadValueFile(const std::filesystem::path& path, const graph::ValueType& expected) {
  BRAID_ASSIGN_OR_RETURN(std::string bytes, ReadFileBytes(path));
  absl::StatusOr<Value> v = path.extension() == ".npy" ? absl::StatusOr<Value>(ParseNpy(bytes))
                                                       : graph::onnx_import::ParseValueProto(bytes, expected);
  if (!v.ok()) return absl::Status(v.status().code(), absl::StrCat(path.string(), ": ", v.status().message()));
  return v;
}

absl::StatusOr<NamedValues> LoadInputs(const std::vector<std::string>& specs, const graph::Graph& graph) {
  NamedValues out;
  for (const std::string& spec : specs) {
    std::vector<std::string> parts = absl::StrSplit(spec, absl::MaxSplits('=', 1));
    if (parts.size() != 2 || parts[0].empty() || parts[1].empty()) {
      return absl::InvalidArgumentError(absl::StrCat("--input '", spec, "': expected NAME=FILE"));
    }
    const graph::Value* decl = graph.FindValue(parts[0]);
    if (decl == nullptr || decl->origin() != graph::Value::Origin::kGraphInput) {
      return absl::InvalidArgumentError(absl::StrCat("--input '", spec, "': the model has no input '", parts[0], "'"));
    }
    BRAID_ASSIGN_OR_RETURN(Value v, ReadValueFile(parts[1], decl->type()));
    out.emplace_back(parts[0], std::move(v));
  }
  return out;
}

absl::StatusOr<NamedValues> LoadInputDir(const std::filesystem::path& dir, const graph::Graph& graph,
                                         NamedValues given) {
  int k = 0;
  for (const graph::Value* in : graph.inputs()) {
    if (in->initializer() != nullptr) continue;
    std::filesystem::path file = dir / absl::StrCat("input_", k++, ".pb");
    if (!std::filesystem::exists(file)) break;
    bool present = std::any_of(given.begin(), given.end(), [&](const auto& p) { return p.first == in->name(); });
    if (present) continue;
    BRAID_ASSIGN_OR_RETURN(Value v, ReadValueFile(file, in->type()));
    given.emplace_back(in->name(), std::move(v));
  }
  if (k == 0 || !std::filesystem::exists(dir / "input_0.pb")) {
    return absl::NotFoundError(absl::StrCat("--input-dir ", dir.string(), ": no input_0.pb"));
  }
  return given;
}

absl::StatusOr<NamedValues> AddRandomInputs(const graph::Graph& graph, NamedValues given, uint64_t seed,
                                            int64_t free_dim) {
  std::mt19937_64 rng(seed);
  for (const graph::Value* in : graph.inputs()) {
    bool present = std::any_of(given.begin(), given.end(), [&](const auto& p) { return p.first == in->name(); });
    if (present || in->initializer() != nullptr) continue;
    const graph::ValueType& type = in->type();
    if (!type.is_tensor()) {
      return absl::InvalidArgumentError(absl::StrCat("input '", in->name(), "' (", type.ToString(),
                                                     ") cannot be generated at random; pass --input"));
    }
    Shape shape;
    if (type.shape) {
      for (const graph::Dim& d : *type.shape) shape.push_back(d.is_known() ? d.value : free_dim);
    }
    BRAID_ASSIGN_OR_RETURN(Tensor t, Tensor::Create(type.elem_type, shape));
    BRAID_RETURN_IF_ERROR(backends::cpu::DispatchAll(t.dtype(), [&](auto tag) -> absl::Status {
      using T = decltype(tag);
      T* p = t.data<T>();
      std::uniform_real_distribution<float> real(-1.0f, 1.0f);
      std::uniform_int_distribution<int> small(0, 9);
      for (int64_t i = 0; i < t.num_elements(); ++i) {
        if constexpr (std::is_same_v<T, std::string>) {
          p[i] = "";
        } else if constexpr (std::is_same_v<T, bool>) {
          p[i] = small(rng) < 5;
        } else if constexpr (std::is_integral_v<T>) {
          p[i] = static_cast<T>(small(rng));
        } else {
          p[i] = backends::cpu::CastTo<T>(real(rng));
        }
      }
      return absl::OkStatus();
    }));
    given.emplace_back(in->name(), Value(std::move(t)));
  }
  return given;
}

absl::StatusOr<std::vector<SessionOptions::Pin>> ParsePins(const std::vector<std::string>& specs) {
  std::vector<SessionOptions::Pin> pins;
  for (const std::string& spec : specs) {
    size_t eq = spec.rfind('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == spec.size()) {
      return absl::InvalidArgumentError(absl::StrCat("--pin '", spec, "': expected NODE_REGEX=DEVICE"));
    }
    pins.push_back({spec.substr(0, eq), spec.substr(eq + 1)});
  }
  return pins;
}

void SessionFlags::AddTo(CLI::App* cmd, const std::string& device_flag) {
  cmd->add_option(device_flag, devices, "Device preference list, e.g. emu-amd or hip:0,cuda:0 (default cpu)");
  cmd->add_option("--pin", pins, "NODE_REGEX=DEVICE: run matching nodes on DEVICE (repeatable)");
  cmd->add_option("--threads", threads, "Intra-op threads (0 = all)");
}

absl::StatusOr<SessionOptions> SessionFlags::ToOptions() const {
  SessionOptions options;
  options.devices = SplitList(devices);
  BRAID_ASSIGN_OR_RETURN(options.pins, ParsePins(pins));
  options.intra_op_threads = threads;
  return options;
}

std::vector<std::string> SplitList(const std::string& list) {
  std::vector<std::string> out;
  for (absl::string_view part : absl::StrSplit(list, ',', absl::SkipEmpty())) out.emplace_back(part);
  return out;
}

std::string SummarizeValue(const Value& value, int max_items) {
  if (value.is_none()) return "none";
  if (value.is_sequence()) {
    std::vector<std::string> items;
    for (const Tensor& t : value.sequence()) items.push_back(SummarizeValue(Value(t), 3));
    return absl::StrCat(value.DebugString(), " [", absl::StrJoin(items, "; "), "]");
  }
  const Tensor& t = value.tensor();
  std::string out = value.DebugString();
  std::vector<std::string> shown;
  double sum = 0, mn = INFINITY, mx = -INFINITY;
  bool numeric = IsNumeric(t.dtype()) || t.dtype() == DataType::kBool;
  (void)backends::cpu::DispatchAll(t.dtype(), [&](auto tag) -> absl::Status {
    using T = decltype(tag);
    for (int64_t i = 0; i < t.num_elements(); ++i) {
      const T& v = t.data<T>()[i];
      if constexpr (std::is_same_v<T, std::string>) {
        if (i < max_items) shown.push_back(absl::StrCat("\"", v, "\""));
      } else {
        double d = static_cast<double>(backends::cpu::CastTo<double>(v));
        if (i < max_items) shown.push_back(absl::StrCat(d));
        sum += d;
        mn = std::min(mn, d);
        mx = std::max(mx, d);
      }
    }
    return absl::OkStatus();
  });
  absl::StrAppend(&out, " = [", absl::StrJoin(shown, ", "), t.num_elements() > max_items ? ", ..." : "", "]");
  if (numeric && t.num_elements() > 0) {
    absl::StrAppend(&out, "  (min ", mn, ", max ", mx, ", mean ", sum / static_cast<double>(t.num_elements()), ")");
  }
  return out;
}

std::unique_ptr<Runtime> CreateRuntimeOrReport() {
  absl::StatusOr<std::unique_ptr<Runtime>> rt = Runtime::Create();
  if (!rt.ok()) {
    std::cerr << "error: " << rt.status().message() << "\n";
    return nullptr;
  }
  return *std::move(rt);
}

int ReportError(const absl::Status& status) {
  std::cerr << "error: " << status.message() << "\n";
  return 1;
}

double Percentile(std::vector<double> samples, double pct) {
  if (samples.empty()) return 0;
  std::sort(samples.begin(), samples.end());
  double rank = pct / 100.0 * static_cast<double>(samples.size() - 1);
  size_t lo = static_cast<size_t>(std::floor(rank));
  size_t hi = std::min(lo + 1, samples.size() - 1);
  double frac = rank - static_cast<double>(lo);
  return samples[lo] * (1 - frac) + samples[hi] * frac;
}

}  // namespace braid::tools
