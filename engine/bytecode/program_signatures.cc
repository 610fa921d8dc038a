#include "bytecode/program_signatures.h"

#include <mutex>
#include <vector>

namespace moat {

// Preparing every `signatures` call site here is what an evaluation that
// matches signatures at all would soon do anyway; a template scan never
// asks, so it never pays for the joined set.
const SignatureIndex* signature_index_of(const Program& p) {
  ProgramLazyState& lazy = *p.signature_index;
  std::call_once(lazy.once, [&p, &lazy] {
    std::vector<const SignatureSet*> sets;
    for (size_t i = 0; i < p.prepared.size() && i < p.prepared_calls.size(); ++i)
      if (p.builtins.at(p.prepared_calls[i].builtin).name == "signatures")
        sets.push_back(static_cast<const SignatureSet*>(p.prepared[i]->get()));
    lazy.state = std::shared_ptr<const SignatureIndex>(SignatureIndex::build(sets));
  });
  return static_cast<const SignatureIndex*>(lazy.state.get());
}

}  // namespace moat
