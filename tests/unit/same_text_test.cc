// same_text (value/value.h): the interpreter's inline string equality. Every
// length up to 40, differing at every position, against std::string ==.
#include <gtest/gtest.h>

#include <string>

#include "value/value.h"

namespace moat {
namespace {

TEST(SameText, AgreesWithStringEqualityAtEveryLengthAndPosition) {
  for (size_t n = 0; n <= 40; ++n) {
    std::string a(n, 'x');
    for (size_t i = 0; i < n; ++i) a[i] = static_cast<char>('a' + i % 26);
    // Copies in separate buffers, so equal texts are not the same pointer.
    std::string b = a;
    EXPECT_TRUE(same_text(a, b)) << n;
    for (size_t i = 0; i < n; ++i) {
      std::string c = a;
      c[i] = static_cast<char>(c[i] ^ 0x20);
      EXPECT_FALSE(same_text(a, c)) << n << " at " << i;
    }
    EXPECT_FALSE(same_text(a, a + "y")) << n;
    if (n > 0) {
      EXPECT_FALSE(same_text(a, a.substr(0, n - 1))) << n;
    }
  }
}

}  // namespace
}  // namespace moat
