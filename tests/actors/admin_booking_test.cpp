// Admin bookings: the rules (pure, on a hand-made shop) and the race with callers for one slot
// (real actors, real PostgreSQL).

#include "actors/admin_booking.hpp"

#include <gtest/gtest.h>

#include <caf/all.hpp>
#include <filesystem>
#include <future>
#include <set>
#include <thread>

#include "actors/messages.hpp"
#include "actors/runtime_stats.hpp"
#include "actors/shop_directory.hpp"
#include "conversation/availability.hpp"
#include "conversation/shop_clock.hpp"
#include "db/connection.hpp"
#include "db/demo_seed.hpp"
#include "tests/actors/actor_node.hpp"
#include "tests/db/scratch_database.hpp"

namespace salon::actors {
namespace {

using namespace std::chrono;
using namespace std::chrono_literals;

// Honolulu, open Monday to Saturday 09:00-17:00. Maria does everything; Kenji only cuts and has
// Mondays off. Maria is booked on Tuesday 2030-01-15 from 10:00 to 11:00.
class admin_booking_rules : public ::testing::Test {
 protected:
  void SetUp() override {
    shop_.name = "Rules Salon";
    shop_.time_zone = "Pacific/Honolulu";
    for (int day = 1; day <= 6; ++day) shop_.hours[day] = conversation::opening_hours{9h, 17h};
    shop_.services = {{"svc_cut", "Cut", {}, "Cuts", 60, 5000, {}, false},
                      {"svc_color", "Color", {}, "Color", 120, 12000, {}, false}};
    shop_.stylists = {{"st_maria", "Maria Santos", "Owner", {}, {}},
                      {"st_kenji", "Kenji Watanabe", "Stylist", {"svc_cut"}, {1}}};
    shop_.booked = {{"Maria Santos", at("2030-01-15", 10h), at("2030-01-15", 11h)}};
  }

  sys_seconds at(const char* date, minutes time) const {
    int y = 0;
    unsigned m = 0, d = 0;
    std::sscanf(date, "%d-%u-%u", &y, &m, &d);
    return conversation::shop_clock(shop_.time_zone)
        .to_sys(local_days{year{y} / month{m} / day{d}}, time);
  }

  admin_booking request(const char* service, sys_seconds start,
                        std::optional<std::string> stylist = std::nullopt) const {
    admin_booking r;
    r.location_id = 1;
    r.call_sid = "CA1";
    r.service_id = service;
    r.starts = start;
    r.estimated_revenue_cents = 8000;
    r.customer_name = "Keoni";
    r.stylist = std::move(stylist);
    return r;
  }

  std::variant<conversation::book_action, admin_booking_refused> plan(const admin_booking& r) {
    return plan_admin_booking(shop_, rules_, r, now_);
  }

  admin_booking_refused refused(const admin_booking& r) {
    auto result = plan(r);
    EXPECT_TRUE(std::holds_alternative<admin_booking_refused>(result));
    if (auto* refusal = std::get_if<admin_booking_refused>(&result)) return *refusal;
    return {};
  }

  conversation::shop_snapshot shop_;
  db::booking_rules rules_;
  sys_seconds now_ = at("2030-01-14", 0h);
};

TEST_F(admin_booking_rules, a_free_qualified_stylist_is_chosen_when_none_is_named) {
  const auto result = plan(request("svc_cut", at("2030-01-15", 10h)));
  ASSERT_TRUE(std::holds_alternative<conversation::book_action>(result));
  const auto& action = std::get<conversation::book_action>(result);
  EXPECT_EQ(action.resource, "Kenji Watanabe");  // Maria is busy
  EXPECT_TRUE(action.any_stylist);
  EXPECT_EQ(action.start, at("2030-01-15", 10h));
  EXPECT_EQ(action.end, at("2030-01-15", 11h));
  EXPECT_EQ(action.price_cents, 8000);
  EXPECT_EQ(action.customer_name, "Keoni");
}

TEST_F(admin_booking_rules, a_named_stylist_must_be_free_and_the_next_times_are_offered) {
  const auto refusal = refused(request("svc_cut", at("2030-01-15", 10h), "maria"));
  EXPECT_EQ(refusal.reason, booking_refusal::taken);
  EXPECT_EQ(refusal.field, "appointment_date");
  ASSERT_FALSE(refusal.next_free.empty());
  EXPECT_EQ(refusal.next_free.front().start, at("2030-01-15", 11h));
  EXPECT_EQ(refusal.next_free.front().resource, "Maria Santos");
  EXPECT_LE(refusal.next_free.size(), 3u);

  const auto at_eleven = plan(request("svc_cut", at("2030-01-15", 11h), "Maria Santos"));
  ASSERT_TRUE(std::holds_alternative<conversation::book_action>(at_eleven));
  EXPECT_FALSE(std::get<conversation::book_action>(at_eleven).any_stylist);
  EXPECT_EQ(std::get<conversation::book_action>(at_eleven).stylist_id, "st_maria");
  // Half past ten overlaps the booking too.
  EXPECT_EQ(refused(request("svc_cut", at("2030-01-15", 10h + 30min), "st_maria")).reason,
            booking_refusal::taken);
}

TEST_F(admin_booking_rules, unknown_services_and_stylists_and_the_wrong_stylist) {
  EXPECT_EQ(refused(request("svc_nope", at("2030-01-15", 12h))).reason,
            booking_refusal::unknown_service);
  EXPECT_EQ(refused(request("svc_nope", at("2030-01-15", 12h))).field, "service_id");
  const auto nobody = refused(request("svc_cut", at("2030-01-15", 12h), "Nobody"));
  EXPECT_EQ(nobody.reason, booking_refusal::unknown_stylist);
  EXPECT_EQ(nobody.field, "stylist");
  EXPECT_EQ(refused(request("svc_color", at("2030-01-15", 12h), "Kenji")).reason,
            booking_refusal::stylist_cannot);
}

TEST_F(admin_booking_rules, opening_hours_days_off_the_past_and_the_horizon) {
  const auto late = refused(request("svc_cut", at("2030-01-15", 16h + 30min)));
  EXPECT_EQ(late.reason, booking_refusal::outside_opening_hours);
  ASSERT_FALSE(late.next_free.empty());
  EXPECT_EQ(late.next_free.front().start, at("2030-01-16", 9h));  // the next morning
  const auto sunday = refused(request("svc_cut", at("2030-01-20", 10h)));
  EXPECT_EQ(sunday.reason, booking_refusal::outside_opening_hours);
  EXPECT_NE(sunday.message.find("closed"), std::string::npos);
  EXPECT_EQ(refused(request("svc_cut", at("2030-01-15", 8h + 45min))).reason,
            booking_refusal::outside_opening_hours);
  // 16:00 for an hour ends at closing: fine.
  EXPECT_TRUE(std::holds_alternative<conversation::book_action>(
      plan(request("svc_cut", at("2030-01-15", 16h)))));
  EXPECT_EQ(refused(request("svc_cut", at("2030-01-21", 10h), "Kenji")).reason,
            booking_refusal::stylist_not_working);
  EXPECT_EQ(refused(request("svc_cut", now_ - 1h)).reason, booking_refusal::in_the_past);
  EXPECT_EQ(refused(request("svc_cut", at("2030-04-16", 10h))).reason,
            booking_refusal::too_far_ahead);
}

TEST_F(admin_booking_rules, a_wall_clock_time_is_the_shop_s) {
  auto wall = request("svc_cut", {});
  wall.starts = local_seconds{local_days{2030y / 1 / 15} + 10h};
  const auto local = plan(wall);
  const auto instant = plan(request("svc_cut", sys_days{2030y / 1 / 15} + 20h));  // 10:00 HST
  ASSERT_TRUE(std::holds_alternative<conversation::book_action>(local));
  ASSERT_TRUE(std::holds_alternative<conversation::book_action>(instant));
  EXPECT_EQ(std::get<conversation::book_action>(local).start,
            std::get<conversation::book_action>(instant).start);
}

TEST_F(admin_booking_rules, a_shop_of_chairs_books_a_free_chair) {
  shop_.stylists.clear();
  shop_.chair_count = 2;
  shop_.booked = {{"1", at("2030-01-15", 10h), at("2030-01-15", 11h)}};
  const auto result = plan(request("svc_cut", at("2030-01-15", 10h)));
  ASSERT_TRUE(std::holds_alternative<conversation::book_action>(result));
  EXPECT_EQ(std::get<conversation::book_action>(result).resource, "chair 2");
  EXPECT_EQ(refused(request("svc_cut", at("2030-01-15", 10h), "Maria")).reason,
            booking_refusal::unknown_stylist);
}

// The call CA1 already holds Maria at 10:00 on Wednesday for a cut.
TEST_F(admin_booking_rules, a_repeated_request_is_the_appointment_the_call_already_has) {
  db::appointment held;
  held.id = "a1";
  held.call_sid = "CA1";
  held.service_id = "svc_cut";
  held.resource = "Maria Santos";
  held.starts_at = at("2030-01-16", 10h);
  held.ends_at = at("2030-01-16", 11h);
  held.estimated_revenue_cents = 8000;
  held.customer_name = "Keoni";
  const std::vector<db::appointment> made{held};
  const auto repeat_of = [&](const admin_booking& r) -> std::optional<admin_booking_made> {
    auto found = find_repeat(shop_, r, made);
    if (!found) return std::nullopt;
    EXPECT_TRUE(std::holds_alternative<admin_booking_made>(*found));
    if (auto* same = std::get_if<admin_booking_made>(&*found)) return *same;
    return std::nullopt;
  };

  const auto same = repeat_of(request("svc_cut", at("2030-01-16", 10h)));
  ASSERT_TRUE(same);
  EXPECT_TRUE(same->repeated);
  EXPECT_EQ(same->appointment.id, "a1");
  EXPECT_EQ(same->time_zone, "Pacific/Honolulu");
  EXPECT_TRUE(repeat_of(request("svc_cut", at("2030-01-16", 10h), "maria")));
  auto wall = request("svc_cut", {});
  wall.starts = local_seconds{local_days{2030y / 1 / 16} + 10h};
  EXPECT_TRUE(repeat_of(wall)) << "the same time as the shop's wall clock";

  // Another stylist, time or service is another booking.
  EXPECT_FALSE(find_repeat(shop_, request("svc_cut", at("2030-01-16", 10h), "Kenji"), made));
  EXPECT_FALSE(find_repeat(shop_, request("svc_cut", at("2030-01-16", 10h), "Nobody"), made));
  EXPECT_FALSE(find_repeat(shop_, request("svc_cut", at("2030-01-16", 11h)), made));
  EXPECT_FALSE(find_repeat(shop_, request("svc_color", at("2030-01-16", 10h)), made));
  EXPECT_FALSE(find_repeat(shop_, request("svc_cut", at("2030-01-16", 10h)), {}));

  // The same booking with another price or customer: refused, naming what differs.
  const auto refused_for = [&](const admin_booking& r) {
    auto found = find_repeat(shop_, r, made);
    EXPECT_TRUE(found && std::holds_alternative<admin_booking_refused>(*found));
    return found && std::holds_alternative<admin_booking_refused>(*found)
               ? std::get<admin_booking_refused>(*found)
               : admin_booking_refused{};
  };
  auto pricier = request("svc_cut", at("2030-01-16", 10h));
  pricier.estimated_revenue_cents = 9000;
  const auto price = refused_for(pricier);
  EXPECT_EQ(price.reason, booking_refusal::repeated_otherwise);
  EXPECT_EQ(price.field, "estimated_revenue_cents");
  EXPECT_NE(price.message.find("8000"), std::string::npos) << price.message;
  EXPECT_NE(price.message.find("a1"), std::string::npos) << price.message;
  auto renamed = request("svc_cut", at("2030-01-16", 10h));
  renamed.customer_name.reset();
  EXPECT_EQ(refused_for(renamed).field, "customer_name");
  auto with_phone = request("svc_cut", at("2030-01-16", 10h));
  with_phone.customer_phone = "+18085550100";
  EXPECT_EQ(refused_for(with_phone).field, "customer_phone");
}

// ---- on PostgreSQL ----------------------------------------------------------------------------

using testing::node;
using testing::shop_of;
using testing::snapshot_of;
using testing::spool_dir;

class admin_booking_race : public db::testing::migrated_database_test {
 protected:
  void SetUp() override {
    migrated_database_test::SetUp();
    if (HasFatalFailure()) return;
    db::connection connection(url());
    db::seed_demo_salon(connection);
  }

  // A free slot tomorrow or later for the first service, with its stylist.
  conversation::free_slot free_slot(const conversation::shop_snapshot& shop) {
    conversation::availability search(shop);
    conversation::slot_query query;
    query.service_ids = {shop.services.at(0).id};
    query.now = time_point_cast<seconds>(system_clock::now());
    query.from = query.now + 24h;
    query.to = query.from + days(14);
    auto slots = search.find(query);
    EXPECT_FALSE(slots.empty());
    return slots.empty() ? conversation::free_slot{} : slots.front();
  }

  // Admin bookings and phone bookings of one slot on one stylist, all at once; how many of each
  // got it. Admins that lost must have been offered other times.
  std::pair<int, int> race(caf::actor_system& system, const caf::actor& admin_shop,
                           const caf::actor& admin_pool, const caf::actor& phone_shop,
                           const conversation::shop_snapshot& shop, int each) {
    const auto slot = free_slot(shop);
    admin_booking admin;
    admin.location_id = 1;
    admin.call_sid = "CAADMIN";
    admin.service_id = shop.services.at(0).id;
    admin.starts = slot.start;
    admin.estimated_revenue_cents = 6500;
    admin.stylist = slot.resource;
    conversation::book_action phone;
    phone.service_ids = {admin.service_id};
    phone.resource = slot.resource;
    phone.start = slot.start;
    phone.end = slot.end;
    phone.customer_name = "Caller";
    phone.phone = "+18085550199";
    phone.price_cents = 6500;

    std::atomic<int> admin_won{0};
    std::atomic<int> phone_won{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < each; ++i) {
      threads.emplace_back([&, i] {
        std::promise<std::variant<admin_booking_result, failure>> answer;
        auto request = admin;
        request.call_sid = "CAADMIN" + std::to_string(i);
        book_for_admin(system, admin_shop, admin_pool, request,
                       [&](std::variant<admin_booking_result, failure> r) { answer.set_value(r); });
        const auto result = answer.get_future().get();
        ASSERT_TRUE(std::holds_alternative<admin_booking_result>(result));
        const auto& outcome = std::get<admin_booking_result>(result);
        if (const auto* made = std::get_if<admin_booking_made>(&outcome)) {
          ++admin_won;
          EXPECT_EQ(made->appointment.source, db::appointment_source::admin);
          EXPECT_EQ(made->appointment.call_sid, request.call_sid);
          EXPECT_EQ(made->appointment.estimated_revenue_cents, 6500);
        } else {
          const auto& refused = std::get<admin_booking_refused>(outcome);
          EXPECT_EQ(refused.reason, booking_refusal::taken);
          EXPECT_FALSE(refused.next_free.empty());
          for (const auto& t : refused.next_free) EXPECT_NE(t.start, slot.start);
        }
      });
      threads.emplace_back([&, i] {
        caf::scoped_actor self{system};
        self->request(phone_shop, 30s, book_atom::value,
                      booking_request{phone, "CAPHONE" + std::to_string(i)})
            .receive(
                [&](conversation::action_result& result) {
                  if (std::holds_alternative<conversation::booking_confirmed>(result)) {
                    ++phone_won;
                  } else {
                    EXPECT_TRUE(std::holds_alternative<conversation::booking_taken>(result));
                  }
                },
                [&](caf::error& e) { ADD_FAILURE() << system.render(e); });
      });
    }
    for (auto& t : threads) t.join();
    return {admin_won.load(), phone_won.load()};
  }

  int booked_rows() {
    return database()
        .query("select count(*) from appointments where status = 'booked'")[0][0]
        .as<int>();
  }
};

TEST_F(admin_booking_race, admins_and_callers_on_one_node_get_the_slot_once) {
  caf::actor_system_config cfg;
  caf::actor_system system{cfg};
  node n(system, url(), spool_dir("admin_one_node"));
  auto shop = shop_of(system, n);
  const auto snapshot = snapshot_of(system, shop);
  ASSERT_TRUE(snapshot);
  const auto [admins, callers] = race(system, shop, n.pool, shop, *snapshot, 10);
  EXPECT_EQ(admins + callers, 1);
  EXPECT_EQ(booked_rows(), 1);
  n.stop();
}

TEST_F(admin_booking_race, an_admin_on_one_node_and_callers_on_another_get_it_once) {
  caf::actor_system_config cfg;
  caf::actor_system system{cfg};
  node a(system, url(), spool_dir("admin_node_a"));
  node b(system, url(), spool_dir("admin_node_b"));
  auto shop_a = shop_of(system, a);
  auto shop_b = shop_of(system, b);
  const auto snapshot = snapshot_of(system, shop_a);
  ASSERT_TRUE(snapshot);
  ASSERT_TRUE(snapshot_of(system, shop_b)) << "both nodes hold the book before the race";
  const auto [admins, callers] = race(system, shop_a, a.pool, shop_b, *snapshot, 10);
  EXPECT_EQ(admins + callers, 1);
  EXPECT_EQ(booked_rows(), 1);
  a.stop();
  b.stop();
}

TEST_F(admin_booking_race, an_admin_booking_links_the_call_and_marks_it_booked) {
  db::connection connection(url());
  const auto shop_id = connection.load_shop(1)->profile.id;
  const auto now = time_point_cast<microseconds>(system_clock::now());
  connection.record_call_started({"CALINKED", shop_id, "+18085550111", "+18084826296", now});
  db::call_settlement settled;
  settled.call_sid = "CALINKED";
  settled.shop_id = shop_id;
  settled.outcome = db::call_outcome::inquiry;
  settled.started_at = now;
  settled.ended_at = now + 1min;
  connection.settle_call(settled);

  caf::actor_system_config cfg;
  caf::actor_system system{cfg};
  node n(system, url(), spool_dir("admin_link"));
  auto shop = shop_of(system, n);
  const auto slot = free_slot(*snapshot_of(system, shop));
  admin_booking request;
  request.location_id = 1;
  request.call_sid = "CALINKED";
  request.service_id = snapshot_of(system, shop)->services.at(0).id;
  request.starts = slot.start;
  request.estimated_revenue_cents = 7000;
  request.customer_phone = "+18085550111";
  std::promise<std::variant<admin_booking_result, failure>> answer;
  book_for_admin(system, shop, n.pool, request,
                 [&](std::variant<admin_booking_result, failure> r) { answer.set_value(r); });
  const auto result = answer.get_future().get();
  ASSERT_TRUE(std::holds_alternative<admin_booking_result>(result));
  const auto* made = std::get_if<admin_booking_made>(&std::get<admin_booking_result>(result));
  ASSERT_NE(made, nullptr);
  EXPECT_EQ(made->time_zone, "Pacific/Honolulu");
  EXPECT_EQ(made->appointment.customer_phone, "+18085550111");
  EXPECT_EQ(connection.load_call("CALINKED")->outcome, db::call_outcome::booked);
  n.stop();
}

// A client sending one request several times at once (a retry racing the first try): one
// appointment, and every answer is that appointment.
TEST_F(admin_booking_race, the_same_request_sent_at_once_books_once_and_answers_alike) {
  db::connection connection(url());
  const auto shop_id = connection.load_shop(1)->profile.id;
  const auto now = time_point_cast<microseconds>(system_clock::now());
  connection.record_call_started({"CARETRY", shop_id, "+18085550112", "+18084826296", now});

  caf::actor_system_config cfg;
  caf::actor_system system{cfg};
  node n(system, url(), spool_dir("admin_retry"));
  auto shop = shop_of(system, n);
  const auto snapshot = snapshot_of(system, shop);
  ASSERT_TRUE(snapshot);
  const auto slot = free_slot(*snapshot);
  admin_booking request;
  request.location_id = 1;
  request.call_sid = "CARETRY";
  request.service_id = snapshot->services.at(0).id;
  request.starts = slot.start;
  request.estimated_revenue_cents = 6500;

  constexpr int copies = 4;
  std::vector<std::promise<std::variant<admin_booking_result, failure>>> answers(copies);
  for (auto& answer : answers) {
    book_for_admin(system, shop, n.pool, request,
                   [&answer](std::variant<admin_booking_result, failure> r) {
                     answer.set_value(std::move(r));
                   });
  }
  std::set<std::string> ids;
  int new_ones = 0;
  for (auto& answer : answers) {
    const auto result = answer.get_future().get();
    const auto* outcome = std::get_if<admin_booking_result>(&result);
    const auto* made = outcome ? std::get_if<admin_booking_made>(outcome) : nullptr;
    EXPECT_NE(made, nullptr) << "every copy is answered with the appointment";
    if (made == nullptr) continue;
    ids.insert(made->appointment.id);
    if (!made->repeated) ++new_ones;
  }
  EXPECT_EQ(ids.size(), 1u);
  EXPECT_EQ(new_ones, 1);
  EXPECT_EQ(database()
                .query("select count(*) from appointments where call_sid = 'CARETRY'")[0][0]
                .as<int>(),
            1);
  n.stop();
}

}  // namespace
}  // namespace salon::actors
