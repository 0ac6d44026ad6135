// core/text: trimming (JavaScript's String.prototype.trim set), code point counting, control characters.
#include <gtest/gtest.h>

#include <string>

#include "core/text.hpp"

namespace text = planetude::text;

TEST(TextTrim, AsciiWhiteSpaceOnBothEnds) {
  EXPECT_EQ(text::trim("  hello  "), "hello");
  EXPECT_EQ(text::trim("\t\r\n\v\f hello \f\v\n\r\t"), "hello");
  EXPECT_EQ(text::trim("hello"), "hello");
  EXPECT_EQ(text::trim(""), "");
}

TEST(TextTrim, UnicodeSpaces) {
  EXPECT_EQ(text::trim("\u00a0Alice\u00a0"), "Alice");    // no-break space
  EXPECT_EQ(text::trim("\u3000日本語\u3000"), "日本語");  // ideographic space
  EXPECT_EQ(text::trim("\ufeffBOM"), "BOM");              // zero width no-break space (BOM)
  EXPECT_EQ(text::trim("\u2003em\u2009"), "em");          // em space, thin space
  EXPECT_EQ(text::trim("\u2028line\u2029"), "line");      // line and paragraph separators
  EXPECT_EQ(text::trim("\u202fx\u205f\u1680"), "x");
}

TEST(TextTrim, InnerSpacesAreKept) {
  EXPECT_EQ(text::trim("  a b\u00a0c\u3000d  "), "a b\u00a0c\u3000d");
  EXPECT_EQ(text::trim(" Jean  Dupont "), "Jean  Dupont");
}

TEST(TextTrim, AllSpaceBecomesEmpty) {
  EXPECT_EQ(text::trim("     "), "");
  EXPECT_EQ(text::trim(" \u00a0\u3000\ufeff\t\n "), "");
}

TEST(TextTrim, NonSpaceCharactersAreNotTrimmed) {
  // U+200B ZERO WIDTH SPACE and U+0085 NEL are not white space for String.prototype.trim.
  EXPECT_EQ(text::trim("\u200bx\u200b"), "\u200bx\u200b");
  EXPECT_EQ(text::trim("éà"), "éà");
  EXPECT_EQ(text::trim(" 😀 "), "😀");
}

// Found by tests/fuzz/dotenv_fuzz (a .env file is not checked as UTF-8): a lead byte without its
// continuation bytes swallowed the space after it, which then stayed untrimmed.
TEST(TextTrim, StrayLeadByteDoesNotHideASpace) {
  EXPECT_EQ(text::trim("HOST\xd9 "), "HOST\xd9");
  EXPECT_EQ(text::trim(" \xe2\x80 x\xf0\x9f\x98 "), "\xe2\x80 x\xf0\x9f\x98");
  EXPECT_EQ(text::trim("\xc2 a"), "\xc2 a");
  EXPECT_FALSE(text::has_control_chars("a\xc2 b", false));
  EXPECT_TRUE(text::has_control_chars("a\xc2\n", false));
}

TEST(TextCodePoints, CountsCodePointsNotBytes) {
  EXPECT_EQ(text::code_points(""), 0u);
  EXPECT_EQ(text::code_points("abc"), 3u);
  EXPECT_EQ(text::code_points("héllo"), 5u);
  EXPECT_EQ(std::string("héllo").size(), 6u);
  EXPECT_EQ(text::code_points("😀"), 1u);
  EXPECT_EQ(std::string("😀").size(), 4u);
  EXPECT_EQ(text::code_points("日本語"), 3u);
  EXPECT_EQ(text::code_points("e\u0301"), 2u);             // e + combining acute accent: two code points
  EXPECT_EQ(text::code_points("Ça va ? 👍🏽"), 10u);  // thumbs up + skin tone modifier are two
}

TEST(TextControlChars, PlainTextHasNone) {
  EXPECT_FALSE(text::has_control_chars("Bonjour à tous 😀", false));
  EXPECT_FALSE(text::has_control_chars("", false));
  EXPECT_FALSE(text::has_control_chars("\u00a0\u2028", false));  // spaces and separators are not controls
}

TEST(TextControlChars, NewlinesDependOnFlag) {
  for (const char* s : {"a\nb", "a\rb", "a\tb"}) {
    EXPECT_TRUE(text::has_control_chars(s, false)) << s;
    EXPECT_FALSE(text::has_control_chars(s, true)) << s;
  }
}

TEST(TextControlChars, OtherC0AreAlwaysRefused) {
  for (bool allow : {false, true}) {
    EXPECT_TRUE(text::has_control_chars(std::string("a\0b", 3), allow));
    EXPECT_TRUE(text::has_control_chars("a\x01", allow));
    EXPECT_TRUE(text::has_control_chars("\x1b[31m", allow));
    EXPECT_TRUE(text::has_control_chars("a\vb", allow));
    EXPECT_TRUE(text::has_control_chars("a\x1f", allow));
  }
}

TEST(TextControlChars, DelAndC1Controls) {
  for (bool allow : {false, true}) {
    EXPECT_TRUE(text::has_control_chars("a\x7f", allow));
    EXPECT_TRUE(text::has_control_chars("a\u0080b", allow));
    EXPECT_TRUE(text::has_control_chars("a\u0085b", allow));  // NEL
    EXPECT_TRUE(text::has_control_chars("a\u009fb", allow));
    EXPECT_FALSE(text::has_control_chars("a\u00a0b", allow));  // first code point past C1
  }
}

TEST(TextLower, AsciiOnly) {
  EXPECT_EQ(text::to_lower_ascii("Alice@Example.COM"), "alice@example.com");
  EXPECT_EQ(text::to_lower_ascii("ÉCOLE Été"), "École Été");  // non-ASCII untouched
  EXPECT_EQ(text::to_lower_ascii("123-_[]@"), "123-_[]@");
  EXPECT_EQ(text::to_lower_ascii(""), "");
}

TEST(TextIequals, AsciiCaseInsensitive) {
  EXPECT_TRUE(text::iequals("Content-Type", "content-type"));
  EXPECT_TRUE(text::iequals("", ""));
  EXPECT_FALSE(text::iequals("abc", "abcd"));
  EXPECT_FALSE(text::iequals("abc", "abd"));
  EXPECT_FALSE(text::iequals("É", "é"));  // only ASCII letters fold
  EXPECT_TRUE(text::iequals("É", "É"));
}

TEST(Text, ValidUtf8AcceptsWellFormedText) {
  EXPECT_TRUE(text::is_valid_utf8(""));
  EXPECT_TRUE(text::is_valid_utf8("emploi du temps.ics"));
  EXPECT_TRUE(text::is_valid_utf8("Contrôle d'histoire – 1ʳᵉ 👾"));
}

TEST(Text, ValidUtf8RefusesMalformedText) {
  EXPECT_FALSE(text::is_valid_utf8("\xff"));
  EXPECT_FALSE(text::is_valid_utf8("caf\xc3"));           // truncated sequence
  EXPECT_FALSE(text::is_valid_utf8("\xc0\xaf"));          // overlong '/'
  EXPECT_FALSE(text::is_valid_utf8("\xed\xa0\x80"));      // a surrogate
  EXPECT_FALSE(text::is_valid_utf8("\xf4\x90\x80\x80"));  // past U+10FFFF
  EXPECT_FALSE(text::is_valid_utf8("a\x80z"));            // stray continuation byte
}
