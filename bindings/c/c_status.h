// The C API's error plumbing: result codes from absl::Status, the per-thread
// last-error message, and the guard that keeps every C++ exception inside the
// library.
#pragma once

#include <exception>
#include <new>
#include <string>

#include "absl/status/status.h"
#include "moat.h"

namespace moat::capi {

// Records `message` as this thread's last error and returns `code`.
int fail(int code, std::string message);

// Maps a Status to a result code. `invalid_input_code` is what
// InvalidArgument means at the call site: a malformed document is
// MOAT_ERR_PARSE, a bad parameter MOAT_ERR_INVALID_ARGUMENT.
int fail_status(const absl::Status& status, int invalid_input_code = MOAT_ERR_INVALID_ARGUMENT);

// "<what> is NULL" as MOAT_ERR_INVALID_ARGUMENT.
int null_argument(const char* what);

// Runs `body` (returning a result code) and turns any exception into
// MOAT_ERR_INTERNAL: nothing may unwind through a C caller's frames.
template <class Body>
int guarded(const char* function, Body&& body) noexcept {
  try {
    return body();
  } catch (const std::bad_alloc&) {
    return fail(MOAT_ERR_INTERNAL, std::string(function) + ": out of memory");
  } catch (const std::exception& e) {
    try {
      return fail(MOAT_ERR_INTERNAL, std::string(function) + ": internal error: " + e.what());
    } catch (...) {
      return MOAT_ERR_INTERNAL;
    }
  } catch (...) {
    return fail(MOAT_ERR_INTERNAL, std::string(function) + ": internal error");
  }
}

}  // namespace moat::capi
