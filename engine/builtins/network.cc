// Network builtins: IP addresses and CIDR ranges, for SSRF and exposure rules.
//
// The address parser is deliberately lenient about IPv4. A rule that asks
// "does this URL point at the metadata service?" is only as good as its
// parser: 2130706433, 0x7f.1 and 0177.0.0.1 all reach 127.0.0.1 through
// inet_aton() and the WHATWG URL parser, which is what an attacker's payload
// meets in a Lambda's HTTP client. So parse_ip accepts every IPv4 form those
// accept and reports the canonical dotted quad, and every other builtin here
// classifies the address that would really be contacted.
//
// CIDR literals are the opposite: they are written by policy authors, so they
// take only the plain dotted quad ("10/8" would silently mean 0.0.0.10/8 to
// inet_aton). ip_in_cidr pre-parses a literal range at compile time.
#include <array>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "builtins/builtin.h"
#include "value/build.h"

namespace moat {
namespace {

struct Ip {
  int version = 4;
  // Network byte order; an IPv4 address uses the first four bytes.
  std::array<uint8_t, 16> bytes{};
};

struct Cidr {
  Ip network;  // host bits cleared
  int prefix = 0;
};

Ip ipv4(uint32_t a) {
  Ip ip;
  ip.version = 4;
  for (int i = 0; i < 4; ++i) ip.bytes[i] = static_cast<uint8_t>(a >> (24 - 8 * i));
  return ip;
}

uint32_t v4_value(const Ip& ip) {
  return (uint32_t{ip.bytes[0]} << 24) | (uint32_t{ip.bytes[1]} << 16) |
         (uint32_t{ip.bytes[2]} << 8) | uint32_t{ip.bytes[3]};
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// One inet_aton component: "0x" hex, leading-zero octal, or decimal. Values
// past 2^32 are rejected rather than wrapped, as inet_aton and WHATWG do.
std::optional<uint64_t> parse_v4_number(std::string_view s) {
  if (s.empty()) return std::nullopt;
  int base = 10;
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    base = 16;
    s.remove_prefix(2);
  } else if (s.size() > 1 && s[0] == '0') {
    base = 8;
    s.remove_prefix(1);
  }
  uint64_t v = 0;
  for (char c : s) {
    int d = hex_digit(c);
    if (d < 0 || d >= base) return std::nullopt;
    v = v * base + d;
    if (v > 0xffffffffull) return std::nullopt;
  }
  return v;
}

// The inet_aton family: 1 to 4 parts, where the last part fills all the
// bytes the earlier ones did not ("127.1" is 127.0.0.1, "10.1.1" is
// 10.1.0.1). A single trailing dot is tolerated because URL hosts allow it.
std::optional<uint32_t> parse_ipv4_lenient(std::string_view s) {
  if (!s.empty() && s.back() == '.') s.remove_suffix(1);
  std::array<uint64_t, 4> parts{};
  size_t n = 0;
  while (true) {
    size_t dot = s.find('.');
    if (n == 4) return std::nullopt;
    std::optional<uint64_t> v = parse_v4_number(s.substr(0, dot));
    if (!v) return std::nullopt;
    parts[n++] = *v;
    if (dot == std::string_view::npos) break;
    s.remove_prefix(dot + 1);
  }
  uint64_t value = 0;
  for (size_t i = 0; i + 1 < n; ++i) {
    if (parts[i] > 255) return std::nullopt;
    value |= parts[i] << (24 - 8 * i);
  }
  uint64_t last_limit = 0xffffffffull >> (8 * (n - 1));
  if (parts[n - 1] > last_limit) return std::nullopt;
  return static_cast<uint32_t>(value | parts[n - 1]);
}

// Exactly four decimal octets without leading zeros: the form for CIDR
// literals and the tail of an IPv6 address, where "010" would be ambiguous.
std::optional<uint32_t> parse_ipv4_strict(std::string_view s) {
  uint32_t value = 0;
  for (int i = 0; i < 4; ++i) {
    size_t len = 0;
    uint32_t octet = 0;
    while (len < s.size() && is_digit(s[len])) {
      octet = octet * 10 + static_cast<uint32_t>(s[len] - '0');
      if (++len > 3) return std::nullopt;
    }
    if (len == 0 || octet > 255 || (len > 1 && s[0] == '0')) return std::nullopt;
    value = (value << 8) | octet;
    s.remove_prefix(len);
    if (i < 3) {
      if (s.empty() || s[0] != '.') return std::nullopt;
      s.remove_prefix(1);
    }
  }
  if (!s.empty()) return std::nullopt;
  return value;
}

// RFC 4291 text form, with an optional dotted-quad tail. Zone ids ("%eth0")
// are rejected: they name an interface, not an address a policy can judge.
std::optional<Ip> parse_ipv6(std::string_view s) {
  std::array<uint16_t, 8> groups{};
  int count = 0;
  int gap = -1;  // group index where "::" stands
  size_t i = 0;
  if (s.substr(0, 2) == "::") {
    gap = 0;
    i = 2;
  } else if (s.empty() || s[0] == ':') {
    return std::nullopt;
  }
  while (i < s.size()) {
    size_t end = s.find(':', i);
    if (end == std::string_view::npos) end = s.size();
    std::string_view token = s.substr(i, end - i);
    if (token.find('.') != std::string_view::npos) {
      std::optional<uint32_t> v4 = parse_ipv4_strict(token);
      if (!v4 || end != s.size() || count > 6) return std::nullopt;
      groups[count++] = static_cast<uint16_t>(*v4 >> 16);
      groups[count++] = static_cast<uint16_t>(*v4 & 0xffff);
      break;
    }
    if (token.empty() || token.size() > 4 || count == 8) return std::nullopt;
    uint32_t g = 0;
    for (char c : token) {
      int d = hex_digit(c);
      if (d < 0) return std::nullopt;
      g = g * 16 + static_cast<uint32_t>(d);
    }
    groups[count++] = static_cast<uint16_t>(g);
    if (end == s.size()) break;
    if (end + 1 < s.size() && s[end + 1] == ':') {
      if (gap >= 0) return std::nullopt;
      gap = count;
      i = end + 2;
    } else {
      i = end + 1;
      if (i == s.size()) return std::nullopt;  // trailing single ':'
    }
  }
  if (gap >= 0 ? count > 7 : count != 8) return std::nullopt;
  Ip ip;
  ip.version = 6;
  int tail = gap >= 0 ? count - gap : 0;
  for (int g = 0; g < count; ++g) {
    int slot = (gap >= 0 && g >= gap) ? 8 - tail + (g - gap) : g;
    ip.bytes[2 * slot] = static_cast<uint8_t>(groups[g] >> 8);
    ip.bytes[2 * slot + 1] = static_cast<uint8_t>(groups[g] & 0xff);
  }
  return ip;
}

std::optional<Ip> parse_ip(std::string_view s) {
  if (s.size() >= 2 && s.front() == '[' && s.back() == ']') {
    // A URL host: brackets only ever enclose IPv6.
    return parse_ipv6(s.substr(1, s.size() - 2));
  }
  if (s.find(':') != std::string_view::npos) return parse_ipv6(s);
  if (std::optional<uint32_t> v4 = parse_ipv4_lenient(s)) return ipv4(*v4);
  return std::nullopt;
}

bool is_v4_mapped(const Ip& ip) {
  if (ip.version != 6) return false;
  for (int i = 0; i < 10; ++i)
    if (ip.bytes[i] != 0) return false;
  return ip.bytes[10] == 0xff && ip.bytes[11] == 0xff;
}

// 64:ff9b::/96, the well-known NAT64 prefix: traffic to it is translated to
// the embedded IPv4 address, so it is classified as that address.
bool is_nat64(const Ip& ip) {
  static constexpr uint8_t kPrefix[12] = {0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0};
  if (ip.version != 6) return false;
  for (int i = 0; i < 12; ++i)
    if (ip.bytes[i] != kPrefix[i]) return false;
  return true;
}

Ip embedded_v4(const Ip& ip) {
  Ip out;
  out.version = 4;
  for (int i = 0; i < 4; ++i) out.bytes[i] = ip.bytes[12 + i];
  return out;
}

Ip mapped_v6(const Ip& v4) {
  Ip out;
  out.version = 6;
  out.bytes[10] = out.bytes[11] = 0xff;
  for (int i = 0; i < 4; ++i) out.bytes[12 + i] = v4.bytes[i];
  return out;
}

std::string format_ip(const Ip& ip) {
  char buf[64];
  if (ip.version == 4) {
    std::snprintf(buf, sizeof buf, "%u.%u.%u.%u", ip.bytes[0], ip.bytes[1], ip.bytes[2],
                  ip.bytes[3]);
    return buf;
  }
  if (is_v4_mapped(ip)) {
    // RFC 5952 section 5: mapped addresses keep their dotted tail.
    std::snprintf(buf, sizeof buf, "::ffff:%u.%u.%u.%u", ip.bytes[12], ip.bytes[13], ip.bytes[14],
                  ip.bytes[15]);
    return buf;
  }
  std::array<unsigned, 8> g{};
  for (int i = 0; i < 8; ++i) g[i] = (unsigned{ip.bytes[2 * i]} << 8) | ip.bytes[2 * i + 1];
  // RFC 5952 section 4.2: compress the first longest run of two or more
  // zero groups.
  int best = -1, best_len = 1;
  for (int i = 0; i < 8;) {
    if (g[i] != 0) {
      ++i;
      continue;
    }
    int j = i;
    while (j < 8 && g[j] == 0) ++j;
    if (j - i > best_len) best = i, best_len = j - i;
    i = j;
  }
  std::string out;
  for (int i = 0; i < 8; ++i) {
    if (i == best) {
      out += "::";
      i += best_len - 1;
      continue;
    }
    if (!out.empty() && out.back() != ':') out += ':';
    std::snprintf(buf, sizeof buf, "%x", g[i]);
    out += buf;
  }
  return out;
}

// CIDR literal: strict address, "/prefix" optional (a bare address is a
// single-host range, so lists of allowed hosts can mix both forms).
std::optional<Cidr> parse_cidr(std::string_view s) {
  size_t slash = s.find('/');
  std::string_view addr = s.substr(0, slash);
  Cidr c;
  if (addr.find(':') != std::string_view::npos) {
    std::optional<Ip> ip = parse_ipv6(addr);
    if (!ip) return std::nullopt;
    c.network = *ip;
  } else {
    std::optional<uint32_t> v4 = parse_ipv4_strict(addr);
    if (!v4) return std::nullopt;
    c.network = ipv4(*v4);
  }
  int max = c.network.version == 4 ? 32 : 128;
  c.prefix = max;
  if (slash != std::string_view::npos) {
    std::string_view p = s.substr(slash + 1);
    if (p.empty() || p.size() > 3 || (p.size() > 1 && p[0] == '0')) return std::nullopt;
    int v = 0;
    for (char ch : p) {
      if (!is_digit(ch)) return std::nullopt;
      v = v * 10 + (ch - '0');
    }
    if (v > max) return std::nullopt;
    c.prefix = v;
  }
  for (int bit = c.prefix; bit < max; ++bit)
    c.network.bytes[bit / 8] &= static_cast<uint8_t>(~(0x80u >> (bit % 8)));
  return c;
}

bool prefix_equal(const Ip& a, const Ip& b, int prefix) {
  int full = prefix / 8;
  for (int i = 0; i < full; ++i)
    if (a.bytes[i] != b.bytes[i]) return false;
  int rest = prefix % 8;
  if (rest == 0) return true;
  uint8_t mask = static_cast<uint8_t>(0xff00u >> rest);
  return (a.bytes[full] & mask) == (b.bytes[full] & mask);
}

// An IPv4-mapped address is the IPv4 host it maps to. The converse holds
// only inside ::ffff:0:0/96: "::/0" means every IPv6 client, not IPv4 ones.
bool cidr_contains(const Cidr& c, Ip ip) {
  if (c.network.version == 4 && is_v4_mapped(ip)) ip = embedded_v4(ip);
  if (c.network.version == 6 && ip.version == 4 && c.prefix >= 96 && is_v4_mapped(c.network))
    ip = mapped_v6(ip);
  return ip.version == c.network.version && prefix_equal(ip, c.network, c.prefix);
}

bool in_v4(uint32_t a, uint32_t net, int prefix) {
  return prefix == 0 || (a >> (32 - prefix)) == (net >> (32 - prefix));
}

std::string_view classify_v4(uint32_t a) {
  // Cloud credential endpoints, checked first because they sit inside the
  // link-local and CGNAT ranges: AWS IMDS (also Azure, GCP, OCI), ECS task
  // metadata, EKS Pod Identity, Alibaba Cloud, Oracle Cloud legacy.
  static constexpr uint32_t kMetadata[] = {0xa9fea9fe, 0xa9feaa02, 0xa9feaa17, 0x646464c8,
                                           0xc00000c0};
  if (a == 0) return "unspecified";
  for (uint32_t m : kMetadata)
    if (a == m) return "metadata";
  if (in_v4(a, 0x7f000000, 8)) return "loopback";
  if (in_v4(a, 0xa9fe0000, 16)) return "link_local";
  if (in_v4(a, 0x0a000000, 8) || in_v4(a, 0xac100000, 12) || in_v4(a, 0xc0a80000, 16) ||
      in_v4(a, 0x64400000, 10))
    return "private";
  if (in_v4(a, 0xe0000000, 4)) return "multicast";
  if (a == 0xffffffff) return "broadcast";
  // "This network", IETF protocol assignments, the three documentation
  // nets, benchmarking, the 6to4 relay anycast and the old class E.
  if (in_v4(a, 0, 8) || in_v4(a, 0xc0000000, 24) || in_v4(a, 0xc0000200, 24) ||
      in_v4(a, 0xc6336400, 24) || in_v4(a, 0xcb007100, 24) || in_v4(a, 0xc6120000, 15) ||
      in_v4(a, 0xc0586300, 24) || in_v4(a, 0xf0000000, 4))
    return "reserved";
  return "public";
}

// IPv6 ranges in precedence order: the first match wins.
struct V6Range {
  std::string_view cidr;
  std::string_view cls;
};
constexpr V6Range kV6Ranges[] = {
    {"::/128", "unspecified"},
    {"::1/128", "loopback"},
    // AWS IMDS and EKS Pod Identity over IPv6, inside fc00::/7.
    {"fd00:ec2::254/128", "metadata"},
    {"fd00:ec2::23/128", "metadata"},
    {"fe80::/10", "link_local"},
    {"fc00::/7", "private"},
    // Deprecated site-local: still internal wherever it is used.
    {"fec0::/10", "private"},
    {"ff00::/8", "multicast"},
    {"2001:db8::/32", "reserved"},  // documentation
    {"100::/64", "reserved"},       // discard
    {"2000::/3", "public"},
};

std::string_view classify(const Ip& ip) {
  if (ip.version == 4) return classify_v4(v4_value(ip));
  if (is_v4_mapped(ip) || is_nat64(ip)) return classify_v4(v4_value(embedded_v4(ip)));
  static const std::vector<std::pair<Cidr, std::string_view>> ranges = [] {
    std::vector<std::pair<Cidr, std::string_view>> out;
    for (const V6Range& r : kV6Ranges) out.emplace_back(*parse_cidr(r.cidr), r.cls);
    return out;
  }();
  for (const auto& [cidr, cls] : ranges)
    if (prefix_equal(ip, cidr.network, cidr.prefix)) return cls;
  return "reserved";
}

bool is_internal_class(std::string_view c) {
  return c == "loopback" || c == "private" || c == "link_local" || c == "metadata" ||
         c == "unspecified";
}

// Attacker-controlled text is echoed into messages, so keep it short.
std::string quoted(std::string_view s) {
  constexpr size_t kMax = 64;
  if (s.size() <= kMax) return "'" + std::string(s) + "'";
  return "'" + std::string(s.substr(0, kMax)) + "...'";
}

// Parses an IP argument or produces the error value to return.
std::optional<Ip> ip_arg(CallContext& ctx, std::string_view fn, std::string_view param,
                         const Value& v, Value* err) {
  if (!v.is_string()) {
    *err = ctx.type_error(fn, param, "string", v);
    return std::nullopt;
  }
  std::optional<Ip> ip = parse_ip(v.as_string());
  if (!ip)
    *err = ctx.error("parse_error",
                     std::string(fn) + ": " + quoted(v.as_string()) + " is not an IP address");
  return ip;
}

Value parse_ip_fn(CallContext& ctx, std::span<const Value> args) {
  Value err;
  std::optional<Ip> ip = ip_arg(ctx, "parse_ip", "s", args[0], &err);
  if (!ip) return err;
  Member members[] = {
      {Value::string("version"), Value::integer(ip->version)},
      {Value::string("address"), make_string(ctx.arena(), format_ip(*ip))},
  };
  return make_map_unique(ctx.arena(), members);
}

Value is_ip_fn(CallContext& ctx, std::span<const Value> args) {
  if (!args[0].is_string()) return ctx.type_error("is_ip", "s", "string", args[0]);
  return Value::boolean(parse_ip(args[0].as_string()).has_value());
}

Value parse_cidr_fn(CallContext& ctx, std::span<const Value> args) {
  if (!args[0].is_string()) return ctx.type_error("parse_cidr", "s", "string", args[0]);
  std::optional<Cidr> c = parse_cidr(args[0].as_string());
  if (!c)
    return ctx.error("parse_error",
                     "parse_cidr: " + quoted(args[0].as_string()) + " is not a CIDR range");
  Member members[] = {
      {Value::string("version"), Value::integer(c->network.version)},
      {Value::string("network"), make_string(ctx.arena(), format_ip(c->network))},
      {Value::string("prefix"), Value::integer(c->prefix)},
  };
  return make_map_unique(ctx.arena(), members);
}

std::shared_ptr<const void> prepare_ip_in_cidr(std::span<const Value* const> const_args,
                                               std::string* error) {
  if (const_args.size() < 2 || const_args[1] == nullptr || !const_args[1]->is_string())
    return nullptr;
  std::optional<Cidr> c = parse_cidr(const_args[1]->as_string());
  if (!c) {
    *error = quoted(const_args[1]->as_string()) + " is not a CIDR range";
    return nullptr;
  }
  return std::make_shared<const Cidr>(*c);
}

Value ip_in_cidr_fn(CallContext& ctx, std::span<const Value> args) {
  Value err;
  std::optional<Ip> ip = ip_arg(ctx, "ip_in_cidr", "ip", args[0], &err);
  if (!ip) return err;
  if (const auto* prepared = static_cast<const Cidr*>(ctx.prepared()))
    return Value::boolean(cidr_contains(*prepared, *ip));
  if (!args[1].is_string()) return ctx.type_error("ip_in_cidr", "cidr", "string", args[1]);
  std::optional<Cidr> c = parse_cidr(args[1].as_string());
  if (!c)
    return ctx.error("parse_error",
                     "ip_in_cidr: " + quoted(args[1].as_string()) + " is not a CIDR range");
  return Value::boolean(cidr_contains(*c, *ip));
}

Value ip_class_fn(CallContext& ctx, std::span<const Value> args) {
  Value err;
  std::optional<Ip> ip = ip_arg(ctx, "ip_class", "ip", args[0], &err);
  if (!ip) return err;
  return Value::string(classify(*ip));  // static storage
}

Value is_internal_ip_fn(CallContext& ctx, std::span<const Value> args) {
  Value err;
  std::optional<Ip> ip = ip_arg(ctx, "is_internal_ip", "ip", args[0], &err);
  if (!ip) return err;
  return Value::boolean(is_internal_class(classify(*ip)));
}

}  // namespace

void register_network_builtins(BuiltinRegistry& r) {
  r.add({
      .name = "parse_ip",
      .family = "network",
      .params = {{"s", Type::kString}},
      .result = Type::kMap,
      .summary = "Parses an IP address into {version, address} with the address in canonical "
                 "text (dotted quad, RFC 5952). Accepts every IPv4 form inet_aton accepts "
                 "(2130706433, 0x7f.1, 0177.0.0.1, 127.1) and bracketed IPv6; zone ids are "
                 "rejected. Error parse_error otherwise.",
      .example = R"(parse_ip("0x7f.1") == {version: 4, address: "127.0.0.1"})",
      .fn = parse_ip_fn,
  });
  r.add({
      .name = "is_ip",
      .family = "network",
      .params = {{"s", Type::kString}},
      .result = Type::kBool,
      .summary = "Whether parse_ip accepts the string: guards the other network builtins, which "
                 "return parse_error for host names.",
      .example = R"(is_ip("::ffff:169.254.169.254") and not is_ip("example.com"))",
      .fn = is_ip_fn,
  });
  r.add({
      .name = "parse_cidr",
      .family = "network",
      .params = {{"s", Type::kString}},
      .result = Type::kMap,
      .summary = "Parses a CIDR range into {version, network, prefix}, clearing host bits. The "
                 "address must be a plain dotted quad or IPv6; a bare address is a full-length "
                 "prefix. Error parse_error otherwise.",
      .example = R"(parse_cidr("10.1.2.3/8") == {version: 4, network: "10.0.0.0", prefix: 8})",
      .fn = parse_cidr_fn,
  });
  r.add({
      .name = "ip_in_cidr",
      .family = "network",
      .params = {{"ip", Type::kString}, {"cidr", Type::kString}},
      .result = Type::kBool,
      .summary = "Whether the address (any form parse_ip accepts) lies in the range. An "
                 "IPv4-mapped IPv6 address matches IPv4 ranges; a literal range is checked at "
                 "compile time.",
      .example = R"(ip_in_cidr("::ffff:10.0.0.1", "10.0.0.0/8"))",
      .fn = ip_in_cidr_fn,
      .prepare = prepare_ip_in_cidr,
  });
  r.add({
      .name = "ip_class",
      .family = "network",
      .params = {{"ip", Type::kString}},
      .result = Type::kString,
      .summary = "Classifies the address that would really be contacted: unspecified, metadata "
                 "(cloud credential endpoints such as 169.254.169.254, 169.254.170.2, "
                 "fd00:ec2::254), loopback, link_local, private (RFC 1918, CGNAT, fc00::/7), "
                 "multicast, broadcast, reserved or public. IPv4-mapped and NAT64 addresses are "
                 "classified by their IPv4 part.",
      .example = R"(ip_class("0xa9fea9fe") == "metadata" and ip_class("8.8.8.8") == "public")",
      .fn = ip_class_fn,
  });
  r.add({
      .name = "is_internal_ip",
      .family = "network",
      .params = {{"ip", Type::kString}},
      .result = Type::kBool,
      .summary = "Whether ip_class is loopback, private, link_local, metadata or unspecified: "
                 "the addresses an SSRF payload aims at.",
      .example = R"(is_internal_ip("2130706433") and not is_internal_ip("1.1.1.1"))",
      .fn = is_internal_ip_fn,
  });
}

}  // namespace moat
