#include "c_status.h"

namespace moat::capi {

namespace {
thread_local std::string last_error;
}  // namespace

int fail(int code, std::string message) {
  try {
    last_error = std::move(message);
  } catch (...) {
    // No memory for the message: the code alone still says what happened.
  }
  return code;
}

int fail_status(const absl::Status& status, int invalid_input_code) {
  int code = MOAT_ERR_INTERNAL;
  switch (status.code()) {
    case absl::StatusCode::kInvalidArgument: code = invalid_input_code; break;
    case absl::StatusCode::kNotFound:
    case absl::StatusCode::kDataLoss: code = MOAT_ERR_NOT_FOUND; break;
    case absl::StatusCode::kResourceExhausted: code = MOAT_ERR_LIMIT; break;
    case absl::StatusCode::kOutOfRange: code = MOAT_ERR_OUT_OF_RANGE; break;
    default: break;
  }
  return fail(code, std::string(status.message()));
}

int null_argument(const char* what) { return fail(MOAT_ERR_INVALID_ARGUMENT, std::string(what) + " is NULL"); }

}  // namespace moat::capi

extern "C" const char* moat_last_error(void) { return moat::capi::last_error.c_str(); }
