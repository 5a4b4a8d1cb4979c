// A one-line progress display for long commands; silent when stderr is not
// a terminal (logs and CI stay clean).
#ifndef BRAID_TOOLS_PROGRESS_H_
#define BRAID_TOOLS_PROGRESS_H_

#include <cstdint>
#include <string>

namespace braid::tools {

class Progress {
 public:
  explicit Progress(int64_t total);
  ~Progress();
  // Shows "[done/total] label" (rate-limited to ~10 updates a second).
  void Update(int64_t done, const std::string& label);
  // Clears the line.
  void Finish();

 private:
  int64_t total_;
  bool enabled_;
  int64_t last_ms_ = 0;
  bool shown_ = false;
};

}  // namespace braid::tools

#endif  // BRAID_TOOLS_PROGRESS_H_
