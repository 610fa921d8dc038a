// Version and date builtins.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "builtin_test_util.h"
#include "builtins/builtin.h"
#include "value/build.h"

namespace moat {
namespace {

std::string error_code(const Value& v) {
  return v.is_error() ? std::string(v.as_error().code) : "<not an error: " + to_json(v) + ">";
}

// The compiler's prepare step for a call whose arguments are all constants.
std::shared_ptr<const void> prepare(const BuiltinRegistry& registry, std::string_view name,
                                    const std::vector<Value>& args, std::string* error) {
  std::vector<const Value*> consts;
  for (const Value& a : args) consts.push_back(&a);
  return registry.find(name)->prepare(consts, error);
}

// Calls with the given prepared state, as the VM does at a prepared call site.
Value call_with_state(const BuiltinRegistry& registry, std::string_view name,
                      std::vector<Value> args, CallContext& ctx, const void* state) {
  ctx.set_prepared(state);
  Value v = testing::call(registry, name, std::move(args), ctx);
  ctx.set_prepared(nullptr);
  return v;
}

constexpr int64_t kNow = 1795910400;  // 2026-11-29T00:00:00Z
constexpr int64_t kMaxInt = std::numeric_limits<int64_t>::max();
constexpr int64_t kMinInt = std::numeric_limits<int64_t>::min();

class TimeBuiltinsTest : public ::testing::Test {
 protected:
  TimeBuiltinsTest() { register_time_builtins(registry_); }

  Value call(std::string_view name, std::vector<Value> args) {
    return testing::call(registry_, name, std::move(args), ctx_);
  }
  Value str(std::string_view s) { return make_string(arena_, s); }
  Value i(int64_t v) { return Value::integer(v); }
  Value missing() { return make_missing(arena_, Value::null(), str("x")); }

  Arena arena_;
  CallContext ctx_{arena_, kNow};
  BuiltinRegistry registry_;
};

// ------------------------------------------------------------ semver_compare

struct CompareCase {
  std::string_view a, b;
  int want;
};

TEST_F(TimeBuiltinsTest, SemverCompare) {
  const CompareCase cases[] = {
      {"3.9", "3.12", -1},
      {"3.12", "3.9", 1},
      {"1.2.3-rc1", "1.2.3", -1},
      {"1.2.3", "1.2.3-rc1", 1},
      {"v1.2.3", "1.2.3", 0},
      {"V2", "v2.0", 0},
      {"1.2", "1.2.0", 0},
      {"1", "1.0.0", 0},
      {"1.0.0", "1.0.1", -1},
      {"2.0.0", "10.0.0", -1},
      {"1.2.3.4", "1.2.3", 1},
      {"1.2.3.0", "1.2.3", 0},
      {"01.2", "1.2", 0},
      {"20.11.1", "20.9", 1},
      {"99999999999999999999.0", "99999999999999999998.9", 1},
      // The SemVer 2.0.0 precedence example, pairwise.
      {"1.0.0-alpha", "1.0.0-alpha.1", -1},
      {"1.0.0-alpha.1", "1.0.0-alpha.beta", -1},
      {"1.0.0-alpha.beta", "1.0.0-beta", -1},
      {"1.0.0-beta", "1.0.0-beta.2", -1},
      {"1.0.0-beta.2", "1.0.0-beta.11", -1},
      {"1.0.0-beta.11", "1.0.0-rc.1", -1},
      {"1.0.0-rc.1", "1.0.0", -1},
      {"1.0.0-rc.1", "1.0.0-rc.1", 0},
      {"1.0.0+build.1", "1.0.0", 0},
      {"1.0.0-rc.1+build.5", "1.0.0-rc.1", 0},
      // Tolerated forms.
      {"1.0rc9", "1.0rc10", -1},
      {"3.12.0b2", "3.12.0", -1},
      {"3.12.0a1", "3.12.0b1", -1},
      {"1.0.0-1", "1.0.0-alpha", -1},
  };
  for (const CompareCase& c : cases) {
    Value v = call("semver_compare", {str(c.a), str(c.b)});
    ASSERT_TRUE(v.is_int()) << c.a << " vs " << c.b << ": " << to_json(v);
    EXPECT_EQ(v.as_int(), c.want) << c.a << " vs " << c.b;
    Value r = call("semver_compare", {str(c.b), str(c.a)});
    EXPECT_EQ(r.as_int(), -c.want) << c.b << " vs " << c.a << " (antisymmetry)";
  }
}

TEST_F(TimeBuiltinsTest, SemverCompareRejectsNonVersions) {
  const std::string_view bad[] = {
      "",         "abc",   "python3.9",      "1..2",         "1.2.", "v",    "vv1",        "1.2-",
      "1.2+",     "1.2.x", "1.0.0-alpha..1", "1.0.0-alpha.", "1.2 ", " 1.2", "nodejs18.x", ".1",
      "1.2-rc_1", "-1",    "1.2.3-rc1+",     "1.2.3+a+b",
  };
  for (std::string_view b : bad) {
    EXPECT_EQ(error_code(call("semver_compare", {str(b), str("1.0")})), "parse_error") << b;
    EXPECT_EQ(error_code(call("semver_compare", {str("1.0"), str(b)})), "parse_error") << b;
  }
  EXPECT_EQ(error_code(call("semver_compare", {i(3), str("1.0")})), "type_error");
  EXPECT_EQ(error_code(call("semver_compare", {str("1.0"), Value::real(3.9)})), "type_error");
  EXPECT_TRUE(call("semver_compare", {missing(), str("1.0")}).is_missing());
  EXPECT_TRUE(call("semver_compare", {str("1.0"), missing()}).is_missing());
}

TEST_F(TimeBuiltinsTest, VersionPrepareRejectsBadLiteral) {
  for (std::string_view fn : {"semver_compare", "version_at_least"}) {
    std::string error;
    prepare(registry_, fn, {str("3.9"), str("3.x")}, &error);
    EXPECT_NE(error.find("'3.x' is not a version"), std::string::npos) << fn << ": " << error;
    error.clear();
    prepare(registry_, fn, {str("3.9"), str("3.12")}, &error);
    EXPECT_TRUE(error.empty()) << fn << ": " << error;
  }
}

TEST_F(TimeBuiltinsTest, VersionAtLeast) {
  struct Case {
    std::string_view v, min;
    bool want;
  };
  const Case cases[] = {
      {"3.12", "3.9", true},         {"3.9", "3.12", false},     {"1.2.3", "1.2.3", true},
      {"1.2.3-rc1", "1.2.3", false}, {"v2", "1.99", true},       {"20.9.0", "20.9", true},
      {"18", "20", false},           {"1.2.3+b", "1.2.3", true},
  };
  for (const Case& c : cases) {
    Value v = call("version_at_least", {str(c.v), str(c.min)});
    ASSERT_TRUE(v.is_bool()) << c.v << " >= " << c.min << ": " << to_json(v);
    EXPECT_EQ(v.as_bool(), c.want) << c.v << " >= " << c.min;
  }
  EXPECT_EQ(error_code(call("version_at_least", {str("latest"), str("1.0")})), "parse_error");
  EXPECT_EQ(error_code(call("version_at_least", {str("1.0"), i(1)})), "type_error");
  EXPECT_TRUE(call("version_at_least", {missing(), str("1.0")}).is_missing());
}

// ----------------------------------------------------------------------- now

TEST_F(TimeBuiltinsTest, NowIsTheEvaluationTime) {
  Value v = call("now", {});
  ASSERT_TRUE(v.is_int());
  EXPECT_EQ(v.as_int(), kNow);
  Arena other_arena;
  CallContext other(other_arena, 42);
  EXPECT_EQ(testing::call(registry_, "now", {}, other).as_int(), 42);
}

// ---------------------------------------------------------------------- date

TEST_F(TimeBuiltinsTest, Date) {
  struct Case {
    std::string_view s;
    int64_t want;
  };
  const Case cases[] = {
      {"1970-01-01", 0},
      {"2026-11-29", kNow},
      {"2026-11-29T00:00:00Z", kNow},
      {"2026-11-29T12:34:56Z", 1795955696},
      {"2026-11-29T12:34:56.789Z", 1795955696},  // fraction truncated
      {"2026-11-29T12:34:56,5Z", 1795955696},
      {"2026-11-29T13:34:56+01:00", 1795955696},
      {"2026-11-29T07:34:56-05:00", 1795955696},
      {"2026-11-29T18:04:56+05:30", 1795955696},
      {"2026-11-29T12:34:56+0000", 1795955696},
      {"2026-11-29T12:34:56-00:00", 1795955696},
      {"2026-11-29t12:34:56z", 1795955696},
      {"2026-11-29 12:34:56Z", 1795955696},
      {"2026-11-29T12:34:56", 1795955696},  // no offset: UTC
      {"2026-11-29T12:34Z", 1795955640},
      {"2026-11-30T00:30:00+01:00", kNow + 86400 - 1800},
      {"2024-02-29", 1709164800},
      {"2000-02-29", 951782400},
      {"1900-03-01", -2203891200},
      {"1969-12-31T23:59:59Z", -1},
      {"0000-01-01", -62167219200},
      {"9999-12-31T23:59:59Z", 253402300799},
      {"2016-12-31T23:59:60Z", 1483228800},  // leap second
  };
  for (const Case& c : cases) {
    Value v = call("date", {str(c.s)});
    ASSERT_TRUE(v.is_int()) << c.s << ": " << to_json(v);
    EXPECT_EQ(v.as_int(), c.want) << c.s;
  }
}

TEST_F(TimeBuiltinsTest, DateRejectsInvalidDates) {
  const std::string_view bad[] = {
      "2026-02-30",
      "2026-02-29",
      "1900-02-29",
      "2026-04-31",
      "2026-13-01",
      "2026-00-10",
      "2026-01-00",
      "2026-01-32",
      "2026-1-1",
      "26-01-01",
      "20260101",
      "+2026-01-01",
      "2026-01-01T25:00:00Z",
      "2026-01-01T24:00:00Z",
      "2026-01-01T12:60:00Z",
      "2026-01-01T12:00:61Z",
      "2026-01-01T12:00:00+24:00",
      "2026-01-01T12:00:00+01:60",
      "2026-01-01Z",
      "2026-01-01T",
      "2026-01-01T12",
      "2026-01-01T12:00:00.Z",
      "2026-01-01T12:00:00Zjunk",
      "2026-01-01T12:00:00+01:00x",
      "2026-01-01T12:00:00+1",
      "2026-01-01x",
      "",
      "yesterday",
      " 2026-01-01",
      "2026-01-01 ",
  };
  for (std::string_view b : bad) EXPECT_EQ(error_code(call("date", {str(b)})), "parse_error") << b;
  EXPECT_EQ(error_code(call("date", {i(0)})), "type_error");
  EXPECT_TRUE(call("date", {missing()}).is_missing());
}

TEST_F(TimeBuiltinsTest, DatePreparedLiteral) {
  std::string error;
  auto prepared = prepare(registry_, "date", {str("2026-11-29")}, &error);
  ASSERT_NE(prepared, nullptr);
  EXPECT_TRUE(error.empty());
  Value v = call_with_state(registry_, "date", {str("ignored")}, ctx_, prepared.get());
  EXPECT_EQ(v.as_int(), kNow);

  prepared = prepare(registry_, "date", {str("2026-02-30")}, &error);
  EXPECT_EQ(prepared, nullptr);
  EXPECT_NE(error.find("'2026-02-30' is not a date"), std::string::npos) << error;
}

// ------------------------------------------------------ format_date / _time

TEST_F(TimeBuiltinsTest, FormatDateAndTime) {
  struct Case {
    int64_t t;
    std::string_view date, time;
  };
  const Case cases[] = {
      {0, "1970-01-01", "1970-01-01T00:00:00Z"},
      {-1, "1969-12-31", "1969-12-31T23:59:59Z"},
      {kNow, "2026-11-29", "2026-11-29T00:00:00Z"},
      {1795955696, "2026-11-29", "2026-11-29T12:34:56Z"},
      {951782400, "2000-02-29", "2000-02-29T00:00:00Z"},
      {-2203891200, "1900-03-01", "1900-03-01T00:00:00Z"},
      {253402300799, "9999-12-31", "9999-12-31T23:59:59Z"},
      {-62167219200, "0000-01-01", "0000-01-01T00:00:00Z"},
  };
  for (const Case& c : cases) {
    Value d = call("format_date", {i(c.t)});
    Value t = call("format_time", {i(c.t)});
    ASSERT_TRUE(d.is_string() && t.is_string()) << c.t;
    EXPECT_EQ(d.as_string(), c.date) << c.t;
    EXPECT_EQ(t.as_string(), c.time) << c.t;
  }
  for (std::string_view fn : {"format_date", "format_time"}) {
    for (int64_t t : {int64_t{253402300800}, int64_t{-62167219201}, kMaxInt, kMinInt})
      EXPECT_EQ(error_code(call(fn, {i(t)})), "range_error") << fn << " " << t;
    EXPECT_EQ(error_code(call(fn, {str("2026-11-29")})), "type_error") << fn;
    EXPECT_EQ(error_code(call(fn, {Value::real(0.0)})), "type_error") << fn;
    EXPECT_TRUE(call(fn, {missing()}).is_missing()) << fn;
  }
}

// Every day of 1600-2399 (two full 400-year cycles) survives a round trip,
// and so do random instants of the four-digit years: the civil-date
// arithmetic agrees with itself and with the calendar rules date() checks.
TEST_F(TimeBuiltinsTest, DateRoundTripsEveryDay) {
  int64_t previous = 0;
  bool first = true;
  Arena scratch;
  CallContext ctx(scratch, kNow);
  const int64_t from = call("date", {str("1600-01-01")}).as_int();
  const int64_t to = call("date", {str("2400-01-01")}).as_int();
  ASSERT_EQ((to - from) / 86400, 2 * 146097);
  for (int64_t t = from; t < to; t += 86400) {
    scratch.reset();
    Value text = testing::call(registry_, "format_date", {Value::integer(t)}, ctx);
    ASSERT_TRUE(text.is_string()) << t;
    Value back = testing::call(registry_, "date", {text}, ctx);
    ASSERT_TRUE(back.is_int()) << text.as_string();
    ASSERT_EQ(back.as_int(), t) << text.as_string();
    if (!first) {
      ASSERT_EQ(t - previous, 86400);
    }
    previous = t;
    first = false;
  }
  std::mt19937_64 rng(7);
  for (int n = 0; n < 20000; ++n) {
    int64_t t = -62167219200 + static_cast<int64_t>(rng() % (253402300800ull + 62167219200ull));
    Value text = call("format_time", {i(t)});
    ASSERT_TRUE(text.is_string()) << t;
    Value back = call("date", {text});
    ASSERT_EQ(back.as_int(), t) << text.as_string();
  }
}

// ------------------------------------------------- days_between / add_days

TEST_F(TimeBuiltinsTest, DaysBetween) {
  struct Case {
    int64_t a, b, want;
  };
  const Case cases[] = {
      {0, 86400, 1},
      {0, 86399, 0},
      {86400, 0, -1},
      {0, -1, -1},  // floor, not truncation
      {0, 0, 0},
      {1767225600, 1772323200, 59},  // 2026-01-01 .. 2026-03-01
      {1704067200, 1709251200, 60},  // 2024-01-01 .. 2024-03-01
      {kNow, kNow + 365 * 86400, 365},
  };
  for (const Case& c : cases) {
    Value v = call("days_between", {i(c.a), i(c.b)});
    ASSERT_TRUE(v.is_int()) << c.a << ".." << c.b << ": " << to_json(v);
    EXPECT_EQ(v.as_int(), c.want) << c.a << ".." << c.b;
  }
  EXPECT_EQ(error_code(call("days_between", {i(kMinInt), i(kMaxInt)})), "overflow_error");
  EXPECT_EQ(error_code(call("days_between", {i(kMaxInt), i(kMinInt)})), "overflow_error");
  EXPECT_EQ(error_code(call("days_between", {i(1), str("2026-01-01")})), "type_error");
  EXPECT_EQ(error_code(call("days_between", {Value::real(1.0), i(1)})), "type_error");
  EXPECT_TRUE(call("days_between", {missing(), i(1)}).is_missing());
  EXPECT_TRUE(call("days_between", {i(1), missing()}).is_missing());
}

TEST_F(TimeBuiltinsTest, AddDays) {
  struct Case {
    int64_t t, n, want;
  };
  const Case cases[] = {
      {0, 1, 86400},
      {0, -1, -86400},
      {kNow, 0, kNow},
      {1772150400, 1, 1772236800},  // 2026-02-27 -> 2026-02-28
      {1772236800, 1, 1772323200},  // 2026-02-28 -> 2026-03-01
      {kNow, 90, kNow + 90 * 86400},
  };
  for (const Case& c : cases) {
    Value v = call("add_days", {i(c.t), i(c.n)});
    ASSERT_TRUE(v.is_int()) << c.t << " + " << c.n << ": " << to_json(v);
    EXPECT_EQ(v.as_int(), c.want) << c.t << " + " << c.n;
  }
  EXPECT_EQ(error_code(call("add_days", {i(0), i(kMaxInt)})), "overflow_error");
  EXPECT_EQ(error_code(call("add_days", {i(kMaxInt), i(1)})), "overflow_error");
  EXPECT_EQ(error_code(call("add_days", {i(kMinInt), i(-1)})), "overflow_error");
  EXPECT_EQ(error_code(call("add_days", {Value::real(1.5), i(1)})), "type_error");
  EXPECT_EQ(error_code(call("add_days", {i(1), str("1")})), "type_error");
  EXPECT_TRUE(call("add_days", {missing(), i(1)}).is_missing());
  EXPECT_TRUE(call("add_days", {i(1), missing()}).is_missing());
}

TEST_F(TimeBuiltinsTest, EveryBuiltinIsDocumented) {
  ASSERT_FALSE(registry_.all().empty());
  for (const BuiltinDef& d : registry_.all()) {
    EXPECT_EQ(d.family, "time") << d.name;
    EXPECT_FALSE(d.summary.empty()) << d.name;
    EXPECT_NE(d.example.find(std::string(d.name) + "("), std::string_view::npos) << d.name;
    EXPECT_NE(d.fn, nullptr) << d.name;
  }
}

}  // namespace
}  // namespace moat
