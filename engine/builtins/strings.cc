// String builtins. Strings are byte strings that are usually UTF-8; these
// functions work on bytes (offsets are byte offsets, case mapping is ASCII)
// so that invalid UTF-8 from a document is handled, never rejected.
#include <cstring>
#include <string>
#include <vector>

#include "builtins/builtin.h"
#include "builtins/util.h"
#include "value/build.h"

namespace moat {
namespace {

constexpr int64_t kMaxRepeat = 1000000;

bool is_ascii_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

// Builds the result in the arena directly: the arena's budget then bounds it
// and nothing is copied twice.
char* alloc_chars(CallContext& ctx, size_t n) {
  return static_cast<char*>(ctx.arena().allocate(n ? n : 1, 1));
}

template <char (*Map)(char)>
Value map_ascii(CallContext& ctx, std::span<const Value> a, std::string_view fn) {
  if (!a[0].is_string()) return ctx.type_error(fn, "s", "string", a[0]);
  std::string_view s = a[0].as_string();
  char* p = alloc_chars(ctx, s.size());
  for (size_t i = 0; i < s.size(); ++i) p[i] = Map(s[i]);
  return Value::string({p, s.size()});
}

char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }
char ascii_upper(char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 32) : c; }

Value lower(CallContext& ctx, std::span<const Value> a) {
  return map_ascii<ascii_lower>(ctx, a, "lower");
}
Value upper(CallContext& ctx, std::span<const Value> a) {
  return map_ascii<ascii_upper>(ctx, a, "upper");
}

// Checks that the first two arguments are strings, named p0 and p1.
bool two_strings(CallContext& ctx, std::span<const Value> a, std::string_view fn,
                 std::string_view p0, std::string_view p1, Value* err) {
  if (!a[0].is_string()) { *err = ctx.type_error(fn, p0, "string", a[0]); return false; }
  if (!a[1].is_string()) { *err = ctx.type_error(fn, p1, "string", a[1]); return false; }
  return true;
}

Value starts_with(CallContext& ctx, std::span<const Value> a) {
  Value err;
  if (!two_strings(ctx, a, "starts_with", "s", "prefix", &err)) return err;
  return Value::boolean(a[0].as_string().starts_with(a[1].as_string()));
}

Value ends_with(CallContext& ctx, std::span<const Value> a) {
  Value err;
  if (!two_strings(ctx, a, "ends_with", "s", "suffix", &err)) return err;
  return Value::boolean(a[0].as_string().ends_with(a[1].as_string()));
}

Value contains(CallContext& ctx, std::span<const Value> a) {
  Value err;
  if (!two_strings(ctx, a, "contains", "s", "sub", &err)) return err;
  return Value::boolean(a[0].as_string().find(a[1].as_string()) != std::string_view::npos);
}

Value index_of(CallContext& ctx, std::span<const Value> a) {
  Value err;
  if (!two_strings(ctx, a, "index_of", "s", "sub", &err)) return err;
  size_t pos = a[0].as_string().find(a[1].as_string());
  return Value::integer(pos == std::string_view::npos ? -1 : static_cast<int64_t>(pos));
}

Value split(CallContext& ctx, std::span<const Value> a) {
  Value err;
  if (!two_strings(ctx, a, "split", "s", "sep", &err)) return err;
  std::string_view s = a[0].as_string(), sep = a[1].as_string();
  std::vector<Value> parts;
  if (sep.empty()) {
    // One element per character, as most languages do, rather than an error.
    for (size_t i = 0; i < s.size();) {
      size_t n = utf8_char_len(s, i);
      parts.push_back(Value::string(s.substr(i, n)));
      i += n;
    }
  } else {
    size_t start = 0;
    for (size_t pos; (pos = s.find(sep, start)) != std::string_view::npos; start = pos + sep.size())
      parts.push_back(Value::string(s.substr(start, pos - start)));
    parts.push_back(Value::string(s.substr(start)));
  }
  return make_list(ctx.arena(), parts);
}

Value join(CallContext& ctx, std::span<const Value> a) {
  if (!a[0].is_list()) return ctx.type_error("join", "list", "list of strings", a[0]);
  if (!a[1].is_string()) return ctx.type_error("join", "sep", "string", a[1]);
  std::span<const Value> items = items_of(a[0]);
  if (const Value* u = first_undefined(items)) return *u;
  std::string_view sep = a[1].as_string();
  size_t total = 0;
  for (const Value& v : items) {
    if (!v.is_string()) return ctx.type_error("join", "list", "list of strings", v);
    total += v.as_string().size();
  }
  if (!items.empty()) total += sep.size() * (items.size() - 1);
  if (!reserve_result(ctx, total)) return result_too_large(ctx, "join");
  char* p = alloc_chars(ctx, total);
  size_t at = 0;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0 && !sep.empty()) std::memcpy(p + at, sep.data(), sep.size());
    if (i > 0) at += sep.size();
    std::string_view s = items[i].as_string();
    if (!s.empty()) std::memcpy(p + at, s.data(), s.size());
    at += s.size();
  }
  return Value::string({p, total});
}

Value trim(CallContext& ctx, std::span<const Value> a) {
  if (!a[0].is_string()) return ctx.type_error("trim", "s", "string", a[0]);
  std::string_view s = a[0].as_string();
  while (!s.empty() && is_ascii_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_ascii_space(s.back())) s.remove_suffix(1);
  return Value::string(s);
}

Value trim_prefix(CallContext& ctx, std::span<const Value> a) {
  Value err;
  if (!two_strings(ctx, a, "trim_prefix", "s", "prefix", &err)) return err;
  std::string_view s = a[0].as_string(), p = a[1].as_string();
  return s.starts_with(p) ? Value::string(s.substr(p.size())) : a[0];
}

Value trim_suffix(CallContext& ctx, std::span<const Value> a) {
  Value err;
  if (!two_strings(ctx, a, "trim_suffix", "s", "suffix", &err)) return err;
  std::string_view s = a[0].as_string(), p = a[1].as_string();
  return s.ends_with(p) ? Value::string(s.substr(0, s.size() - p.size())) : a[0];
}

Value replace(CallContext& ctx, std::span<const Value> a) {
  Value err;
  if (!two_strings(ctx, a, "replace", "s", "old", &err)) return err;
  if (!a[2].is_string()) return ctx.type_error("replace", "new", "string", a[2]);
  std::string_view s = a[0].as_string(), from = a[1].as_string(), to = a[2].as_string();
  if (from.empty()) return a[0];
  // Count first so the size is known (and checked) before anything is built.
  size_t count = 0;
  for (size_t pos = s.find(from); pos != std::string_view::npos; pos = s.find(from, pos + from.size()))
    ++count;
  if (count == 0) return a[0];
  // No overflow: count <= s.size() and both lengths are below 2^32.
  size_t total = s.size() - count * from.size() + count * to.size();
  if (!reserve_result(ctx, total)) return result_too_large(ctx, "replace");
  char* p = alloc_chars(ctx, total);
  size_t at = 0, start = 0;
  for (size_t pos; (pos = s.find(from, start)) != std::string_view::npos; start = pos + from.size()) {
    std::memcpy(p + at, s.data() + start, pos - start);
    at += pos - start;
    if (!to.empty()) std::memcpy(p + at, to.data(), to.size());
    at += to.size();
  }
  if (start < s.size()) std::memcpy(p + at, s.data() + start, s.size() - start);
  return Value::string({p, total});
}

Value format(CallContext& ctx, std::span<const Value> a) {
  if (!a[0].is_string()) return ctx.type_error("format", "fmt", "string", a[0]);
  std::string_view fmt = a[0].as_string();
  std::span<const Value> args = a.subspan(1);
  if (const Value* u = first_undefined_deep(args)) return *u;
  std::string out;
  size_t next = 0;
  for (size_t i = 0; i < fmt.size(); ++i) {
    char c = fmt[i];
    if (c == '{' && i + 1 < fmt.size() && fmt[i + 1] == '{') { out.push_back('{'); ++i; continue; }
    if (c == '}' && i + 1 < fmt.size() && fmt[i + 1] == '}') { out.push_back('}'); ++i; continue; }
    if (c == '{' && i + 1 < fmt.size() && fmt[i + 1] == '}') {
      if (next >= args.size())
        return ctx.error("format_error", "format: more {} placeholders than arguments (" +
                                             std::to_string(args.size()) + ")");
      append_display(args[next++], out);
      if (!reserve_result(ctx, out.size())) return result_too_large(ctx, "format");
      ++i;
      continue;
    }
    if (c == '{' || c == '}')
      return ctx.error("format_error", "format: unmatched '" + std::string(1, c) +
                                           "' at offset " + std::to_string(i) +
                                           " (write {{ or }} for a literal brace)");
    out.push_back(c);
  }
  if (next != args.size())
    return ctx.error("format_error", "format: " + std::to_string(args.size()) +
                                         " arguments but " + std::to_string(next) +
                                         " {} placeholders");
  return make_string(ctx.arena(), out);
}

Value substring(CallContext& ctx, std::span<const Value> a) {
  if (!a[0].is_string()) return ctx.type_error("substring", "s", "string", a[0]);
  if (!a[1].is_int()) return ctx.type_error("substring", "start", "int", a[1]);
  if (!a[2].is_int()) return ctx.type_error("substring", "end", "int", a[2]);
  std::string_view s = a[0].as_string();
  auto clamp = [&](int64_t i) {
    return i < 0 ? size_t{0} : std::min(static_cast<size_t>(i), s.size());
  };
  size_t start = clamp(a[1].as_int()), end = clamp(a[2].as_int());
  return Value::string(start < end ? s.substr(start, end - start) : std::string_view());
}

Value repeat(CallContext& ctx, std::span<const Value> a) {
  if (!a[0].is_string()) return ctx.type_error("repeat", "s", "string", a[0]);
  if (!a[1].is_int()) return ctx.type_error("repeat", "n", "int", a[1]);
  int64_t n = a[1].as_int();
  if (n < 0 || n > kMaxRepeat)
    return ctx.error("range_error", "repeat: n must be between 0 and " +
                                        std::to_string(kMaxRepeat) + ", got " + std::to_string(n));
  std::string_view s = a[0].as_string();
  // No overflow: s.size() < 2^32 and n <= 10^6.
  size_t total = s.size() * static_cast<size_t>(n);
  if (!reserve_result(ctx, total)) return result_too_large(ctx, "repeat");
  char* p = alloc_chars(ctx, total);
  for (size_t i = 0; i < static_cast<size_t>(n) && !s.empty(); ++i)
    std::memcpy(p + i * s.size(), s.data(), s.size());
  return Value::string({p, total});
}

BuiltinDef def(std::string_view name, std::vector<Param> params, Type result, BuiltinFn fn,
               std::string_view summary, std::string_view example) {
  return {.name = name, .family = "strings", .params = std::move(params), .result = result,
          .summary = summary, .example = example, .fn = fn};
}

}  // namespace

void register_string_builtins(BuiltinRegistry& r) {
  const Type S = Type::kString;
  r.add(def("lower", {{"s", S}}, S, lower, "s with ASCII letters in lower case",
            "lower(\"AbC\") == \"abc\""));
  r.add(def("upper", {{"s", S}}, S, upper, "s with ASCII letters in upper case",
            "upper(\"AbC\") == \"ABC\""));
  r.add(def("starts_with", {{"s", S}, {"prefix", S}}, Type::kBool, starts_with,
            "Whether s begins with prefix", "starts_with(\"arn:aws:s3\", \"arn:\")"));
  r.add(def("ends_with", {{"s", S}, {"suffix", S}}, Type::kBool, ends_with,
            "Whether s ends with suffix", "ends_with(\"s3:*\", \":*\")"));
  r.add(def("contains", {{"s", S}, {"sub", S}}, Type::kBool, contains,
            "Whether sub occurs in s", "contains(\"0.0.0.0/0\", \"/0\")"));
  r.add(def("split", {{"s", S}, {"sep", S}}, Type::kList, split,
            "The parts of s between occurrences of sep (an empty sep splits into characters)",
            "split(\"a,b,,c\", \",\") == [\"a\", \"b\", \"\", \"c\"]"));
  r.add(def("join", {{"list", Type::kList}, {"sep", S}}, S, join,
            "The strings of list with sep between them",
            "join([\"a\", \"b\"], \"-\") == \"a-b\""));
  r.add(def("trim", {{"s", S}}, S, trim, "s without leading and trailing ASCII whitespace",
            "trim(\"  a b \\n\") == \"a b\""));
  r.add(def("trim_prefix", {{"s", S}, {"prefix", S}}, S, trim_prefix,
            "s without prefix, when it starts with it",
            "trim_prefix(\"arn:aws:iam\", \"arn:\") == \"aws:iam\""));
  r.add(def("trim_suffix", {{"s", S}, {"suffix", S}}, S, trim_suffix,
            "s without suffix, when it ends with it",
            "trim_suffix(\"main.tf\", \".tf\") == \"main\""));
  r.add(def("replace", {{"s", S}, {"old", S}, {"new", S}}, S, replace,
            "s with every occurrence of old replaced by new (s itself when old is empty)",
            "replace(\"a-b-c\", \"-\", \"_\") == \"a_b_c\""));
  r.add({.name = "format", .family = "strings", .params = {{"fmt", S}, {"args", Type::kAny}},
         .result = S, .variadic = true,
         .summary = "fmt with each {} replaced by the next argument's display text ({{ and }} "
                    "for literal braces); an error when placeholders and arguments differ in number",
         .example = "format(\"{} of {}\", 1, \"two\") == \"1 of two\"", .fn = format});
  r.add(def("substring", {{"s", S}, {"start", Type::kInt}, {"end", Type::kInt}}, S, substring,
            "The bytes of s from start up to end, both clamped to the string",
            "substring(\"policy\", 2, 100) == \"licy\""));
  r.add(def("index_of", {{"s", S}, {"sub", S}}, Type::kInt, index_of,
            "Byte offset of the first occurrence of sub in s, or -1",
            "index_of(\"a.b.c\", \".\") == 1 and index_of(\"abc\", \"x\") == -1"));
  r.add(def("repeat", {{"s", S}, {"n", Type::kInt}}, S, repeat,
            "s repeated n times (n from 0 to 1000000)", "repeat(\"ab\", 3) == \"ababab\""));
}

}  // namespace moat
