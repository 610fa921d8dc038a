// JSON text -> Moat values, in one pass and without an intermediate DOM.
//
// Documents are the bulk of what Moat reads (a Terraform plan or a large
// CloudFormation template can be hundreds of megabytes), so the reader
// builds Values straight into the document's arena and is hardened against
// hostile input: strict RFC 8259, UTF-8 validated everywhere, and limits on
// nesting, string size and value count that fail cleanly instead of
// overflowing the stack or exhausting memory.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "value/arena.h"
#include "value/value.h"

namespace moat {

struct JsonLimits {
  // Containers nested deeper than this are rejected (the reader does not
  // recurse, so this protects consumers of the values, not the reader).
  size_t max_depth = 512;
  // Longest string or key, in bytes after decoding escapes.
  size_t max_string_bytes = 64u << 20;
  // Total number of values (scalars and containers) in the document.
  size_t max_nodes = 50'000'000;
  // When true, a repeated key replaces the earlier value (keeping the first
  // key's position), as in make_map().
  bool allow_duplicate_keys = false;
};

struct JsonError {
  std::string message;
  // 1-based; column counts bytes (a leading UTF-8 BOM is not counted).
  uint32_t line = 0, column = 0;
  uint64_t offset = 0;  // byte offset into the text
  // The limit that stopped the read ("max_depth", "max_nodes",
  // "max_string_bytes"), empty for malformed input.
  std::string limit;

  // "message at line:column"
  std::string describe() const;
  // `message`, naming the command-line flag that changes the limit when a
  // limit stopped the read: "nesting depth exceeds 512 (--max-depth)".
  std::string message_with_flag() const;
};

// Parses `text` (one JSON value, optionally preceded by a UTF-8 BOM and
// surrounded by whitespace) into `*out`, allocating in `arena`. Returns false
// and fills `*error` on malformed input or when a limit is exceeded. The
// arena may throw MemoryBudgetExceeded; it propagates to the caller.
//
// Strings are copied into the arena (the values never point into `text`),
// unless `strings` is kViewText: then strings without escapes point into
// `text`, which must outlive the values (a Document keeps its text for
// source positions anyway; this saves the copy and a quarter of the arena).
// Object keys are interned per call, so repeated field names share one copy
// (except keys first seen past an object's 64th member, typically unique ids,
// and keys beyond the first 65,536 distinct ones). Every map and
// list records the byte offset of its '{' or '[' in `source_offset`
// (UINT32_MAX past 4 GiB) for location lookups (see source_position.h).
// Integers that fit int64 become ints; other numbers become floats. "-0" is
// the int 0; numbers too large for a double are an error ("number out of
// range"), too small ones become 0. `error` may be null.
enum class JsonStrings { kCopy, kViewText };

bool read_json(std::string_view text, Arena& arena, const JsonLimits& limits, Value* out,
               JsonError* error, JsonStrings strings = JsonStrings::kCopy);

}  // namespace moat
