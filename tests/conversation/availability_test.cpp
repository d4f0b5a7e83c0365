#include "conversation/availability.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>

#include "shop_fixture.hpp"

namespace {

using namespace salon::conversation;
using std::chrono::minutes;
using std::chrono::sys_seconds;

// A shop in UTC so times read plainly; open 9 to 18 every weekday but Sunday.
shop_snapshot plain_shop() {
  shop_snapshot shop;
  shop.name = "Test Cuts";
  shop.time_zone = "UTC";
  for (unsigned d = 1; d < 7; ++d) shop.hours[d] = opening_hours{minutes{9 * 60}, minutes{18 * 60}};
  shop.services = {
      {"cut", "Haircut", {}, "cuts", 60, 5000, {}, false},
      {"color", "Color", {}, "color", 90, 9000, {}, false},
      {"beard", "Beard Trim", {}, "grooming", 15, 1500, {}, false},
  };
  shop.stylists = {
      {"ann", "Ann Lee", "Stylist", {"cut", "color"}, {}},
      {"bob", "Bob Ray", "Barber", {"cut", "beard"}, {}},
  };
  return shop;
}

sys_seconds at(std::string_view local) {
  shop_snapshot utc;
  utc.time_zone = "UTC";
  return fixture::shop_time(utc, local);
}

slot_query query(std::vector<std::string> services, std::string_view from, std::string_view to,
                 std::string_view now) {
  slot_query q;
  q.service_ids = std::move(services);
  q.from = at(from);
  q.to = at(to);
  q.now = at(now);
  q.max_slots = 50;
  return q;
}

// 2026-12-01 is a Tuesday.
TEST(availability, overlapping_bookings_are_never_offered) {
  auto shop = plain_shop();
  shop.booked = {{"Ann Lee", at("2026-12-01T10:00"), at("2026-12-01T11:00")}};
  auto q = query({"color"}, "2026-12-01T00:00", "2026-12-02T00:00", "2026-11-30T00:00");
  const auto slots = find_free_slots(shop, q);
  ASSERT_FALSE(slots.empty());
  for (const auto& s : slots) {
    EXPECT_EQ(s.resource, "Ann Lee");  // Bob does not do color
    EXPECT_TRUE(s.end <= at("2026-12-01T10:00") || s.start >= at("2026-12-01T11:00"))
        << "slot overlaps the booking";
  }
  // 9:00 would run to 10:30 and overlap; the first start is 11:00.
  EXPECT_EQ(slots.front().start, at("2026-12-01T11:00"));
}

TEST(availability, a_slot_that_ends_exactly_when_a_booking_starts_is_free) {
  auto shop = plain_shop();
  shop.booked = {{"Ann Lee", at("2026-12-01T10:00"), at("2026-12-01T11:00")},
                 {"Bob Ray", at("2026-12-01T09:00"), at("2026-12-01T18:00")}};
  auto q = query({"cut"}, "2026-12-01T09:00", "2026-12-01T09:01", "2026-11-30T00:00");
  const auto slots = find_free_slots(shop, q);
  ASSERT_EQ(slots.size(), 1u);
  EXPECT_EQ(slots.front().end, at("2026-12-01T10:00"));
}

TEST(availability, durations_never_cross_closing_time) {
  const auto shop = plain_shop();
  auto q = query({"color"}, "2026-12-01T00:00", "2026-12-02T00:00", "2026-11-30T00:00");
  const auto slots = find_free_slots(shop, q);
  ASSERT_FALSE(slots.empty());
  EXPECT_EQ(slots.back().start, at("2026-12-01T16:30"));
  for (const auto& s : slots) EXPECT_LE(s.end, at("2026-12-01T18:00"));
}

TEST(availability, several_services_add_their_durations) {
  const auto shop = plain_shop();
  const availability book{shop};
  EXPECT_EQ(book.duration_of({"cut", "color"}), minutes{150});
  auto q = query({"cut", "color"}, "2026-12-01T09:00", "2026-12-01T09:01", "2026-11-30T00:00");
  const auto slots = book.find(q);
  ASSERT_EQ(slots.size(), 1u);
  EXPECT_EQ(slots.front().end - slots.front().start, minutes{150});
  EXPECT_EQ(slots.front().resource, "Ann Lee");
  // Nobody does color and a beard trim together.
  EXPECT_TRUE(book.find(query({"color", "beard"}, "2026-12-01T00:00", "2026-12-08T00:00",
                              "2026-11-30T00:00"))
                  .empty());
}

TEST(availability, picks_another_qualified_stylist_or_honours_a_preference) {
  auto shop = plain_shop();
  shop.booked = {{"ann", at("2026-12-01T09:00"), at("2026-12-01T12:00")}};
  const availability book{shop};
  auto any = query({"cut"}, "2026-12-01T09:00", "2026-12-01T09:01", "2026-11-30T00:00");
  auto slots = book.find(any);
  ASSERT_EQ(slots.size(), 1u);
  EXPECT_EQ(slots.front().resource, "Bob Ray");
  EXPECT_EQ(slots.front().stylist, 1u);

  auto with_ann = query({"cut"}, "2026-12-01T09:00", "2026-12-01T18:00", "2026-11-30T00:00");
  with_ann.stylist = "Ann";
  slots = book.find(with_ann);
  ASSERT_FALSE(slots.empty());
  EXPECT_EQ(slots.front().start, at("2026-12-01T12:00"));
  for (const auto& s : slots) EXPECT_EQ(s.resource, "Ann Lee");

  auto bob_color = query({"color"}, "2026-12-01T09:00", "2026-12-08T18:00", "2026-11-30T00:00");
  bob_color.stylist = "bob";
  EXPECT_TRUE(book.find(bob_color).empty());
  auto nobody = bob_color;
  nobody.stylist = "Zed";
  EXPECT_TRUE(book.find(nobody).empty());
}

TEST(availability, chairs_when_no_stylists_are_listed) {
  auto shop = plain_shop();
  shop.stylists.clear();
  shop.chair_count = 2;
  shop.booked = {{"1", at("2026-12-01T09:00"), at("2026-12-01T10:00")}};
  const availability book{shop};
  auto q = query({"color"}, "2026-12-01T09:00", "2026-12-01T09:01", "2026-11-30T00:00");
  auto slots = book.find(q);
  ASSERT_EQ(slots.size(), 1u);
  EXPECT_EQ(slots.front().resource, "chair 2");
  EXPECT_FALSE(slots.front().stylist.has_value());

  shop.booked.push_back({"chair 2", at("2026-12-01T09:30"), at("2026-12-01T10:00")});
  EXPECT_TRUE(find_free_slots(shop, q).empty());
}

TEST(availability, never_offers_a_time_in_the_past) {
  const auto shop = plain_shop();
  auto q = query({"beard"}, "2026-12-01T00:00", "2026-12-02T00:00", "2026-12-01T12:07");
  q.max_slots = 1;
  const auto slots = find_free_slots(shop, q);
  ASSERT_EQ(slots.size(), 1u);
  EXPECT_EQ(slots.front().start, at("2026-12-01T12:15"));
  // A window entirely in the past has nothing.
  auto past = query({"beard"}, "2026-11-01T00:00", "2026-11-02T00:00", "2026-12-01T12:07");
  EXPECT_TRUE(find_free_slots(shop, past).empty());
}

TEST(availability, closed_weekdays_closed_dates_and_days_off) {
  auto shop = plain_shop();
  shop.closed_dates = {std::chrono::year{2026} / 12 / 2};
  shop.stylists[0].days_off = {4};  // Ann is off on Thursdays
  const availability book{shop};
  EXPECT_FALSE(book.hours_on(fixture::local_date("2026-12-06")).has_value());  // Sunday
  EXPECT_FALSE(book.hours_on(fixture::local_date("2026-12-02")).has_value());  // closed date
  EXPECT_TRUE(book.hours_on(fixture::local_date("2026-12-03")).has_value());
  EXPECT_FALSE(book.works_on(0, fixture::local_date("2026-12-03")));
  EXPECT_TRUE(book.works_on(1, fixture::local_date("2026-12-03")));

  auto q = query({"color"}, "2026-12-02T00:00", "2026-12-05T00:00", "2026-11-30T00:00");
  q.max_slots = 1;
  const auto slots = book.find(q);
  ASSERT_EQ(slots.size(), 1u);
  // Not Wednesday (closed), not Thursday (Ann off): Friday at opening.
  EXPECT_EQ(slots.front().start, at("2026-12-04T09:00"));
}

TEST(availability, start_times_within_a_part_of_the_day) {
  const auto shop = plain_shop();
  auto q = query({"beard"}, "2026-12-01T00:00", "2026-12-02T00:00", "2026-11-30T00:00");
  q.start_within = minute_span{17 * 60, 24 * 60};
  const auto slots = find_free_slots(shop, q);
  ASSERT_EQ(slots.size(), 4u);
  EXPECT_EQ(slots.front().start, at("2026-12-01T17:00"));
  EXPECT_EQ(slots.back().start, at("2026-12-01T17:45"));
}

TEST(availability, also_taken_and_ignored_intervals) {
  auto shop = plain_shop();
  shop.stylists.pop_back();
  shop.booked = {{"Ann Lee", at("2026-12-01T09:00"), at("2026-12-01T10:00")}};
  const availability book{shop};
  auto q = query({"cut"}, "2026-12-01T09:00", "2026-12-01T09:01", "2026-11-30T00:00");
  EXPECT_TRUE(book.find(q).empty());
  // The caller's own appointment does not block moving it.
  q.ignore = shop.booked.front();
  EXPECT_EQ(book.find(q).size(), 1u);
  // A slot just lost to another caller is not offered again.
  auto later = query({"cut"}, "2026-12-01T10:00", "2026-12-01T10:01", "2026-11-30T00:00");
  later.also_taken = {{"Ann Lee", at("2026-12-01T10:00"), at("2026-12-01T11:00")}};
  EXPECT_TRUE(book.find(later).empty());
}

TEST(availability, replacing_bookings_changes_the_answer) {
  const auto shop = plain_shop();
  availability book{shop};
  auto q = query({"color"}, "2026-12-01T09:00", "2026-12-01T09:01", "2026-11-30T00:00");
  EXPECT_EQ(book.find(q).size(), 1u);
  book.replace_bookings({{"Ann Lee", at("2026-12-01T08:00"), at("2026-12-01T12:00")}});
  EXPECT_TRUE(book.find(q).empty());
}

TEST(availability, daylight_saving_day_in_new_york) {
  auto shop = plain_shop();
  shop.time_zone = "America/New_York";
  shop.hours[0] = opening_hours{minutes{10 * 60}, minutes{16 * 60}};
  const availability book{shop};
  slot_query q;
  q.service_ids = {"cut"};
  q.from = fixture::shop_time(shop, "2026-03-08T00:00");
  q.to = fixture::shop_time(shop, "2026-03-09T00:00");
  q.now = q.from;
  q.max_slots = 100;
  const auto slots = book.find(q);
  ASSERT_FALSE(slots.empty());
  // 10:00 EDT is 14:00 UTC: the offset comes from the zone, not a fixed -5.
  EXPECT_EQ(slots.front().start, at("2026-03-08T14:00"));
  EXPECT_EQ(slots.back().start, at("2026-03-08T19:00"));
  EXPECT_EQ(slots.size(), 21u);  // 10:00 .. 15:00 every 15 minutes
}

TEST(availability, a_shop_without_hours_services_or_sense_has_nothing) {
  shop_snapshot empty;
  empty.time_zone = "Nowhere/Land";
  slot_query q;
  q.service_ids = {"cut"};
  q.from = at("2026-12-01T00:00");
  q.to = at("2026-12-31T00:00");
  EXPECT_TRUE(find_free_slots(empty, q).empty());

  auto no_hours = plain_shop();
  no_hours.hours = {};
  EXPECT_TRUE(find_free_slots(no_hours, q).empty());

  auto inverted = plain_shop();
  for (auto& h : inverted.hours) {
    if (h) h = opening_hours{minutes{18 * 60}, minutes{9 * 60}};
  }
  EXPECT_TRUE(find_free_slots(inverted, q).empty());

  const auto shop = plain_shop();
  auto unknown = q;
  unknown.service_ids = {"perm"};
  EXPECT_TRUE(find_free_slots(shop, unknown).empty());
  auto backwards = q;
  backwards.to = backwards.from;
  EXPECT_TRUE(find_free_slots(shop, backwards).empty());
  // Bookings with end before start are ignored rather than trusted.
  auto odd = plain_shop();
  odd.booked = {{"Ann Lee", at("2026-12-01T12:00"), at("2026-12-01T09:00")}};
  auto nine = query({"color"}, "2026-12-01T09:00", "2026-12-01T09:01", "2026-11-30T00:00");
  EXPECT_EQ(find_free_slots(odd, nine).size(), 1u);
}

// The search skips ahead when everyone is busy; it must find exactly what checking every start
// one by one finds.
TEST(availability, matches_a_start_by_start_check_on_a_busy_book) {
  auto shop = plain_shop();
  shop.stylists.push_back({"cy", "Cy Dee", "Stylist", {}, {}});
  std::uint32_t seed = 7;
  const auto next = [&seed](std::uint32_t n) {
    seed = seed * 1664525u + 1013904223u;
    return static_cast<int>((seed >> 16) % n);
  };
  const auto base = at("2026-12-01T00:00");
  for (int day = 0; day < 5; ++day) {
    for (const auto& st : shop.stylists) {
      int m = 9 * 60 + 5 * next(6);
      while (m < 18 * 60) {
        const int length = 20 + 5 * next(20);
        const auto start = base + std::chrono::days{day} + minutes{m};
        shop.booked.push_back({st.name, start, start + minutes{length}});
        m += length + 5 * next(40);
      }
    }
  }
  const availability book{shop};
  for (const std::vector<std::string>& services :
       {std::vector<std::string>{"beard"}, {"cut"}, {"color"}, {"cut", "color"}}) {
    auto q = query(services, "2026-12-01T00:00", "2026-12-06T00:00", "2026-11-30T00:00");
    q.max_slots = 1000;
    const auto found = book.find(q);
    const auto length = book.duration_of(services);
    std::vector<sys_seconds> expected;
    for (int day = 0; day < 5; ++day) {
      for (int m = 9 * 60; m + length.count() <= 18 * 60; m += 15) {
        const auto start = base + std::chrono::days{day} + minutes{m};
        const auto end = start + length;
        for (std::size_t s = 0; s < shop.stylists.size(); ++s) {
          if (!book.does_all(s, services)) continue;
          const bool clash =
              std::any_of(shop.booked.begin(), shop.booked.end(), [&](const auto& b) {
                return b.resource == shop.stylists[s].name && b.start < end && start < b.end;
              });
          if (!clash) {
            expected.push_back(start);
            break;
          }
        }
      }
    }
    std::vector<sys_seconds> got;
    for (const auto& f : found) got.push_back(f.start);
    EXPECT_EQ(got, expected) << services.size() << " services, first " << services.front();
    EXPECT_FALSE(got.empty());
  }
}

}  // namespace
