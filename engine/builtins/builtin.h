// Builtin functions: declared as data, registered by family.
//
// Each builtin carries its signature (parameter names and types, result
// type, a one-line summary and an example). The same record drives the
// checker (arity and argument types at compile time), `moat builtins`, and
// docs/language.md, so the three cannot drift apart.
//
// Calling convention: the VM passes evaluated arguments. For a `strict`
// builtin (the default) the VM never calls the function when an argument is
// missing, unknown or an error: it propagates that argument instead (errors
// first, then unknowns, then missing). Builtins therefore only see ordinary
// values and report a wrong type with CallContext::type_error().
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "value/arena.h"
#include "value/value.h"

namespace re2 {
class RE2;
}

namespace moat {

// Static types for signatures and the checker.
enum class Type : uint8_t { kAny, kNull, kBool, kInt, kFloat, kNumber, kString, kList, kMap };
std::string_view type_name(Type t);
// Whether a value of kind k is acceptable where t is expected.
bool type_accepts(Type t, Kind k);

struct Param {
  std::string_view name;
  Type type;
};

class CallContext;
class SignatureMemo;
using BuiltinFn = Value (*)(CallContext& ctx, std::span<const Value> args);

// Compile-time preparation, for builtins whose argument is usually a literal
// (a regex, a glob, a CIDR). Called by the compiler with the constant value
// of every argument (nullptr where the argument is not a constant). Returns
// the prepared state (kept by the program, shared read-only between
// threads), or nullptr to prepare nothing; sets *error to reject a bad
// literal at compile time (reported as a diagnostic at the argument).
using PrepareFn = std::shared_ptr<const void> (*)(std::span<const Value* const> const_args,
                                                  std::string* error);

struct BuiltinDef {
  std::string_view name;
  std::string_view family;  // "strings", "regex", "network", ...
  std::vector<Param> params;
  Type result = Type::kAny;
  bool variadic = false;  // the last parameter repeats (zero or more times)
  bool strict = true;     // see the file comment
  std::string_view summary;
  std::string_view example;  // an expression, e.g. `lower("AbC") == "abc"`
  BuiltinFn fn = nullptr;
  PrepareFn prepare = nullptr;
};

// What a builtin may use while it runs. One per evaluation; not shared
// between threads.
class CallContext {
 public:
  CallContext(Arena& arena, int64_t now_unix_seconds);
  ~CallContext();
  CallContext(const CallContext&) = delete;
  CallContext& operator=(const CallContext&) = delete;

  Arena& arena() { return *arena_; }
  // The evaluation date (seconds since the Unix epoch, UTC), set by the
  // caller (`--now`), never read from the clock during evaluation.
  int64_t now() const { return now_; }

  Value error(std::string_view code, std::string_view message);
  // "fn: argument 2 (pattern) must be string, got int"
  Value type_error(std::string_view fn, std::string_view param, std::string_view expected,
                   const Value& got);

  // State prepared at compile time for the current call site, or nullptr.
  const void* prepared() const { return prepared_; }
  void set_prepared(const void* p) { prepared_ = p; }

  // A compiled RE2 for a pattern that was not a literal, cached for the
  // evaluation (bounded). nullptr and *error set when the pattern is bad.
  const re2::RE2* regex(std::string_view pattern, std::string* error);
  // Whether `re` (prepared, or from regex()) matches somewhere in text;
  // with remember_matches on, answers for short texts are kept (bounded).
  bool partial_match(const re2::RE2& re, std::string_view text);
  // For an evaluator, whose prepared RE2s outlive every document it sees.
  void remember_matches(bool on);
  // Called before each document: what partial_match remembered was seen
  // in the previous one (a long-lived evaluator would otherwise answer
  // repeated traffic from memory, and hold it).
  void forget_answers();

  // The evaluation's shared signature scans (signature_index.h), or nullptr.
  SignatureMemo* signature_memo() const { return signature_memo_; }
  void set_signature_memo(SignatureMemo* memo) { signature_memo_ = memo; }

 private:
  struct RegexCache;
  Arena* arena_;
  int64_t now_;
  const void* prepared_ = nullptr;
  SignatureMemo* signature_memo_ = nullptr;
  std::unique_ptr<RegexCache> regex_cache_;
};

class BuiltinRegistry {
 public:
  // Every family Moat ships. Builds a fresh registry (no global state).
  static BuiltinRegistry standard();

  void add(BuiltinDef def);
  const BuiltinDef* find(std::string_view name) const;
  // In registration order (families grouped).
  const std::vector<BuiltinDef>& all() const { return defs_; }
  size_t index_of(const BuiltinDef* def) const { return static_cast<size_t>(def - defs_.data()); }
  const BuiltinDef& at(size_t i) const { return defs_[i]; }

 private:
  std::vector<BuiltinDef> defs_;
};

// One registration function per family (builtins/<family>.cc).
void register_string_builtins(BuiltinRegistry& r);
void register_regex_builtins(BuiltinRegistry& r);  // regex and glob
void register_number_builtins(BuiltinRegistry& r);
void register_collection_builtins(BuiltinRegistry& r);
void register_type_builtins(BuiltinRegistry& r);
void register_encoding_builtins(BuiltinRegistry& r);
void register_network_builtins(BuiltinRegistry& r);
void register_aws_builtins(BuiltinRegistry& r);
void register_time_builtins(BuiltinRegistry& r);  // versions and dates

}  // namespace moat
