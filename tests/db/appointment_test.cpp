#include <barrier>
#include <thread>

#include "db/connection.hpp"
#include "db/demo_seed.hpp"
#include "db/errors.hpp"
#include "scratch_database.hpp"

namespace salon::db {
namespace {

using namespace std::chrono_literals;
using std::chrono::sys_days;

// 2030-01-15 is a Tuesday; times are UTC (Honolulu is UTC-10).
const time_point ten_am = sys_days{std::chrono::year{2030} / 1 / 15} + 20h;

class appointment_test : public testing::migrated_database_test {
 protected:
  void SetUp() override {
    migrated_database_test::SetUp();
    if (HasFatalFailure()) return;
    db_ = std::make_unique<connection>(url());
    shop_id_ = seed_demo_salon(*db_).shop_id;
  }

  appointment booking(std::string resource, time_point starts_at, std::chrono::minutes length) {
    appointment a;
    a.shop_id = shop_id_;
    a.customer_name = "Keoni";
    a.customer_phone = "+18085550123";
    a.service_id = "svc_studio9_womens_cut";
    a.service_name = "Women's Haircut";
    a.resource = std::move(resource);
    a.starts_at = starts_at;
    a.ends_at = starts_at + length;
    a.estimated_revenue_cents = 6500;
    return a;
  }

  connection& db() { return *db_; }
  const std::string& shop_id() const { return shop_id_; }

 private:
  std::unique_ptr<connection> db_;
  std::string shop_id_;
};

TEST_F(appointment_test, an_overlapping_booking_of_the_same_stylist_is_taken) {
  const auto first = db().insert_appointment(booking("Maria Santos", ten_am, 60min));
  ASSERT_EQ(first.result, booking_result::booked);
  EXPECT_EQ(first.appointment_id.size(), 36u);

  const auto second = db().insert_appointment(booking("Maria Santos", ten_am + 30min, 60min));
  EXPECT_EQ(second.result, booking_result::taken);
  EXPECT_TRUE(second.appointment_id.empty());
  ASSERT_TRUE(second.conflict.has_value());
  EXPECT_EQ(second.conflict->appointment_id, first.appointment_id);
  EXPECT_EQ(second.conflict->starts_at, ten_am);
  EXPECT_EQ(second.conflict->ends_at, ten_am + 60min);

  // Enclosing and enclosed intervals overlap too.
  EXPECT_EQ(db().insert_appointment(booking("Maria Santos", ten_am - 30min, 120min)).result,
            booking_result::taken);
  EXPECT_EQ(db().insert_appointment(booking("Maria Santos", ten_am + 15min, 15min)).result,
            booking_result::taken);
}

TEST_F(appointment_test, racing_bookings_of_one_slot_book_it_exactly_once) {
  constexpr int callers = 8;
  std::vector<booking_outcome> outcomes(callers);
  std::barrier start(callers);
  std::vector<std::thread> threads;
  for (int i = 0; i < callers; ++i)
    threads.emplace_back([&, i] {
      connection own(url());
      own.ping();
      start.arrive_and_wait();
      // Each asks for a slightly different interval that overlaps all the others.
      outcomes[i] = own.insert_appointment(
          booking("Kenji Watanabe", ten_am + std::chrono::minutes(i), 30min));
    });
  for (auto& t : threads) t.join();

  int booked = 0;
  for (const auto& o : outcomes) {
    if (o.result == booking_result::booked)
      ++booked;
    else
      EXPECT_EQ(o.result, booking_result::taken);
  }
  EXPECT_EQ(booked, 1);
  EXPECT_EQ(database().query("select count(*) from appointments")[0][0].as<int>(), 1);
}

TEST_F(appointment_test, another_stylist_back_to_back_and_other_shops_are_free) {
  ASSERT_EQ(db().insert_appointment(booking("Maria Santos", ten_am, 60min)).result,
            booking_result::booked);
  EXPECT_EQ(db().insert_appointment(booking("Kenji Watanabe", ten_am, 60min)).result,
            booking_result::booked);
  EXPECT_EQ(db().insert_appointment(booking("Maria Santos", ten_am + 60min, 30min)).result,
            booking_result::booked);
  EXPECT_EQ(db().insert_appointment(booking("Maria Santos", ten_am - 45min, 45min)).result,
            booking_result::booked);

  shop other;
  other.profile.location_id = 2;
  other.profile.business_name = "Other Salon";
  auto elsewhere = booking("Maria Santos", ten_am, 60min);
  elsewhere.shop_id = db().save_shop(other).shop_id;
  elsewhere.service_id.reset();
  EXPECT_EQ(db().insert_appointment(elsewhere).result, booking_result::booked);
}

TEST_F(appointment_test, cancelled_and_pending_appointments_hold_no_time) {
  const auto first = db().insert_appointment(booking("Maria Santos", ten_am, 60min));
  ASSERT_EQ(db().cancel_appointment(first.appointment_id), cancel_result::cancelled);
  EXPECT_EQ(db().cancel_appointment(first.appointment_id), cancel_result::not_active);
  EXPECT_EQ(db().cancel_appointment("6f1c1d2e-0000-4000-8000-000000000000"),
            cancel_result::not_found);
  EXPECT_EQ(db().cancel_appointment("garbage"), cancel_result::not_found);

  auto pending = booking("Maria Santos", ten_am, 60min);
  pending.status = appointment_status::pending;
  const auto requested = db().insert_appointment(pending);
  EXPECT_EQ(requested.result, booking_result::booked);

  const auto rebooked = db().insert_appointment(booking("Maria Santos", ten_am, 60min));
  EXPECT_EQ(rebooked.result, booking_result::booked);

  const auto loaded = db().load_appointment(requested.appointment_id);
  ASSERT_TRUE(loaded.has_value());
  EXPECT_EQ(loaded->status, appointment_status::pending);
}

TEST_F(appointment_test, storing_the_same_id_twice_is_one_appointment) {
  auto request = booking("Maria Santos", ten_am, 60min);
  request.id = "0b7c3c5e-1d1f-4a53-9b35-6a6f5c8d2e10";
  EXPECT_EQ(db().insert_appointment(request).result, booking_result::booked);
  const auto again = db().insert_appointment(request);
  EXPECT_EQ(again.result, booking_result::booked);
  EXPECT_EQ(again.appointment_id, request.id);
  EXPECT_EQ(database().query("select count(*) from appointments")[0][0].as<int>(), 1);
}

TEST_F(appointment_test, the_book_holds_active_appointments_in_the_window) {
  const auto kept = db().insert_appointment(booking("Maria Santos", ten_am, 60min));
  const auto other = db().insert_appointment(booking("Kenji Watanabe", ten_am + 2h, 30min));
  const auto gone = db().insert_appointment(booking("Leilani Kahale", ten_am, 45min));
  db().cancel_appointment(gone.appointment_id);
  db().insert_appointment(booking("Maria Santos", ten_am + 48h, 60min));  // outside the window

  const auto book = db().load_appointment_book(shop_id(), ten_am - 1h, ten_am + 24h);
  ASSERT_EQ(book.size(), 2u);
  EXPECT_EQ(book[0].appointment_id, kept.appointment_id);
  EXPECT_EQ(book[0].resource, "Maria Santos");
  EXPECT_EQ(book[0].starts_at, ten_am);
  EXPECT_EQ(book[0].ends_at, ten_am + 60min);
  EXPECT_EQ(book[1].appointment_id, other.appointment_id);

  // An appointment that started before the window but runs into it is in the book.
  EXPECT_EQ(db().load_appointment_book(shop_id(), ten_am + 30min, ten_am + 31min).size(), 1u);
  EXPECT_TRUE(db().load_appointment_book("nope", ten_am, ten_am + 1h).empty());
}

TEST_F(appointment_test, an_appointment_round_trips_with_every_field) {
  auto request = booking("Kenji Watanabe", ten_am + 123456us, 30min);
  request.customer_name = "Ōhana Kealoha 🌺";
  request.notes = "prefers the window seat";
  request.source = appointment_source::admin;
  request.call_sid = "CA0123456789abcdef0123456789abcdef";
  const auto stored = db().insert_appointment(request);
  ASSERT_EQ(stored.result, booking_result::booked);

  const auto loaded = db().load_appointment(stored.appointment_id);
  ASSERT_TRUE(loaded.has_value());
  EXPECT_EQ(loaded->shop_id, shop_id());
  EXPECT_EQ(loaded->customer_name, request.customer_name);
  EXPECT_EQ(loaded->customer_phone, request.customer_phone);
  EXPECT_EQ(loaded->service_id, "svc_studio9_womens_cut");
  EXPECT_EQ(loaded->starts_at, request.starts_at);
  EXPECT_EQ(loaded->ends_at, request.ends_at);
  EXPECT_EQ(loaded->estimated_revenue_cents, 6500);
  EXPECT_EQ(loaded->source, appointment_source::admin);
  EXPECT_EQ(loaded->notes, request.notes);
  EXPECT_EQ(loaded->call_sid, request.call_sid);

  // The call it names exists now, and it counts as booked.
  const auto call = db().load_call(*request.call_sid);
  ASSERT_TRUE(call.has_value());
  EXPECT_EQ(call->outcome, call_outcome::booked);
  EXPECT_EQ(call->shop_id, shop_id());
}

TEST_F(appointment_test, rescheduling_moves_the_time_unless_it_is_taken) {
  const auto maria = db().insert_appointment(booking("Maria Santos", ten_am, 60min));
  const auto kenji = db().insert_appointment(booking("Kenji Watanabe", ten_am + 2h, 60min));

  // Overlapping its own old time is fine.
  EXPECT_EQ(
      db().reschedule_appointment(maria.appointment_id, ten_am + 30min, ten_am + 90min).result,
      booking_result::booked);
  const auto taken =
      db().reschedule_appointment(maria.appointment_id, ten_am + 2h, ten_am + 3h, "Kenji Watanabe");
  EXPECT_EQ(taken.result, booking_result::taken);
  ASSERT_TRUE(taken.conflict.has_value());
  EXPECT_EQ(taken.conflict->appointment_id, kenji.appointment_id);
  EXPECT_EQ(db().load_appointment(maria.appointment_id)->starts_at, ten_am + 30min);

  EXPECT_EQ(db().reschedule_appointment(maria.appointment_id, ten_am + 2h, ten_am + 3h).result,
            booking_result::booked);
  EXPECT_EQ(db().reschedule_appointment("not-an-id", ten_am, ten_am + 1h).result,
            booking_result::not_found);
  db().cancel_appointment(kenji.appointment_id);
  EXPECT_EQ(db().reschedule_appointment(kenji.appointment_id, ten_am, ten_am + 1h).result,
            booking_result::not_found);
}

TEST_F(appointment_test, a_callers_appointments_are_found_by_phone) {
  db().insert_appointment(booking("Maria Santos", ten_am, 60min));
  auto someone_else = booking("Kenji Watanabe", ten_am, 60min);
  someone_else.customer_phone = "+18085550999";
  db().insert_appointment(someone_else);
  db().insert_appointment(booking("Kenji Watanabe", ten_am - 72h, 60min));  // in the past

  const auto found = db().find_customer_appointments(shop_id(), "+18085550123", ten_am - 1h);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].resource, "Maria Santos");
}

TEST_F(appointment_test, check_constraints_refuse_bad_appointments) {
  const auto expect_refused = [&](const appointment& request, const char* sqlstate,
                                  const char* what) {
    try {
      db().insert_appointment(request);
      ADD_FAILURE() << what << " was accepted";
    } catch (const query_error& e) {
      EXPECT_EQ(e.sqlstate(), sqlstate) << what << ": " << e.what();
    }
  };
  auto bad = booking("Maria Santos", ten_am, 60min);
  bad.estimated_revenue_cents = -1;
  expect_refused(bad, "23514", "negative revenue");
  bad = booking("Maria Santos", ten_am, 60min);
  bad.ends_at = bad.starts_at;
  expect_refused(bad, "23514", "an empty interval");
  bad = booking("", ten_am, 60min);
  expect_refused(bad, "23514", "an empty resource");
  bad = booking("Maria Santos", ten_am, 60min);
  bad.service_id = "svc_does_not_exist";
  expect_refused(bad, "23503", "an unknown service");
  bad = booking("Maria Santos", ten_am, 60min);
  bad.id = "not-a-uuid";
  expect_refused(bad, "22P02", "a malformed id");
  EXPECT_EQ(database().query("select count(*) from appointments")[0][0].as<int>(), 0);
}

}  // namespace
}  // namespace salon::db
