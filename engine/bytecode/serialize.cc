#include "bytecode/serialize.h"

#include <algorithm>
#include <cstring>
#include <optional>
#include <vector>

#include "bytecode/verify.h"
#include "value/build.h"

namespace moat {
namespace {

constexpr char kMagic[8] = {'M', 'O', 'A', 'T', 'P', 'R', 'O', 'G'};
constexpr size_t kHeaderSize = 8 + 4 + 8 + 8 + 8 + 8;
// Deeper than any literal the AST builder accepts (256 levels), so only a
// damaged blob hits it, and the decoder's recursion stays shallow.
constexpr int kMaxValueDepth = 300;
// Frame and stack sizes far above what the compiler emits (slots are 12-bit),
// so the VM's pointer arithmetic on them cannot overflow.
constexpr uint32_t kMaxFrame = 1u << 20;
constexpr uint32_t kNoFile = UINT32_MAX;  // a range with no source (the init chunk's HALT)

// Value tags in the byte stream (not Kind's numbering, which may change).
enum class Tag : uint8_t { kNull = 0, kFalse = 1, kTrue = 2, kInt = 3, kFloat = 4, kString = 5, kList = 6, kMap = 7 };

// 64-bit hash, 8 bytes per step; stable across runs (unlike absl::Hash).
class Hasher {
 public:
  void bytes(std::string_view s) {
    u64(s.size());
    size_t i = 0;
    for (; i + 8 <= s.size(); i += 8) {
      uint64_t w;
      std::memcpy(&w, s.data() + i, 8);
      mix(w);
    }
    uint64_t tail = 0;
    if (i < s.size()) std::memcpy(&tail, s.data() + i, s.size() - i);
    mix(tail);
  }
  void u64(uint64_t v) { mix(v); }
  uint64_t digest() const { return h_ ^ (h_ >> 29); }

 private:
  void mix(uint64_t w) {
    h_ ^= w;
    h_ *= 0x9E3779B97F4A7C15ull;
    h_ ^= h_ >> 32;
  }
  uint64_t h_ = 0xcbf29ce484222325ull;
};

uint64_t checksum(std::string_view payload) {
  Hasher h;
  h.bytes(payload);
  return h.digest();
}

// ---- writing

class Writer {
 public:
  void u8(uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void u32(uint32_t v) { raw(&v, 4); }
  void i32(int32_t v) { raw(&v, 4); }
  void u64(uint64_t v) { raw(&v, 8); }
  void str(std::string_view s) {
    u32(static_cast<uint32_t>(s.size()));
    out_.append(s.data(), s.size());
  }
  void strings(const std::vector<std::string>& v) {
    u32(static_cast<uint32_t>(v.size()));
    for (const std::string& s : v) str(s);
  }
  void range(const SourceRange& r) {
    u32(r.file);
    u32(r.begin);
    u32(r.end);
  }
  void words(const std::vector<uint32_t>& v) {
    u32(static_cast<uint32_t>(v.size()));
    raw(v.data(), v.size() * 4);
  }
  // False when the value is not something a program can hold as a constant.
  bool value(const Value& v) {
    switch (v.kind()) {
      case Kind::kNull: u8(uint8_t(Tag::kNull)); return true;
      case Kind::kBool: u8(uint8_t(v.as_bool() ? Tag::kTrue : Tag::kFalse)); return true;
      case Kind::kInt: u8(uint8_t(Tag::kInt)); u64(static_cast<uint64_t>(v.as_int())); return true;
      case Kind::kFloat: {
        uint64_t bits;
        double d = v.as_float();
        std::memcpy(&bits, &d, 8);
        u8(uint8_t(Tag::kFloat));
        u64(bits);
        return true;
      }
      case Kind::kString: u8(uint8_t(Tag::kString)); str(v.as_string()); return true;
      case Kind::kList:
        u8(uint8_t(Tag::kList));
        u32(v.as_list().size);
        for (const Value& item : v.as_list())
          if (!value(item)) return false;
        return true;
      case Kind::kMap:
        u8(uint8_t(Tag::kMap));
        u32(v.as_map().size);
        for (const Member& m : v.as_map()) {
          str(m.key.as_string());
          if (!value(m.value)) return false;
        }
        return true;
      case Kind::kMissing:
      case Kind::kUnknown:
      case Kind::kError: return false;
    }
    return false;
  }
  std::string take() { return std::move(out_); }

 private:
  void raw(const void* p, size_t n) { out_.append(static_cast<const char*>(p), n); }
  std::string out_;
};

// ---- reading

class Reader {
 public:
  explicit Reader(std::string_view bytes) : bytes_(bytes) {}

  bool ok() const { return !failed_; }
  const std::string& error() const { return error_; }
  size_t pos() const { return pos_; }
  size_t left() const { return bytes_.size() - pos_; }
  // What is being read, for the error message ("chunk 17"); only put into
  // words when reading fails, as the library has thousands of items.
  void set_context(const char* what, int64_t index = -1) {
    context_ = what;
    context_index_ = index;
  }

  void fail(const std::string& message) {
    if (failed_) return;
    failed_ = true;
    error_ = message + " at byte " + std::to_string(pos_);
    if (context_ != nullptr)
      error_ += std::string(" (") + context_ + (context_index_ >= 0 ? " " + std::to_string(context_index_) : "") + ")";
  }
  // A fixed-size little-endian scalar (0 once reading has failed).
  template <typename T>
  T scalar() {
    T v{};
    raw(&v, sizeof v);
    return v;
  }
  uint8_t u8() { return scalar<uint8_t>(); }
  uint32_t u32() { return scalar<uint32_t>(); }
  int32_t i32() { return scalar<int32_t>(); }
  uint64_t u64() { return scalar<uint64_t>(); }
  // A count of items each taking at least `min_bytes`: bounded by what is
  // left, so a damaged count cannot make the loader allocate gigabytes.
  uint32_t count(size_t min_bytes) {
    uint32_t n = u32();
    if (ok() && static_cast<uint64_t>(n) * min_bytes > left()) {
      fail("count " + std::to_string(n) + " exceeds the remaining bytes");
      return 0;
    }
    return ok() ? n : 0;
  }
  std::string_view str() {
    uint32_t n = count(1);
    if (!ok()) return {};
    std::string_view s = bytes_.substr(pos_, n);
    pos_ += n;
    return s;
  }
  std::vector<std::string> strings() {
    std::vector<std::string> out;
    uint32_t n = count(4);
    for (uint32_t i = 0; i < n && ok(); ++i) out.emplace_back(str());
    return out;
  }
  SourceRange range() {
    SourceRange r;
    r.file = u32();
    r.begin = u32();
    r.end = u32();
    return r;
  }
  std::vector<uint32_t> words() {
    uint32_t n = count(4);
    std::vector<uint32_t> out(n);
    raw(out.data(), size_t(n) * 4);
    return out;
  }
  Value value(Arena& arena, int depth = 0) {
    if (depth > kMaxValueDepth) {
      fail("value nested too deeply");
      return Value();
    }
    uint8_t tag = u8();
    if (!ok()) return Value();
    switch (static_cast<Tag>(tag)) {
      case Tag::kNull: return Value::null();
      case Tag::kFalse: return Value::boolean(false);
      case Tag::kTrue: return Value::boolean(true);
      case Tag::kInt: return Value::integer(static_cast<int64_t>(u64()));
      case Tag::kFloat: {
        uint64_t bits = u64();
        double d;
        std::memcpy(&d, &bits, 8);
        return Value::real(d);
      }
      case Tag::kString: {
        std::string_view s = str();
        return ok() ? make_string(arena, s) : Value();
      }
      case Tag::kList: {
        uint32_t n = count(1);
        std::vector<Value> items;
        items.reserve(n);
        for (uint32_t i = 0; i < n && ok(); ++i) items.push_back(value(arena, depth + 1));
        return ok() ? make_list(arena, items) : Value();
      }
      case Tag::kMap: {
        uint32_t n = count(5);
        std::vector<Member> members;
        members.reserve(n);
        for (uint32_t i = 0; i < n && ok(); ++i) {
          std::string_view key = str();
          if (!ok()) break;
          Value k = make_string(arena, key);
          members.push_back({k, value(arena, depth + 1)});
        }
        return ok() ? make_map(arena, members) : Value();
      }
    }
    fail("unknown value tag " + std::to_string(tag));
    return Value();
  }

 private:
  // Inlined: loading the library reads some 60,000 scalars.
  [[gnu::always_inline]] void raw(void* p, size_t n) {
    if (failed_ || n > left()) [[unlikely]] {
      fail("truncated");
      return;
    }
    if (n) std::memcpy(p, bytes_.data() + pos_, n);
    pos_ += n;
  }

  std::string_view bytes_;
  size_t pos_ = 0;
  bool failed_ = false;
  std::string error_;
  const char* context_ = nullptr;
  int64_t context_index_ = -1;
};

absl::Status bad(const std::string& what) { return absl::DataLossError("precompiled program: " + what); }

// Checks what the bytecode verifier does not: the tables around the code.
class TableChecker {
 public:
  TableChecker(const Program& p, const SourceSet& sources) : p_(p), sources_(sources) {}

  std::string check() {
    for (const Chunk& c : p_.chunks) {
      if (c.num_locals > kMaxFrame || c.max_stack > kMaxFrame) return c.name + ": frame size out of range";
      if (c.num_params > c.num_locals) return c.name + ": more parameters than locals";
      for (const SourceRange& r : c.ranges)
        if (!range_ok(r)) return c.name + ": source range out of bounds";
    }
    if (p_.init_chunk >= p_.chunks.size()) return "init chunk out of range";
    if (p_.params.size() > p_.num_globals) return "more parameters than globals";
    for (const ParamInfo& pi : p_.params) {
      if (pi.global >= p_.num_globals) return "parameter " + pi.qualified + ": global out of range";
      if (static_cast<uint8_t>(pi.type) > static_cast<uint8_t>(Type::kMap)) return "parameter " + pi.qualified + ": bad type";
    }
    for (const RuleInfo& r : p_.rules) {
      if (r.chunk >= p_.chunks.size()) return "rule " + r.id + ": chunk out of range";
      const Chunk& c = p_.chunks[r.chunk];
      auto slot_ok = [&](int32_t s) { return s >= -1 && (s < 0 || static_cast<uint32_t>(s) < c.num_locals); };
      if (!slot_ok(r.select_slot) || !slot_ok(r.subject_slot) || (r.select_slot >= 0 && r.subject_slot < 0))
        return "rule " + r.id + ": slot out of range";
      if (!range_ok(r.range)) return "rule " + r.id + ": source range out of bounds";
    }
    for (const auto& [type, rules] : p_.rules_by_type)
      for (uint32_t i : rules)
        if (i >= p_.rules.size()) return "rules_by_type[" + type + "]: rule out of range";
    for (uint32_t i : p_.document_rules)
      if (i >= p_.rules.size()) return "document_rules: rule out of range";
    return {};
  }

  // The VM casts a call site's prepared state to the type its builtin
  // prepares: the state must come from that same builtin. Runs after the
  // verifier, so instructions are whole and indexes in range.
  std::string check_prepared_sites() {
    for (const Chunk& c : p_.chunks) {
      for (uint32_t pc = 0; pc < c.code.size(); pc += 1 + kOpInfo[static_cast<size_t>(op_of(c.code[pc]))].extra_words) {
        if (op_of(c.code[pc]) != Op::CALL) continue;
        uint32_t prepared = c.code[pc + 1] >> 8;
        if (prepared != 0 && p_.prepared_calls[prepared - 1].builtin != operand_of(c.code[pc]))
          return c.name + " @" + std::to_string(pc) + ": prepared state belongs to another builtin";
      }
    }
    return {};
  }

  bool range_ok(const SourceRange& r) const {
    if (r.file == kNoFile) return true;
    if (r.file >= sources_.size()) return false;
    size_t size = sources_.file(r.file).text().size();
    return r.begin <= size && r.end <= size;
  }

 private:
  const Program& p_;
  const SourceSet& sources_;
};

// Whether `argc` arguments fit the builtin's signature.
bool arity_fits(const BuiltinDef& def, size_t argc) {
  size_t n = def.params.size();
  return def.variadic ? argc + 1 >= n : argc == n;
}

}  // namespace

uint64_t engine_fingerprint(const BuiltinRegistry& builtins) {
  Hasher h;
  h.u64(kProgramFormatVersion);
  h.u64(static_cast<uint64_t>(Op::kCount));
  for (const OpInfo& op : kOpInfo) {
    h.bytes(op.name);
    h.u64(op.extra_words);
    h.u64(static_cast<uint64_t>(static_cast<int64_t>(op.pops)));
    h.u64(static_cast<uint64_t>(static_cast<int64_t>(op.pushes)));
  }
  // Operand encodings the compiler and the VM share outside the table.
  h.u64(kInterpDisplay);
  h.u64(kReportPlacePair | kReportPlaceValue << 8 | kReportSubject << 16);
  h.u64(static_cast<uint64_t>(AccKind::kCount));
  h.u64(builtins.all().size());
  for (const BuiltinDef& d : builtins.all()) {
    h.bytes(d.name);
    h.bytes(d.family);
    h.u64(d.params.size());
    for (const Param& p : d.params) {
      h.bytes(p.name);
      h.u64(static_cast<uint64_t>(p.type));
    }
    h.u64(static_cast<uint64_t>(d.result) | uint64_t(d.variadic) << 8 | uint64_t(d.strict) << 9 |
          uint64_t(d.prepare != nullptr) << 10);
  }
  return h.digest();
}

uint64_t sources_fingerprint(const SourceSet& sources) {
  Hasher h;
  h.u64(sources.size());
  for (uint32_t i = 0; i < sources.size(); ++i) {
    h.bytes(sources.file(i).name());
    h.bytes(sources.file(i).text());
  }
  return h.digest();
}

absl::StatusOr<std::string> serialize_program(const Program& p, const Diagnostics& diagnostics) {
  if (p.prepared_calls.size() != p.prepared.size())
    return absl::InternalError("program has prepared builtin state without the arguments that built it");
  if (!p.sources) return absl::InternalError("program has no sources");
  Writer w;
  w.u32(static_cast<uint32_t>(p.sources->size()));

  w.u32(static_cast<uint32_t>(diagnostics.items().size()));
  for (const Diagnostic& d : diagnostics.items()) {
    w.u8(static_cast<uint8_t>(d.severity));
    w.range(d.range);
    w.str(d.message);
  }

  w.u32(static_cast<uint32_t>(p.constants.size()));
  for (size_t i = 0; i < p.constants.size(); ++i)
    if (!w.value(p.constants[i]))
      return absl::InternalError("constant " + std::to_string(i) + " is a " + std::string(kind_name(p.constants[i].kind())) +
                                 ", which a program cannot store");

  w.u32(static_cast<uint32_t>(p.chunks.size()));
  for (const Chunk& c : p.chunks) {
    w.str(c.name);
    w.u32(c.num_locals);
    w.u32(c.num_params);
    w.u32(c.max_stack);
    w.words(c.code);
    if (c.ranges.size() != c.code.size()) return absl::InternalError(c.name + ": position table does not cover the code");
    // Runs of equal ranges: most instructions of an expression share one.
    std::vector<std::pair<uint32_t, SourceRange>> runs;
    for (const SourceRange& r : c.ranges) {
      if (!runs.empty() && runs.back().second.file == r.file && runs.back().second.begin == r.begin &&
          runs.back().second.end == r.end)
        ++runs.back().first;
      else
        runs.push_back({1, r});
    }
    w.u32(static_cast<uint32_t>(runs.size()));
    for (const auto& [n, r] : runs) {
      w.u32(n);
      w.range(r);
    }
  }

  w.u32(static_cast<uint32_t>(p.rules.size()));
  for (const RuleInfo& r : p.rules) {
    for (const std::string* s : {&r.id, &r.title, &r.severity, &r.category, &r.description, &r.remediation, &r.package})
      w.str(*s);
    w.strings(r.references);
    w.strings(r.tags);
    w.strings(r.formats);
    w.range(r.range);
    w.strings(r.select_types);
    w.u32(r.chunk);
    w.i32(r.select_slot);
    w.i32(r.subject_slot);
  }

  w.u32(static_cast<uint32_t>(p.params.size()));
  for (const ParamInfo& pi : p.params) {
    w.str(pi.name);
    w.str(pi.qualified);
    w.u8(static_cast<uint8_t>(pi.type));
    w.u8(pi.has_default ? 1 : 0);
    if (!w.value(pi.default_value)) return absl::InternalError("parameter " + pi.qualified + ": default cannot be stored");
    w.str(pi.doc);
    w.u32(pi.global);
  }
  w.u32(p.num_globals);
  w.u32(p.init_chunk);

  w.u32(static_cast<uint32_t>(p.prepared_calls.size()));
  for (const PreparedCall& pc : p.prepared_calls) {
    w.u32(pc.builtin);
    w.u32(static_cast<uint32_t>(pc.args.size()));
    for (const std::optional<Value>& a : pc.args) {
      w.u8(a ? 1 : 0);
      if (a && !w.value(*a)) return absl::InternalError("prepared argument cannot be stored");
    }
  }

  // Sorted, so the same program always gives the same bytes.
  std::vector<const std::pair<const std::string, std::vector<uint32_t>>*> by_type;
  for (const auto& entry : p.rules_by_type) by_type.push_back(&entry);
  std::sort(by_type.begin(), by_type.end(), [](auto* a, auto* b) { return a->first < b->first; });
  w.u32(static_cast<uint32_t>(by_type.size()));
  for (const auto* entry : by_type) {
    w.str(entry->first);
    w.words(entry->second);
  }
  w.words(p.document_rules);

  std::string payload = w.take();
  Writer header;
  for (char c : kMagic) header.u8(static_cast<uint8_t>(c));
  header.u32(kProgramFormatVersion);
  header.u64(engine_fingerprint(p.builtins));
  header.u64(sources_fingerprint(*p.sources));
  header.u64(payload.size());
  header.u64(checksum(payload));
  return header.take() + payload;
}

absl::StatusOr<LoadedProgram> deserialize_program(std::string_view bytes, std::shared_ptr<const SourceSet> sources,
                                                  DeserializeOptions options) {
  if (!sources) return absl::InvalidArgumentError("precompiled program: no sources given");
  if (bytes.size() < kHeaderSize) return bad("truncated header (" + std::to_string(bytes.size()) + " bytes)");
  if (std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0) return bad("not a compiled Moat program (bad magic)");
  Reader h(bytes.substr(sizeof kMagic, kHeaderSize - sizeof kMagic));
  uint32_t version = h.u32();
  uint64_t engine_fp = h.u64(), sources_fp = h.u64(), payload_size = h.u64(), payload_sum = h.u64();
  if (version != kProgramFormatVersion)
    return bad("format version " + std::to_string(version) + ", this engine reads version " +
               std::to_string(kProgramFormatVersion));
  auto program = std::make_shared<Program>();
  program->builtins = BuiltinRegistry::standard();
  if (engine_fp != engine_fingerprint(program->builtins))
    return bad("compiled by a different engine (its opcodes or builtins differ from this binary's)");
  if (!options.embedded && sources_fp != sources_fingerprint(*sources))
    return bad("compiled from different policy sources");
  std::string_view payload = bytes.substr(kHeaderSize);
  if (payload.size() != payload_size)
    return bad("payload is " + std::to_string(payload.size()) + " bytes, the header says " + std::to_string(payload_size));
  if (options.verify_checksum && !options.embedded && checksum(payload) != payload_sum) return bad("checksum mismatch (damaged bytes)");

  Reader r(payload);
  Program& p = *program;
  p.sources = sources;
  LoadedProgram out;

  r.set_context("file count");
  if (uint32_t files = r.u32(); r.ok() && files != sources->size())
    return bad(std::to_string(files) + " source files recorded, " + std::to_string(sources->size()) + " given");

  r.set_context("diagnostics");
  uint32_t ndiag = r.count(17);
  for (uint32_t i = 0; i < ndiag && r.ok(); ++i) {
    uint8_t severity = r.u8();
    SourceRange range = r.range();
    std::string message(r.str());
    if (severity > static_cast<uint8_t>(Severity::kNote)) r.fail("bad diagnostic severity");
    if (r.ok() && !TableChecker(p, *sources).range_ok(range)) r.fail("diagnostic range out of bounds");
    if (!r.ok()) break;
    switch (static_cast<Severity>(severity)) {
      case Severity::kError: out.diagnostics.error(range, std::move(message)); break;
      case Severity::kWarning: out.diagnostics.warning(range, std::move(message)); break;
      case Severity::kNote: out.diagnostics.note(range, std::move(message)); break;
    }
  }

  r.set_context("constants");
  uint32_t nconst = r.count(1);
  p.constants.reserve(nconst);
  for (uint32_t i = 0; i < nconst && r.ok(); ++i) p.constants.push_back(r.value(p.arena));

  uint32_t nchunks = r.count(24);
  p.chunks.resize(nchunks);
  for (uint32_t i = 0; i < nchunks && r.ok(); ++i) {
    r.set_context("chunk", i);
    Chunk& c = p.chunks[i];
    c.name = r.str();
    c.num_locals = r.u32();
    c.num_params = r.u32();
    c.max_stack = r.u32();
    c.code = r.words();
    uint32_t nruns = r.count(16);
    c.ranges.reserve(c.code.size());
    for (uint32_t k = 0; k < nruns && r.ok(); ++k) {
      uint32_t n = r.u32();
      SourceRange range = r.range();
      if (n > c.code.size() - c.ranges.size()) {
        r.fail("position table longer than the code");
        break;
      }
      c.ranges.insert(c.ranges.end(), n, range);
    }
    if (r.ok() && c.ranges.size() != c.code.size()) r.fail("position table shorter than the code");
  }

  uint32_t nrules = r.count(60);
  p.rules.resize(nrules);
  for (uint32_t i = 0; i < nrules && r.ok(); ++i) {
    r.set_context("rule", i);
    RuleInfo& info = p.rules[i];
    for (std::string* s : {&info.id, &info.title, &info.severity, &info.category, &info.description, &info.remediation,
                           &info.package})
      *s = r.str();
    info.references = r.strings();
    info.tags = r.strings();
    info.formats = r.strings();
    info.range = r.range();
    info.select_types = r.strings();
    info.chunk = r.u32();
    info.select_slot = r.i32();
    info.subject_slot = r.i32();
  }

  uint32_t nparams = r.count(16);
  p.params.resize(nparams);
  for (uint32_t i = 0; i < nparams && r.ok(); ++i) {
    r.set_context("parameter", i);
    ParamInfo& pi = p.params[i];
    pi.name = r.str();
    pi.qualified = r.str();
    pi.type = static_cast<Type>(r.u8());
    pi.has_default = r.u8() != 0;
    pi.default_value = r.value(p.arena);
    pi.doc = r.str();
    pi.global = r.u32();
  }
  r.set_context("globals");
  p.num_globals = r.u32();
  p.init_chunk = r.u32();

  uint32_t nprepared = r.count(8);
  for (uint32_t i = 0; i < nprepared && r.ok(); ++i) {
    r.set_context("prepared call", i);
    PreparedCall& site = p.prepared_calls.emplace_back();
    site.builtin = r.u32();
    uint32_t argc = r.count(1);
    for (uint32_t k = 0; k < argc && r.ok(); ++k) {
      bool present = r.u8() != 0;
      site.args.push_back(present ? std::optional<Value>(r.value(p.arena)) : std::nullopt);
    }
    if (!r.ok()) break;
    if (site.builtin >= p.builtins.all().size()) {
      r.fail("builtin " + std::to_string(site.builtin) + " out of range");
      break;
    }
    const BuiltinDef& def = p.builtins.at(site.builtin);
    if (def.prepare == nullptr || !arity_fits(def, argc)) {
      r.fail(std::string(def.name) + " cannot be prepared with " + std::to_string(argc) + " arguments");
      break;
    }
    // Prepared on first use (see PreparedSlot): the program was checked
    // when it was compiled, and a scan needs few of its patterns.
    p.prepared.push_back(std::make_unique<PreparedSlot>(def.prepare, site.args));
  }

  r.set_context("rules_by_type");
  uint32_t ntypes = r.count(8);
  for (uint32_t i = 0; i < ntypes && r.ok(); ++i) {
    std::string type(r.str());
    std::vector<uint32_t> rules = r.words();
    if (r.ok() && !p.rules_by_type.emplace(std::move(type), std::move(rules)).second) r.fail("duplicate resource type");
  }
  r.set_context("document_rules");
  p.document_rules = r.words();
  if (r.ok() && r.left() != 0) r.fail(std::to_string(r.left()) + " trailing bytes");
  if (!r.ok()) return bad(r.error());

  if (!options.embedded) {
    TableChecker tables(p, *sources);
    if (std::string problem = tables.check(); !problem.empty()) return bad(problem);
    std::vector<std::string> problems = verify_program(p);
    if (!problems.empty()) return bad("bytecode verification failed: " + problems.front());
    if (std::string problem = tables.check_prepared_sites(); !problem.empty()) return bad(problem);
  }

  out.program = std::move(program);
  return out;
}

}  // namespace moat
