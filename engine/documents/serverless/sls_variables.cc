#include "documents/serverless/sls_variables.h"

#include <algorithm>
#include <cstdlib>

#include "documents/cloudformation/cfn_intrinsics.h"
#include "documents/load_deadline.h"

namespace moat::sls {

using cfn::cat;
using cfn::member;
using cfn::strip;

size_t closing_brace(std::string_view s, size_t open) {
  int level = 0;
  char quote = 0;
  for (size_t i = open; i < s.size(); ++i) {
    char c = s[i];
    if (quote) {
      if (c == quote) quote = 0;
      continue;
    }
    if ((c == '\'' || c == '"') && level > 0) {
      quote = c;
    } else if (c == '{') {
      ++level;
    } else if (c == '}') {
      if (--level == 0) return i;
    }
  }
  return std::string_view::npos;
}

std::vector<std::string_view> split_sources(std::string_view body) {
  std::vector<std::string_view> out;
  int level = 0;
  char quote = 0;
  size_t start = 0;
  for (size_t i = 0; i < body.size(); ++i) {
    char c = body[i];
    if (quote) {
      if (c == quote) quote = 0;
      continue;
    }
    if (c == '\'' || c == '"')
      quote = c;
    else if (c == '{' || c == '(')
      ++level;
    else if ((c == '}' || c == ')') && level > 0)
      --level;
    else if (c == ',' && level == 0) {
      out.push_back(strip(body.substr(start, i - start)));
      start = i + 1;
    }
  }
  out.push_back(strip(body.substr(start)));
  return out;
}

Variables::Variables(cfn::Context& ctx, cfn::SourceMap& positions, const Value& root)
    : ctx_(ctx), positions_(positions), root_(root) {
  const Value* provider = member(root, "provider");
  for (auto [key, out] : {std::pair<const char*, std::string*>{"stage", &stage_}, {"region", &region_}}) {
    const Value* v = provider ? member(*provider, key) : nullptr;
    if (!v) continue;
    Value r = resolve(*v);
    if (r.is_string()) *out = std::string(r.as_string());
  }
  cache_.clear();  // values resolved before the stage was known
}

void Variables::warn_once(const std::string& message) {
  // A chain of thousands of variables would otherwise warn once per link.
  if (warned_.size() > kMaxWarnings || !warned_.insert(message).second) return;
  if (warned_.size() > kMaxWarnings) {
    ctx_.warn(cat("serverless variables: more than ", kMaxWarnings, " warnings; the rest are not shown"));
    return;
  }
  ctx_.warn(message);
}

Value Variables::unknown(std::string_view reason) { return make_unknown(ctx_.arena, reason); }

namespace {

// Whether resolving left `after` the very value `before` was.
bool same(const Value& before, const Value& after) {
  if (before.kind() != after.kind()) return false;
  if (before.is_string()) return before.as_string().data() == after.as_string().data();
  return before.identity() == after.identity();
}

}  // namespace

Value Variables::resolve_at(const Value& v, int depth) {
  if (depth > kMaxDepth) {
    warn_once("serverless variables nest too deep (a cycle?); left unknown");
    return unknown("serverless variable nesting too deep");
  }
  if (v.is_string()) {
    bool changed = false;
    Value r = resolve_string(v.as_string(), depth, &changed);
    return changed ? r : v;
  }
  if (v.is_list()) {
    std::vector<Value> items;
    bool changed = false;
    for (const Value& item : v.as_list()) {
      items.push_back(resolve_at(item, depth + 1));
      changed |= !same(item, items.back());
    }
    if (!changed) return v;
    Value out = make_list(ctx_.arena, items);
    positions_.add_alias(out.identity(), v.identity());
    originals_[out.identity()] = original(v);
    return out;
  }
  if (v.is_map()) {
    std::vector<Member> members;
    bool changed = false;
    for (const Member& m : v.as_map()) {
      Value r = resolve_at(m.value, depth + 1);
      changed |= !same(m.value, r);
      members.push_back(Member{m.key, r});
    }
    if (!changed) return v;
    Value out = make_map(ctx_.arena, members);
    positions_.add_alias(out.identity(), v.identity());
    originals_[out.identity()] = original(v);
    return out;
  }
  return v;
}

Value Variables::resolve_string(std::string_view s, int depth, bool* changed) {
  size_t open = s.find("${");
  if (open == std::string_view::npos) return Value();
  *changed = true;
  // The whole string is one variable: its value keeps its type.
  size_t close = closing_brace(s, open + 1);
  if (open == 0 && close == s.size() - 1) return expression(s.substr(2, close - 2), depth + 1);
  std::string text;
  bool known = true;
  size_t pos = 0;
  while (pos < s.size()) {
    open = s.find("${", pos);
    if (open == std::string_view::npos) break;
    close = closing_brace(s, open + 1);
    if (close == std::string_view::npos) break;
    text.append(s.substr(pos, open - pos));
    Value part = expression(s.substr(open + 2, close - open - 2), depth + 1);
    std::string piece;
    if (part.is_string() || part.is_int() || part.is_float() || part.is_bool()) {
      cfn::scalar_text(part, &piece);
      text += piece;
    } else {
      known = false;
      text.append(s.substr(open, close - open + 1));
    }
    pos = close + 1;
  }
  text.append(s.substr(std::min(pos, s.size())));
  if (!known) return unknown(cat("serverless variables in \"", s, "\" are known at deploy time"));
  return ctx_.str(text);
}

Value Variables::expression(std::string_view body, int depth) {
  check_load_deadline();
  if (++work_ > kMaxWork) {
    warn_once("serverless variables: too many to resolve; the rest are left unknown");
    return unknown(cat("${", body, "}: too many variables"));
  }
  if (depth > kMaxDepth) {
    warn_once(cat("serverless variable ${", body, "} nests too deep (a cycle?); left unknown"));
    return unknown(cat("${", body, "}: nesting too deep"));
  }
  Value last_unknown;
  for (std::string_view src : split_sources(body)) {
    bool found = false;
    Value v = source(src, depth, &found);
    if (found && !v.is_unknown()) return v;
    if (found && last_unknown.is_null()) last_unknown = v;
  }
  if (!last_unknown.is_null()) return last_unknown;
  warn_once(cat("serverless variable ${", body, "} has no value in the file; left unknown"));
  return unknown(cat("serverless variable ${", body, "} has no value"));
}

Value Variables::source(std::string_view src, int depth, bool* found) {
  *found = true;
  if (src.empty()) {
    *found = false;
    return Value();
  }
  if (src.size() >= 2 && (src[0] == '\'' || src[0] == '"') && src.back() == src[0])
    return ctx_.str(src.substr(1, src.size() - 2));
  if (src == "true" || src == "false") return Value::boolean(src == "true");
  if (src.find_first_not_of("-0123456789") == std::string_view::npos && src != "-")
    return Value::integer(std::strtoll(std::string(src).c_str(), nullptr, 10));
  if (src == "null") {
    *found = false;
    return Value();
  }
  // Nested variables in the source itself: ${self:custom.${opt:stage}}.
  std::string expanded(src);
  if (src.find("${") != std::string_view::npos) {
    bool changed = false;
    Value e = resolve_string(src, depth + 1, &changed);
    if (!e.is_string()) return e.is_unknown() ? e : unknown(cat("${", src, "}"));
    expanded = std::string(e.as_string());
  }
  std::string_view s = expanded;
  if (s.starts_with("self:")) return self_path(strip(s.substr(5)), depth, found);
  if (s == "opt:stage" || s == "sls:stage" || s == "provider.stage") {
    if (s == "opt:stage") {
      *found = false;  // no CLI options: the fallback, if any, wins
      return Value();
    }
    return ctx_.str(stage_);
  }
  if (s == "opt:region" || s == "aws:region") {
    if (s == "opt:region") {
      *found = false;
      return Value();
    }
    return ctx_.str(region_);
  }
  if (s == "sls:instanceId") return unknown("${sls:instanceId} is known at deploy time");
  if (s.starts_with("opt:")) {
    *found = false;
    return Value();
  }
  // Deploy-time sources.
  return unknown(cat("serverless variable ${", s, "} is known at deploy time"));
}

Value Variables::self_path(std::string_view path, int depth, bool* found) {
  std::string key(path);
  if (auto it = cache_.find(key); it != cache_.end()) return it->second;
  if (std::find(visiting_.begin(), visiting_.end(), key) != visiting_.end()) {
    warn_once(cat("serverless variable ${self:", path, "} refers to itself (a cycle); left unknown"));
    return unknown(cat("${self:", path, "} is a variable cycle"));
  }
  Value cur = root_;
  if (!path.empty())
    for (std::string_view part : cfn::split(path, ".")) {
      if (cur.is_string() && cur.as_string().find("${") != std::string_view::npos) {
        visiting_.push_back(key);
        cur = resolve_at(cur, depth + 1);
        visiting_.pop_back();
      }
      const Value* next = nullptr;
      if (cur.is_map()) {
        next = member(cur, part);
      } else if (cur.is_list() && part.find_first_not_of("0123456789") == std::string_view::npos) {
        size_t i = std::strtoul(std::string(part).c_str(), nullptr, 10);
        if (i < cur.as_list().size) next = &cur.as_list().items[i];
      }
      if (!next || next->is_null()) {
        *found = false;
        return Value();
      }
      cur = *next;
    }
  visiting_.push_back(key);
  Value r = resolve_at(cur, depth + 1);
  visiting_.pop_back();
  if (!r.is_unknown()) cache_[key] = r;
  return r;
}

}  // namespace moat::sls
