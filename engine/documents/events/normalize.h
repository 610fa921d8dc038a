// The detection forms of an untrusted event field, computed once per field
// when the event is loaded (not once per rule): every injection rule reads
// the same decoded text instead of repeating the decoding in policy code.
//
// The pipeline mirrors the OWASP Core Rule Set transformations that run
// before its 930/932/934/942 rules (catalog §6.1):
//   1. percent-decoding with '+' as space and %uXXXX (CRS t:urlDecodeUni),
//      repeated until the text is stable, at most 3 times (double and
//      triple encoding: %252e%252e%252f);
//   2. HTML character references: named (&lt; &gt; &amp; &quot; &apos;
//      &sol; &bsol; &period; &colon; &semi; &lpar; &rpar; &grave; &dollar;
//      &vert; &nbsp;) and numeric (&#46; &#x2e;) (CRS t:htmlEntityDecode);
//   3. Unicode folding of the lookalikes attackers use for ASCII: fullwidth
//      forms U+FF01..FF5E, ideographic and halfwidth full stops, circled
//      digits and letters (the "enclosed alphanumerics" SSRF evasion of CRS
//      ssrf.data), division/fraction slashes and the small reverse solidus
//      (CRS 930100 %u2215 %uEFC8 %uF025), and overlong UTF-8 for ASCII
//      (%c0%ae, %c0%af: CRS t:utf8toUnicode);
//   4. NUL bytes removed (t:removeNulls), ASCII lower-cased (t:lowercase).
// The `sql` form then replaces C-style comments with a space (keeping the
// body of MySQL executable comments /*! ... */), drops `--` and `#` line
// comments, and collapses whitespace runs to one space (CRS
// t:replaceComments, t:compressWhitespace): "UN/**/ION" becomes "un ion",
// and "union/**/select" becomes "union select".
#pragma once

#include <string>
#include <string_view>

namespace moat::events {

// Steps 1..4 above. The output is valid UTF-8: bytes that decoding produced
// and that are not UTF-8 become U+FFFD.
std::string normalize_text(std::string_view raw);

// The SQL form of an already normalized text.
std::string sql_form(std::string_view normalized);

}  // namespace moat::events
