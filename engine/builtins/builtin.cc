#include "builtins/builtin.h"

#include <re2/re2.h>

#include <string>

#include "absl/container/flat_hash_map.h"
#include "value/build.h"

namespace moat {

std::string_view type_name(Type t) {
  switch (t) {
    case Type::kAny: return "any";
    case Type::kNull: return "null";
    case Type::kBool: return "bool";
    case Type::kInt: return "int";
    case Type::kFloat: return "float";
    case Type::kNumber: return "number";
    case Type::kString: return "string";
    case Type::kList: return "list";
    case Type::kMap: return "map";
  }
  return "?";
}

bool type_accepts(Type t, Kind k) {
  switch (t) {
    case Type::kAny: return true;
    case Type::kNull: return k == Kind::kNull;
    case Type::kBool: return k == Kind::kBool;
    case Type::kInt: return k == Kind::kInt;
    case Type::kFloat: return k == Kind::kFloat || k == Kind::kInt;
    case Type::kNumber: return k == Kind::kInt || k == Kind::kFloat;
    case Type::kString: return k == Kind::kString;
    case Type::kList: return k == Kind::kList;
    case Type::kMap: return k == Kind::kMap;
  }
  return false;
}

struct CallContext::RegexCache {
  // Bounded so that a policy matching against ever-new patterns cannot grow
  // memory without limit; past the bound the cache is simply cleared.
  static constexpr size_t kMaxEntries = 256;
  absl::flat_hash_map<std::string, std::unique_ptr<re2::RE2>> map;

  // matches() answers per regex and text, for one document (see
  // forget_answers): rules test the same short values (environment variable
  // names, actions, types) on resource after resource, and a hash lookup
  // costs a fraction of an RE2 search. Keyed by the RE2's address: only an
  // evaluator remembers (remember_matches), and its RE2s outlive the
  // document (prepared ones live with the program; those of `map` go with
  // it, so clearing `map` forgets them too).
  static constexpr size_t kMaxAnswers = 8192;
  static constexpr size_t kMaxAnswerText = 128;
  absl::flat_hash_map<const re2::RE2*, absl::flat_hash_map<std::string, bool>> answers;
  size_t answer_count = 0;
  bool remember = false;
};

CallContext::CallContext(Arena& arena, int64_t now_unix_seconds)
    : arena_(&arena), now_(now_unix_seconds), regex_cache_(std::make_unique<RegexCache>()) {}

CallContext::~CallContext() = default;

Value CallContext::error(std::string_view code, std::string_view message) {
  return make_error(*arena_, code, message);
}

Value CallContext::type_error(std::string_view fn, std::string_view param, std::string_view expected,
                              const Value& got) {
  std::string msg = std::string(fn) + ": argument '" + std::string(param) + "' must be " +
                    std::string(expected) + ", got " + std::string(kind_name(got.kind()));
  return make_error(*arena_, "type_error", msg);
}

const re2::RE2* CallContext::regex(std::string_view pattern, std::string* error) {
  std::string key(pattern);
  auto it = regex_cache_->map.find(key);
  if (it != regex_cache_->map.end()) return it->second.get();
  re2::RE2::Options opts;
  opts.set_log_errors(false);
  auto re = std::make_unique<re2::RE2>(re2::StringPiece(pattern.data(), pattern.size()), opts);
  if (!re->ok()) {
    *error = re->error();
    return nullptr;
  }
  if (regex_cache_->map.size() >= RegexCache::kMaxEntries) {
    regex_cache_->map.clear();
    regex_cache_->answers.clear();
    regex_cache_->answer_count = 0;
  }
  return regex_cache_->map.emplace(std::move(key), std::move(re)).first->second.get();
}

void CallContext::remember_matches(bool on) {
  regex_cache_->remember = on;
  forget_answers();
}

void CallContext::forget_answers() {
  // The per-regex tables stay (small ones keep their storage): the same
  // rules run on the next document.
  for (auto& [re, per] : regex_cache_->answers) per.clear();
  regex_cache_->answer_count = 0;
}

bool CallContext::partial_match(const re2::RE2& re, std::string_view text) {
  const re2::StringPiece piece(text.data(), text.size());
  RegexCache& c = *regex_cache_;
  if (!c.remember || text.size() > RegexCache::kMaxAnswerText)
    return re.Match(piece, 0, text.size(), re2::RE2::UNANCHORED, nullptr, 0);
  absl::flat_hash_map<std::string, bool>& per = c.answers[&re];
  const absl::string_view key(text.data(), text.size());
  if (auto it = per.find(key); it != per.end()) return it->second;
  const bool found = re.Match(piece, 0, text.size(), re2::RE2::UNANCHORED, nullptr, 0);
  if (c.answer_count < RegexCache::kMaxAnswers) {
    per.emplace(std::string(text), found);
    ++c.answer_count;
  }
  return found;
}

void BuiltinRegistry::add(BuiltinDef def) { defs_.push_back(std::move(def)); }

const BuiltinDef* BuiltinRegistry::find(std::string_view name) const {
  for (const BuiltinDef& d : defs_)
    if (d.name == name) return &d;
  return nullptr;
}

BuiltinRegistry BuiltinRegistry::standard() {
  BuiltinRegistry r;
  register_type_builtins(r);
  register_string_builtins(r);
  register_regex_builtins(r);
  register_number_builtins(r);
  register_collection_builtins(r);
  register_encoding_builtins(r);
  register_network_builtins(r);
  register_aws_builtins(r);
  register_time_builtins(r);
  { void register_injection_builtins(BuiltinRegistry&); register_injection_builtins(r); }  // builtins/injection.cc
  return r;
}

}  // namespace moat
