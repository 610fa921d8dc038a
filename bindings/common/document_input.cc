#include "document_input.h"

#include "documents/event_loader.h"

namespace moat::bindings {

namespace {

constexpr std::string_view kFormats[] = {"auto", "json", "yaml", "cloudformation", "serverless", "terraform-plan", "event"};

LoadedDocument as_event(std::shared_ptr<const Document> doc) {
  LoadedDocument out;
  out.document = std::move(doc);
  out.format = "event";
  return out;
}

// `loader(format)` loads through the template loaders; `load_event_input()`
// through the event loader. Kept generic over file and text so both entry
// points apply the same auto-detection rule as the CLI.
template <class TemplateLoad, class EventLoad>
absl::StatusOr<LoadedDocument> load(std::string_view input_format, TemplateLoad template_load, EventLoad event_load) {
  if (!is_input_format(input_format))
    return absl::InvalidArgumentError("unknown input format '" + std::string(input_format) +
                                      "' (expected auto, json, yaml, cloudformation, serverless, terraform-plan or event)");
  if (input_format == "event") {
    auto doc = event_load();
    if (!doc.ok()) return doc.status();
    return as_event(*std::move(doc));
  }
  TemplateOptions options;
  options.input_format = std::string(input_format);
  auto loaded = template_load(options);
  if (!loaded.ok()) return loaded.status();
  // As in `moat eval`: plain JSON that is a Lambda trigger payload is read
  // as an event, so injection rules see its decoded fields.
  if (input_format == "auto" && loaded->format == "json" && !detect_event_source(loaded->document->root()).empty()) {
    auto doc = event_load();
    if (!doc.ok()) return doc.status();
    return as_event(*std::move(doc));
  }
  return loaded;
}

}  // namespace

bool is_input_format(std::string_view input_format) {
  for (std::string_view f : kFormats)
    if (f == input_format) return true;
  return false;
}

absl::StatusOr<LoadedDocument> load_input_file(const std::string& path, std::string_view input_format) {
  return load(
      input_format, [&](const TemplateOptions& o) { return load_template_file(path, o); },
      [&] { return load_event_file(path); });
}

absl::StatusOr<LoadedDocument> load_input_text(std::string text, std::string name, std::string_view input_format) {
  // The event loader needs the text again after an auto-detected JSON load,
  // so the template loader gets a copy only in that case.
  const bool may_reload = input_format == "auto";
  return load(
      input_format,
      [&](const TemplateOptions& o) {
        return may_reload ? load_template(text, name, o) : load_template(std::move(text), name, o);
      },
      [&] { return load_event(std::move(text), name); });
}

}  // namespace moat::bindings
