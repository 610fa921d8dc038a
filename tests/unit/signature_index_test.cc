// The joined signature index must answer every set exactly as the set alone.
#include "builtins/signature_index.h"

#include <gtest/gtest.h>

#include <initializer_list>
#include <memory>
#include <string>
#include <vector>

#include "value/arena.h"
#include "value/build.h"

namespace moat {
namespace {

class SignatureIndexTest : public ::testing::Test {
 protected:
  std::unique_ptr<SignatureSet> set(std::initializer_list<std::pair<const char*, const char*>> sigs) {
    std::vector<Value> items;
    for (auto [id, pattern] : sigs) {
      Member m[] = {{Value::string("id"), make_string(arena_, id)}, {Value::string("pattern"), make_string(arena_, pattern)}};
      items.push_back(make_map(arena_, m));
    }
    std::string error;
    auto s = SignatureSet::build(make_list(arena_, items), &error);
    EXPECT_EQ(error, "");
    return s;
  }
  Arena arena_;
};

TEST_F(SignatureIndexTest, EverySetReadsWhatItFindsAlone) {
  auto sql = set({{"union", R"(\bunion\s+select\b)"}, {"quote", R"('\s*or\s*')"}, {"comment", "--"}});
  auto cmd = set({{"sep", R"([;|`])"}, {"cat", R"(\bcat\s+/)"}});
  // Overlapping patterns in two sets: each set still sees its own.
  auto dup = set({{"dash", "-"}, {"sep", ";"}});
  std::vector<const SignatureSet*> sets = {sql.get(), cmd.get(), dup.get(), cmd.get()};  // repeats are joined once
  auto index = SignatureIndex::build(sets);
  ASSERT_NE(index, nullptr);
  EXPECT_EQ(index->offset_of(sql.get()), 0);
  EXPECT_EQ(index->offset_of(cmd.get()), 3);
  EXPECT_EQ(index->offset_of(dup.get()), 5);
  SignatureMemo memo([&] { return index.get(); });
  const char* texts[] = {"", "plain text", "1' or '1 -- x", "a; cat /etc/passwd", "x UNION select y",
                         "x union select y; ls | nc --", "tail-end;"};
  for (int round = 0; round < 2; ++round)  // the second round reads the memo
    for (const char* t : texts)
      for (const SignatureSet* s : {sql.get(), cmd.get(), dup.get()}) EXPECT_EQ(memo.match(*s, t), s->match(t)) << t;
}

TEST_F(SignatureIndexTest, ASetOutsideTheIndexMatchesAlone) {
  auto inside = set({{"a", "a"}});
  auto outside = set({{"b", "b"}, {"c", "c"}});
  std::vector<const SignatureSet*> sets = {inside.get()};
  auto index = SignatureIndex::build(sets);
  ASSERT_NE(index, nullptr);
  EXPECT_EQ(index->offset_of(outside.get()), -1);
  SignatureMemo memo([&] { return index.get(); });
  EXPECT_EQ(memo.match(*outside, "abc"), (std::vector<int>{0, 1}));
  EXPECT_EQ(memo.match(*inside, "abc"), (std::vector<int>{0}));
}

TEST_F(SignatureIndexTest, NoIndexMeansEverySetMatchesAlone) {
  auto s = set({{"x", "x"}});
  SignatureMemo memo([] { return nullptr; });
  EXPECT_EQ(memo.match(*s, "xyz"), (std::vector<int>{0}));
  std::vector<const SignatureSet*> none;
  EXPECT_EQ(SignatureIndex::build(none), nullptr);
}

TEST_F(SignatureIndexTest, LongTextsAreMatchedWithoutBeingKept) {
  auto s = set({{"end", "needle$"}});
  std::vector<const SignatureSet*> sets = {s.get()};
  auto index = SignatureIndex::build(sets);
  SignatureMemo memo([&] { return index.get(); });
  std::string hay(100'000, 'h');
  EXPECT_EQ(memo.match(*s, hay + "needle"), (std::vector<int>{0}));
  EXPECT_EQ(memo.match(*s, hay), (std::vector<int>{}));
}

}  // namespace
}  // namespace moat
