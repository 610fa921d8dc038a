#include "shared_program.h"

#include <exception>

namespace moat::bindings {

absl::StatusOr<std::shared_ptr<SharedProgram>> SharedProgram::create(std::shared_ptr<const Program> program,
                                                                     EvalOptions options) {
  // Creating the first evaluator now reports bad parameters at compile time
  // rather than at the first document.
  auto first = Evaluator::create(program, options);
  if (!first.ok()) return first.status();
  return std::shared_ptr<SharedProgram>(new SharedProgram(std::move(program), std::move(options), *std::move(first)));
}

SharedProgram::SharedProgram(std::shared_ptr<const Program> program, EvalOptions options, Evaluator first)
    : program_(std::move(program)), options_(std::move(options)) {
  idle_.push_back(std::make_unique<Evaluator>(std::move(first)));
}

std::unique_ptr<Evaluator> SharedProgram::acquire() const {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!idle_.empty()) {
      auto e = std::move(idle_.back());
      idle_.pop_back();
      return e;
    }
  }
  // Cannot fail: the same program and options succeeded in create().
  auto created = Evaluator::create(program_, options_);
  if (!created.ok()) return nullptr;
  return std::make_unique<Evaluator>(*std::move(created));
}

void SharedProgram::release(std::unique_ptr<Evaluator> evaluator) const {
  std::lock_guard<std::mutex> lock(mutex_);
  idle_.push_back(std::move(evaluator));
}

EvalResult SharedProgram::evaluate(const Document& doc) const {
  EvalResult result;
  std::unique_ptr<Evaluator> evaluator;
  try {
    evaluator = acquire();
    if (!evaluator) {
      result.errors.push_back("internal error: could not create an evaluator");
      return result;
    }
    result = evaluator->evaluate(doc);
  } catch (const std::exception& e) {
    // The evaluator may be in any state after an exception: drop it.
    result = EvalResult();
    result.errors.push_back(std::string("internal error: ") + e.what());
    return result;
  } catch (...) {
    result = EvalResult();
    result.errors.push_back("internal error: unknown exception");
    return result;
  }
  try {
    release(std::move(evaluator));
  } catch (...) {
    // Out of memory growing the free list: the evaluator is simply dropped.
  }
  return result;
}

}  // namespace moat::bindings
