// `braid`: run, inspect, benchmark and check ONNX models on mixed-vendor
// devices; list devices; simulate fleets.
#include <iostream>

#include "CLI/CLI.hpp"
#include "tools/commands.h"

int main(int argc, char** argv) {
  CLI::App app{"braid — inference runtime for mixed AMD/NVIDIA GPU fleets"};
  app.set_version_flag("--version", "braid " BRAID_VERSION);
  app.require_subcommand(1);
  int exit_code = 0;
  braid::tools::RegisterRunCommand(app, exit_code);
  braid::tools::RegisterInspectCommand(app, exit_code);
  braid::tools::RegisterDevicesCommand(app, exit_code);
  braid::tools::RegisterBenchCommand(app, exit_code);
  braid::tools::RegisterConformanceCommand(app, exit_code);
  braid::tools::RegisterSimulateCommand(app, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  return exit_code;
}
