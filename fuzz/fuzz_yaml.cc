// YAML text -> values (read_yaml), with a CloudFormation-like tag handler
// (chosen by the last input byte) or none, with or without positions.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "documents/yaml_reader.h"
#include "fuzz_walk.h"
#include "value/arena.h"
#include "value/build.h"

namespace {

// Like the CloudFormation loader's: !GetAtt A.B -> {"Fn::GetAtt": ["A", "B"]},
// !Ref needs a string, other tags -> {"Fn::<tag>": value}; "!Fail" rejects.
bool cfn_like(std::string_view tag, moat::Value value, moat::Arena& arena, moat::Value* out,
              std::string* error) {
  if (tag == "!Fail") {
    *error = "rejected tag";
    return false;
  }
  if (tag == "!Ref" && !value.is_string()) {
    *error = "!Ref needs a name";
    return false;
  }
  std::string name = tag.size() > 1 && tag[0] == '!' ? "Fn::" + std::string(tag.substr(1)) : std::string(tag);
  if (tag == "!GetAtt" && value.is_string()) {
    std::string_view s = value.as_string();
    size_t dot = s.find('.');
    if (dot == std::string_view::npos) {
      *error = "!GetAtt needs Resource.Attribute";
      return false;
    }
    moat::Value parts[2] = {moat::make_string(arena, s.substr(0, dot)), moat::make_string(arena, s.substr(dot + 1))};
    value = moat::make_list(arena, parts);
  }
  moat::Member member{moat::make_string(arena, name), value};
  *out = moat::make_map(arena, std::span<const moat::Member>(&member, 1));
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  uint8_t mode = size > 0 ? data[size - 1] : 0;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  moat::YamlLimits limits;
  limits.max_depth = 256;
  limits.max_nodes = 1'000'000;
  limits.max_alias_expansion = 100'000;
  limits.allow_duplicate_keys = mode & 2;
  limits.yaml11_booleans = mode & 4;
  moat::YamlTagHandler handler = cfn_like;
  moat::YamlPositions positions;
  moat::Arena arena(256u << 20);
  moat::Value root;
  moat::YamlError error;
  try {
    bool ok = moat::read_yaml(text, arena, limits, &root, &error, (mode & 8) ? &positions : nullptr,
                              (mode & 1) ? handler : moat::YamlTagHandler());
    if (ok) {
      moat_fuzz::walk(root);
    } else {
      (void)error.describe();
    }
  } catch (const moat::MemoryBudgetExceeded&) {
  }
  return 0;
}
