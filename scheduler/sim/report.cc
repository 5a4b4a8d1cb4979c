#include "scheduler/sim/report.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <sstream>

#include "nlohmann/json.hpp"

namespace braid::scheduler::sim {
namespace {

using nlohmann::json;

std::string Fmt(const char* format, double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), format, value);
  return buffer;
}

std::string Pct(double fraction) { return Fmt("%.2f%%", 100.0 * fraction); }

std::string CsvField(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

// All vendor names across runs, in first-seen order.
std::vector<std::string> VendorNames(const std::vector<SimResult>& results) {
  std::vector<std::string> names;
  for (const SimResult& r : results) {
    for (const VendorResult& v : r.vendors) {
      if (std::find(names.begin(), names.end(), v.name) == names.end()) names.push_back(v.name);
    }
  }
  return names;
}

const VendorResult* FindVendor(const SimResult& r, const std::string& name) {
  for (const VendorResult& v : r.vendors) {
    if (v.name == name) return &v;
  }
  return nullptr;
}

json RunToJson(const SimResult& r) {
  json j;
  j["scenario"] = r.scenario;
  j["policy"] = r.policy;
  j["seed"] = r.seed;
  j["load_scale"] = r.load_scale;
  j["offered_rps"] = r.offered_rps;
  j["duration_s"] = r.duration_s;
  j["sim_end_s"] = r.sim_end_s;
  j["devices"] = r.devices;
  j["requests"] = {{"submitted", r.submitted},
                   {"answered", r.answered},
                   {"lost", r.lost},
                   {"duplicate_answers", r.duplicate_answers},
                   {"ok", r.ok},
                   {"ok_within_slo", r.ok_in_slo},
                   {"deadline_exceeded", r.deadline_exceeded},
                   {"resource_exhausted", r.resource_exhausted},
                   {"cancelled", r.cancelled},
                   {"unavailable", r.unavailable},
                   {"other_errors", r.other_errors},
                   {"redispatched", r.redispatched}};
  j["latency_ms"] = {{"p50", r.p50_ms}, {"p90", r.p90_ms}, {"p99", r.p99_ms}, {"max", r.max_ms}};
  j["slo_attainment"] = r.slo_attainment;
  j["goodput_rps"] = r.goodput_rps;
  j["throughput_rps"] = r.throughput_rps;
  j["energy_j_per_request"] = r.energy_j_per_request;
  j["batches"] = r.batches;
  j["mean_batch_size"] = r.mean_batch_size;
  j["max_vendor_share"] = r.max_vendor_share;
  j["vendors"] = json::array();
  for (const VendorResult& v : r.vendors) {
    j["vendors"].push_back({{"name", v.name},
                            {"devices", v.devices},
                            {"served", v.served},
                            {"share", v.share},
                            {"share_outside_faults", v.share_outside_faults},
                            {"energy_j", v.energy_j}});
  }
  j["models"] = json::array();
  for (const ModelResult& m : r.models) {
    j["models"].push_back({{"name", m.name},
                           {"submitted", m.submitted},
                           {"ok", m.ok},
                           {"ok_within_slo", m.ok_in_slo},
                           {"slo_ms", m.slo_ms},
                           {"p50_ms", m.p50_ms},
                           {"p99_ms", m.p99_ms}});
  }
  j["faults"] = json::array();
  for (const FaultWindow& w : r.faults) {
    j["faults"].push_back({{"label", w.label},
                           {"start_s", ToSeconds(w.start)},
                           {"end_s", w.end == kNoDeadline ? json(nullptr) : json(ToSeconds(w.end))}});
  }
  j["events"] = r.events;
  j["models_below_vendor_redundancy"] = r.models_below_vendor_redundancy;
  j["wall_s"] = r.wall_s;
  j["sim_events"] = r.sim_events;
  return j;
}

}  // namespace

std::string FormatComparison(const std::vector<SimResult>& results) {
  if (results.empty()) return "";
  std::ostringstream out;
  const SimResult& first = results.front();
  out << "scenario " << first.scenario << ": " << first.devices << " devices, "
      << Fmt("%.0f", first.offered_rps) << " req/s offered for " << Fmt("%.0f", first.duration_s)
      << " s (seed " << first.seed << ", load x" << Fmt("%.2f", first.load_scale) << ")\n";
  std::vector<std::pair<std::string, std::vector<std::string>>> rows;
  auto row = [&](const std::string& name, auto cell) {
    std::vector<std::string> cells;
    for (const SimResult& r : results) cells.push_back(cell(r));
    rows.emplace_back(name, std::move(cells));
  };
  row("policy", [](const SimResult& r) { return r.policy; });
  row("submitted", [](const SimResult& r) { return std::to_string(r.submitted); });
  row("answered", [](const SimResult& r) { return std::to_string(r.answered); });
  row("lost (must be 0)", [](const SimResult& r) { return std::to_string(r.lost + r.duplicate_answers); });
  row("ok", [](const SimResult& r) { return std::to_string(r.ok); });
  row("deadline exceeded", [](const SimResult& r) { return std::to_string(r.deadline_exceeded); });
  row("resource exhausted", [](const SimResult& r) { return std::to_string(r.resource_exhausted); });
  row("unavailable", [](const SimResult& r) { return std::to_string(r.unavailable); });
  row("re-dispatched", [](const SimResult& r) { return std::to_string(r.redispatched); });
  row("p50 latency (ms)", [](const SimResult& r) { return Fmt("%.2f", r.p50_ms); });
  row("p99 latency (ms)", [](const SimResult& r) { return Fmt("%.2f", r.p99_ms); });
  row("SLO attainment", [](const SimResult& r) { return Pct(r.slo_attainment); });
  row("goodput (req/s)", [](const SimResult& r) { return Fmt("%.1f", r.goodput_rps); });
  row("mean batch size", [](const SimResult& r) { return Fmt("%.2f", r.mean_batch_size); });
  row("energy / request (J)", [](const SimResult& r) { return Fmt("%.3f", r.energy_j_per_request); });
  for (const std::string& v : VendorNames(results)) {
    row("share " + v, [&v](const SimResult& r) {
      const VendorResult* vr = FindVendor(r, v);
      return vr ? Pct(vr->share) : std::string("-");
    });
    row("share " + v + " outside faults", [&v](const SimResult& r) {
      const VendorResult* vr = FindVendor(r, v);
      return vr ? Pct(vr->share_outside_faults) : std::string("-");
    });
  }
  row("wall time (s)", [](const SimResult& r) { return Fmt("%.2f", r.wall_s); });
  size_t w0 = 0;
  std::vector<size_t> widths(results.size(), 0);
  for (const auto& [name, cells] : rows) {
    w0 = std::max(w0, name.size());
    for (size_t i = 0; i < cells.size(); ++i) widths[i] = std::max(widths[i], cells[i].size());
  }
  for (const auto& [name, cells] : rows) {
    out << "  " << name << std::string(w0 - name.size(), ' ');
    for (size_t i = 0; i < cells.size(); ++i) {
      out << "  " << std::string(widths[i] - cells[i].size(), ' ') << cells[i];
    }
    out << "\n";
  }
  if (first.max_vendor_share < 1) {
    out << "vendor-share limit: " << Pct(first.max_vendor_share)
        << " of each model's and the fleet's placements (outside faults)\n";
  }
  if (!first.models_below_vendor_redundancy.empty()) {
    out << "warning: models deployable on fewer than two vendors:";
    for (const std::string& m : first.models_below_vendor_redundancy) out << " " << m;
    out << "\n";
  }
  return out.str();
}

std::string ResultsToJson(const std::vector<SimResult>& results) {
  json root;
  root["runs"] = json::array();
  for (const SimResult& r : results) root["runs"].push_back(RunToJson(r));
  return root.dump(2);
}

std::string SummaryCsv(const std::vector<SimResult>& results) {
  std::ostringstream out;
  const std::vector<std::string> vendors = VendorNames(results);
  out << "scenario,policy,seed,load_scale,offered_rps,submitted,answered,lost,ok,ok_within_slo,deadline_exceeded,"
         "resource_exhausted,cancelled,unavailable,other_errors,redispatched,p50_ms,p90_ms,p99_ms,max_ms,"
         "slo_attainment,goodput_rps,energy_j_per_request,mean_batch_size";
  for (const std::string& v : vendors) out << ",share_" << v << ",share_outside_faults_" << v;
  out << ",wall_s\n";
  for (const SimResult& r : results) {
    out << CsvField(r.scenario) << "," << r.policy << "," << r.seed << "," << r.load_scale << "," << r.offered_rps
        << "," << r.submitted << "," << r.answered << "," << r.lost << "," << r.ok << "," << r.ok_in_slo << ","
        << r.deadline_exceeded << "," << r.resource_exhausted << "," << r.cancelled << "," << r.unavailable << ","
        << r.other_errors << "," << r.redispatched << "," << r.p50_ms << "," << r.p90_ms << "," << r.p99_ms << ","
        << r.max_ms << "," << r.slo_attainment << "," << r.goodput_rps << "," << r.energy_j_per_request << ","
        << r.mean_batch_size;
    for (const std::string& v : vendors) {
      const VendorResult* vr = FindVendor(r, v);
      out << "," << (vr ? vr->share : 0) << "," << (vr ? vr->share_outside_faults : 0);
    }
    out << "," << r.wall_s << "\n";
  }
  return out.str();
}

std::string TimelineCsv(const std::vector<SimResult>& results) {
  std::ostringstream out;
  const std::vector<std::string> vendors = VendorNames(results);
  out << "policy,start_s,end_s,completed,ok_within_slo,failed,p50_ms,p99_ms";
  for (const std::string& v : vendors) out << ",completed_" << v;
  out << "\n";
  for (const SimResult& r : results) {
    for (const TimeBucket& b : r.timeline) {
      out << r.policy << "," << b.start_s << "," << b.end_s << "," << b.completed << "," << b.ok_in_slo << ","
          << b.failed << "," << b.p50_ms << "," << b.p99_ms;
      for (const std::string& v : vendors) {
        int64_t n = 0;
        for (size_t i = 0; i < r.vendors.size(); ++i) {
          if (r.vendors[i].name == v && i < b.per_vendor.size()) n = b.per_vendor[i];
        }
        out << "," << n;
      }
      out << "\n";
    }
  }
  return out.str();
}

std::vector<SweepSummary> SummarizeSweep(const std::vector<SweepPoint>& points, double target_attainment) {
  std::vector<SweepSummary> out;
  for (const SweepPoint& p : points) {
    auto it = std::find_if(out.begin(), out.end(), [&](const SweepSummary& s) { return s.policy == p.policy; });
    if (it == out.end()) {
      out.push_back(SweepSummary{p.policy, 0, 0});
      it = out.end() - 1;
    }
    if (p.slo_attainment >= target_attainment && p.lost == 0 && p.goodput_rps > it->best_goodput_rps) {
      it->best_goodput_rps = p.goodput_rps;
      it->at_load_scale = p.load_scale;
    }
  }
  return out;
}

std::string SweepCsv(const std::vector<SweepPoint>& points) {
  std::ostringstream out;
  out << "policy,load_scale,offered_rps,goodput_rps,slo_attainment,p99_ms,lost\n";
  for (const SweepPoint& p : points) {
    out << p.policy << "," << p.load_scale << "," << p.offered_rps << "," << p.goodput_rps << "," << p.slo_attainment
        << "," << p.p99_ms << "," << p.lost << "\n";
  }
  return out.str();
}

std::string FormatSweep(const std::vector<SweepPoint>& points, const std::vector<SweepSummary>& summary,
                        double target_attainment) {
  std::ostringstream out;
  out << "load sweep (goodput = answers within SLO per second)\n";
  out << "  policy              load   offered/s   goodput/s   SLO att.   p99 ms  lost\n";
  for (const SweepPoint& p : points) {
    char line[160];
    std::snprintf(line, sizeof(line), "  %-18s %5.2f %11.1f %11.1f %9.2f%% %8.1f %5lld\n", p.policy.c_str(),
                  p.load_scale, p.offered_rps, p.goodput_rps, 100 * p.slo_attainment, p.p99_ms,
                  static_cast<long long>(p.lost));
    out << line;
  }
  out << "best goodput at >= " << Pct(target_attainment) << " SLO attainment:\n";
  const SweepSummary* baseline = nullptr;
  for (const SweepSummary& s : summary) {
    if (s.policy == "round-robin") baseline = &s;
  }
  for (const SweepSummary& s : summary) {
    out << "  " << s.policy << ": " << Fmt("%.1f", s.best_goodput_rps) << " req/s (load x"
        << Fmt("%.2f", s.at_load_scale) << ")";
    if (baseline && baseline->best_goodput_rps > 0 && &s != baseline) {
      out << ", " << Fmt("%.2f", s.best_goodput_rps / baseline->best_goodput_rps) << "x round-robin";
    }
    out << "\n";
  }
  return out.str();
}

std::string SweepToJson(const std::vector<SweepPoint>& points, const std::vector<SweepSummary>& summary,
                        double target_attainment) {
  json root;
  root["target_slo_attainment"] = target_attainment;
  root["points"] = json::array();
  for (const SweepPoint& p : points) {
    root["points"].push_back({{"policy", p.policy},
                              {"load_scale", p.load_scale},
                              {"offered_rps", p.offered_rps},
                              {"goodput_rps", p.goodput_rps},
                              {"slo_attainment", p.slo_attainment},
                              {"p99_ms", p.p99_ms},
                              {"lost", p.lost}});
  }
  root["best"] = json::array();
  for (const SweepSummary& s : summary) {
    root["best"].push_back(
        {{"policy", s.policy}, {"goodput_rps", s.best_goodput_rps}, {"load_scale", s.at_load_scale}});
  }
  return root.dump(2);
}

}  // namespace braid::scheduler::sim
