#include "conversation/when_parser.hpp"

#include <gtest/gtest.h>

#include "conversation/shop_clock.hpp"

namespace {

using namespace salon::conversation;
using std::chrono::days;
using std::chrono::local_days;
using std::chrono::minutes;
using std::chrono::sys_days;
using std::chrono::sys_seconds;
using std::chrono::year;

local_days day(int y, unsigned m, unsigned d) {
  return local_days{year{y} / std::chrono::month{m} / std::chrono::day{d}};
}

when_request parse(std::string_view text, local_days today, int minute = 600) {
  const auto tokens = tokenize(text);
  std::vector<bool> used;
  return parse_when(tokens, used, local_moment{today, minutes{minute}});
}

// 2026-12-01 is a Tuesday.
const local_days tuesday = day(2026, 12, 1);

TEST(when_parser, relative_days) {
  EXPECT_EQ(parse("today", tuesday).day, tuesday);
  EXPECT_EQ(parse("tomorrow", tuesday).day, tuesday + days{1});
  EXPECT_EQ(parse("the day after tomorrow", tuesday).day, tuesday + days{2});
  EXPECT_EQ(parse("in two days", tuesday).day, tuesday + days{2});
  EXPECT_EQ(parse("in 3 days", tuesday).day, tuesday + days{3});
  EXPECT_EQ(parse("in a week", tuesday).day, tuesday + days{7});
  const auto tonight = parse("tonight", tuesday);
  EXPECT_EQ(tonight.day, tuesday);
  EXPECT_EQ(tonight.part, part_of_day::evening);
}

TEST(when_parser, weekdays_this_and_next) {
  EXPECT_EQ(parse("friday", tuesday).day, day(2026, 12, 4));
  EXPECT_EQ(parse("this friday", tuesday).day, day(2026, 12, 4));
  EXPECT_EQ(parse("next friday", tuesday).day, day(2026, 12, 11));
  EXPECT_EQ(parse("monday", tuesday).day, day(2026, 12, 7));
  // On a Saturday, "next friday" is the Friday of next week, six days on.
  EXPECT_EQ(parse("next friday", day(2026, 12, 5)).day, day(2026, 12, 11));
  EXPECT_EQ(parse("saturdays", tuesday).day, day(2026, 12, 5));
  EXPECT_EQ(parse("thurs", tuesday).day, day(2026, 12, 3));
  // Said on a Tuesday: "tuesday" is next week's, "this tuesday" is today.
  EXPECT_EQ(parse("tuesday", tuesday).day, day(2026, 12, 8));
  EXPECT_EQ(parse("this tuesday", tuesday).day, tuesday);
}

TEST(when_parser, weekend_and_week_spans) {
  const auto weekend = parse("this weekend", tuesday);
  EXPECT_EQ(weekend.day, day(2026, 12, 5));
  EXPECT_EQ(weekend.last_day, day(2026, 12, 6));
  // Said on a Sunday, "this weekend" is what is left of it: today.
  const auto sunday = parse("this weekend", day(2026, 12, 6));
  EXPECT_EQ(sunday.day, day(2026, 12, 6));
  EXPECT_EQ(sunday.last_day, day(2026, 12, 6));
  const auto next_week = parse("next week", tuesday);
  EXPECT_EQ(next_week.day, day(2026, 12, 7));
  EXPECT_EQ(next_week.last_day, day(2026, 12, 13));
}

TEST(when_parser, calendar_dates) {
  EXPECT_EQ(parse("december 3rd", tuesday).day, day(2026, 12, 3));
  EXPECT_EQ(parse("dec 3", tuesday).day, day(2026, 12, 3));
  EXPECT_EQ(parse("the 3rd of december", tuesday).day, day(2026, 12, 3));
  EXPECT_EQ(parse("the 3rd", tuesday).day, day(2026, 12, 3));
  EXPECT_EQ(parse("12/3", tuesday).day, day(2026, 12, 3));
  EXPECT_EQ(parse("12/3/2027", tuesday).day, day(2027, 12, 3));
  // A date already past this year is next year's.
  EXPECT_EQ(parse("november 20th", tuesday).day, day(2027, 11, 20));
  EXPECT_EQ(parse("january fifth", tuesday).day, day(2027, 1, 5));
  // "the 31st" said in a 30-day month is the next month that has one.
  EXPECT_EQ(parse("the 31st", day(2026, 11, 15)).day, day(2026, 12, 31));
  // The day of the month already gone this month is next month's.
  EXPECT_EQ(parse("the 1st", day(2026, 12, 2)).day, day(2027, 1, 1));
  EXPECT_FALSE(parse("2/30", tuesday).day.has_value());
  EXPECT_FALSE(parse("13/45", tuesday).day.has_value());
}

clock_time at(std::string_view text) {
  const auto w = parse(text, tuesday);
  EXPECT_TRUE(w.at.has_value()) << text;
  return w.at.value_or(clock_time{-1, -1, meridiem::unknown});
}

TEST(when_parser, clock_times) {
  EXPECT_EQ(at("at 3"), (clock_time{3, 0, meridiem::unknown}));
  EXPECT_EQ(at("3pm"), (clock_time{3, 0, meridiem::pm}));
  EXPECT_EQ(at("3 p.m."), (clock_time{3, 0, meridiem::pm}));
  EXPECT_EQ(at("3 P.M."), (clock_time{3, 0, meridiem::pm}));
  EXPECT_EQ(at("10 a m"), (clock_time{10, 0, meridiem::am}));
  EXPECT_EQ(at("15:00"), (clock_time{15, 0, meridiem::unknown}));
  EXPECT_EQ(at("3:30pm"), (clock_time{3, 30, meridiem::pm}));
  EXPECT_EQ(at("3.30"), (clock_time{3, 30, meridiem::unknown}));
  EXPECT_EQ(at("three thirty"), (clock_time{3, 30, meridiem::unknown}));
  EXPECT_EQ(at("four forty five"), (clock_time{4, 45, meridiem::unknown}));
  EXPECT_EQ(at("half past two"), (clock_time{2, 30, meridiem::unknown}));
  EXPECT_EQ(at("quarter to four"), (clock_time{3, 45, meridiem::unknown}));
  EXPECT_EQ(at("a quarter past 10"), (clock_time{10, 15, meridiem::unknown}));
  EXPECT_EQ(at("quarter to one"), (clock_time{12, 45, meridiem::unknown}));
  EXPECT_EQ(at("noon"), (clock_time{12, 0, meridiem::pm}));
  EXPECT_EQ(at("5 o'clock"), (clock_time{5, 0, meridiem::unknown}));
  EXPECT_EQ(at("7 in the evening"), (clock_time{7, 0, meridiem::pm}));
  EXPECT_EQ(at("friday afternoon at 2"), (clock_time{2, 0, meridiem::pm}));
}

TEST(when_parser, relations_and_parts) {
  const auto around = parse("around 2", tuesday);
  EXPECT_TRUE(around.around);
  EXPECT_EQ(around.at, (clock_time{2, 0, meridiem::unknown}));
  const auto after = parse("after 5", tuesday);
  EXPECT_FALSE(after.at.has_value());
  EXPECT_EQ(after.after, (clock_time{5, 0, meridiem::unknown}));
  const auto before = parse("before noon", tuesday);
  EXPECT_EQ(before.before, (clock_time{12, 0, meridiem::pm}));
  const auto between = parse("between 2 and 4", tuesday);
  EXPECT_EQ(between.after, (clock_time{2, 0, meridiem::unknown}));
  EXPECT_EQ(between.before, (clock_time{4, 0, meridiem::unknown}));
  EXPECT_EQ(parse("in the morning", tuesday).part, part_of_day::morning);
  EXPECT_EQ(parse("afternoon", tuesday).part, part_of_day::afternoon);
  EXPECT_TRUE(parse("earliest you have", tuesday).earliest);
  EXPECT_TRUE(parse("first available", tuesday).earliest);
  EXPECT_TRUE(parse("as soon as possible", tuesday).earliest);
  EXPECT_TRUE(parse("anytime", tuesday).anytime);
  EXPECT_TRUE(parse("any time is fine", tuesday).anytime);
}

TEST(when_parser, numbers_that_are_not_times) {
  EXPECT_FALSE(parse("2 kids", tuesday).at.has_value());
  EXPECT_FALSE(parse("in 3 days", tuesday).at.has_value());
  EXPECT_FALSE(parse("the first one", tuesday).at.has_value());
  EXPECT_FALSE(parse("the first one", tuesday).day.has_value());
  EXPECT_FALSE(parse("the second one", tuesday).day.has_value());
  EXPECT_FALSE(parse("8085550123", tuesday).at.has_value());
  EXPECT_FALSE(parse("for 2 people", tuesday).at.has_value());
  EXPECT_EQ(parse("book me for 3", tuesday).at, (clock_time{3, 0, meridiem::unknown}));
}

TEST(when_parser, later_mentions_win_and_not_rules_out) {
  EXPECT_EQ(parse("tuesday i mean thursday", tuesday).day, day(2026, 12, 3));
  EXPECT_EQ(parse("not tuesday, wednesday", tuesday).day, day(2026, 12, 2));
  EXPECT_EQ(parse("not 3, 4", tuesday).at, (clock_time{4, 0, meridiem::unknown}));
  EXPECT_EQ(parse("3 no wait 4", tuesday).at, (clock_time{4, 0, meridiem::unknown}));
}

TEST(when_parser, marks_the_tokens_it_used) {
  const auto tokens = tokenize("a haircut tomorrow at 3");
  std::vector<bool> used;
  parse_when(tokens, used, local_moment{tuesday, minutes{600}});
  ASSERT_EQ(used.size(), 5u);
  EXPECT_FALSE(used[0]);
  EXPECT_FALSE(used[1]);
  EXPECT_TRUE(used[2]);
  EXPECT_TRUE(used[3]);
  EXPECT_TRUE(used[4]);
}

TEST(resolve_minute_of_day, takes_am_or_pm_from_the_opening_hours) {
  const opening_hours nine_to_six{minutes{9 * 60}, minutes{18 * 60}};
  const opening_hours eight_to_four{minutes{8 * 60}, minutes{16 * 60}};
  EXPECT_EQ(resolve_minute_of_day({3, 0, meridiem::unknown}, nine_to_six), 15 * 60);
  EXPECT_EQ(resolve_minute_of_day({9, 0, meridiem::unknown}, nine_to_six), 9 * 60);
  EXPECT_EQ(resolve_minute_of_day({12, 0, meridiem::unknown}, nine_to_six), 12 * 60);
  EXPECT_EQ(resolve_minute_of_day({8, 0, meridiem::unknown}, eight_to_four), 8 * 60);
  EXPECT_EQ(resolve_minute_of_day({3, 0, meridiem::am}, nine_to_six), 3 * 60);
  EXPECT_EQ(resolve_minute_of_day({12, 0, meridiem::am}, nine_to_six), 0);
  EXPECT_EQ(resolve_minute_of_day({15, 30, meridiem::unknown}, nine_to_six), 15 * 60 + 30);
  // A shop open into the evening: 7 is 7 PM.
  const opening_hours noon_to_nine{minutes{12 * 60}, minutes{21 * 60}};
  EXPECT_EQ(resolve_minute_of_day({7, 0, meridiem::unknown}, noon_to_nine), 19 * 60);
  // Without hours, ordinary booking times: 10 is morning, 2 is afternoon.
  EXPECT_EQ(resolve_minute_of_day({10, 0, meridiem::unknown}, std::nullopt), 10 * 60);
  EXPECT_EQ(resolve_minute_of_day({2, 0, meridiem::unknown}, std::nullopt), 14 * 60);
  // Out-of-range input does not escape as nonsense.
  EXPECT_EQ(resolve_minute_of_day({99, 99, meridiem::unknown}, std::nullopt), 0);
}

sys_seconds utc(int y, unsigned m, unsigned d, int h, int min) {
  return sys_seconds{sys_days{year{y} / std::chrono::month{m} / std::chrono::day{d}}} +
         std::chrono::hours{h} + minutes{min};
}

TEST(shop_clock, new_york_spring_forward_comes_from_the_tz_database) {
  const shop_clock ny{"America/New_York"};
  ASSERT_TRUE(ny.ok());
  // The day before the change is EST (UTC-5), the afternoon of the change EDT (UTC-4).
  EXPECT_EQ(ny.to_sys(day(2026, 3, 7), minutes{15 * 60}), utc(2026, 3, 7, 20, 0));
  EXPECT_EQ(ny.to_sys(day(2026, 3, 8), minutes{15 * 60}), utc(2026, 3, 8, 19, 0));
  EXPECT_EQ(ny.to_sys(day(2026, 3, 8), minutes{1 * 60 + 30}), utc(2026, 3, 8, 6, 30));
  // 2:30 AM does not exist that night; it moves forward by the gap.
  EXPECT_EQ(ny.to_sys(day(2026, 3, 8), minutes{2 * 60 + 30}), utc(2026, 3, 8, 7, 30));
  const auto back = ny.to_local(utc(2026, 3, 8, 19, 0));
  EXPECT_EQ(back.day, day(2026, 3, 8));
  EXPECT_EQ(back.minute_of_day, minutes{15 * 60});
}

TEST(shop_clock, new_york_fall_back_comes_from_the_tz_database) {
  const shop_clock ny{"America/New_York"};
  EXPECT_EQ(ny.to_sys(day(2026, 11, 1), minutes{15 * 60}), utc(2026, 11, 1, 20, 0));
  EXPECT_EQ(ny.to_sys(day(2026, 10, 31), minutes{15 * 60}), utc(2026, 10, 31, 19, 0));
  // 1:30 AM happens twice; the first one (EDT) is taken.
  EXPECT_EQ(ny.to_sys(day(2026, 11, 1), minutes{90}), utc(2026, 11, 1, 5, 30));
  // Both 1:30s read back as 1:30 local.
  EXPECT_EQ(ny.to_local(utc(2026, 11, 1, 5, 30)).minute_of_day, minutes{90});
  EXPECT_EQ(ny.to_local(utc(2026, 11, 1, 6, 30)).minute_of_day, minutes{90});
}

TEST(shop_clock, honolulu_has_no_daylight_saving) {
  const shop_clock hnl{"Pacific/Honolulu"};
  EXPECT_EQ(hnl.to_sys(day(2026, 3, 8), minutes{15 * 60}), utc(2026, 3, 9, 1, 0));
  EXPECT_EQ(hnl.to_sys(day(2026, 7, 1), minutes{15 * 60}), utc(2026, 7, 2, 1, 0));
  const auto m = hnl.to_local(utc(2026, 12, 1, 20, 0));
  EXPECT_EQ(m.day, day(2026, 12, 1));
  EXPECT_EQ(m.minute_of_day, minutes{10 * 60});
}

TEST(shop_clock, an_unknown_zone_falls_back_to_utc) {
  const shop_clock bad{"Not/A_Zone"};
  EXPECT_FALSE(bad.ok());
  EXPECT_EQ(bad.to_sys(day(2026, 3, 8), minutes{60}), utc(2026, 3, 8, 1, 0));
  const shop_clock empty{""};
  EXPECT_FALSE(empty.ok());
}

}  // namespace
