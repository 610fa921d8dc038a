// serverless.yml variables (${...}) resolved as far as the file alone
// decides them (docs/documents.md, "Serverless Framework"):
//   - ${self:a.b.0} reads the file (custom.*, provider.*, ...), itself
//     resolved; a missing path falls through to the next source.
//   - ${opt:stage} / ${sls:stage}: provider.stage when known, else "dev";
//     ${opt:region} / ${aws:region}: provider.region when known, else
//     "us-east-1". ${opt:X} without a value uses its fallback.
//   - Fallbacks: ${self:custom.x, 'literal'} / ${a, ${b}} / numbers.
//   - ${env:X}, ${ssm:...}, ${file(...)}, ${cf:...}, ${aws:...}, ${s3:...}
//     and unknown sources: an unknown whose reason keeps the reference text.
//   - A string with variables among other text is a string when every part
//     is known, else an unknown naming the text.
// Variables that reference each other in a loop, or nest deeper than
// kMaxDepth, become an unknown with a warning; resolved self: paths are
// memoized and the total work is capped: resolution always ends, quickly.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "documents/cloudformation/cfn_context.h"

namespace moat::sls {

class Variables {
 public:
  static constexpr int kMaxDepth = 32;

  // `root` is the raw serverless.yml; `positions` learns the rebuilt
  // containers (so locations still point into the file).
  Variables(cfn::Context& ctx, cfn::SourceMap& positions, const Value& root);

  // `v` with every variable resolved; containers without variables are
  // returned as they are (same identity).
  Value resolve(const Value& v) { return resolve_at(v, 0); }
  // The value as written for `v`, a container resolve() rebuilt (its
  // variables unresolved); `v` itself when it was not rebuilt. `native`
  // members keep the text the author wrote, so a rule tells ${ssm:} from
  // ${env:}.
  Value original(const Value& v) const {
    if (!v.is_map() && !v.is_list()) return v;
    auto it = originals_.find(v.identity());
    return it == originals_.end() ? v : it->second;
  }
  // The stage and region the file resolves to.
  const std::string& stage() const { return stage_; }
  const std::string& region() const { return region_; }

 private:
  Value resolve_at(const Value& v, int depth);
  Value resolve_string(std::string_view s, int depth, bool* changed);
  // One ${...} body (without the braces): its sources, first one that
  // yields a value.
  Value expression(std::string_view body, int depth);
  Value source(std::string_view src, int depth, bool* found);
  Value self_path(std::string_view path, int depth, bool* found);
  Value unknown(std::string_view reason);
  void warn_once(const std::string& message);

  cfn::Context& ctx_;
  cfn::SourceMap& positions_;
  Value root_;
  std::string stage_ = "dev";
  std::string region_ = "us-east-1";
  std::vector<std::string> visiting_;  // self: paths being resolved
  absl::flat_hash_set<std::string> warned_;  // messages given (at most kMaxWarnings + 1)
  static constexpr size_t kMaxWarnings = 100;
  absl::flat_hash_map<const void*, Value> originals_;  // rebuilt container -> as written
  absl::flat_hash_map<std::string, Value> cache_;  // self: paths resolved to known values
  size_t work_ = 0;                                 // expressions evaluated; capped at kMaxWork
  static constexpr size_t kMaxWork = 200'000;
};

// Top-level "a, b, 'c'" split at commas outside quotes, ${...} and (...).
std::vector<std::string_view> split_sources(std::string_view body);
// Offset of the '}' closing the "${" at `open`, or npos.
size_t closing_brace(std::string_view s, size_t open);

}  // namespace moat::sls
