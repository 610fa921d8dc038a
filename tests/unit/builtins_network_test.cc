// Network builtins: the SSRF address forms are the point of these tables.
#include <gtest/gtest.h>

#include <memory>
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

class NetworkBuiltinsTest : public ::testing::Test {
 protected:
  NetworkBuiltinsTest() { register_network_builtins(registry_); }

  Value call(std::string_view name, std::vector<Value> args) {
    return testing::call(registry_, name, std::move(args), ctx_);
  }
  Value str(std::string_view s) { return make_string(arena_, s); }
  Value missing() { return make_missing(arena_, Value::null(), str("ip")); }

  Arena arena_;
  CallContext ctx_{arena_, kNow};
  BuiltinRegistry registry_;
};

std::string field(const Value& map, std::string_view key) {
  if (!map.is_map()) return "<not a map: " + to_json(map) + ">";
  const Value* v = map.as_map().find(key);
  return v == nullptr ? "<absent>" : to_json(*v);
}

// ------------------------------------------------------------------ parse_ip

struct ParseIpCase {
  std::string_view input;
  int version;
  std::string_view address;
};

TEST_F(NetworkBuiltinsTest, ParseIpAcceptsStandardAndSsrfForms) {
  const ParseIpCase cases[] = {
      {"127.0.0.1", 4, "127.0.0.1"},
      {"2130706433", 4, "127.0.0.1"},  // dotless decimal
      {"0x7f000001", 4, "127.0.0.1"},  // dotless hex
      {"0X7F000001", 4, "127.0.0.1"},
      {"017700000001", 4, "127.0.0.1"},  // dotless octal
      {"0x7f.0.0.1", 4, "127.0.0.1"},    // dotted hex
      {"0x7f.1", 4, "127.0.0.1"},        // hex, two parts
      {"0177.0.0.1", 4, "127.0.0.1"},    // dotted octal
      {"0177.0.0.01", 4, "127.0.0.1"},
      {"127.1", 4, "127.0.0.1"},       // short form a.b
      {"10.1.1", 4, "10.1.0.1"},       // short form a.b.c
      {"127.0.0.1.", 4, "127.0.0.1"},  // URL host with trailing dot
      {"169.254.169.254", 4, "169.254.169.254"},
      {"2852039166", 4, "169.254.169.254"},
      {"0xA9.0xFE.0xA9.0xFE", 4, "169.254.169.254"},
      {"0251.0376.0251.0376", 4, "169.254.169.254"},
      {"00251.00376.00251.00376", 4, "169.254.169.254"},  // zero padding
      {"169.254.43518", 4, "169.254.169.254"},
      {"169.16689662", 4, "169.254.169.254"},
      {"0", 4, "0.0.0.0"},
      {"0.0.0.0", 4, "0.0.0.0"},
      {"255.255.255.255", 4, "255.255.255.255"},
      {"4294967295", 4, "255.255.255.255"},
      {"::1", 6, "::1"},
      {"::", 6, "::"},
      {"[::1]", 6, "::1"},
      {"[::]", 6, "::"},
      {"[0000::1]", 6, "::1"},
      {"0:0:0:0:0:0:0:1", 6, "::1"},
      {"::ffff:169.254.169.254", 6, "::ffff:169.254.169.254"},
      {"::ffff:a9fe:a9fe", 6, "::ffff:169.254.169.254"},
      {"[::ffff:a9fe:a9fe]", 6, "::ffff:169.254.169.254"},
      {"0:0:0:0:0:ffff:169.254.169.254", 6, "::ffff:169.254.169.254"},
      {"::FFFF:127.0.0.1", 6, "::ffff:127.0.0.1"},
      {"fd00:ec2::254", 6, "fd00:ec2::254"},
      {"[fd00:ec2::254]", 6, "fd00:ec2::254"},
      {"FD00:0EC2:0000:0000:0000:0000:0000:0254", 6, "fd00:ec2::254"},
      {"2001:db8:0:0:1:0:0:1", 6, "2001:db8::1:0:0:1"},  // first longest run
      {"2001:0db8:0000:0000:0000:0000:0002:0001", 6, "2001:db8::2:1"},
      {"2001:db8:0:1:1:1:1:1", 6, "2001:db8:0:1:1:1:1:1"},  // one zero stays
      {"2001:db8:0:0:1:0:0:0", 6, "2001:db8:0:0:1::"},      // longer run wins
      {"::2:3:4:5:6:7:8", 6, "0:2:3:4:5:6:7:8"},
      {"1:2:3:4:5:6:7::", 6, "1:2:3:4:5:6:7:0"},
      {"1::", 6, "1::"},
      {"fe80::1", 6, "fe80::1"},
      {"64:ff9b::7f00:1", 6, "64:ff9b::7f00:1"},
      {"2606:4700:4700::1111", 6, "2606:4700:4700::1111"},
      {"::127.0.0.1", 6, "::7f00:1"},  // deprecated IPv4-compatible: not dotted
  };
  for (const ParseIpCase& c : cases) {
    Value v = call("parse_ip", {str(c.input)});
    EXPECT_EQ(field(v, "version"), std::to_string(c.version)) << c.input;
    EXPECT_EQ(field(v, "address"), "\"" + std::string(c.address) + "\"") << c.input;
  }
}

TEST_F(NetworkBuiltinsTest, ParseIpRejectsNonAddresses) {
  const std::string_view cases[] = {
      "",
      "localhost",
      "example.com",
      "169.254.169.254.nip.io",
      "1.2.3.4.5",
      "256.0.0.1",
      "1.2.3.256",
      "1.256.1",       // middle part of a short form is one byte
      "127.16777216",  // last part of a.b is 24 bits
      "4294967296",    // 2^32: rejected, not wrapped
      "7147006462",
      "0x100000000",
      "08.0.0.1",  // not octal
      "0x",
      "0xg",
      "1..2",
      ".1.2.3",
      "1.2.3.4..",
      "-1",
      "+1",
      " 127.0.0.1",
      "127.0.0.1 ",
      "1.2.3.4:80",
      "1.2.3.4/32",
      "[127.0.0.1]",
      "[::1",
      "::1]",
      "fe80::1%eth0",
      "fe80::1%25eth0",
      ":::",
      ":1::",
      "1:",
      "1:2:3:4:5:6:7:8:9",
      "1:2:3:4:5:6:7:8::",
      "1:2:3:4:5:6:7",
      "1::2::3",
      "12345::",
      "g::1",
      "::ffff:1.2.3",
      "::ffff:01.2.3.4",  // no octal inside IPv6
      "::ffff:0x7f.0.0.1",
      "::1.2.3.4:5",
      "1:2:3:4:5:6:7:1.2.3.4",
  };
  for (std::string_view c : cases) {
    Value v = call("parse_ip", {str(c)});
    EXPECT_EQ(error_code(v), "parse_error") << "'" << c << "' gave " << to_json(v);
  }
}

TEST_F(NetworkBuiltinsTest, ParseIpWrongTypeAndMissing) {
  EXPECT_EQ(error_code(call("parse_ip", {Value::integer(2130706433)})), "type_error");
  EXPECT_EQ(error_code(call("parse_ip", {Value::null()})), "type_error");
  EXPECT_TRUE(call("parse_ip", {missing()}).is_missing());
}

TEST_F(NetworkBuiltinsTest, IsIp) {
  EXPECT_TRUE(call("is_ip", {str("0x7f.1")}).as_bool());
  EXPECT_TRUE(call("is_ip", {str("[fd00:ec2::254]")}).as_bool());
  EXPECT_FALSE(call("is_ip", {str("metadata.google.internal")}).as_bool());
  EXPECT_FALSE(call("is_ip", {str("")}).as_bool());
  EXPECT_EQ(error_code(call("is_ip", {Value::boolean(true)})), "type_error");
  EXPECT_TRUE(call("is_ip", {missing()}).is_missing());
}

// ---------------------------------------------------------------- parse_cidr

struct ParseCidrCase {
  std::string_view input;
  int version;
  std::string_view network;
  int prefix;
};

TEST_F(NetworkBuiltinsTest, ParseCidr) {
  const ParseCidrCase cases[] = {
      {"10.0.0.0/8", 4, "10.0.0.0", 8},
      {"10.1.2.3/8", 4, "10.0.0.0", 8},  // host bits cleared
      {"172.16.0.0/12", 4, "172.16.0.0", 12},
      {"172.31.255.255/12", 4, "172.16.0.0", 12},
      {"0.0.0.0/0", 4, "0.0.0.0", 0},
      {"255.255.255.255/1", 4, "128.0.0.0", 1},
      {"192.168.1.1", 4, "192.168.1.1", 32},  // bare address
      {"192.168.1.1/32", 4, "192.168.1.1", 32},
      {"2001:db8::/32", 6, "2001:db8::", 32},
      {"2001:db8::1/128", 6, "2001:db8::1", 128},
      {"fd00:ec2::254/64", 6, "fd00:ec2::", 64},
      {"fe80::1/10", 6, "fe80::", 10},
      {"::/0", 6, "::", 0},
      {"::1", 6, "::1", 128},
      {"::ffff:10.0.0.0/104", 6, "::ffff:10.0.0.0", 104},
  };
  for (const ParseCidrCase& c : cases) {
    Value v = call("parse_cidr", {str(c.input)});
    EXPECT_EQ(field(v, "version"), std::to_string(c.version)) << c.input;
    EXPECT_EQ(field(v, "network"), "\"" + std::string(c.network) + "\"") << c.input;
    EXPECT_EQ(field(v, "prefix"), std::to_string(c.prefix)) << c.input;
  }
}

TEST_F(NetworkBuiltinsTest, ParseCidrRejectsBadRanges) {
  const std::string_view cases[] = {
      "",
      "foo",
      "10/8",
      "10.0/16",
      "0x0a.0.0.0/8",
      "010.0.0.0/8",
      "10.0.0.0/33",
      "10.0.0.0/",
      "10.0.0.0/-1",
      "10.0.0.0/+8",
      "10.0.0.0/08",
      "10.0.0.0/8/8",
      "10.0.0.0/a",
      "10.0.0.0/1000",
      "::/129",
      "[::1]/128",
      "fe80::%1/64",
      "/8",
      "2130706433/32",
      "10.0.0.0 /8",
  };
  for (std::string_view c : cases) {
    Value v = call("parse_cidr", {str(c)});
    EXPECT_EQ(error_code(v), "parse_error") << "'" << c << "' gave " << to_json(v);
  }
  EXPECT_EQ(error_code(call("parse_cidr", {Value::integer(8)})), "type_error");
  EXPECT_TRUE(call("parse_cidr", {missing()}).is_missing());
}

// ---------------------------------------------------------------- ip_in_cidr

struct InCidrCase {
  std::string_view ip;
  std::string_view cidr;
  bool want;
};

constexpr InCidrCase kInCidrCases[] = {
    {"10.1.2.3", "10.0.0.0/8", true},
    {"11.0.0.1", "10.0.0.0/8", false},
    {"9.255.255.255", "10.0.0.0/8", false},
    {"2130706433", "127.0.0.0/8", true},
    {"0x7f.1", "127.0.0.0/8", true},
    {"0177.0.0.1", "127.0.0.1/32", true},
    {"127.1", "127.0.0.1", true},
    {"10.1.1", "10.1.0.1/32", true},
    {"169.254.169.254", "169.254.0.0/16", true},
    {"2852039166", "169.254.169.254/32", true},
    {"::ffff:169.254.169.254", "169.254.0.0/16", true},
    {"::ffff:a9fe:a9fe", "169.254.169.254/32", true},
    {"::ffff:10.0.0.1", "10.0.0.0/8", true},
    {"::ffff:11.0.0.1", "10.0.0.0/8", false},
    {"10.0.0.1", "::ffff:0:0/96", true},
    {"10.0.0.1", "::ffff:10.0.0.0/104", true},
    {"11.0.0.1", "::ffff:10.0.0.0/104", false},
    {"1.2.3.4", "::/0", false},  // IPv6 "anywhere" is not IPv4 clients
    {"::1", "::/0", true},
    {"1.2.3.4", "0.0.0.0/0", true},
    {"::1", "0.0.0.0/0", false},
    {"fd00:ec2::254", "fc00::/7", true},
    {"[fd00:ec2::254]", "fd00:ec2::254/128", true},
    {"fd00:ec2::254", "10.0.0.0/8", false},
    {"10.0.0.1", "fc00::/7", false},
    {"172.31.255.255", "172.16.0.0/12", true},
    {"172.32.0.0", "172.16.0.0/12", false},
    {"172.15.255.255", "172.16.0.0/12", false},
    {"100.127.255.255", "100.64.0.0/10", true},
    {"100.128.0.0", "100.64.0.0/10", false},
    {"fe80::abcd", "fe80::/10", true},
    {"febf::1", "fe80::/10", true},
    {"fec0::1", "fe80::/10", false},
    {"2001:db8::1", "2001:db8::/32", true},
    {"2001:db9::1", "2001:db8::/32", false},
};

TEST_F(NetworkBuiltinsTest, IpInCidr) {
  for (const InCidrCase& c : kInCidrCases) {
    Value v = call("ip_in_cidr", {str(c.ip), str(c.cidr)});
    ASSERT_TRUE(v.is_bool()) << c.ip << " in " << c.cidr << ": " << to_json(v);
    EXPECT_EQ(v.as_bool(), c.want) << c.ip << " in " << c.cidr;
  }
}

TEST_F(NetworkBuiltinsTest, IpInCidrPreparedLiteralGivesSameAnswers) {
  for (const InCidrCase& c : kInCidrCases) {
    std::string error;
    std::vector<Value> args = {str(c.ip), str(c.cidr)};
    auto prepared = prepare(registry_, "ip_in_cidr", args, &error);
    ASSERT_TRUE(error.empty()) << error;
    ASSERT_NE(prepared, nullptr) << c.cidr;
    // The prepared range is used even though the argument differs.
    Value v =
        call_with_state(registry_, "ip_in_cidr", {str(c.ip), str("ignored")}, ctx_, prepared.get());
    ASSERT_TRUE(v.is_bool()) << to_json(v);
    EXPECT_EQ(v.as_bool(), c.want) << c.ip << " in " << c.cidr;
  }
}

TEST_F(NetworkBuiltinsTest, IpInCidrPrepareRejectsBadLiteral) {
  std::string error;
  auto prepared = prepare(registry_, "ip_in_cidr", {str("10.0.0.1"), str("10/8")}, &error);
  EXPECT_EQ(prepared, nullptr);
  EXPECT_NE(error.find("'10/8' is not a CIDR range"), std::string::npos) << error;

  // A range that is not a constant is left for run time.
  const BuiltinDef* def = registry_.find("ip_in_cidr");
  Value ip = str("10.0.0.1");
  const Value* const consts[] = {&ip, nullptr};
  error.clear();
  EXPECT_EQ(def->prepare({consts, 2}, &error), nullptr);
  EXPECT_TRUE(error.empty());
  // So is a constant of the wrong type: the checker reports that.
  Value eight = Value::integer(8);
  const Value* const wrong[] = {&ip, &eight};
  EXPECT_EQ(def->prepare({wrong, 2}, &error), nullptr);
  EXPECT_TRUE(error.empty());
}

TEST_F(NetworkBuiltinsTest, IpInCidrErrors) {
  EXPECT_EQ(error_code(call("ip_in_cidr", {str("example.com"), str("10.0.0.0/8")})), "parse_error");
  EXPECT_EQ(error_code(call("ip_in_cidr", {str("10.0.0.1"), str("10/8")})), "parse_error");
  EXPECT_EQ(error_code(call("ip_in_cidr", {Value::integer(1), str("10.0.0.0/8")})), "type_error");
  EXPECT_EQ(error_code(call("ip_in_cidr", {str("10.0.0.1"), Value::integer(8)})), "type_error");
  EXPECT_TRUE(call("ip_in_cidr", {missing(), str("10.0.0.0/8")}).is_missing());
  EXPECT_TRUE(call("ip_in_cidr", {str("10.0.0.1"), missing()}).is_missing());
}

// ------------------------------------------------------------------ ip_class

struct ClassCase {
  std::string_view ip;
  std::string_view cls;
};

constexpr ClassCase kClassCases[] = {
    {"127.0.0.1", "loopback"},
    {"127.255.255.254", "loopback"},
    {"2130706433", "loopback"},
    {"0x7f000001", "loopback"},
    {"017700000001", "loopback"},
    {"0x7f.1", "loopback"},
    {"0177.0.0.1", "loopback"},
    {"127.1", "loopback"},
    {"::1", "loopback"},
    {"[::1]", "loopback"},
    {"[0000::1]", "loopback"},
    {"::ffff:127.0.0.1", "loopback"},
    {"169.254.169.254", "metadata"},
    {"::ffff:169.254.169.254", "metadata"},
    {"0:0:0:0:0:ffff:169.254.169.254", "metadata"},
    {"::ffff:a9fe:a9fe", "metadata"},
    {"fd00:ec2::254", "metadata"},
    {"[fd00:ec2::254]", "metadata"},
    {"fd00:ec2:0:0:0:0:0:254", "metadata"},
    {"169.254.170.2", "metadata"},   // ECS task metadata
    {"169.254.170.23", "metadata"},  // EKS Pod Identity
    {"fd00:ec2::23", "metadata"},
    {"100.100.100.200", "metadata"},  // Alibaba Cloud, inside CGNAT
    {"192.0.0.192", "metadata"},      // Oracle Cloud legacy
    {"2852039166", "metadata"},
    {"0xa9fea9fe", "metadata"},
    {"0xA9.0xFE.0xA9.0xFE", "metadata"},
    {"0251.0376.0251.0376", "metadata"},
    {"169.254.43518", "metadata"},
    {"169.16689662", "metadata"},
    {"64:ff9b::a9fe:a9fe", "metadata"},  // through NAT64
    {"169.254.1.1", "link_local"},
    {"169.254.169.253", "link_local"},
    {"fe80::1", "link_local"},
    {"::ffff:169.254.0.1", "link_local"},
    {"10.0.0.1", "private"},
    {"10.1.1", "private"},
    {"012.0.0.1", "private"},
    {"172.16.0.1", "private"},
    {"172.31.255.255", "private"},
    {"192.168.1.1", "private"},
    {"100.64.0.1", "private"},
    {"100.127.255.255", "private"},
    {"fc00::1", "private"},
    {"fd12:3456::1", "private"},
    {"fd00:ec2::253", "private"},  // Route 53 resolver, not credentials
    {"fec0::1", "private"},
    {"::ffff:192.168.0.1", "private"},
    {"64:ff9b::a00:1", "private"},
    {"0.0.0.0", "unspecified"},
    {"0", "unspecified"},
    {"0x0", "unspecified"},
    {"::", "unspecified"},
    {"[::]", "unspecified"},
    {"::ffff:0.0.0.0", "unspecified"},
    {"224.0.0.1", "multicast"},
    {"239.255.255.250", "multicast"},
    {"ff02::1", "multicast"},
    {"255.255.255.255", "broadcast"},
    {"4294967295", "broadcast"},
    {"240.0.0.1", "reserved"},
    {"0.1.2.3", "reserved"},
    {"192.0.0.1", "reserved"},
    {"192.0.2.1", "reserved"},
    {"198.51.100.1", "reserved"},
    {"203.0.113.5", "reserved"},
    {"198.18.0.1", "reserved"},
    {"198.19.255.255", "reserved"},
    {"2001:db8::1", "reserved"},
    {"100::1", "reserved"},
    {"::2", "reserved"},
    {"::127.0.0.1", "reserved"},
    {"8.8.8.8", "public"},
    {"1.1.1.1", "public"},
    {"172.15.255.255", "public"},
    {"172.32.0.1", "public"},
    {"100.63.255.255", "public"},
    {"100.128.0.1", "public"},
    {"169.253.255.255", "public"},
    {"198.20.0.1", "public"},
    {"::ffff:8.8.8.8", "public"},
    {"64:ff9b::808:808", "public"},
    {"2606:4700:4700::1111", "public"},
    {"2a00:1450::1", "public"},
};

TEST_F(NetworkBuiltinsTest, IpClass) {
  for (const ClassCase& c : kClassCases) {
    Value v = call("ip_class", {str(c.ip)});
    ASSERT_TRUE(v.is_string()) << c.ip << ": " << to_json(v);
    EXPECT_EQ(v.as_string(), c.cls) << c.ip;
  }
}

TEST_F(NetworkBuiltinsTest, IpClassErrors) {
  EXPECT_EQ(error_code(call("ip_class", {str("metadata.google.internal")})), "parse_error");
  EXPECT_EQ(error_code(call("ip_class", {str("7147006462")})), "parse_error");
  EXPECT_EQ(error_code(call("ip_class", {Value::integer(2130706433)})), "type_error");
  EXPECT_TRUE(call("ip_class", {missing()}).is_missing());
  Value unknown = make_unknown(arena_, "unresolved Ref");
  EXPECT_TRUE(call("ip_class", {unknown}).is_unknown());
}

TEST_F(NetworkBuiltinsTest, IsInternalIpFollowsIpClass) {
  for (const ClassCase& c : kClassCases) {
    bool internal = c.cls == "loopback" || c.cls == "private" || c.cls == "link_local" ||
                    c.cls == "metadata" || c.cls == "unspecified";
    Value v = call("is_internal_ip", {str(c.ip)});
    ASSERT_TRUE(v.is_bool()) << c.ip << ": " << to_json(v);
    EXPECT_EQ(v.as_bool(), internal) << c.ip << " (" << c.cls << ")";
  }
}

TEST_F(NetworkBuiltinsTest, IsInternalIpErrors) {
  EXPECT_EQ(error_code(call("is_internal_ip", {str("localhost")})), "parse_error");
  EXPECT_EQ(error_code(call("is_internal_ip", {Value::real(1.0)})), "type_error");
  EXPECT_TRUE(call("is_internal_ip", {missing()}).is_missing());
}

// Messages quote attacker-controlled input, bounded.
TEST_F(NetworkBuiltinsTest, ErrorMessagesTruncateLongInput) {
  std::string long_input(10000, 'x');
  Value v = call("parse_ip", {str(long_input)});
  ASSERT_TRUE(v.is_error());
  EXPECT_LT(v.as_error().message.size(), 200u);
}

TEST_F(NetworkBuiltinsTest, EveryBuiltinIsDocumented) {
  ASSERT_FALSE(registry_.all().empty());
  for (const BuiltinDef& d : registry_.all()) {
    EXPECT_EQ(d.family, "network") << d.name;
    EXPECT_FALSE(d.summary.empty()) << d.name;
    EXPECT_NE(d.example.find(std::string(d.name) + "("), std::string_view::npos) << d.name;
    EXPECT_NE(d.fn, nullptr) << d.name;
    EXPECT_TRUE(d.strict) << d.name;
  }
}

}  // namespace
}  // namespace moat
