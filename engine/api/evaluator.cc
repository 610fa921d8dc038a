#include "check/checker.h"
#include "documents/json_reader.h"
#include "moat/moat.h"
#include "value/build.h"
#include "vm/vm.h"

namespace moat {

Evaluator::Evaluator(std::unique_ptr<Vm> vm) : vm_(std::move(vm)) {}
Evaluator::Evaluator(Evaluator&&) noexcept = default;
Evaluator& Evaluator::operator=(Evaluator&&) noexcept = default;
Evaluator::~Evaluator() = default;

EvalResult Evaluator::evaluate(const Document& doc) { return vm_->evaluate(doc); }

absl::StatusOr<Evaluator> Evaluator::create(std::shared_ptr<const Program> program, EvalOptions options) {
  if (!program) return absl::InvalidArgumentError("no compiled program");
  auto arena = std::make_shared<Arena>();
  std::vector<Value> values(program->params.size());
  std::vector<bool> set(program->params.size(), false);
  for (auto& [name, text] : options.params) {
    // Qualified names match exactly; plain names must be unambiguous.
    int found = -1;
    int matches = 0;
    for (size_t i = 0; i < program->params.size(); ++i) {
      const ParamInfo& p = program->params[i];
      if (p.qualified == name || p.name == name) {
        if (p.qualified == name) { found = static_cast<int>(i); matches = 1; break; }
        found = static_cast<int>(i);
        ++matches;
      }
    }
    if (matches == 0) {
      std::vector<std::string> names;
      for (const ParamInfo& p : program->params) names.push_back(p.name);
      std::string hint = closest_name(name, names);
      return absl::InvalidArgumentError("unknown parameter '" + name + "'" + (hint.empty() ? "" : " (did you mean '" + hint + "'?)"));
    }
    if (matches > 1)
      return absl::InvalidArgumentError("parameter '" + name + "' is declared in several packages; qualify it (package.name)");
    const ParamInfo& p = program->params[static_cast<size_t>(found)];
    Value v;
    JsonError err;
    if (!read_json(text, *arena, JsonLimits{}, &v, &err)) {
      // A bare word is a string: --param stage=prod
      v = make_string(*arena, text);
    }
    if (p.type == Type::kString && !v.is_string()) v = make_string(*arena, text);
    if (!type_accepts(p.type, v.kind()))
      return absl::InvalidArgumentError("parameter '" + p.qualified + "' expects " + std::string(type_name(p.type)) +
                                        ", got " + std::string(kind_name(v.kind())) + " '" + text + "'");
    if (p.type == Type::kFloat && v.is_int()) v = Value::real(static_cast<double>(v.as_int()));
    values[static_cast<size_t>(found)] = v;
    set[static_cast<size_t>(found)] = true;
  }
  for (size_t i = 0; i < program->params.size(); ++i) {
    if (set[i]) continue;
    const ParamInfo& p = program->params[i];
    if (!p.has_default) return absl::InvalidArgumentError("parameter '" + p.qualified + "' has no default; set it with --param " + p.name + "=VALUE");
    values[i] = p.default_value;
  }
  return Evaluator(std::make_unique<Vm>(std::move(program), std::move(options), std::move(values), std::move(arena)));
}

absl::StatusOr<int64_t> parse_date(std::string_view text) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  std::string t(text);
  int n = std::sscanf(t.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d", &y, &mo, &d, &h, &mi, &s);
  bool date_only = n == 3 && t.size() == 10;
  bool full = n == 6 && (t.size() == 19 || (t.size() == 20 && t.back() == 'Z'));
  if (!date_only && !full) return absl::InvalidArgumentError("invalid date '" + t + "': expected YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ");
  static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (mo < 1 || mo > 12 || d < 1 || d > kDays[mo - 1] || (mo == 2 && d == 29 && !leap) || h > 23 || mi > 59 || s > 59)
    return absl::InvalidArgumentError("invalid date '" + t + "'");
  // Days from civil (Howard Hinnant's algorithm, public domain description).
  int yy = y - (mo <= 2);
  int era = (yy >= 0 ? yy : yy - 399) / 400;
  unsigned yoe = static_cast<unsigned>(yy - era * 400);
  unsigned doy = (153u * static_cast<unsigned>(mo + (mo > 2 ? -3 : 9)) + 2) / 5 + static_cast<unsigned>(d) - 1;
  unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  int64_t days = static_cast<int64_t>(era) * 146097 + static_cast<int64_t>(doe) - 719468;
  return days * 86400 + h * 3600 + mi * 60 + s;
}

}  // namespace moat
