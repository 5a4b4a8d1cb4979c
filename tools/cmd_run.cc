// `braid run MODEL`: run a model once and print its outputs, timing and placement.
#include <chrono>
#include <iostream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "graph/onnx/tensor_proto.h"
#include "tools/cli_common.h"
#include "tools/commands.h"
#include "tools/placement_format.h"

namespace braid::tools {
namespace {

double MsSince(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count();
}

}  // namespace

void RegisterRunCommand(CLI::App& app, int& exit_code) {
  struct Args {
    std::string model;
    std::vector<std::string> inputs;
    std::string input_dir;
    bool random = false;
    uint64_t seed = 1;
    std::string save_dir;
    SessionFlags session;
    bool placement = false;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand("run", "Run a model once: outputs, timing, where each node ran");
  cmd->add_option("model", args->model, "ONNX model file")->required();
  args->session.AddTo(cmd, "--device");
  cmd->add_option("--input", args->inputs, "NAME=FILE (.pb TensorProto or .npy); repeatable");
  cmd->add_option("--input-dir", args->input_dir,
                  "Folder of input_<k>.pb files (ONNX test-data layout), k-th file = k-th required input");
  cmd->add_flag("--random", args->random, "Random values for inputs not given");
  cmd->add_option("--seed", args->seed, "Seed for --random");
  cmd->add_option("--save-outputs", args->save_dir, "Write output_<i>.pb (TensorProto) per graph output");
  cmd->add_flag("--placement", args->placement, "List every node with its device");
  cmd->callback([args, &exit_code] {
    std::unique_ptr<Runtime> runtime = CreateRuntimeOrReport();
    if (!runtime) {
      exit_code = 1;
      return;
    }
    auto t0 = std::chrono::steady_clock::now();
    absl::StatusOr<std::unique_ptr<Model>> model = runtime->LoadModel(args->model);
    if (!model.ok()) {
      exit_code = ReportError(model.status());
      return;
    }
    double load_ms = MsSince(t0);
    auto t1 = std::chrono::steady_clock::now();
    absl::StatusOr<SessionOptions> options = args->session.ToOptions();
    if (!options.ok()) {
      exit_code = ReportError(options.status());
      return;
    }
    absl::StatusOr<std::unique_ptr<Session>> session = runtime->CreateSession(**model, *options);
    if (!session.ok()) {
      exit_code = ReportError(session.status());
      return;
    }
    double compile_ms = MsSince(t1);
    absl::StatusOr<NamedValues> inputs = LoadInputs(args->inputs, (*model)->graph());
    if (inputs.ok() && !args->input_dir.empty()) inputs = LoadInputDir(args->input_dir, (*model)->graph(), *std::move(inputs));
    if (inputs.ok() && args->random) inputs = AddRandomInputs((*model)->graph(), *std::move(inputs), args->seed);
    if (!inputs.ok()) {
      exit_code = ReportError(inputs.status());
      return;
    }
    RunStats stats;
    RunOptions run_options;
    run_options.stats = &stats;
    auto t2 = std::chrono::steady_clock::now();
    absl::StatusOr<NamedValues> outputs = (*session)->Run(*inputs, run_options);
    double run_ms = MsSince(t2);
    if (!outputs.ok()) {
      if (!args->random && absl::StrContains(outputs.status().message(), "missing input")) {
        exit_code = ReportError(absl::InvalidArgumentError(
            absl::StrCat(outputs.status().message(), "; pass --input NAME=FILE or --random")));
      } else {
        exit_code = ReportError(outputs.status());
      }
      return;
    }
    std::cout << "model: " << args->model << " (" << (*model)->graph().num_nodes() << " nodes)\n";
    std::cout << "inputs:\n";
    for (const auto& [name, v] : *inputs) std::cout << "  " << name << ": " << SummarizeValue(v) << "\n";
    std::cout << "outputs:\n";
    for (const auto& [name, v] : *outputs) std::cout << "  " << name << ": " << SummarizeValue(v) << "\n";
    std::cout << "time: load " << load_ms << " ms, compile " << compile_ms << " ms, run " << run_ms
              << " ms (first run; use `braid bench` for steady-state latency)\n";
    std::cout << "placement:\n" << PlacementSummary((*session)->placement());
    if (args->placement) std::cout << PlacementTable((*session)->placement());
    if (!args->save_dir.empty()) {
      std::error_code ec;
      std::filesystem::create_directories(args->save_dir, ec);
      for (size_t i = 0; i < outputs->size(); ++i) {
        absl::StatusOr<std::string> bytes = graph::onnx_import::SerializeValueProto((*outputs)[i].second, (*outputs)[i].first);
        absl::Status st = bytes.ok() ? WriteFileBytes(std::filesystem::path(args->save_dir) / absl::StrCat("output_", i, ".pb"), *bytes)
                                     : bytes.status();
        if (!st.ok()) {
          exit_code = ReportError(st);
          return;
        }
      }
      std::cout << "saved " << outputs->size() << " output(s) to " << args->save_dir << "\n";
    }
  });
}

}  // namespace braid::tools
