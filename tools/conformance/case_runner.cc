#include "tools/conformance/case_runner.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <future>

#include "absl/strings/str_cat.h"
#include "braid/status_macros.h"
#include "graph/graph.h"
#include "tools/cli_common.h"
#include "tools/conformance/compare.h"

namespace braid::tools {
namespace {

namespace fs = std::filesystem;

// Files named <prefix>_<n>.pb in numeric order.
std::vector<fs::path> NumberedFiles(const fs::path& dir, const std::string& prefix) {
  std::vector<std::pair<int, fs::path>> found;
  for (const auto& entry : fs::directory_iterator(dir)) {
    std::string name = entry.path().filename().string();
    if (name.rfind(prefix + "_", 0) != 0 || entry.path().extension() != ".pb") continue;
    std::string number = name.substr(prefix.size() + 1, name.size() - prefix.size() - 4);
    if (!number.empty() && std::all_of(number.begin(), number.end(), ::isdigit)) {
      found.emplace_back(std::stoi(number), entry.path());
    }
  }
  std::sort(found.begin(), found.end());
  std::vector<fs::path> out;
  for (auto& [n, p] : found) out.push_back(p);
  return out;
}

// ONNX 1.12's test data stores bfloat16 tensors with data type uint16 (the
// same bits). Reads them as the bfloat16 the model declares.
Value AsDeclaredBFloat16(Value v, const graph::ValueType& declared) {
  if (declared.ScalarType() == DataType::kBFloat16 && v.is_tensor() && v.tensor().dtype() == DataType::kUInt16) {
    Tensor& t = v.tensor();
    return Value(Tensor::Wrap(DataType::kBFloat16, t.shape(), t.raw_data(), std::make_shared<Tensor>(t)));
  }
  return v;
}

// Runs one data set; "" on success, else the reason.
std::string RunDataSet(Session& session, const graph::Graph& graph, const fs::path& set,
                       const ConformanceOptions& options) {
  std::vector<const graph::Value*> required;
  for (const graph::Value* in : graph.inputs()) {
    if (in->initializer() == nullptr) required.push_back(in);
  }
  std::vector<fs::path> input_files = NumberedFiles(set, "input");
  if (input_files.size() > required.size()) {
    return absl::StrCat(input_files.size(), " input files for ", required.size(), " model inputs");
  }
  NamedValues inputs;
  for (size_t i = 0; i < input_files.size(); ++i) {
    absl::StatusOr<Value> v = ReadValueFile(input_files[i], required[i]->type());
    if (!v.ok()) return absl::StrCat("reading input: ", v.status().message());
    inputs.emplace_back(required[i]->name(), AsDeclaredBFloat16(*std::move(v), required[i]->type()));
  }
  std::atomic<bool> cancel{false};
  RunOptions run_options;
  run_options.cancelled = &cancel;
  std::future<absl::StatusOr<NamedValues>> future = session.RunAsync(std::move(inputs), run_options);
  if (future.wait_for(std::chrono::duration<double>(options.timeout_seconds)) != std::future_status::ready) {
    cancel = true;
    future.wait();
    return absl::StrCat("timed out after ", options.timeout_seconds, " s");
  }
  absl::StatusOr<NamedValues> outputs = future.get();
  if (!outputs.ok()) return absl::StrCat("run: ", outputs.status().message());
  std::vector<fs::path> output_files = NumberedFiles(set, "output");
  if (output_files.size() != outputs->size()) {
    return absl::StrCat("model produced ", outputs->size(), " outputs, test data has ", output_files.size());
  }
  for (size_t i = 0; i < output_files.size(); ++i) {
    absl::StatusOr<Value> expected = ReadValueFile(output_files[i], graph.outputs()[i]->type());
    if (!expected.ok()) return absl::StrCat("reading expected output: ", expected.status().message());
    Value want = AsDeclaredBFloat16(*std::move(expected), graph.outputs()[i]->type());
    std::string diff = CompareValues((*outputs)[i].second, want, options.rtol, options.atol);
    if (!diff.empty()) return absl::StrCat("output '", (*outputs)[i].first, "': ", diff);
  }
  return "";
}

}  // namespace

std::vector<fs::path> FindCases(const fs::path& root, const std::regex& filter) {
  std::vector<fs::path> cases;
  std::error_code ec;
  if (fs::exists(root / "model.onnx", ec)) return {root};
  for (auto it = fs::recursive_directory_iterator(root, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (!it->is_directory() || !fs::exists(it->path() / "model.onnx")) continue;
    std::string rel = fs::relative(it->path(), root).string();
    if (std::regex_search(rel, filter)) cases.push_back(it->path());
    it.disable_recursion_pending();
  }
  std::sort(cases.begin(), cases.end());
  return cases;
}

CaseResult RunCase(Runtime& runtime, const fs::path& root, const fs::path& dir, const ConformanceOptions& options) {
  auto start = std::chrono::steady_clock::now();
  CaseResult result;
  result.name = dir == root ? dir.filename().string() : fs::relative(dir, root).string();
  auto finish = [&](CaseResult::Outcome outcome, std::string reason) {
    result.outcome = outcome;
    result.reason = std::move(reason);
    result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return result;
  };
  std::vector<fs::path> sets;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.is_directory() && entry.path().filename().string().rfind("test_data_set_", 0) == 0) {
      sets.push_back(entry.path());
    }
  }
  std::sort(sets.begin(), sets.end());
  if (sets.empty()) return finish(CaseResult::Outcome::kSkipped, "no test_data_set folder");

  absl::StatusOr<std::unique_ptr<Model>> model = runtime.LoadModel(dir / "model.onnx");
  if (!model.ok()) return finish(CaseResult::Outcome::kFailed, absl::StrCat("load: ", model.status().message()));
  SessionOptions session_options;
  session_options.devices = options.devices;
  session_options.intra_op_threads = options.threads;
  absl::StatusOr<std::unique_ptr<Session>> session = runtime.CreateSession(**model, session_options);
  if (!session.ok()) {
    return finish(CaseResult::Outcome::kFailed, absl::StrCat("compile: ", session.status().message()));
  }
  for (const auto& n : (*session)->placement().nodes) {
    ++result.nodes;
    if (n.device != "cpu") ++result.offloaded_nodes;
  }
  for (const fs::path& set : sets) {
    std::string reason = RunDataSet(**session, (*model)->graph(), set, options);
    if (!reason.empty()) {
      return finish(CaseResult::Outcome::kFailed, sets.size() > 1 ? absl::StrCat(set.filename().string(), ": ", reason)
                                                                  : reason);
    }
  }
  return finish(CaseResult::Outcome::kPassed, "");
}

}  // namespace braid::tools
