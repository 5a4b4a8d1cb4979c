#include "scheduler/sim/svg_plot.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

namespace braid::scheduler::sim {
namespace {

constexpr const char* kColors[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd",
                                   "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};

std::string Escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string Num(double v) {
  char b[32];
  std::snprintf(b, sizeof(b), "%.1f", v);
  return b;
}

std::string Tick(double v) {
  char b[32];
  if (v != 0 && (std::abs(v) >= 1e5 || std::abs(v) < 1e-2)) {
    std::snprintf(b, sizeof(b), "%.0e", v);
  } else {
    std::snprintf(b, sizeof(b), "%g", v);
  }
  return b;
}

// "Nice" tick step for a range.
double NiceStep(double range, int ticks) {
  const double raw = range / std::max(ticks, 1);
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  const double norm = raw / mag;
  return (norm < 1.5 ? 1 : norm < 3 ? 2 : norm < 7 ? 5 : 10) * mag;
}

void RenderPanel(std::ostringstream& out, const PlotPanel& p, double top, double width, double height) {
  const double left = 70, right = 190, pad_top = 28, pad_bottom = 42;
  const double x0 = left, x1 = width - right, y0 = top + pad_top, y1 = top + height - pad_bottom;
  double xmin = 1e300, xmax = -1e300, ymin = p.y_min, ymax = p.y_max;
  double data_ymax = -1e300, data_ymin_pos = 1e300;
  for (const PlotSeries& s : p.series) {
    for (size_t i = 0; i < s.x.size() && i < s.y.size(); ++i) {
      if (!std::isfinite(s.x[i]) || !std::isfinite(s.y[i])) continue;
      xmin = std::min(xmin, s.x[i]);
      xmax = std::max(xmax, s.x[i]);
      data_ymax = std::max(data_ymax, s.y[i]);
      if (s.y[i] > 0) data_ymin_pos = std::min(data_ymin_pos, s.y[i]);
    }
  }
  if (xmin > xmax) xmin = 0, xmax = 1;
  if (xmax == xmin) xmax = xmin + 1;
  if (ymax <= 0) ymax = data_ymax > ymin ? data_ymax * 1.05 : ymin + 1;
  if (p.log_y) {
    ymin = data_ymin_pos < 1e300 ? std::pow(10.0, std::floor(std::log10(data_ymin_pos))) : 0.1;
    ymax = std::pow(10.0, std::ceil(std::log10(std::max(ymax, ymin * 10))));
  }
  auto sx = [&](double x) { return x0 + (x - xmin) / (xmax - xmin) * (x1 - x0); };
  auto sy = [&](double y) {
    if (p.log_y) {
      const double v = std::log10(std::max(y, ymin));
      return y1 - (v - std::log10(ymin)) / (std::log10(ymax) - std::log10(ymin)) * (y1 - y0);
    }
    return y1 - (std::clamp(y, ymin, ymax) - ymin) / (ymax - ymin) * (y1 - y0);
  };
  out << "<text x=\"" << Num(x0) << "\" y=\"" << Num(top + 18) << "\" font-size=\"14\" font-weight=\"bold\">"
      << Escape(p.title) << "</text>\n";
  for (const auto& [a, b] : p.shaded) {
    const double l = sx(std::clamp(a, xmin, xmax)), r = sx(std::clamp(b, xmin, xmax));
    if (r > l) {
      out << "<rect x=\"" << Num(l) << "\" y=\"" << Num(y0) << "\" width=\"" << Num(r - l) << "\" height=\""
          << Num(y1 - y0) << "\" fill=\"#f4cccc\" opacity=\"0.6\"/>\n";
    }
  }
  // Axes and grid.
  out << "<rect x=\"" << Num(x0) << "\" y=\"" << Num(y0) << "\" width=\"" << Num(x1 - x0) << "\" height=\""
      << Num(y1 - y0) << "\" fill=\"none\" stroke=\"#444\"/>\n";
  const double xstep = NiceStep(xmax - xmin, 8);
  for (double x = std::ceil(xmin / xstep) * xstep; x <= xmax + 1e-9; x += xstep) {
    out << "<line x1=\"" << Num(sx(x)) << "\" y1=\"" << Num(y0) << "\" x2=\"" << Num(sx(x)) << "\" y2=\""
        << Num(y1) << "\" stroke=\"#ddd\"/>\n<text x=\"" << Num(sx(x)) << "\" y=\"" << Num(y1 + 15)
        << "\" font-size=\"11\" text-anchor=\"middle\">" << Tick(x) << "</text>\n";
  }
  if (p.log_y) {
    for (double y = ymin; y <= ymax * 1.0001; y *= 10) {
      out << "<line x1=\"" << Num(x0) << "\" y1=\"" << Num(sy(y)) << "\" x2=\"" << Num(x1) << "\" y2=\""
          << Num(sy(y)) << "\" stroke=\"#ddd\"/>\n<text x=\"" << Num(x0 - 6) << "\" y=\"" << Num(sy(y) + 4)
          << "\" font-size=\"11\" text-anchor=\"end\">" << Tick(y) << "</text>\n";
    }
  } else {
    const double ystep = NiceStep(ymax - ymin, 5);
    for (double y = std::ceil(ymin / ystep) * ystep; y <= ymax + 1e-9; y += ystep) {
      out << "<line x1=\"" << Num(x0) << "\" y1=\"" << Num(sy(y)) << "\" x2=\"" << Num(x1) << "\" y2=\""
          << Num(sy(y)) << "\" stroke=\"#ddd\"/>\n<text x=\"" << Num(x0 - 6) << "\" y=\"" << Num(sy(y) + 4)
          << "\" font-size=\"11\" text-anchor=\"end\">" << Tick(y) << "</text>\n";
    }
  }
  out << "<text x=\"" << Num((x0 + x1) / 2) << "\" y=\"" << Num(y1 + 32)
      << "\" font-size=\"12\" text-anchor=\"middle\">" << Escape(p.x_label) << "</text>\n";
  out << "<text transform=\"translate(" << Num(x0 - 52) << "," << Num((y0 + y1) / 2)
      << ") rotate(-90)\" font-size=\"12\" text-anchor=\"middle\">" << Escape(p.y_label) << "</text>\n";
  // Series and legend.
  for (size_t i = 0; i < p.series.size(); ++i) {
    const PlotSeries& s = p.series[i];
    const char* color = kColors[i % (sizeof(kColors) / sizeof(kColors[0]))];
    std::ostringstream points;
    for (size_t k = 0; k < s.x.size() && k < s.y.size(); ++k) {
      if (!std::isfinite(s.x[k]) || !std::isfinite(s.y[k])) continue;
      if (p.log_y && s.y[k] <= 0) continue;
      points << Num(sx(s.x[k])) << "," << Num(sy(s.y[k])) << " ";
    }
    out << "<polyline fill=\"none\" stroke=\"" << color << "\" stroke-width=\"1.6\""
        << (s.dashed ? " stroke-dasharray=\"5,3\"" : "") << " points=\"" << points.str() << "\"/>\n";
    const double ly = y0 + 10 + 16 * static_cast<double>(i);
    out << "<line x1=\"" << Num(x1 + 12) << "\" y1=\"" << Num(ly) << "\" x2=\"" << Num(x1 + 34) << "\" y2=\""
        << Num(ly) << "\" stroke=\"" << color << "\" stroke-width=\"2\""
        << (s.dashed ? " stroke-dasharray=\"5,3\"" : "") << "/>\n<text x=\"" << Num(x1 + 40) << "\" y=\""
        << Num(ly + 4) << "\" font-size=\"11\">" << Escape(s.label) << "</text>\n";
  }
}

}  // namespace

std::string RenderSvg(const std::string& title, const std::vector<PlotPanel>& panels, int width, int panel_height) {
  std::ostringstream out;
  const int height = 36 + panel_height * static_cast<int>(panels.size());
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << width
      << "\" height=\"" << height << "\" viewBox=\"0 0 " << width << " " << height
      << "\" font-family=\"sans-serif\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n<text x=\""
      << width / 2 << "\" y=\"22\" font-size=\"16\" text-anchor=\"middle\">" << Escape(title) << "</text>\n";
  for (size_t i = 0; i < panels.size(); ++i) {
    RenderPanel(out, panels[i], 36 + static_cast<double>(panel_height) * static_cast<double>(i), width, panel_height);
  }
  out << "</svg>\n";
  return out.str();
}

std::string RunsPlotSvg(const std::vector<SimResult>& results) {
  if (results.empty()) return RenderSvg("no runs", {});
  PlotPanel latency{"Latency of successful requests over time (shaded: faults)", "simulated time (s)",
                    "latency (ms, log)", {}, {}, 0, 0, true};
  PlotPanel share{"Per-vendor share of completions over time", "simulated time (s)", "share (%)", {}, {}, 0, 100,
                  false};
  for (const FaultWindow& w : results.front().faults) {
    const double end = w.end == kNoDeadline ? results.front().duration_s * 2 : ToSeconds(w.end);
    latency.shaded.emplace_back(ToSeconds(w.start), end);
    share.shaded.emplace_back(ToSeconds(w.start), end);
  }
  for (const SimResult& r : results) {
    PlotSeries p50{r.policy + " p50", {}, {}, true}, p99{r.policy + " p99", {}, {}, false};
    for (const TimeBucket& b : r.timeline) {
      const double mid = (b.start_s + b.end_s) / 2;
      if (b.completed == 0) continue;
      p50.x.push_back(mid);
      p50.y.push_back(b.p50_ms);
      p99.x.push_back(mid);
      p99.y.push_back(b.p99_ms);
    }
    latency.series.push_back(std::move(p99));
    latency.series.push_back(std::move(p50));
    for (size_t v = 0; v < r.vendors.size(); ++v) {
      PlotSeries s{r.policy + " " + r.vendors[v].name, {}, {}, v % 2 == 1};
      for (const TimeBucket& b : r.timeline) {
        if (b.completed == 0 || v >= b.per_vendor.size()) continue;
        s.x.push_back((b.start_s + b.end_s) / 2);
        s.y.push_back(100.0 * static_cast<double>(b.per_vendor[v]) / static_cast<double>(b.completed));
      }
      share.series.push_back(std::move(s));
    }
  }
  if (results.front().max_vendor_share < 1) {
    const double limit = 100 * results.front().max_vendor_share;
    share.series.push_back(PlotSeries{"share limit", {0, results.front().duration_s}, {limit, limit}, true});
  }
  return RenderSvg("braid simulate: " + results.front().scenario, {latency, share});
}

std::string SweepPlotSvg(const std::vector<SweepPoint>& points, double target_attainment) {
  PlotPanel goodput{"Goodput (answers within SLO per second) against offered load", "offered load (req/s)",
                    "goodput (req/s)", {}, {}, 0, 0, false};
  PlotPanel attainment{"SLO attainment against offered load", "offered load (req/s)", "SLO attainment (%)", {}, {},
                       50, 100, false};
  PlotPanel tail{"p99 latency of successful requests against offered load", "offered load (req/s)",
                 "p99 latency (ms, log)", {}, {}, 0, 0, true};
  std::vector<std::string> policies;
  for (const SweepPoint& p : points) {
    if (std::find(policies.begin(), policies.end(), p.policy) == policies.end()) policies.push_back(p.policy);
  }
  double xmin = 1e300, xmax = 0;
  for (const std::string& policy : policies) {
    PlotSeries g{policy, {}, {}, false}, a{policy, {}, {}, false}, t{policy, {}, {}, false};
    for (const SweepPoint& p : points) {
      if (p.policy != policy) continue;
      g.x.push_back(p.offered_rps);
      g.y.push_back(p.goodput_rps);
      a.x.push_back(p.offered_rps);
      a.y.push_back(100 * p.slo_attainment);
      t.x.push_back(p.offered_rps);
      t.y.push_back(p.p99_ms);
      xmin = std::min(xmin, p.offered_rps);
      xmax = std::max(xmax, p.offered_rps);
    }
    goodput.series.push_back(std::move(g));
    attainment.series.push_back(std::move(a));
    tail.series.push_back(std::move(t));
  }
  if (xmin > xmax) xmin = xmax = 0;
  attainment.series.push_back(
      PlotSeries{"target", {xmin, xmax}, {100 * target_attainment, 100 * target_attainment}, true});
  return RenderSvg("braid simulate: load sweep", {goodput, attainment, tail});
}

}  // namespace braid::scheduler::sim
