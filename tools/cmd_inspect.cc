// `braid inspect MODEL`: IR dump, op histogram, and optionally placement.
#include <iostream>

#include "graph/dump.h"
#include "tools/cli_common.h"
#include "tools/commands.h"
#include "tools/placement_format.h"

namespace braid::tools {

void RegisterInspectCommand(CLI::App& app, int& exit_code) {
  struct Args {
    std::string model;
    bool placement = false;
    bool cost = false;
    bool optimized = false;
    SessionFlags session;
    bool quiet = false;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand("inspect", "Show a model's IR, op histogram, shapes and placement");
  cmd->add_option("model", args->model, "ONNX model file")->required();
  args->session.AddTo(cmd, "--devices");
  cmd->add_flag("--placement", args->placement, "Show which device runs each node, copies at boundaries");
  cmd->add_flag("--cost", args->cost, "Estimated FLOPs and bytes moved per run (from static shapes)");
  cmd->add_flag("--optimized", args->optimized, "Dump the graph a session runs, after Braid's optimizations");
  cmd->add_flag("--summary", args->quiet, "Only the histogram (and placement), not the IR dump");
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
    std::unique_ptr<Session> session;
    if (args->placement || args->cost || args->optimized) {
      absl::StatusOr<SessionOptions> options = args->session.ToOptions();
      absl::StatusOr<std::unique_ptr<Session>> s =
          options.ok() ? runtime->CreateSession(**model, *options) : options.status();
      if (!s.ok()) {
        exit_code = ReportError(s.status());
        return;
      }
      session = *std::move(s);
    }
    const graph::Graph& g = (*model)->graph();
    std::cout << "model: " << args->model << "\n";
    for (const auto& [key, value] : (*model)->metadata()) std::cout << "  " << key << ": " << value << "\n";
    std::cout << "inputs:\n";
    for (const IoInfo& in : (*model)->inputs()) {
      std::cout << "  " << in.name << ": " << in.type << (in.has_default ? " (has default)" : "") << "\n";
    }
    std::cout << "outputs:\n";
    for (const IoInfo& out : (*model)->outputs()) std::cout << "  " << out.name << ": " << out.type << "\n";
    std::cout << "ops (" << g.num_nodes() << " nodes):\n";
    for (const auto& [op, count] : graph::OpHistogram(g)) std::cout << "  " << op << ": " << count << "\n";
    if (!args->quiet) std::cout << (session && args->optimized ? session->DescribeGraph() : graph::DumpGraph(g));
    if (session && args->placement) {
      std::cout << "placement:\n" << PlacementSummary(session->placement()) << PlacementTable(session->placement());
    }
    if (session && args->cost) {
      std::cout << "estimated cost: " << session->EstimatedFlops() / 1e9 << " GFLOP, " << session->EstimatedBytes() / 1e6
                << " MB moved per run\n";
    }
  });
}

}  // namespace braid::tools
