#include "tools/progress.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>

namespace braid::tools {

Progress::Progress(int64_t total) : total_(total), enabled_(isatty(STDERR_FILENO) != 0) {}

Progress::~Progress() { Finish(); }

void Progress::Update(int64_t done, const std::string& label) {
  if (!enabled_) return;
  int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::steady_clock::now().time_since_epoch())
                    .count();
  if (now - last_ms_ < 100 && done < total_) return;
  last_ms_ = now;
  std::string shown = label.size() > 60 ? label.substr(0, 57) + "..." : label;
  std::fprintf(stderr, "\r\033[K[%lld/%lld] %s", static_cast<long long>(done), static_cast<long long>(total_),
               shown.c_str());
  std::fflush(stderr);
  shown_ = true;
}

void Progress::Finish() {
  if (enabled_ && shown_) {
    std::fprintf(stderr, "\r\033[K");
    std::fflush(stderr);
    shown_ = false;
  }
}

}  // namespace braid::tools
