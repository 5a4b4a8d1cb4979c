// Subcommands of the `braid` command line. Each Register* adds one
// subcommand (with its flags and --help) to `app`; the subcommand's work
// runs from its callback and sets the process exit code through `exit_code`.
#ifndef BRAID_TOOLS_COMMANDS_H_
#define BRAID_TOOLS_COMMANDS_H_

#include "CLI/CLI.hpp"

namespace braid::tools {

void RegisterRunCommand(CLI::App& app, int& exit_code);
void RegisterInspectCommand(CLI::App& app, int& exit_code);
void RegisterDevicesCommand(CLI::App& app, int& exit_code);
void RegisterBenchCommand(CLI::App& app, int& exit_code);
void RegisterConformanceCommand(CLI::App& app, int& exit_code);
void RegisterSimulateCommand(CLI::App& app, int& exit_code);

}  // namespace braid::tools

#endif  // BRAID_TOOLS_COMMANDS_H_
