// The state a builtin prepared for one call site (a compiled RE2, a
// signature set, a CIDR range), shared read-only by every evaluation of the
// program on any thread.
//
// A compiled program prepares each site while compiling, because a bad
// literal must be reported then. A program loaded from bytes (the bundled
// library ships precompiled) has already been checked, so it prepares a site
// the first time it runs: the library holds hundreds of regexes and
// signature sets, a template scan touches a few of them, and building them
// all at load was most of a cold scan's cost.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "builtins/builtin.h"
#include "value/value.h"

namespace moat {

class PreparedSlot {
 public:
  // Already prepared (the compiler's path).
  explicit PreparedSlot(std::shared_ptr<const void> state) : state_(std::move(state)) {
    std::call_once(once_, [] {});
    ready_.store(state_.get(), std::memory_order_release);
    prepared_.store(true, std::memory_order_release);
  }
  // Prepared on first use from the call site's constant arguments, which
  // must outlive the slot (they live in the program's arena).
  PreparedSlot(PrepareFn prepare, std::vector<std::optional<Value>> args)
      : prepare_(prepare), args_(std::move(args)) {}

  PreparedSlot(const PreparedSlot&) = delete;
  PreparedSlot& operator=(const PreparedSlot&) = delete;

  // The state, or nullptr when preparing failed (the builtin then works
  // from its arguments, as for a non-constant pattern). Thread-safe.
  // Every builtin call with prepared state asks, so the prepared case is
  // one acquire load: std::call_once itself costs a call and thread-local
  // writes each time, even when the state is long built.
  const void* get() const {
    if (prepared_.load(std::memory_order_acquire)) [[likely]]
      return ready_.load(std::memory_order_relaxed);
    std::call_once(once_, [this] {
      std::vector<const Value*> ptrs;
      ptrs.reserve(args_.size());
      for (const std::optional<Value>& a : args_) ptrs.push_back(a ? &*a : nullptr);
      std::string error;
      state_ = prepare_(ptrs, &error);
      if (!error.empty()) state_.reset();
      ready_.store(state_.get(), std::memory_order_relaxed);
      prepared_.store(true, std::memory_order_release);
    });
    return state_.get();
  }

 private:
  mutable std::atomic<bool> prepared_{false};
  mutable std::atomic<const void*> ready_{nullptr};  // state_.get() once prepared
  mutable std::once_flag once_;
  mutable std::shared_ptr<const void> state_;
  PrepareFn prepare_ = nullptr;
  std::vector<std::optional<Value>> args_;
};

// State built from a whole program on first use (the joined signature index),
// shared by every evaluation; held through a pointer because once_flag
// cannot move with the Program.
struct ProgramLazyState {
  std::once_flag once;
  std::shared_ptr<const void> state;
};

}  // namespace moat
