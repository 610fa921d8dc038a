// Turning decisions into outcomes: FAIL findings from REPORT, UNKNOWN and
// ERROR outcomes from WHERE/FOR_CHECK, with the JSON pointer, subject,
// document location and policy position each one carries.
#include <algorithm>
#include <cctype>
#include <string>

#include "value/build.h"
#include "vm/describe.h"
#include "vm/vm.h"

namespace moat {

std::string describe(const Value& v) {
  std::string s(kind_name(v.kind()));
  if (v.is_string()) {
    std::string_view t = v.as_string();
    s += " \"" + std::string(t.substr(0, 40)) + (t.size() > 40 ? "...\"" : "\"");
  }
  return s;
}

std::string_view outcome_name(Outcome o) {
  switch (o) {
    case Outcome::kFail: return "fail";
    case Outcome::kUnknown: return "unknown";
    case Outcome::kError: return "error";
  }
  return "?";
}

std::string Vm::policy_position(uint32_t chunk, uint32_t pc) const {
  const Chunk& c = p_.chunks[chunk];
  if (pc >= c.ranges.size()) return "";
  SourceRange r = c.ranges[pc];
  if (r.file >= p_.sources->size()) return "";
  const SourceFile& f = p_.sources->file(r.file);
  LineCol lc = f.line_col(r.begin);
  return f.name() + ":" + std::to_string(lc.line) + ":" + std::to_string(lc.column);
}

// "NAME (file:line)" of the constant whose declaration starts at the
// instruction's position (`let NAME = ...`).
std::string Vm::constant_name(uint32_t chunk, uint32_t pc) const {
  const Chunk& c = p_.chunks[chunk];
  if (pc >= c.ranges.size() || c.ranges[pc].file >= p_.sources->size()) return "?";
  SourceRange r = c.ranges[pc];
  const SourceFile& f = p_.sources->file(r.file);
  std::string_view text = std::string_view(f.text()).substr(std::min<size_t>(r.begin, f.text().size()));
  if (text.starts_with("let")) text.remove_prefix(3);
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  size_t n = 0;
  while (n < text.size() && (std::isalnum(static_cast<unsigned char>(text[n])) || text[n] == '_')) ++n;
  return std::string(text.substr(0, n)) + " (" + f.name() + ":" + std::to_string(f.line_col(r.begin).line) + ")";
}

// Most paths lie inside the resource the rule selected: search that small
// subtree first; the document-wide parent index (built once, on demand)
// answers the rest, and every value once it exists.
std::optional<std::string> Vm::pointer_of(const void* identity) const {
  if (identity == nullptr) return std::nullopt;
  const RuleInfo& rule = p_.rules[current_rule_];
  auto within = [&](const Value& res, const Value& id) -> std::optional<std::string> {
    if (res.identity() == nullptr || !id.is_string()) return std::nullopt;
    std::string base = "/resources";
    append_pointer_token(base, id.as_string());
    return Document::pointer_within(res, base, identity);
  };
  // The resource the rule selected, then those it fetched with resource().
  auto in_resources = [&]() -> std::optional<std::string> {
    if (rule_locals_ != nullptr && rule.select_slot >= 0)
      if (auto p = within(rule_locals_[rule.select_slot], rule_locals_[rule.subject_slot])) return p;
    for (const auto& [res, id] : fetched_)
      if (auto p = within(res, id)) return p;
    return std::nullopt;
  };
  // Until the document's parent index exists, a value inside those
  // resources (most findings) is found by walks of them alone: building the
  // index costs a walk of the whole document.
  const bool indexed = doc_->has_parent_index();
  if (!indexed)
    if (auto p = in_resources()) return p;
  // The index settles the rest at once: a value the document does not hold
  // (a list the rule built) is in no resource either, and one with a single
  // place has that path whichever resource the rule looked at. Only a value
  // the document holds in several places is searched for, to prefer the
  // place inside the resource the finding is about.
  Document::Placement place = doc_->placement_of(identity);
  if (place.kind == Document::Placement::kAbsent) return std::nullopt;
  if (place.kind == Document::Placement::kUnique) return std::move(place.pointer);
  if (indexed)
    if (auto p = in_resources()) return p;
  return std::move(place.pointer);
}

std::string Vm::path_of_value(const Value& v) const {
  if (auto p = pointer_of(v.identity())) return *p;
  return {};
}

std::string Vm::path_of_place(const Value& container, const Value& key) const {
  auto base = pointer_of(container.identity());
  if (!base) return {};
  std::string out = *base;
  if (key.is_int()) append_pointer_token(out, std::to_string(key.as_int()));
  else if (key.is_string()) append_pointer_token(out, key.as_string());
  return out;
}

std::string Vm::default_path(Value* locals) const {
  const RuleInfo& rule = p_.rules[current_rule_];
  if (rule.select_slot >= 0) return path_of_value(locals[rule.select_slot]);
  return {};
}

std::string Vm::subject_of(const std::string& path, Value* locals) const {
  const RuleInfo& rule = p_.rules[current_rule_];
  if (rule.subject_slot >= 0 && locals[rule.subject_slot].is_string())
    return std::string(locals[rule.subject_slot].as_string());
  // Otherwise the resource the path lies in: /resources/<id>/...
  constexpr std::string_view kPrefix = "/resources/";
  if (path.compare(0, kPrefix.size(), kPrefix) == 0) {
    size_t end = path.find('/', kPrefix.size());
    std::string id = path.substr(kPrefix.size(), end == std::string::npos ? std::string::npos : end - kPrefix.size());
    for (size_t p; (p = id.find("~1")) != std::string::npos;) id.replace(p, 2, "/");
    for (size_t p; (p = id.find("~0")) != std::string::npos;) id.replace(p, 2, "~");
    return id;
  }
  return {};
}

void Vm::record(Outcome outcome, const Value& why, uint32_t chunk, uint32_t pc, Value* locals) {
  if (outcome == Outcome::kUnknown) {
    ++unknown_count_;
    if (!options_.report_unknown) return;
  }
  const RuleInfo& rule = p_.rules[current_rule_];
  Finding f;
  f.rule_id = rule.id;
  f.title = rule.title;
  f.severity = rule.severity;
  f.category = rule.category;
  f.outcome = outcome;
  f.policy_location = policy_position(chunk, pc);
  std::string path;
  if (why.is_missing()) {
    const MissingRep& m = why.as_missing();
    path = m.container.identity() ? path_of_place(m.container, m.key) : std::string();
    f.missing_path = path;
    std::string key = m.key.is_string() ? std::string(m.key.as_string()) : to_json(m.key);
    f.message = "cannot decide: '" + key + "' is missing" + (path.empty() ? "" : " at " + path);
  } else if (why.is_unknown()) {
    path = path_of_value(why);
    f.missing_path = path;
    f.message = "cannot decide: value is unknown before deployment (" + std::string(why.as_unknown().reason) + ")" +
                (path.empty() ? "" : " at " + path);
  } else if (why.is_error()) {
    f.message = std::string(why.as_error().message);
  } else {
    f.message = "expected a bool, got " + describe(why);
  }
  if (path.empty()) path = default_path(locals);
  f.path = path;
  f.subject = subject_of(path, locals);
  if (!path.empty()) f.location = doc_->locate(path);
  findings_.push_back(std::move(f));
}

void Vm::report(uint32_t flags, uint32_t iter_slot, uint32_t chunk, uint32_t pc, Value* locals, Value*& sp) {
  Value message = *--sp;
  std::string path;
  if (flags & 8) {
    const Value& coll = locals[iter_slot];
    int64_t pos = locals[iter_slot + 1].as_int() - 1;
    Value item;
    if (coll.is_list() && pos >= 0) {
      path = path_of_place(coll, Value::integer(pos));
      item = coll.as_list().items[pos];
    } else if (coll.is_map() && pos >= 0) {
      path = path_of_place(coll, coll.as_map().members[pos].key);
      item = coll.as_map().members[pos].value;
    }
    // A collection built by the rule (resources(), a comprehension) is not
    // in the document, but its elements may be.
    if (path.empty()) path = path_of_value(item);
  } else if (flags & kReportPlacePair) {
    Value key = *--sp;
    Value container = *--sp;
    path = path_of_place(container, key);
    if (path.empty() && container.is_map() && key.is_string())
      if (const Value* v = container.as_map().find(key.as_string())) path = path_of_value(*v);
  } else if (flags & kReportPlaceValue) {
    Value v = *--sp;
    path = path_of_value(v);
  }
  Value subject;
  if (flags & kReportSubject) subject = *--sp;
  if (message.is_error() || subject.is_error()) {
    // The finding cannot be stated: that is an error, never a finding with
    // "<error>" in its text.
    record(Outcome::kError, message.is_error() ? message : subject, chunk, pc, locals);
    return;
  }
  if (path.empty()) path = default_path(locals);
  const RuleInfo& rule = p_.rules[current_rule_];
  Finding f;
  f.rule_id = rule.id;
  f.title = rule.title;
  f.severity = rule.severity;
  f.category = rule.category;
  std::string text;
  append_display(message, text);
  f.message = std::move(text);
  f.path = path;
  if (subject.is_string()) f.subject = std::string(subject.as_string());
  else if (subject.is_undefined() || !(flags & kReportSubject)) f.subject = subject_of(path, locals);
  else append_display(subject, f.subject);
  if (!path.empty()) f.location = doc_->locate(path);
  f.policy_location = policy_position(chunk, pc);
  findings_.push_back(std::move(f));
}

}  // namespace moat
