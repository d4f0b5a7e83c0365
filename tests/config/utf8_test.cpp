// config/utf8.hpp: the one UTF-8 reader and writer that scraping/ and net/ share.

#include "config/utf8.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace salon::config::utf8 {
namespace {

std::vector<char32_t> read_all(std::string_view text) {
  std::vector<char32_t> out;
  for (std::size_t at = 0; at < text.size();) out.push_back(next(text, at));
  return out;
}

TEST(utf8, decodes_each_length_and_says_how_long_it_was) {
  EXPECT_EQ(decode("A", 0).value, U'A');
  EXPECT_EQ(decode("A", 0).length, 1u);
  EXPECT_EQ(decode("\xC3\xA9", 0).value, U'\u00E9');
  EXPECT_EQ(decode("\xC3\xA9", 0).length, 2u);
  EXPECT_EQ(decode("\xE2\x82\xAC", 0).value, U'\u20AC');
  EXPECT_EQ(decode("\xE2\x82\xAC", 0).length, 3u);
  EXPECT_EQ(decode("\xF0\x9F\x92\x87", 0).value, U'\U0001F487');
  EXPECT_EQ(decode("\xF0\x9F\x92\x87", 0).length, 4u);
  EXPECT_EQ(decode("x\xC3\xA9", 1).value, U'\u00E9');
}

TEST(utf8, malformed_sequences_decode_to_nothing) {
  for (std::string bad :
       {"\x80", "\xC0\xAF", "\xC1\xBF", "\xE0\x80\xAF", "\xED\xA0\x80", "\xF0\x80\x80\xAF",
        "\xF4\x90\x80\x80", "\xF5\x80\x80\x80", "\xFF", "\xC3", "\xE2\x82", "\xC3\x28"}) {
    EXPECT_EQ(decode(bad, 0).length, 0u) << testing::PrintToString(bad);
  }
}

TEST(utf8, next_replaces_a_bad_byte_and_moves_on_by_one) {
  EXPECT_EQ(read_all("a\xFF"
                     "b"),
            (std::vector<char32_t>{U'a', replacement, U'b'}));
  // A cut sequence: only its lead byte is replaced; what follows is read for itself.
  EXPECT_EQ(read_all("\xE2\x82"
                     "c"),
            (std::vector<char32_t>{replacement, replacement, U'c'}));
  EXPECT_EQ(read_all("caf\xC3\xA9"), (std::vector<char32_t>{U'c', U'a', U'f', U'\u00E9'}));
}

TEST(utf8, append_writes_what_decode_reads) {
  for (char32_t c : {U'\0', U'z', U'\u007F', U'\u0080', U'\u07FF', U'\u0800', U'\uFFFD',
                     U'\U00010000', U'\U0010FFFF'}) {
    std::string text;
    append(text, c);
    auto back = decode(text, 0);
    EXPECT_EQ(back.value, c);
    EXPECT_EQ(back.length, text.size());
  }
  std::string euro;
  append(euro, U'\u20AC');
  EXPECT_EQ(euro, "\xE2\x82\xAC");
}

}  // namespace
}  // namespace salon::config::utf8
