// `braid conformance DIR`: run ONNX backend test cases and report.
#include <iostream>
#include <regex>

#include "nlohmann/json.hpp"
#include "tools/cli_common.h"
#include "tools/commands.h"
#include "tools/conformance/case_runner.h"
#include "tools/progress.h"

namespace braid::tools {

void RegisterConformanceCommand(CLI::App& app, int& exit_code) {
  struct Args {
    std::string dir;
    std::string filter = ".*";
    std::string devices;
    bool json = false;
    bool verbose = false;
    int min_pass = 0;
    int min_offloaded = 0;
    double timeout = 120;
    int threads = 0;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand("conformance", "Run ONNX backend test cases (model.onnx + test_data_set_*)");
  cmd->add_option("dir", args->dir, "Folder of test cases (searched recursively)")->required();
  cmd->add_option("--filter", args->filter, "Only cases whose relative path matches this regex");
  cmd->add_option("--devices", args->devices, "Device preference list, e.g. emu-amd,cpu (default cpu)");
  cmd->add_option("--threads", args->threads, "Intra-op threads (0 = all)");
  cmd->add_option("--timeout", args->timeout, "Seconds per case before it is cancelled");
  cmd->add_option("--min-pass", args->min_pass, "Exit with status 1 when fewer cases pass");
  cmd->add_option("--min-offloaded", args->min_offloaded,
                  "Exit with status 1 when fewer passing cases ran every node on the first --devices device");
  cmd->add_flag("--json", args->json, "Print one JSON object with every case");
  cmd->add_flag("--verbose", args->verbose, "Also list passing and skipped cases");
  cmd->callback([args, &exit_code] {
    std::regex filter;
    try {
      filter = std::regex(args->filter);
    } catch (const std::regex_error& e) {
      exit_code = ReportError(absl::InvalidArgumentError(absl::StrCat("--filter: ", e.what())));
      return;
    }
    std::unique_ptr<Runtime> runtime = CreateRuntimeOrReport();
    if (!runtime) {
      exit_code = 1;
      return;
    }
    ConformanceOptions options;
    options.devices = SplitList(args->devices);
    options.timeout_seconds = args->timeout;
    options.threads = args->threads;
    std::vector<std::filesystem::path> cases = FindCases(args->dir, filter);
    Progress progress(static_cast<int64_t>(cases.size()));
    int passed = 0, failed = 0, skipped = 0;
    int passed_offloaded = 0, passed_all_offloaded = 0;  // passing cases with nodes off the CPU
    nlohmann::json report = nlohmann::json::array();
    for (size_t i = 0; i < cases.size(); ++i) {
      progress.Update(static_cast<int64_t>(i), cases[i].filename().string());
      CaseResult r = RunCase(*runtime, args->dir, cases[i], options);
      const char* outcome = "passed";
      if (r.outcome == CaseResult::Outcome::kPassed) {
        ++passed;
        if (r.offloaded_nodes > 0) ++passed_offloaded;
        if (r.nodes > 0 && r.offloaded_nodes == r.nodes) ++passed_all_offloaded;
      } else if (r.outcome == CaseResult::Outcome::kFailed) {
        ++failed;
        outcome = "failed";
      } else {
        ++skipped;
        outcome = "skipped";
      }
      if (args->json) {
        report.push_back({{"case", r.name},
                          {"outcome", outcome},
                          {"reason", r.reason},
                          {"seconds", r.seconds},
                          {"nodes", r.nodes},
                          {"offloaded_nodes", r.offloaded_nodes}});
      } else if (r.outcome == CaseResult::Outcome::kFailed || args->verbose) {
        progress.Finish();
        std::cout << outcome << " " << r.name << (r.reason.empty() ? "" : ": ") << r.reason << "\n";
      }
    }
    progress.Finish();
    if (args->json) {
      nlohmann::json out = {{"passed", passed},
                            {"failed", failed},
                            {"skipped", skipped},
                            {"passed_with_offloaded_nodes", passed_offloaded},
                            {"passed_fully_offloaded", passed_all_offloaded},
                            {"cases", report}};
      std::cout << out.dump(1) << "\n";
    } else {
      if (!options.devices.empty() && options.devices.front() != "cpu") {
        std::cout << "of the passing cases, " << passed_offloaded << " ran nodes on " << options.devices.front()
                  << " and " << passed_all_offloaded << " ran every node there\n";
      }
      std::cout << passed << " passed, " << failed << " failed, " << skipped << " skipped\n";
    }
    if (passed_all_offloaded < args->min_offloaded) {
      std::cerr << "error: " << passed_all_offloaded << " passing cases ran entirely on " << args->devices
                << ", fewer than the required " << args->min_offloaded << "\n";
      exit_code = 1;
    }
    if (passed < args->min_pass) {
      std::cerr << "error: " << passed << " cases passed, fewer than the required " << args->min_pass << "\n";
      exit_code = 1;
    }
  });
}

}  // namespace braid::tools
