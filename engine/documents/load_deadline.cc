#include "documents/load_deadline.h"

#include <string>

namespace moat {
namespace {

using Clock = std::chrono::steady_clock;

thread_local Clock::time_point t_deadline = Clock::time_point::max();
thread_local uint64_t t_limit_ms = 0;
thread_local uint32_t t_calls = 0;

}  // namespace

LoadTimeExceeded::LoadTimeExceeded(uint64_t limit_ms)
    : std::runtime_error("loading took longer than " + std::to_string(limit_ms) + " ms"), limit_ms_(limit_ms) {}

LoadDeadline::LoadDeadline(uint64_t max_ms) : previous_deadline_(t_deadline), previous_limit_ms_(t_limit_ms) {
  if (max_ms == 0) {
    t_deadline = Clock::time_point::max();
  } else {
    // Far-future limits saturate instead of overflowing the time point.
    auto now = Clock::now();
    auto room = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::time_point::max() - now);
    t_deadline = static_cast<uint64_t>(room.count()) > max_ms ? now + std::chrono::milliseconds(max_ms)
                                                              : Clock::time_point::max();
  }
  t_limit_ms = max_ms;
  t_calls = 0;
}

LoadDeadline::~LoadDeadline() {
  t_deadline = previous_deadline_;
  t_limit_ms = previous_limit_ms_;
}

void check_load_deadline() {
  if (t_deadline == Clock::time_point::max()) return;
  if ((++t_calls & 63u) != 0) return;
  if (Clock::now() > t_deadline) throw LoadTimeExceeded(t_limit_ms);
}

}  // namespace moat
