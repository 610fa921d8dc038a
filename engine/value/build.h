// Constructors for values whose storage lives in an Arena.
#pragma once

#include <span>
#include <string_view>
#include <vector>

#include "value/arena.h"
#include "value/value.h"

namespace moat {

Value make_string(Arena& arena, std::string_view s);
Value make_list(Arena& arena, std::span<const Value> items, uint32_t source_offset = UINT32_MAX);
// Later members with an existing key replace earlier ones (the key keeps its
// first position). Builds the hash index when the map is large.
Value make_map(Arena& arena, std::span<const Member> members, uint32_t source_offset = UINT32_MAX);
// Like make_map but trusts that keys are distinct (the JSON reader checks).
Value make_map_unique(Arena& arena, std::span<const Member> members,
                      uint32_t source_offset = UINT32_MAX);

Value make_missing(Arena& arena, const Value& container, const Value& key);
Value make_unknown(Arena& arena, std::string_view reason);
Value make_error(Arena& arena, std::string_view code, std::string_view message);

// Field and index access with Moat's semantics: absent -> kMissing naming
// (container, key); access on a missing/unknown/error value returns it;
// access on a scalar is a type error.
Value get_field(Arena& arena, const Value& container, std::string_view key);
Value get_index(Arena& arena, const Value& container, const Value& key);

}  // namespace moat
