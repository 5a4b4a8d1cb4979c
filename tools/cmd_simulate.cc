// `braid simulate`: runs the real scheduler on a virtual clock against a
// simulated mixed-vendor fleet and reports per placement policy.
#include <cstdint>
#include <iostream>
#include <memory>

#include "CLI/CLI.hpp"
#include "scheduler/sim/simulate_main.h"
#include "tools/commands.h"

namespace braid::tools {

void RegisterSimulateCommand(CLI::App& app, int& exit_code) {
  struct Flags {
    scheduler::sim::SimulateArgs args;
    uint64_t seed = 0;
    double duration_s = 0;
    int64_t requests = 0;
    double max_vendor_share = 1;
  };
  auto flags = std::make_shared<Flags>();
  CLI::App* cmd = app.add_subcommand(
      "simulate",
      "Simulate a mixed-vendor fleet: the real scheduler on a virtual clock, simulated devices, "
      "workloads and fault scripts; compares placement policies side by side");
  cmd->add_option("--scenario", flags->args.scenario, "Built-in scenario (see --list)")->capture_default_str();
  cmd->add_option("--scenario-file", flags->args.scenario_file,
                  "JSON scenario file (format in docs/SCHEDULER.md); overrides --scenario");
  cmd->add_option("--policy", flags->args.policies,
                  "Placement policies to compare: round-robin, least-outstanding, ect, ect-energy "
                  "(comma-separated or repeated; default: the scenario's)")
      ->delimiter(',');
  CLI::Option* seed = cmd->add_option("--seed", flags->seed, "Random seed (default: the scenario's)");
  CLI::Option* duration =
      cmd->add_option("--duration", flags->duration_s, "Seconds of simulated arrivals (default: the scenario's)");
  CLI::Option* requests =
      cmd->add_option("--requests", flags->requests, "Stop arrivals after this many requests");
  cmd->add_option("--load", flags->args.load, "Multiply the scenario's arrival rate")->capture_default_str();
  CLI::Option* share = cmd->add_option("--max-vendor-share", flags->max_vendor_share,
                                       "Largest share of a model's or the fleet's traffic one vendor may take, "
                                       "0 < share <= 1 (default: the scenario's; 1 = no limit)");
  cmd->add_option("--sweep", flags->args.sweep,
                  "Load sweep, as lo:hi:step or a comma list of load multipliers; reports the best goodput "
                  "at the target SLO attainment per policy");
  cmd->add_option("--target-attainment", flags->args.target_attainment, "SLO attainment target of --sweep")
      ->capture_default_str();
  cmd->add_flag("--json", flags->args.json, "Print JSON instead of the table");
  cmd->add_option("--out", flags->args.out_dir, "Write CSV, SVG plot and JSON files into this folder");
  cmd->add_flag("--progress", flags->args.progress, "Print progress lines on stderr");
  cmd->add_option("--threads", flags->args.threads, "Simulations run in parallel (0 = all cores)")
      ->capture_default_str();
  cmd->add_flag("--list", flags->args.list, "List built-in scenarios, device presets and policies");
  cmd->add_flag("--dump-scenario", flags->args.dump_scenario,
                "Print the chosen scenario as a JSON scenario file and exit");
  cmd->callback([flags, seed, duration, requests, share, &exit_code] {
    scheduler::sim::SimulateArgs args = flags->args;
    if (seed->count() > 0) args.seed = flags->seed;
    if (duration->count() > 0) args.duration_s = flags->duration_s;
    if (requests->count() > 0) args.requests = flags->requests;
    if (share->count() > 0) args.max_vendor_share = flags->max_vendor_share;
    exit_code = scheduler::sim::RunSimulate(args, std::cout, std::cerr);
  });
}

}  // namespace braid::tools
