// `braid simulate`: the command's logic, callable from tests. The CLI11
// wiring lives in tools/cmd_simulate.cc.
#ifndef BRAID_SCHEDULER_SIM_SIMULATE_MAIN_H_
#define BRAID_SCHEDULER_SIM_SIMULATE_MAIN_H_

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace braid::scheduler::sim {

struct SimulateArgs {
  std::string scenario = "steady";      // a built-in scenario ...
  std::string scenario_file;            // ... or a JSON scenario file (wins)
  std::vector<std::string> policies;    // empty = the scenario's list
  std::optional<uint64_t> seed;
  std::optional<double> duration_s;
  std::optional<int64_t> requests;      // stop arrivals after this many
  double load = 1.0;                    // multiplies the arrival rate
  std::optional<double> max_vendor_share;  // overrides the scenario's limit
  bool json = false;                    // JSON on stdout instead of the table
  std::string out_dir;                  // write CSV + SVG here when set
  bool progress = false;                // progress lines on stderr
  bool list = false;                    // list scenarios, presets, policies
  bool dump_scenario = false;           // print the scenario as JSON and exit
  std::string sweep;                    // load sweep: "lo:hi:step" or "a,b,c"
  double target_attainment = 0.99;      // for the sweep summary
  int threads = 0;                      // runs in parallel (0 = all cores)
};

// Exit codes.
inline constexpr int kSimulateOk = 0;
inline constexpr int kSimulateUsageError = 1;
inline constexpr int kSimulateLostRequests = 2;  // a run lost or double-answered a request

// Runs the command: reports on `out`, diagnostics and progress on `err`.
int RunSimulate(const SimulateArgs& args, std::ostream& out, std::ostream& err);

// Parses a sweep specification ("0.5:1.5:0.25" or "0.5,1,1.5").
bool ParseSweep(const std::string& spec, std::vector<double>* loads, std::string* error);

}  // namespace braid::scheduler::sim

#endif  // BRAID_SCHEDULER_SIM_SIMULATE_MAIN_H_
