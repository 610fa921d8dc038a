// A compiled program plus the evaluation options it was compiled for, safe to
// evaluate from any number of threads at once.
//
// An Evaluator (a VM with its stack and arena) serves one thread at a time,
// and creating one binds the parameters again, so finished evaluators are
// kept in a small free list and handed to the next caller instead of being
// rebuilt for every document. The free list never holds more evaluators
// than there were concurrent callers.
#pragma once

#include <memory>
#include <mutex>
#include <vector>

#include "absl/status/statusor.h"
#include "moat/moat.h"

namespace moat::bindings {

class SharedProgram {
 public:
  // Fails when the options do not fit the program (an unknown parameter, a
  // parameter of the wrong type, a parameter without default left unset).
  static absl::StatusOr<std::shared_ptr<SharedProgram>> create(std::shared_ptr<const Program> program,
                                                               EvalOptions options);

  // Thread-safe. Never throws: an exception escaping the VM becomes an
  // error in the result, so it is never mistaken for a clean run.
  EvalResult evaluate(const Document& doc) const;

  const Program& program() const { return *program_; }
  const EvalOptions& options() const { return options_; }

 private:
  SharedProgram(std::shared_ptr<const Program> program, EvalOptions options, Evaluator first);
  std::unique_ptr<Evaluator> acquire() const;
  void release(std::unique_ptr<Evaluator> evaluator) const;

  std::shared_ptr<const Program> program_;
  EvalOptions options_;
  mutable std::mutex mutex_;
  mutable std::vector<std::unique_ptr<Evaluator>> idle_;
};

}  // namespace moat::bindings
