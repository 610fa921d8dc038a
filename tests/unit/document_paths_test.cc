// Where a value sits in a document (Document::placement_of, pointer_of) and
// the paths findings get from it: a value held in one place has that path
// whichever resource a rule looked at; one held in several places (a loader
// may share a resolved value) is reported inside the resource the rule
// selected; a value the document does not hold has no path.
#include <gtest/gtest.h>

#include <string>

#include "documents/document.h"
#include "policy_test_util.h"
#include "value/build.h"

namespace moat {
namespace {

using testing::run_policy;
using testing::summarize;

TEST(DocumentPlacement, UniqueSharedAndAbsent) {
  Arena arena;
  Value shared = make_list(arena, std::vector<Value>{Value::string("x")});
  Value own = make_list(arena, std::vector<Value>{Value::string("y")});
  Value inner = make_map(arena, std::vector<Member>{{Value::string("tags"), shared}});
  Value a = make_map(arena, std::vector<Member>{{Value::string("list"), shared}, {Value::string("own"), own},
                                                {Value::string("inner"), inner}});
  Value b = make_map(arena, std::vector<Member>{{Value::string("list"), shared}});
  Value resources = make_map(arena, std::vector<Member>{{Value::string("a"), a}, {Value::string("b/c"), b}});
  Value root = make_map(arena, std::vector<Member>{{Value::string("resources"), resources}});
  Value elsewhere = make_list(arena, std::vector<Value>{Value::integer(1)});
  auto doc = Document::from_value(std::move(arena), root, "doc.json");

  EXPECT_FALSE(doc->has_parent_index());
  Document::Placement p = doc->placement_of(own.identity());
  EXPECT_TRUE(doc->has_parent_index());
  EXPECT_EQ(p.kind, Document::Placement::kUnique);
  EXPECT_EQ(p.pointer, "/resources/a/own");

  // Held by a, by b and by a's inner map: shared, with one of its paths.
  p = doc->placement_of(shared.identity());
  EXPECT_EQ(p.kind, Document::Placement::kShared);
  EXPECT_TRUE(p.pointer == "/resources/a/list" || p.pointer == "/resources/b~1c/list" ||
              p.pointer == "/resources/a/inner/tags")
      << p.pointer;

  EXPECT_EQ(doc->placement_of(root.identity()).kind, Document::Placement::kUnique);
  EXPECT_EQ(doc->placement_of(root.identity()).pointer, "");
  EXPECT_EQ(doc->placement_of(elsewhere.identity()).kind, Document::Placement::kAbsent);
  EXPECT_EQ(doc->placement_of(nullptr).kind, Document::Placement::kAbsent);
  EXPECT_EQ(doc->pointer_of(own.identity()), "/resources/a/own");
  EXPECT_EQ(doc->pointer_of(elsewhere.identity()), std::nullopt);
}

// Paths of findings, before and after the document's parent index exists
// (resources are evaluated in document order, and r1's statements, a list
// the rule built, are the first place outside the selected and fetched
// resources, which builds the index; f3 comes after): the same either way.
TEST(DocumentPlacement, FindingPathsBeforeAndAfterTheIndex) {
  const char* policy = R"moat(package paths

rule "P1" {
  title: "P1"
  severity: low
  category: flow
  select f: "fn"
  let role = resource(f.role)
  report "fn ${f.name} at its role's statements" at role.statements
}

rule "P2" {
  title: "P2"
  severity: low
  category: flow
  select r: "role"
  for s in [x for x in r.statements]
  report "statement of ${r.name}" at s
}

rule "P3" {
  title: "P3"
  severity: low
  category: flow
  select f: "fn"
  report "fn ${f.name} env" at f.env
}
)moat";
  const char* doc = R"({"resources": {
    "f1": {"type": "fn", "name": "one", "role": "r1", "env": {"A": "1"}},
    "f2": {"type": "fn", "name": "two", "role": "r1", "env": {"B": "2"}},
    "r1": {"type": "role", "name": "r", "statements": [{"effect": "Allow"}, {"effect": "Deny"}]},
    "f3": {"type": "fn", "name": "three", "role": "r1", "env": {"C": "3"}}
  }})";
  auto run = run_policy(policy, doc);
  EXPECT_EQ(summarize(run),
            "P1 fail f1 /resources/r1/statements: fn one at its role's statements\n"
            "P1 fail f2 /resources/r1/statements: fn two at its role's statements\n"
            "P1 fail f3 /resources/r1/statements: fn three at its role's statements\n"
            "P2 fail r1 /resources/r1/statements/0: statement of r\n"
            "P2 fail r1 /resources/r1/statements/1: statement of r\n"
            "P3 fail f1 /resources/f1/env: fn one env\n"
            "P3 fail f2 /resources/f2/env: fn two env\n"
            "P3 fail f3 /resources/f3/env: fn three env\n");
}

}  // namespace
}  // namespace moat
