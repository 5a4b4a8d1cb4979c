// `braid devices`: every backend, its devices, and why a backend is unavailable.
#include <iostream>

#include "nlohmann/json.hpp"
#include "tools/cli_common.h"
#include "tools/commands.h"

namespace braid::tools {
namespace {

std::string VendorOf(const std::string& backend) {
  if (backend == "hip") return "amd";
  if (backend == "cuda") return "nvidia";
  if (backend == "cpu") return "host";
  return "";
}

}  // namespace

void RegisterDevicesCommand(CLI::App& app, int& exit_code) {
  auto json = std::make_shared<bool>(false);
  CLI::App* cmd = app.add_subcommand("devices", "List backends and devices (real, emulated, unavailable)");
  cmd->add_flag("--json", *json, "Print a JSON array, one object per device or unavailable backend");
  cmd->callback([json, &exit_code] {
    std::unique_ptr<Runtime> runtime = CreateRuntimeOrReport();
    if (!runtime) {
      exit_code = 1;
      return;
    }
    nlohmann::json out = nlohmann::json::array();
    for (const BackendReport& b : runtime->Backends()) {
      if (!*json) {
        std::cout << b.name << ": " << (b.availability.available ? "available" : "unavailable");
        if (!b.availability.available) std::cout << " (" << b.availability.reason << ")";
        std::cout << "\n";
      }
      for (const DeviceInfo& d : b.devices) {
        if (*json) {
          out.push_back({{"name", d.name},
                         {"backend", d.backend},
                         {"vendor", d.vendor},
                         {"kind", d.emulated ? "emulated" : "real"},
                         {"available", true},
                         {"reason", ""},
                         {"description", d.description},
                         {"arch", d.arch},
                         {"warp_size", d.warp_size},
                         {"compute_units", d.compute_units},
                         {"memory_bytes", d.memory_bytes},
                         {"peak_gflops_estimate", d.peak_gflops},
                         {"memory_bandwidth_gbps_estimate", d.memory_bandwidth_gbps}});
        } else {
          std::cout << "  " << d.name << "  " << d.description << (d.emulated ? "  [EMULATED]" : "") << "  arch "
                    << d.arch << ", warp " << d.warp_size << ", " << d.compute_units << " compute units, "
                    << d.memory_bytes / (1 << 20) << " MiB\n";
        }
      }
      if (*json && b.devices.empty()) {
        out.push_back({{"name", b.name},
                       {"backend", b.name},
                       {"vendor", VendorOf(b.name)},
                       {"kind", "real"},
                       {"available", false},
                       {"reason", b.availability.available ? "no devices" : b.availability.reason}});
      }
    }
    if (*json) std::cout << out.dump(2) << "\n";
  });
}

}  // namespace braid::tools
