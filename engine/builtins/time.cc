// Version and date builtins.
//
// Versions: rules compare runtime and library versions written by people
// ("python3.9" is stripped by the rule, "3.9" reaches us), so the comparison
// is tolerant where SemVer is strict (missing components are zero, a leading
// "v" is fine, "1.0rc1" is a pre-release) but never guesses at text that is
// not a version: that is an error a rule author should see.
//
// Dates: timestamps are Unix seconds (int) in UTC. The civil-date arithmetic
// is done here, not with timegm() or the C locale, so that results do not
// depend on the host's time zone database, and "now" is the evaluation time
// chosen by the caller, so a policy run is reproducible.
#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "builtins/builtin.h"
#include "value/build.h"

namespace moat {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// Attacker-controlled text is echoed into messages, so keep it short.
std::string quoted(std::string_view s) {
  constexpr size_t kMax = 64;
  if (s.size() <= kMax) return "'" + std::string(s) + "'";
  return "'" + std::string(s.substr(0, kMax)) + "...'";
}

// ---------------------------------------------------------------- versions

struct Version {
  std::string_view numbers;     // "1.2.3"
  std::string_view prerelease;  // "rc.1", empty for a release
};

size_t digit_run(std::string_view s, size_t i) {
  size_t j = i;
  while (j < s.size() && is_digit(s[j])) ++j;
  return j - i;
}

// [v]N(.N)*, then optionally -PRE or PRE starting with a letter, then
// optionally +BUILD (ignored, as SemVer says).
std::optional<Version> parse_version(std::string_view s) {
  if (!s.empty() && (s[0] == 'v' || s[0] == 'V')) s.remove_prefix(1);
  size_t i = 0;
  while (true) {
    size_t n = digit_run(s, i);
    if (n == 0) return std::nullopt;
    i += n;
    if (i + 1 < s.size() && s[i] == '.' && is_digit(s[i + 1])) {
      ++i;
      continue;
    }
    break;
  }
  Version v{s.substr(0, i), {}};
  std::string_view rest = s.substr(i);
  size_t plus = rest.find('+');
  std::string_view build =
      plus == std::string_view::npos ? std::string_view() : rest.substr(plus + 1);
  rest = rest.substr(0, plus);
  if (plus != std::string_view::npos && build.empty()) return std::nullopt;
  if (!rest.empty()) {
    if (rest[0] == '-')
      rest.remove_prefix(1);
    else if (!is_alpha(rest[0]))
      return std::nullopt;
    if (rest.empty()) return std::nullopt;
    v.prerelease = rest;
  }
  // Identifiers: non-empty runs of [0-9A-Za-z-] separated by dots.
  for (std::string_view ids : {v.prerelease, build}) {
    if (ids.empty()) continue;
    if (ids.front() == '.' || ids.back() == '.' || ids.find("..") != std::string_view::npos)
      return std::nullopt;
    for (char c : ids)
      if (!is_digit(c) && !is_alpha(c) && c != '-' && c != '.') return std::nullopt;
  }
  return v;
}

// Numbers of any length, compared without converting (no overflow).
int compare_digits(std::string_view a, std::string_view b) {
  while (a.size() > 1 && a[0] == '0') a.remove_prefix(1);
  while (b.size() > 1 && b[0] == '0') b.remove_prefix(1);
  if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
  int c = a.compare(b);
  return c < 0 ? -1 : c > 0 ? 1 : 0;
}

// Next dot-separated component, "0" once the list runs out.
std::string_view next_number(std::string_view& s) {
  if (s.empty()) return "0";
  size_t dot = s.find('.');
  std::string_view part = s.substr(0, dot);
  s = dot == std::string_view::npos ? std::string_view() : s.substr(dot + 1);
  return part;
}

// Pre-release identifiers compare run by run: digit runs as numbers, letter
// runs as ASCII, digits before letters. This agrees with SemVer wherever an
// identifier is all digits or all letters, and also orders "rc9" < "rc10".
int compare_identifier(std::string_view a, std::string_view b) {
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    bool da = is_digit(a[i]), db = is_digit(b[j]);
    if (da != db) return da ? -1 : 1;
    size_t ni = i, nj = j;
    while (ni < a.size() && is_digit(a[ni]) == da) ++ni;
    while (nj < b.size() && is_digit(b[nj]) == db) ++nj;
    std::string_view ra = a.substr(i, ni - i), rb = b.substr(j, nj - j);
    int c = da ? compare_digits(ra, rb) : ra.compare(rb);
    if (c != 0) return c < 0 ? -1 : 1;
    i = ni;
    j = nj;
  }
  if (i < a.size()) return 1;
  if (j < b.size()) return -1;
  return 0;
}

int compare_versions(const Version& a, const Version& b) {
  std::string_view x = a.numbers, y = b.numbers;
  while (!x.empty() || !y.empty())
    if (int c = compare_digits(next_number(x), next_number(y))) return c;
  // A release sorts after its pre-releases.
  if (a.prerelease.empty() || b.prerelease.empty())
    return a.prerelease.empty() == b.prerelease.empty() ? 0 : a.prerelease.empty() ? 1 : -1;
  x = a.prerelease;
  y = b.prerelease;
  while (!x.empty() && !y.empty()) {
    size_t dx = x.find('.'), dy = y.find('.');
    if (int c = compare_identifier(x.substr(0, dx), y.substr(0, dy))) return c;
    x = dx == std::string_view::npos ? std::string_view() : x.substr(dx + 1);
    y = dy == std::string_view::npos ? std::string_view() : y.substr(dy + 1);
  }
  return x.empty() == y.empty() ? 0 : x.empty() ? -1 : 1;
}

// Compares two version arguments; on failure returns false with *err set.
bool compare_args(CallContext& ctx, std::span<const Value> args, std::string_view fn,
                  std::string_view p0, std::string_view p1, int* out, Value* err) {
  const std::string_view names[] = {p0, p1};
  Version v[2];
  for (int i = 0; i < 2; ++i) {
    if (!args[i].is_string()) {
      *err = ctx.type_error(fn, names[i], "string", args[i]);
      return false;
    }
    std::optional<Version> parsed = parse_version(args[i].as_string());
    if (!parsed) {
      *err = ctx.error("parse_error",
                       std::string(fn) + ": " + quoted(args[i].as_string()) + " is not a version");
      return false;
    }
    v[i] = *parsed;
  }
  *out = compare_versions(v[0], v[1]);
  return true;
}

// A literal version is checked when the policy compiles, so a typo such as
// version_at_least(v, "3.x") is a diagnostic rather than an error at every
// evaluation.
std::shared_ptr<const void> prepare_versions(std::span<const Value* const> const_args,
                                             std::string* error) {
  for (const Value* v : const_args) {
    if (v != nullptr && v->is_string() && !parse_version(v->as_string())) {
      *error = quoted(v->as_string()) + " is not a version";
      return nullptr;
    }
  }
  return nullptr;
}

Value semver_compare_fn(CallContext& ctx, std::span<const Value> args) {
  int c = 0;
  Value err;
  if (!compare_args(ctx, args, "semver_compare", "a", "b", &c, &err)) return err;
  return Value::integer(c);
}

Value version_at_least_fn(CallContext& ctx, std::span<const Value> args) {
  int c = 0;
  Value err;
  if (!compare_args(ctx, args, "version_at_least", "v", "min", &c, &err)) return err;
  return Value::boolean(c >= 0);
}

// ---------------------------------------------------------------- dates

constexpr int64_t kSecondsPerDay = 86400;

bool is_leap(int64_t y) { return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0); }

int days_in_month(int64_t y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : kDays[m - 1];
}

// Days since 1970-01-01 in the proleptic Gregorian calendar. Counting years
// from March puts the leap day last, so each 400-year era has the same
// shape: 146097 days, the day of the era a closed formula.
int64_t days_from_civil(int64_t y, int m, int d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t year_of_era = y - era * 400;                             // [0, 399]
  const int64_t month_from_march = m > 2 ? m - 3 : m + 9;                // [0, 11]
  const int64_t day_of_year = (153 * month_from_march + 2) / 5 + d - 1;  // [0, 365]
  const int64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + day_of_era - 719468;  // 719468: days from 0000-03-01 to 1970-01-01
}

struct Civil {
  int64_t year;
  int month;
  int day;
};

// The inverse of days_from_civil.
Civil civil_from_days(int64_t days) {
  days += 719468;
  const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const int64_t day_of_era = days - era * 146097;  // [0, 146096]
  const int64_t year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const int64_t day_of_year =
      day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const int64_t month_from_march = (5 * day_of_year + 2) / 153;
  const int day = static_cast<int>(day_of_year - (153 * month_from_march + 2) / 5 + 1);
  const int month =
      static_cast<int>(month_from_march < 10 ? month_from_march + 3 : month_from_march - 9);
  return {year_of_era + era * 400 + (month <= 2), month, day};
}

// Reads exactly n digits at s[*i].
std::optional<int> fixed_digits(std::string_view s, size_t* i, size_t n) {
  if (*i + n > s.size()) return std::nullopt;
  int v = 0;
  for (size_t k = 0; k < n; ++k) {
    char c = s[*i + k];
    if (!is_digit(c)) return std::nullopt;
    v = v * 10 + (c - '0');
  }
  *i += n;
  return v;
}

bool expect(std::string_view s, size_t* i, char c) {
  if (*i < s.size() && s[*i] == c) {
    ++*i;
    return true;
  }
  return false;
}

// RFC 3339 / ISO 8601 extended: YYYY-MM-DD, optionally followed by
// T (or t or a space) HH:MM[:SS[.fraction]] and Z, +HH:MM, -HH:MM, +HHMM or
// nothing (UTC). Fractions are truncated; a leap second counts as :59 + 1.
std::optional<int64_t> parse_date(std::string_view s) {
  size_t i = 0;
  std::optional<int> y = fixed_digits(s, &i, 4);
  if (!y || !expect(s, &i, '-')) return std::nullopt;
  std::optional<int> mo = fixed_digits(s, &i, 2);
  if (!mo || !expect(s, &i, '-')) return std::nullopt;
  std::optional<int> d = fixed_digits(s, &i, 2);
  if (!d || *mo < 1 || *mo > 12 || *d < 1 || *d > days_in_month(*y, *mo)) return std::nullopt;
  int64_t t = days_from_civil(*y, *mo, *d) * kSecondsPerDay;
  if (i == s.size()) return t;
  if (s[i] != 'T' && s[i] != 't' && s[i] != ' ') return std::nullopt;
  ++i;
  std::optional<int> h = fixed_digits(s, &i, 2);
  if (!h || !expect(s, &i, ':')) return std::nullopt;
  std::optional<int> mi = fixed_digits(s, &i, 2);
  if (!mi) return std::nullopt;
  int sec = 0;
  if (expect(s, &i, ':')) {
    std::optional<int> sv = fixed_digits(s, &i, 2);
    if (!sv) return std::nullopt;
    sec = *sv;
    if (expect(s, &i, '.') || expect(s, &i, ',')) {
      size_t n = digit_run(s, i);
      if (n == 0) return std::nullopt;
      i += n;
    }
  }
  if (*h > 23 || *mi > 59 || sec > 60) return std::nullopt;
  t += *h * 3600 + *mi * 60 + sec;
  if (i == s.size()) return t;
  if (s[i] == 'Z' || s[i] == 'z')
    return i + 1 == s.size() ? std::optional<int64_t>(t) : std::nullopt;
  if (s[i] != '+' && s[i] != '-') return std::nullopt;
  int sign = s[i] == '+' ? 1 : -1;
  ++i;
  std::optional<int> oh = fixed_digits(s, &i, 2);
  if (!oh) return std::nullopt;
  expect(s, &i, ':');
  std::optional<int> om = fixed_digits(s, &i, 2);
  if (!om || *oh > 23 || *om > 59 || i != s.size()) return std::nullopt;
  // Local time = UTC + offset.
  return t - sign * (*oh * 3600 + *om * 60);
}

Value now_fn(CallContext& ctx, std::span<const Value>) { return Value::integer(ctx.now()); }

// A literal date is parsed once, when the policy compiles.
std::shared_ptr<const void> prepare_date(std::span<const Value* const> const_args,
                                         std::string* error) {
  if (const_args.empty() || const_args[0] == nullptr || !const_args[0]->is_string()) return nullptr;
  std::optional<int64_t> t = parse_date(const_args[0]->as_string());
  if (!t) {
    *error = quoted(const_args[0]->as_string()) + " is not a date";
    return nullptr;
  }
  return std::make_shared<const int64_t>(*t);
}

Value date_fn(CallContext& ctx, std::span<const Value> args) {
  if (const auto* prepared = static_cast<const int64_t*>(ctx.prepared()))
    return Value::integer(*prepared);
  if (!args[0].is_string()) return ctx.type_error("date", "s", "string", args[0]);
  std::optional<int64_t> t = parse_date(args[0].as_string());
  if (!t)
    return ctx.error("parse_error", "date: " + quoted(args[0].as_string()) + " is not a date");
  return Value::integer(*t);
}

int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

// Formats t as a date, and the time of day too when with_time.
Value format_timestamp(CallContext& ctx, std::span<const Value> args, std::string_view fn,
                       bool with_time) {
  if (!args[0].is_int()) return ctx.type_error(fn, "t", "int", args[0]);
  int64_t t = args[0].as_int();
  // Four-digit years only: anything else is not a date date() would read
  // back (and the check keeps the arithmetic below far from overflow).
  static const int64_t kMin = days_from_civil(0, 1, 1) * kSecondsPerDay;
  static const int64_t kMax = days_from_civil(10000, 1, 1) * kSecondsPerDay - 1;
  if (t < kMin || t > kMax)
    return ctx.error("range_error", std::string(fn) + ": timestamp " + std::to_string(t) +
                                        " is outside the years 0000-9999");
  int64_t days = floor_div(t, kSecondsPerDay);
  int64_t secs = t - days * kSecondsPerDay;
  Civil c = civil_from_days(days);
  char buf[32];
  int n = with_time ? std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ",
                                    static_cast<int>(c.year), c.month, c.day,
                                    static_cast<int>(secs / 3600), static_cast<int>(secs / 60 % 60),
                                    static_cast<int>(secs % 60))
                    : std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", static_cast<int>(c.year),
                                    c.month, c.day);
  return make_string(ctx.arena(), std::string_view(buf, static_cast<size_t>(n)));
}

Value format_date_fn(CallContext& ctx, std::span<const Value> args) {
  return format_timestamp(ctx, args, "format_date", false);
}

Value format_time_fn(CallContext& ctx, std::span<const Value> args) {
  return format_timestamp(ctx, args, "format_time", true);
}

Value overflow(CallContext& ctx, std::string_view fn) {
  return ctx.error("overflow_error", std::string(fn) + ": result does not fit in an int");
}

Value days_between_fn(CallContext& ctx, std::span<const Value> args) {
  if (!args[0].is_int()) return ctx.type_error("days_between", "a", "int", args[0]);
  if (!args[1].is_int()) return ctx.type_error("days_between", "b", "int", args[1]);
  int64_t diff;
  if (__builtin_sub_overflow(args[1].as_int(), args[0].as_int(), &diff))
    return overflow(ctx, "days_between");
  return Value::integer(floor_div(diff, kSecondsPerDay));
}

Value add_days_fn(CallContext& ctx, std::span<const Value> args) {
  if (!args[0].is_int()) return ctx.type_error("add_days", "t", "int", args[0]);
  if (!args[1].is_int()) return ctx.type_error("add_days", "n", "int", args[1]);
  int64_t delta, out;
  if (__builtin_mul_overflow(args[1].as_int(), kSecondsPerDay, &delta) ||
      __builtin_add_overflow(args[0].as_int(), delta, &out))
    return overflow(ctx, "add_days");
  return Value::integer(out);
}

}  // namespace

void register_time_builtins(BuiltinRegistry& r) {
  r.add({
      .name = "semver_compare",
      .family = "time",
      .params = {{"a", Type::kString}, {"b", Type::kString}},
      .result = Type::kInt,
      .summary = "Compares two versions: -1, 0 or 1. Tolerant: leading 'v', any number of "
                 "numeric components (missing ones are 0, so 1.2 == 1.2.0), numeric comparison "
                 "(3.9 < 3.12), a pre-release after '-' or a letter sorts before its release "
                 "(1.2.3-rc1 < 1.2.3, 1.0rc9 < 1.0rc10), '+build' is ignored. Error parse_error "
                 "for anything else.",
      .example = R"(semver_compare("3.9", "v3.12") == -1 and semver_compare("1.2", "1.2.0") == 0)",
      .fn = semver_compare_fn,
      .prepare = prepare_versions,
  });
  r.add({
      .name = "version_at_least",
      .family = "time",
      .params = {{"v", Type::kString}, {"min", Type::kString}},
      .result = Type::kBool,
      .summary = "Whether semver_compare(v, min) >= 0.",
      .example =
          R"(version_at_least("20.11.1", "20.9") and not version_at_least("1.2.3-rc1", "1.2.3"))",
      .fn = version_at_least_fn,
      .prepare = prepare_versions,
  });
  r.add({
      .name = "now",
      .family = "time",
      .params = {},
      .result = Type::kInt,
      .summary = "The evaluation time in Unix seconds, chosen by the caller (--now), never read "
                 "from the clock, so runs are reproducible.",
      .example = R"(days_between(now(), add_days(now(), 7)) == 7)",
      .fn = now_fn,
  });
  r.add({
      .name = "date",
      .family = "time",
      .params = {{"s", Type::kString}},
      .result = Type::kInt,
      .summary = "Unix seconds (UTC) of 'YYYY-MM-DD' (midnight) or 'YYYY-MM-DDTHH:MM[:SS[.f]]' "
                 "followed by Z, +HH:MM, -HH:MM or nothing (UTC). Fractions are truncated. "
                 "Error parse_error for anything else, including impossible dates "
                 "(2026-02-30).",
      .example = R"(date("2026-11-29T01:00:00+01:00") == date("2026-11-29"))",
      .fn = date_fn,
      .prepare = prepare_date,
  });
  r.add({
      .name = "format_date",
      .family = "time",
      .params = {{"t", Type::kInt}},
      .result = Type::kString,
      .summary = "The UTC date of Unix seconds t, as 'YYYY-MM-DD'. Error range_error outside "
                 "the years 0000-9999.",
      .example = R"(format_date(1764374400) == "2025-11-29")",
      .fn = format_date_fn,
  });
  r.add({
      .name = "format_time",
      .family = "time",
      .params = {{"t", Type::kInt}},
      .result = Type::kString,
      .summary = "Unix seconds t as 'YYYY-MM-DDTHH:MM:SSZ' (UTC). Error range_error outside the "
                 "years 0000-9999.",
      .example = R"(format_time(0) == "1970-01-01T00:00:00Z")",
      .fn = format_time_fn,
  });
  r.add({
      .name = "days_between",
      .family = "time",
      .params = {{"a", Type::kInt}, {"b", Type::kInt}},
      .result = Type::kInt,
      .summary = "Whole days from a to b (Unix seconds): floor((b - a) / 86400), negative when "
                 "b is earlier.",
      .example = R"(days_between(date("2026-01-01"), date("2026-03-01")) == 59)",
      .fn = days_between_fn,
  });
  r.add({
      .name = "add_days",
      .family = "time",
      .params = {{"t", Type::kInt}, {"n", Type::kInt}},
      .result = Type::kInt,
      .summary = "t plus n days of 86400 seconds (n may be negative). Error overflow_error on "
                 "overflow.",
      .example = R"(add_days(date("2026-02-28"), 1) == date("2026-03-01"))",
      .fn = add_days_fn,
  });
}

}  // namespace moat
