// Runs ONNX backend test cases (a folder with model.onnx and
// test_data_set_*/{input,output}_*.pb) on a Braid runtime.
#ifndef BRAID_TOOLS_CONFORMANCE_CASE_RUNNER_H_
#define BRAID_TOOLS_CONFORMANCE_CASE_RUNNER_H_

#include <filesystem>
#include <regex>
#include <string>
#include <vector>

#include "braid/runtime.h"

namespace braid::tools {

struct ConformanceOptions {
  std::vector<std::string> devices;  // session preference list; empty = cpu
  double rtol = 1e-3;
  double atol = 1e-5;
  double timeout_seconds = 120;      // per case; the run is cancelled after it
  int threads = 0;
};

struct CaseResult {
  enum class Outcome { kPassed, kFailed, kSkipped };
  std::string name;  // path relative to the root given to FindCases
  Outcome outcome = Outcome::kFailed;
  std::string reason;  // why it failed or was skipped
  double seconds = 0;
  int nodes = 0;            // nodes of the compiled (optimized) graph
  int offloaded_nodes = 0;  // of those, placed on a device other than the CPU
};

// Test-case folders under `root` (the root itself if it is one) whose
// relative path matches `filter` (search, not full match), sorted.
std::vector<std::filesystem::path> FindCases(const std::filesystem::path& root, const std::regex& filter);

// Runs every test_data_set of one case. Never throws or aborts: any
// failure becomes kFailed with a reason.
CaseResult RunCase(Runtime& runtime, const std::filesystem::path& root, const std::filesystem::path& dir,
                   const ConformanceOptions& options);

}  // namespace braid::tools

#endif  // BRAID_TOOLS_CONFORMANCE_CASE_RUNNER_H_
