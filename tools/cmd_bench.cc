// `braid bench MODEL`: steady-state latency (median, p90) and peak memory.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <iostream>

#include "nlohmann/json.hpp"
#include "tools/cli_common.h"
#include "tools/commands.h"
#include "tools/progress.h"

namespace braid::tools {

void RegisterBenchCommand(CLI::App& app, int& exit_code) {
  struct Args {
    std::string model;
    std::vector<std::string> inputs;
    int runs = 20;
    int warmup = 3;
    uint64_t seed = 1;
    int64_t free_dim = 1;
    SessionFlags session;
    bool json = false;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand("bench", "Measure latency (median, p90) and peak memory of a model");
  cmd->add_option("model", args->model, "ONNX model file")->required();
  args->session.AddTo(cmd, "--device");
  cmd->add_option("--input", args->inputs, "NAME=FILE; inputs not given are random (fixed seed)");
  cmd->add_option("--runs", args->runs, "Timed runs")->check(CLI::PositiveNumber);
  cmd->add_option("--warmup", args->warmup, "Untimed runs first")->check(CLI::NonNegativeNumber);
  cmd->add_option("--seed", args->seed, "Seed for random inputs");
  cmd->add_option("--free-dim", args->free_dim, "Size given to symbolic dims of random inputs");
  cmd->add_flag("--json", args->json, "Print one JSON object");
  cmd->callback([args, &exit_code] {
    std::unique_ptr<Runtime> runtime = CreateRuntimeOrReport();
    if (!runtime) {
      exit_code = 1;
      return;
    }
    absl::StatusOr<std::unique_ptr<Model>> model = runtime->LoadModel(args->model);
    if (!model.ok()) {
      exit_code = ReportError(model.status());
      return;
    }
    absl::StatusOr<SessionOptions> options = args->session.ToOptions();
    if (!options.ok()) {
      exit_code = ReportError(options.status());
      return;
    }
    absl::StatusOr<std::unique_ptr<Session>> session = runtime->CreateSession(**model, *options);
    absl::StatusOr<NamedValues> inputs = LoadInputs(args->inputs, (*model)->graph());
    if (inputs.ok()) inputs = AddRandomInputs((*model)->graph(), *std::move(inputs), args->seed, args->free_dim);
    absl::Status st = !session.ok() ? session.status() : inputs.status();
    if (!st.ok()) {
      exit_code = ReportError(st);
      return;
    }
    Progress progress(args->warmup + args->runs);
    std::vector<double> samples;
    int64_t peak_bytes = 0, peak_live_bytes = 0, unshared_bytes = 0;
    for (int i = 0; i < args->warmup + args->runs; ++i) {
      progress.Update(i, i < args->warmup ? "warm-up" : "timed runs");
      RunStats stats;
      RunOptions run_options;
      run_options.stats = &stats;
      auto start = std::chrono::steady_clock::now();
      absl::StatusOr<NamedValues> out = (*session)->Run(*inputs, run_options);
      double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
      if (!out.ok()) {
        progress.Finish();
        exit_code = ReportError(out.status());
        return;
      }
      if (i >= args->warmup) {
        samples.push_back(ms);
        peak_bytes = std::max(peak_bytes, stats.peak_memory_bytes);
        peak_live_bytes = std::max(peak_live_bytes, stats.peak_live_bytes);
        unshared_bytes = std::max(unshared_bytes, stats.unshared_intermediate_bytes);
      }
    }
    progress.Finish();
    struct rusage usage;
    getrusage(RUSAGE_SELF, &usage);
    double median = Percentile(samples, 50), p90 = Percentile(samples, 90);
    double mean = 0;
    for (double s : samples) mean += s / static_cast<double>(samples.size());
    // The cost model sees only static shapes: with symbolic inputs its
    // estimate would describe a different (size-1) problem.
    bool static_inputs = true;
    for (const IoInfo& io : (*session)->inputs()) {
      static_inputs = static_inputs && io.rank_known && std::find(io.dims.begin(), io.dims.end(), -1) == io.dims.end();
    }
    const double gflop = (*session)->EstimatedFlops() / 1e9;
    if (args->json) {
      nlohmann::json out = {{"model", args->model},
                            {"devices", args->session.devices.empty() ? "cpu" : args->session.devices},
                            {"threads", args->session.threads},
                            {"runs", args->runs},
                            {"warmup", args->warmup},
                            {"median_ms", median},
                            {"p90_ms", p90},
                            {"mean_ms", mean},
                            {"min_ms", Percentile(samples, 0)},
                            {"max_ms", Percentile(samples, 100)},
                            {"peak_intermediate_bytes", peak_bytes},
                            {"peak_live_bytes", peak_live_bytes},
                            {"unshared_intermediate_bytes", unshared_bytes},
                            {"max_rss_bytes", static_cast<int64_t>(usage.ru_maxrss) * 1024},
                            {"estimated_gflop", static_inputs ? nlohmann::json(gflop) : nlohmann::json()}};
      std::cout << out.dump() << "\n";
    } else {
      std::cout << args->model << ": median " << median << " ms, p90 " << p90 << " ms, mean " << mean << " ms over "
                << args->runs << " runs (" << args->warmup << " warm-up), threads "
                << (args->session.threads ? std::to_string(args->session.threads) : std::string("all")) << "\n";
      std::cout << "peak intermediate memory " << peak_bytes / 1e6 << " MB";
      if (peak_live_bytes > 0) {
        std::cout << " (largest live set " << peak_live_bytes / 1e6 << " MB; without reuse " << unshared_bytes / 1e6
                  << " MB)";
      }
      std::cout << ", process max RSS "
                << usage.ru_maxrss / 1024.0 << " MB";
      if (static_inputs) {
        std::cout << ", " << gflop << " GFLOP per run (" << gflop * 1e3 / median << " GFLOP/s at the median)";
      } else {
        std::cout << " (no FLOP estimate: the model's input shapes are symbolic)";
      }
      std::cout << "\n";
    }
  });
}

}  // namespace braid::tools
