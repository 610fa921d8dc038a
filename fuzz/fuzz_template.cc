// Template text -> load_template with auto-detection (CloudFormation/SAM,
// serverless.yml, Terraform plan, plain JSON/YAML, whatever
// detect_input_format recognizes). The first byte picks the file name's
// extension, which decides between JSON and YAML syntax.
#include <cstddef>
#include <cstdint>
#include <string>

#include "documents/template_loader.h"
#include "fuzz_walk.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const char* const kNames[] = {"template.yaml", "template.json", "serverless.yml", "plan.json"};
  const char* name = kNames[size > 0 ? data[0] % 4 : 0];
  moat::TemplateOptions options;
  options.max_depth = 256;
  options.max_nodes = 1'000'000;
  options.max_alias_expansion = 100'000;
  auto loaded = moat::load_template(std::string(reinterpret_cast<const char*>(data), size), name, options);
  if (loaded.ok()) {
    for (const auto& w : loaded->warnings) (void)w.describe();
    moat_fuzz::walk(loaded->document->root());
  }
  return 0;
}
