#include "conversation/when_parser.hpp"

#include <gtest/gtest.h>

namespace {

using namespace salon::conversation;

TEST(when_parser, reads_tomorrow_at_three) {
  const auto tokens = tokenize("tomorrow at 3");
  std::vector<bool> used;
  const local_moment now{std::chrono::local_days{std::chrono::year{2026} / 12 / 1},
                         std::chrono::minutes{600}};
  const auto w = parse_when(tokens, used, now);
  ASSERT_TRUE(w.day);
  EXPECT_EQ(*w.day, now.day + std::chrono::days{1});
  ASSERT_TRUE(w.at);
  EXPECT_EQ(w.at->hour, 3);
}

}  // namespace
