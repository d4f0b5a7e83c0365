#include "actors/spool.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

namespace salon::actors {
namespace {

std::filesystem::path fresh_directory() {
  auto dir = std::filesystem::temp_directory_path() /
             ("spool_test_" + std::to_string(getpid()) + "_" +
              ::testing::UnitTest::GetInstance()->current_test_info()->name());
  std::filesystem::remove_all(dir);
  return dir;
}

// A spool holding `record` and then part of a line, as a crash in the middle of a write leaves.
void spool_with_a_torn_line(const std::filesystem::path& dir, const std::string& record) {
  {
    spool s(dir);
    s.append(record);
  }
  std::ofstream out(dir / "call-log.spool", std::ios::app | std::ios::binary);
  out << "40 deadbeef {\"half\":";
}

TEST(spool, keeps_records_in_order_across_reopen) {
  auto dir = fresh_directory();
  {
    spool s(dir);
    EXPECT_EQ(s.depth(), 0u);
    s.append("first");
    s.append(std::vector<std::string>{"second", "third {\"json\": true}"});
    EXPECT_EQ(s.depth(), 3u);
  }
  spool reopened(dir);
  EXPECT_EQ(reopened.depth(), 3u);
  auto records = reopened.read_all();
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0], "first");
  EXPECT_EQ(records[1], "second");
  EXPECT_EQ(records[2], "third {\"json\": true}");
  std::filesystem::remove_all(dir);
}

TEST(spool, clear_forgets_everything) {
  auto dir = fresh_directory();
  spool s(dir);
  s.append("a");
  s.clear();
  EXPECT_EQ(s.depth(), 0u);
  EXPECT_TRUE(s.read_all().empty());
  s.append("b");
  ASSERT_EQ(s.read_all().size(), 1u);
  EXPECT_EQ(s.read_all()[0], "b");
  std::filesystem::remove_all(dir);
}

TEST(spool, a_torn_last_line_is_dropped_and_the_rest_kept) {
  auto dir = fresh_directory();
  spool_with_a_torn_line(dir, "complete record");
  spool s(dir);
  auto records = s.read_all();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0], "complete record");
  std::filesystem::remove_all(dir);
}

TEST(spool, a_garbled_line_is_skipped) {
  auto dir = fresh_directory();
  {
    spool s(dir);
    s.append("one");
  }
  {
    std::ofstream out(dir / "call-log.spool", std::ios::app | std::ios::binary);
    out << "3 00000000 two\n";  // wrong checksum
    out << "not a spool line\n";
  }
  spool s(dir);
  s.append("three");
  auto records = s.read_all();
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0], "one");
  EXPECT_EQ(records[1], "three");
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace salon::actors

namespace salon::actors {
namespace {

TEST(spool, remove_first_keeps_what_came_after) {
  auto dir = fresh_directory();
  spool s(dir);
  s.append(std::vector<std::string>{"1", "2", "3", "4"});
  s.remove_first(2);
  EXPECT_EQ(s.depth(), 2u);
  s.append("5");
  auto records = s.read_all();
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0], "3");
  EXPECT_EQ(records[1], "4");
  EXPECT_EQ(records[2], "5");
  spool reopened(dir);
  EXPECT_EQ(reopened.depth(), 3u);
  s.remove_first(10);
  EXPECT_EQ(s.depth(), 0u);
  std::filesystem::remove_all(dir);
}

TEST(spool, what_was_removed_stays_removed_after_a_restart) {
  auto dir = fresh_directory();
  {
    spool s(dir);
    s.append(std::vector<std::string>{"1", "2", "3", "4", "5", "6"});
    s.remove_first(2);
    EXPECT_EQ(s.read_first(2), (std::vector<std::string>{"3", "4"}));
  }
  spool s(dir);
  EXPECT_EQ(s.depth(), 4u);
  EXPECT_EQ(s.read_first(1), (std::vector<std::string>{"3"}));
  EXPECT_EQ(s.read_first(10), (std::vector<std::string>{"3", "4", "5", "6"}));
  s.remove_first(4);
  EXPECT_EQ(s.depth(), 0u);
  EXPECT_EQ(std::filesystem::file_size(dir / "call-log.spool"), 0u) << "emptied, not just skipped";
  std::filesystem::remove_all(dir);
}

TEST(spool, a_record_appended_after_a_torn_line_is_kept) {
  auto dir = fresh_directory();
  spool_with_a_torn_line(dir, "before the crash");
  {
    spool s(dir);
    s.append("after the restart");
  }
  spool s(dir);
  EXPECT_EQ(s.read_all(), (std::vector<std::string>{"before the crash", "after the restart"}));
  EXPECT_EQ(s.depth(), 2u);
  std::filesystem::remove_all(dir);
}

TEST(spool, a_spool_mostly_replayed_is_rewritten_with_what_is_left) {
  auto dir = fresh_directory();
  const std::string big(512 * 1024, 'r');
  spool s(dir);
  for (int i = 0; i < 40; ++i) s.append(std::to_string(i) + big);  // 20 MiB
  s.remove_first(35);
  EXPECT_EQ(s.depth(), 5u);
  EXPECT_LT(std::filesystem::file_size(dir / "call-log.spool"), 6u * big.size());
  EXPECT_FALSE(std::filesystem::exists(dir / "call-log.spool.head"));
  spool reopened(dir);
  const auto held = reopened.read_all();
  ASSERT_EQ(held.size(), 5u);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(held[i], std::to_string(35 + i) + big);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace salon::actors
