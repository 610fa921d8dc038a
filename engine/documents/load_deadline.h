// A wall-time limit on loading one template (TemplateOptions::max_load_ms).
//
// Reading JSON and YAML is linear and bounded by the size limits, but what
// comes after is not obviously so: CloudFormation intrinsics, serverless.yml
// variables and the SAM transform follow references from one part of a
// template to another. Each has its own caps (depth, work counters), and
// this is the backstop behind them: load_template() opens a LoadDeadline,
// and the loops that follow references call check_load_deadline(), which
// throws LoadTimeExceeded once the time is up. load_template() turns that
// into an error naming the limit, so a template that somehow takes too long
// stops with a message instead of hanging a scan.
//
// The deadline is per thread (loads on different threads do not share it)
// and nests: an inner LoadDeadline restores the outer one when it ends.
#pragma once

#include <chrono>
#include <cstdint>
#include <stdexcept>

namespace moat {

class LoadTimeExceeded : public std::runtime_error {
 public:
  explicit LoadTimeExceeded(uint64_t limit_ms);
  uint64_t limit_ms() const { return limit_ms_; }

 private:
  uint64_t limit_ms_;
};

// Sets the current thread's load deadline to now + max_ms for its lifetime
// (0 = no deadline).
class LoadDeadline {
 public:
  explicit LoadDeadline(uint64_t max_ms);
  ~LoadDeadline();
  LoadDeadline(const LoadDeadline&) = delete;
  LoadDeadline& operator=(const LoadDeadline&) = delete;

 private:
  std::chrono::steady_clock::time_point previous_deadline_;
  uint64_t previous_limit_ms_;
};

// Throws LoadTimeExceeded when the current thread's load is past its
// deadline. Cheap enough for inner loops: reads the clock every 64 calls.
void check_load_deadline();

}  // namespace moat
