// The analytics functions of migrations/0007_analytics.sql against numbers worked out by hand.
//
// Calls are placed at local wall times relative to each shop's own today ("3 days ago at 23:59
// in Honolulu"). Seeding and reading happen in one transaction where the numbers depend on the
// day, so now() (the transaction's start) is the same for both and a test never straddles a
// midnight.

#include <algorithm>
#include <atomic>
#include <barrier>
#include <thread>

#include "db/connection.hpp"
#include "db/errors.hpp"
#include "db/migrator.hpp"
#include "scratch_database.hpp"

namespace salon::db {
namespace {

using testing::migrated_database_test;

constexpr const char* honolulu = "Pacific/Honolulu";      // UTC-10, no daylight saving
constexpr const char* kiritimati = "Pacific/Kiritimati";  // UTC+14
constexpr const char* new_york = "America/New_York";      // daylight saving

// SQL for a local wall time `days` days from the zone's today ("-3", "23:59:59").
std::string local(const std::string& zone, int days, const std::string& time) {
  return "(((now() at time zone '" + zone + "')::date + " + std::to_string(days) + ") + time '" +
         time + "') at time zone '" + zone + "'";
}

// SQL for the zone's local date `days` days from its today.
std::string local_date(const std::string& zone, int days) {
  return "((now() at time zone '" + zone + "')::date + " + std::to_string(days) + ")";
}

class analytics_test : public migrated_database_test {
 protected:
  void SetUp() override {
    migrated_database_test::SetUp();
    if (HasFatalFailure()) return;
    session_ = std::make_unique<pqxx::connection>(url());
    tx_ = std::make_unique<pqxx::work>(*session_);
  }
  void TearDown() override {
    tx_.reset();
    session_.reset();
    migrated_database_test::TearDown();
  }

  pqxx::work& tx() { return *tx_; }
  void commit() {
    tx_->commit();
    tx_ = std::make_unique<pqxx::work>(*session_);
  }

  // A shop; with a zone it gets salon_info open every day 09:00-17:00.
  std::string add_shop(int location, const std::string& zone = "") {
    auto id = tx().exec("insert into profiles (location_id, business_name) values (" +
                        std::to_string(location) + ", 'Shop " + std::to_string(location) +
                        "') returning id")[0][0]
                  .as<std::string>();
    if (!zone.empty()) {
      std::string day = R"({"open": "09:00", "close": "17:00"})";
      tx().exec("insert into salon_info (shop_id, timezone, opening_hours) values ('" + id +
                "', '" + zone + R"(', '{"mon": )" + day + R"(, "tue": )" + day + R"(, "wed": )" +
                day + R"(, "thu": )" + day + R"(, "fri": )" + day + R"(, "sat": )" + day +
                R"(, "sun": )" + day + "}')");
    }
    return id;
  }

  // outcome: "booked", ..., or "null" for a live call.
  void add_call(const std::string& shop, const std::string& started_at, const std::string& outcome,
                const std::string& duration = "null", const std::string& sentiment = "null") {
    const std::string shop_value = shop.empty() ? "null" : "'" + shop + "'";
    const std::string outcome_value = outcome == "null" ? "null" : "'" + outcome + "'";
    tx().exec(
        "insert into calls (call_sid, shop_id, started_at, outcome, duration_seconds, "
        "sentiment_score) values ('CA" +
        std::to_string(++calls_) + "', " + shop_value + ", " + started_at + ", " + outcome_value +
        ", " + duration + ", " + sentiment + ")");
  }

  void add_appointment(const std::string& shop, const std::string& created_at,
                       const std::string& status, int revenue_cents) {
    ++appointments_;
    tx().exec(
        "insert into appointments (shop_id, service_name, resource, starts_at, ends_at, status, "
        "estimated_revenue_cents, created_at) values ('" +
        shop + "', 'Cut', 'r" + std::to_string(appointments_) +
        "', now() + interval '1 day', now() + interval '25 hours', '" + status + "', " +
        std::to_string(revenue_cents) + ", " + created_at + ")");
  }

  pqxx::row kpis(const std::string& shop, int days) {
    return tx().exec1("select * from get_salon_kpis('" + shop + "', " + std::to_string(days) + ")");
  }

  std::int64_t value(const std::string& sql) { return tx().exec1(sql)[0].as<std::int64_t>(); }
  // Every (shop, day) the tallies count something on, with its sums: equal before and after
  // anything that only reorganizes the tally rows.
  std::string tally_sums() {
    return tx()
        .exec1(
            "select coalesce(string_agg(format('%s %s %s %s %s %s %s %s', shop_id, day, "
            "sum_calls, sum_booked, sum_missed, sum_progress, sum_appointments, sum_revenue), ',' "
            "order by shop_id, day), '') from (select shop_id, day, sum(calls) sum_calls, "
            "sum(booked) sum_booked, sum(missed) sum_missed, sum(in_progress) sum_progress, "
            "sum(appointments) sum_appointments, sum(revenue_cents) sum_revenue from "
            "call_daily_stats group by shop_id, day having sum(calls) <> 0 or sum(appointments) "
            "<> 0) t")[0]
        .as<std::string>();
  }
  // Whatever happened to calls and appointments, the tallies equal a recount from the rows.
  void expect_tallies_equal_a_recount() {
    const auto before = tally_sums();
    tx().exec("select salon_recount_daily_stats(id) from profiles");
    EXPECT_EQ(tally_sums(), before);
  }

 private:
  std::unique_ptr<pqxx::connection> session_;
  std::unique_ptr<pqxx::work> tx_;
  int calls_ = 0;
  int appointments_ = 0;
};

// The Honolulu shop of the first tests: a week of calls around the edges of a 7-day window.
class a_week_in_honolulu : public analytics_test {
 protected:
  void SetUp() override {
    analytics_test::SetUp();
    if (HasFatalFailure()) return;
    shop_ = add_shop(1, honolulu);
    other_ = add_shop(2, kiritimati);
    tx().exec("update salon_info set closed_dates = array[" + local_date(honolulu, -2) +
              "] where shop_id = '" + shop_ + "'");
    add_call(shop_, local(honolulu, 0, "10:00"), "booked", "120", "0.5");
    add_call(shop_, local(honolulu, 0, "00:00"), "inquiry", "60");  // first moment of today
    add_call(shop_, local(honolulu, -6, "00:00"), "missed");        // first moment of the window
    add_call(shop_, local(honolulu, -7, "23:59:59"), "booked");     // just before it
    add_call(shop_, local(honolulu, -3, "12:00"), "transferred", "300", "-0.5");
    add_call(shop_, local(honolulu, -1, "11:00"), "null");    // live
    add_call(shop_, local(honolulu, -2, "10:00"), "booked");  // on a closed date
    add_call(other_, local(honolulu, 0, "10:00"), "booked");  // another shop
    add_call("", local(honolulu, 0, "10:00"), "booked");      // no shop
    add_appointment(shop_, local(honolulu, 0, "10:05"), "booked", 8000);
    add_appointment(shop_, local(honolulu, -2, "10:05"), "cancelled", 5000);
    add_appointment(shop_, local(honolulu, -8, "10:05"), "booked", 7000);
    add_appointment(shop_, local(honolulu, -1, "09:00"), "completed", 3000);
    add_appointment(other_, local(honolulu, 0, "10:05"), "booked", 9900);
  }

  std::string shop_;
  std::string other_;
};

TEST_F(a_week_in_honolulu, kpis_count_the_last_seven_local_days) {
  const auto k = kpis(shop_, 7);
  EXPECT_EQ(k["salon_id"].as<std::string>(), shop_);
  EXPECT_EQ(k["timezone"].as<std::string>(), honolulu);
  EXPECT_EQ(k["first_day"].as<std::string>(),
            tx().exec1("select " + local_date(honolulu, -6))[0].as<std::string>());
  EXPECT_EQ(k["last_day"].as<std::string>(),
            tx().exec1("select " + local_date(honolulu, 0))[0].as<std::string>());
  EXPECT_EQ(k["total_calls"].as<int>(), 6);
  EXPECT_EQ(k["calls_answered"].as<int>(), 4);  // 2 booked, 1 inquiry, 1 transferred
  EXPECT_EQ(k["calls_booked"].as<int>(), 2);
  EXPECT_EQ(k["calls_inquiry"].as<int>(), 1);
  EXPECT_EQ(k["calls_missed"].as<int>(), 1);
  EXPECT_EQ(k["calls_transferred"].as<int>(), 1);
  EXPECT_EQ(k["calls_in_progress"].as<int>(), 1);
  // Today 00:00 is before opening; the closed date's call is after hours whatever its time.
  EXPECT_EQ(k["after_hours_captured"].as<int>(), 2);
  EXPECT_EQ(k["conversion_rate"].as<std::string>(), "0.5000");
  EXPECT_EQ(k["appointments_booked"].as<int>(), 2);  // the cancelled and the old one left out
  EXPECT_EQ(k["revenue_recovered_cents"].as<int>(), 11000);
  EXPECT_EQ(k["avg_duration_seconds"].as<std::string>(), "160.0");  // (120 + 60 + 300) / 3
  EXPECT_EQ(k["avg_sentiment"].as<double>(), 0.0);
}

TEST_F(a_week_in_honolulu, one_day_is_today_only_and_a_longer_window_reaches_back) {
  const auto today = kpis(shop_, 1);
  EXPECT_EQ(today["total_calls"].as<int>(), 2);
  EXPECT_EQ(today["calls_booked"].as<int>(), 1);
  EXPECT_EQ(today["revenue_recovered_cents"].as<int>(), 8000);
  const auto eight = kpis(shop_, 8);
  EXPECT_EQ(eight["total_calls"].as<int>(), 7);
  EXPECT_EQ(eight["calls_booked"].as<int>(), 3);
  EXPECT_EQ(eight["conversion_rate"].as<std::string>(), "0.6000");
  const auto year = kpis(shop_, 365);
  EXPECT_EQ(year["appointments_booked"].as<int>(), 3);
  EXPECT_EQ(year["revenue_recovered_cents"].as<int>(), 18000);
}

TEST_F(a_week_in_honolulu, the_timeseries_has_every_day_oldest_first_with_zeros) {
  const auto rows = tx().exec("select * from get_calls_timeseries('" + shop_ + "', 7)");
  ASSERT_EQ(rows.size(), 7u);
  // Offsets from today: -6 missed, -3 transferred, -2 booked (closed date), -1 live,
  // 0 booked + inquiry.
  const int total[] = {1, 0, 0, 1, 1, 1, 2};
  const int booked[] = {0, 0, 0, 0, 1, 0, 1};
  const int answered[] = {0, 0, 0, 1, 1, 0, 2};
  const int missed[] = {1, 0, 0, 0, 0, 0, 0};
  const int after_hours[] = {0, 0, 0, 0, 1, 0, 1};
  for (int i = 0; i < 7; ++i) {
    SCOPED_TRACE("day " + std::to_string(i - 6));
    const auto& row = rows[i];
    EXPECT_EQ(row["date"].as<std::string>(),
              tx().exec1("select " + local_date(honolulu, i - 6))[0].as<std::string>());
    EXPECT_EQ(row["total"].as<int>(), total[i]);
    EXPECT_EQ(row["booked"].as<int>(), booked[i]);
    EXPECT_EQ(row["answered"].as<int>(), answered[i]);
    EXPECT_EQ(row["missed"].as<int>(), missed[i]);
    EXPECT_EQ(row["transferred"].as<int>(), i == 3 ? 1 : 0);
    EXPECT_EQ(row["inquiry"].as<int>(), i == 6 ? 1 : 0);
    EXPECT_EQ(row["in_progress"].as<int>(), i == 5 ? 1 : 0);
    EXPECT_EQ(row["after_hours_captured"].as<int>(), after_hours[i]);
  }
  // The sums are the KPIs.
  const auto k = kpis(shop_, 7);
  EXPECT_EQ(value("select sum(total) from get_calls_timeseries('" + shop_ + "', 7)"),
            k["total_calls"].as<std::int64_t>());
}

TEST_F(a_week_in_honolulu, a_year_of_timeseries_is_365_rows_ending_today) {
  const auto rows = tx().exec("select * from get_calls_timeseries('" + shop_ + "', 365)");
  ASSERT_EQ(rows.size(), 365u);
  EXPECT_EQ(rows[364]["date"].as<std::string>(),
            tx().exec1("select " + local_date(honolulu, 0))[0].as<std::string>());
  EXPECT_EQ(rows[0]["date"].as<std::string>(),
            tx().exec1("select " + local_date(honolulu, -364))[0].as<std::string>());
  EXPECT_EQ(value("select sum(total) from get_calls_timeseries('" + shop_ + "', 365)"), 7);
}

TEST_F(analytics_test, each_shop_counts_its_own_local_days) {
  const auto hnl = add_shop(1, honolulu);
  const auto cxi = add_shop(2, kiritimati);
  // 22:00 yesterday in Honolulu is 08:00 UTC today: a UTC day would put it on the wrong day.
  add_call(hnl, local(honolulu, -1, "22:00"), "inquiry");
  // 01:00 today in Kiritimati is 11:00 UTC yesterday.
  add_call(cxi, local(kiritimati, 0, "01:00"), "inquiry");
  // Just outside and just inside a 2-day window.
  add_call(hnl, local(honolulu, -2, "23:30"), "booked");
  add_call(cxi, local(kiritimati, -1, "00:30"), "booked");

  EXPECT_NE(value("select ((" + local(honolulu, -1, "22:00") + ") at time zone 'UTC')::date - " +
                  local_date(honolulu, -1)),
            0)
      << "the seed must fall on another UTC day";
  const auto hnl_days = tx().exec("select total from get_calls_timeseries('" + hnl + "', 2)");
  ASSERT_EQ(hnl_days.size(), 2u);
  EXPECT_EQ(hnl_days[0][0].as<int>(), 1);  // yesterday
  EXPECT_EQ(hnl_days[1][0].as<int>(), 0);
  const auto cxi_days = tx().exec("select total from get_calls_timeseries('" + cxi + "', 2)");
  ASSERT_EQ(cxi_days.size(), 2u);
  EXPECT_EQ(cxi_days[0][0].as<int>(), 1);  // yesterday 00:30
  EXPECT_EQ(cxi_days[1][0].as<int>(), 1);  // today 01:00
  EXPECT_EQ(kpis(hnl, 2)["calls_booked"].as<int>(), 0);
  EXPECT_EQ(kpis(cxi, 2)["calls_booked"].as<int>(), 1);
}

TEST_F(analytics_test, daylight_saving_days_keep_their_calls) {
  const auto shop = add_shop(1, new_york);
  // The days of the last year that are not 24 hours long in New York (23 in March, 25 in
  // November).
  const std::string zone = new_york;
  const std::string length = "((d + 1)::timestamp at time zone '" + zone +
                             "') - (d::timestamp at time zone '" + zone + "')";
  const auto odd_days = tx().exec("select d - " + local_date(zone, 0) + ", extract(epoch from " +
                                  length + ")::integer / 3600 from (select " + local_date(zone, 0) +
                                  " - i as d from generate_series(0, 364) as i) as days where " +
                                  length + " <> interval '24 hours'");
  ASSERT_GE(odd_days.size(), 1u);
  ASSERT_LE(odd_days.size(), 2u);
  std::vector<int> offsets;
  for (const auto& day : odd_days) {
    const int hours = day[1].as<int>();
    EXPECT_TRUE(hours == 23 || hours == 25) << hours;
    offsets.push_back(day[0].as<int>());
    add_call(shop, local(zone, offsets.back(), "00:30"), "inquiry");
    add_call(shop, local(zone, offsets.back(), "23:30"), "inquiry");
  }
  const auto rows = tx().exec("select date - " + local_date(zone, 0) +
                              ", total from get_calls_timeseries('" + shop + "', 365)");
  ASSERT_EQ(rows.size(), 365u);
  for (const auto& row : rows) {
    const int offset = row[0].as<int>();
    const bool odd = std::find(offsets.begin(), offsets.end(), offset) != offsets.end();
    EXPECT_EQ(row[1].as<int>(), odd ? 2 : 0) << "day " << offset;
  }
}

TEST_F(a_week_in_honolulu, the_overview_has_every_shop_and_the_platform_adds_them_up) {
  const auto empty = add_shop(3);  // no salon_info, no calls
  // A call of the Kiritimati shop today and one 40 days ago (outside the 30 days).
  add_call(other_, local(kiritimati, -40, "12:00"), "inquiry");

  const auto rows = tx().exec("select * from get_all_salons_overview()");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0]["location_id"].as<int>(), 1);
  EXPECT_EQ(rows[0]["calls_today"].as<int>(), 2);
  EXPECT_EQ(rows[0]["total_calls"].as<int>(), 7);  // the 30 days hold all of its calls
  EXPECT_EQ(rows[0]["calls_booked"].as<int>(), 3);
  EXPECT_EQ(rows[0]["calls_answered"].as<int>(), 5);
  EXPECT_EQ(rows[0]["conversion_rate"].as<std::string>(), "0.6000");
  EXPECT_EQ(rows[0]["appointments_booked"].as<int>(), 3);
  EXPECT_EQ(rows[0]["revenue_recovered_cents"].as<int>(), 18000);
  EXPECT_EQ(rows[0]["last_call_at"].as<std::string>(),
            tx().exec1("select " + local(honolulu, 0, "10:00"))[0].as<std::string>());
  EXPECT_EQ(rows[1]["location_id"].as<int>(), 2);
  EXPECT_EQ(rows[1]["timezone"].as<std::string>(), kiritimati);
  EXPECT_EQ(rows[1]["total_calls"].as<int>(), 1);
  EXPECT_EQ(rows[1]["revenue_recovered_cents"].as<int>(), 9900);
  EXPECT_EQ(rows[2]["salon_id"].as<std::string>(), empty);
  EXPECT_EQ(rows[2]["timezone"].as<std::string>(), "UTC");
  EXPECT_EQ(rows[2]["total_calls"].as<int>(), 0);
  EXPECT_EQ(rows[2]["conversion_rate"].as<std::string>(), "0");
  EXPECT_TRUE(rows[2]["last_call_at"].is_null());

  const auto platform = tx().exec1("select * from get_platform_metrics()");
  EXPECT_EQ(platform["total_salons"].as<int>(), 3);
  EXPECT_EQ(platform["active_salons"].as<int>(), 2);
  EXPECT_EQ(platform["period_days"].as<int>(), 30);
  for (const char* column :
       {"calls_today", "total_calls", "calls_answered", "calls_booked", "calls_inquiry",
        "calls_missed", "calls_transferred", "calls_in_progress", "appointments_booked",
        "revenue_recovered_cents"}) {
    EXPECT_EQ(platform[column].as<std::int64_t>(),
              value(std::string("select sum(") + column + ") from get_all_salons_overview()"))
        << column;
  }
  EXPECT_EQ(platform["total_calls"].as<int>(), 8);
  EXPECT_EQ(platform["calls_booked"].as<int>(), 4);
  EXPECT_EQ(platform["conversion_rate"].as<std::string>(), "0.6667");  // 4 of 6 answered
  // The overview's 30 days are get_salon_kpis(shop, 30).
  EXPECT_EQ(kpis(shop_, 30)["total_calls"].as<int>(), rows[0]["total_calls"].as<int>());
}

// The overview takes a shop's last call from the tallies of its 30 days (0009), and from calls
// when it had none in them.
TEST_F(analytics_test, the_overview_last_call_is_the_latest_start_counted_or_stored) {
  const auto quiet = add_shop(1, honolulu);
  const auto busy = add_shop(2, kiritimati);
  add_call(quiet, local(honolulu, -45, "12:00"), "inquiry");
  add_call(quiet, local(honolulu, -40, "12:00"), "booked");  // before the 30 days
  add_call(busy, local(kiritimati, 0, "09:00"), "booked");
  add_call(busy, local(kiritimati, -1, "23:59:59"), "missed");  // stored later, started earlier
  add_call(busy, local(kiritimati, -20, "10:00"), "inquiry");

  const auto last_call = [&](int location) {
    return tx()
        .exec1("select last_call_at from get_all_salons_overview() where location_id = " +
               std::to_string(location))[0]
        .as<std::string>();
  };
  const auto at = [&](const std::string& moment) {
    return tx().exec1("select " + moment)[0].as<std::string>();
  };
  EXPECT_EQ(last_call(1), at(local(honolulu, -40, "12:00")));
  EXPECT_EQ(last_call(2), at(local(kiritimati, 0, "09:00")));

  // A start corrected earlier is exact again after a recount.
  tx().exec("update calls set started_at = " + local(kiritimati, 0, "08:30") +
            " where call_sid = 'CA3'");
  tx().exec("select salon_recount_daily_stats('" + busy + "')");
  EXPECT_EQ(last_call(2), at(local(kiritimati, 0, "08:30")));
}

TEST_F(analytics_test, a_platform_without_shops_or_calls_is_all_zeros) {
  const auto platform = tx().exec1("select * from get_platform_metrics()");
  EXPECT_EQ(platform["total_salons"].as<int>(), 0);
  EXPECT_EQ(platform["total_calls"].as<int>(), 0);
  EXPECT_EQ(platform["conversion_rate"].as<std::string>(), "0");
  EXPECT_TRUE(tx().exec("select * from get_all_salons_overview()").empty());
  const auto shop = add_shop(1, honolulu);
  const auto k = kpis(shop, 30);
  EXPECT_EQ(k["total_calls"].as<int>(), 0);
  EXPECT_TRUE(k["avg_duration_seconds"].is_null());
  EXPECT_TRUE(k["avg_sentiment"].is_null());
  EXPECT_EQ(value("select count(*) from get_calls_timeseries('" + shop + "', 30) where total = 0"),
            30);
}

TEST_F(analytics_test, the_tallies_follow_every_change_to_calls_and_appointments) {
  const auto shop = add_shop(1, honolulu);
  const auto other = add_shop(2, honolulu);
  add_call(shop, local(honolulu, 0, "10:00"), "null");
  add_call("", local(honolulu, 0, "11:00"), "null");
  add_appointment(shop, local(honolulu, 0, "10:01"), "booked", 4000);
  EXPECT_EQ(kpis(shop, 1)["calls_in_progress"].as<int>(), 1);

  // Settled, claimed by a shop later, moved to another shop, started earlier, deleted.
  tx().exec("update calls set outcome = 'booked', duration_seconds = 90 where call_sid = 'CA1'");
  tx().exec("update calls set shop_id = '" + shop + "', outcome = 'missed' where call_sid = 'CA2'");
  auto k = kpis(shop, 1);
  EXPECT_EQ(k["total_calls"].as<int>(), 2);
  EXPECT_EQ(k["calls_in_progress"].as<int>(), 0);
  EXPECT_EQ(k["calls_booked"].as<int>(), 1);
  EXPECT_EQ(k["calls_missed"].as<int>(), 1);
  EXPECT_EQ(k["avg_duration_seconds"].as<std::string>(), "90.0");
  tx().exec("update calls set shop_id = '" + other + "' where call_sid = 'CA2'");
  tx().exec("update calls set started_at = " + local(honolulu, -3, "10:00") +
            " where call_sid = 'CA1'");
  EXPECT_EQ(kpis(shop, 1)["total_calls"].as<int>(), 0);
  EXPECT_EQ(kpis(shop, 4)["total_calls"].as<int>(), 1);
  EXPECT_EQ(kpis(other, 1)["calls_missed"].as<int>(), 1);
  tx().exec("delete from calls where call_sid = 'CA1'");
  EXPECT_EQ(kpis(shop, 4)["total_calls"].as<int>(), 0);

  // An appointment stops counting when cancelled, and its revenue follows edits.
  EXPECT_EQ(kpis(shop, 1)["revenue_recovered_cents"].as<int>(), 4000);
  tx().exec("update appointments set estimated_revenue_cents = 4500");
  EXPECT_EQ(kpis(shop, 1)["revenue_recovered_cents"].as<int>(), 4500);
  tx().exec("update appointments set status = 'cancelled'");
  EXPECT_EQ(kpis(shop, 1)["appointments_booked"].as<int>(), 0);
  EXPECT_EQ(kpis(shop, 1)["revenue_recovered_cents"].as<int>(), 0);

  expect_tallies_equal_a_recount();
}

TEST_F(analytics_test, a_fold_leaves_one_row_per_shop_and_day_with_the_same_sums) {
  const auto shop = add_shop(1, honolulu);
  const auto other = add_shop(2, new_york);
  for (int i = 0; i < 6; ++i) {
    add_call(shop, local(honolulu, -(i % 3), "10:00"), "booked", "60", "0.5");
    add_call(other, local(new_york, 0, "11:00"), i % 2 ? "missed" : "null");
  }
  add_appointment(shop, "now()", "booked", 4000);
  tx().exec("update calls set outcome = 'inquiry', duration_seconds = 30 where call_sid = 'CA2'");
  const auto before = tally_sums();
  const std::string rows = "select count(*) from call_daily_stats";
  const std::string groups =
      "select count(*) from (select distinct shop_id, day from "
      "call_daily_stats) g";
  ASSERT_GT(value(rows), value(groups)) << "each write appended its own row";
  // Days with one row stay as they are; all rows of the others go, replaced by their sums.
  const auto alone = value(
      "select count(*) from (select 1 from call_daily_stats "
      "group by shop_id, day having count(*) = 1) g");

  EXPECT_EQ(value("select salon_fold_daily_stats()"), value(rows) - alone);
  EXPECT_EQ(value(rows), value(groups));
  EXPECT_EQ(tally_sums(), before);
  EXPECT_EQ(kpis(shop, 3)["total_calls"].as<int>(), 6);
  EXPECT_EQ(kpis(shop, 1)["revenue_recovered_cents"].as<int>(), 4000);
  EXPECT_EQ(value("select salon_fold_daily_stats()"), 0) << "nothing left to fold";

  // The next fold reads what was appended since: one more call joins its day's row.
  add_call(shop, local(honolulu, 0, "11:00"), "inquiry", "30");
  EXPECT_EQ(value("select salon_fold_daily_stats()"), 2);
  EXPECT_EQ(value(rows), value(groups));
  EXPECT_EQ(kpis(shop, 1)["total_calls"].as<int>(), 3);
  EXPECT_EQ(value("select last_id from call_daily_stats_fold_mark"),
            value("select max(id) from call_daily_stats"));
}

TEST_F(analytics_test, a_change_that_keeps_its_shop_and_day_appends_one_row) {
  const auto shop = add_shop(1, honolulu);
  const auto other = add_shop(2, honolulu);
  add_call(shop, local(honolulu, 0, "10:00"), "null");
  const std::string rows = "select count(*) from call_daily_stats";
  const auto after_insert = value(rows);
  tx().exec("update calls set outcome = 'inquiry', duration_seconds = 40 where call_sid = 'CA1'");
  EXPECT_EQ(value(rows), after_insert + 1) << "the old and new shares as one row";
  auto k = kpis(shop, 1);
  EXPECT_EQ(k["total_calls"].as<int>(), 1);
  EXPECT_EQ(k["calls_in_progress"].as<int>(), 0);
  EXPECT_EQ(k["calls_inquiry"].as<int>(), 1);
  // Moving to another shop takes the share out of one and into the other: two rows.
  tx().exec("update calls set shop_id = '" + other + "' where call_sid = 'CA1'");
  EXPECT_EQ(value(rows), after_insert + 3);
  EXPECT_EQ(kpis(shop, 1)["total_calls"].as<int>(), 0);
  EXPECT_EQ(kpis(other, 1)["calls_inquiry"].as<int>(), 1);
  expect_tallies_equal_a_recount();
}

TEST_F(analytics_test, a_tally_row_committed_after_a_fold_passed_its_id_is_folded_next) {
  const auto shop = add_shop(1, honolulu);
  add_call(shop, local(honolulu, 0, "09:00"), "inquiry", "30");
  commit();
  // A writer holds the first of two new tally rows open while another commits the second and a
  // fold moves its mark past both.
  pqxx::connection late_session(url());
  pqxx::work late(late_session);
  late.exec("insert into calls (call_sid, shop_id, started_at) values ('CALATE', '" + shop +
            "', now())");
  {
    pqxx::connection other_session(url());
    pqxx::work other(other_session);
    other.exec("insert into calls (call_sid, shop_id, started_at) values ('CAEARLY', '" + shop +
               "', now())");
    other.commit();
    connection folding(url());
    EXPECT_EQ(folding.fold_daily_tallies(), 2);
  }
  late.commit();
  const std::string rows = "select count(*) from call_daily_stats";
  EXPECT_EQ(value(rows), 2);
  connection folding(url());
  EXPECT_EQ(folding.fold_daily_tallies(), 2) << "the late row and its day's row";
  EXPECT_EQ(value(rows), 1);
  EXPECT_EQ(kpis(shop, 1)["total_calls"].as<int>(), 3);
}

TEST_F(analytics_test, folding_beside_writers_counts_every_call_once) {
  const auto shop = add_shop(1, honolulu);
  commit();
  constexpr int writers = 3;
  constexpr int calls_each = 150;
  std::atomic<bool> writing = true;
  std::int64_t folded = 0;
  std::thread folder([&] {
    connection folding(url());
    while (writing) folded += folding.fold_daily_tallies();
    folded += folding.fold_daily_tallies();
  });
  std::vector<std::thread> threads;
  for (int w = 0; w < writers; ++w)
    threads.emplace_back([&, w] {
      pqxx::connection own(url());
      for (int i = 0; i < calls_each; ++i) {
        pqxx::work write(own);
        const auto sid = "'CAW" + std::to_string(w) + "x" + std::to_string(i) + "'";
        write.exec("insert into calls (call_sid, shop_id, started_at) values (" + sid + ", '" +
                   shop + "', now())");
        write.exec("update calls set outcome = 'inquiry', duration_seconds = 5 where call_sid = " +
                   sid);
        write.commit();
      }
    });
  for (auto& t : threads) t.join();
  writing = false;
  folder.join();

  EXPECT_GT(folded, 0);
  EXPECT_EQ(value("select count(*) from call_daily_stats"), 1);
  const auto k = kpis(shop, 1);
  EXPECT_EQ(k["total_calls"].as<int>(), writers * calls_each);
  EXPECT_EQ(k["calls_inquiry"].as<int>(), writers * calls_each);
  EXPECT_EQ(k["calls_in_progress"].as<int>(), 0);
  expect_tallies_equal_a_recount();
}

TEST_F(analytics_test, new_opening_hours_recount_the_shop) {
  const auto shop = add_shop(1, honolulu);
  add_call(shop, local(honolulu, -1, "12:00"), "inquiry");
  add_call(shop, local(honolulu, -1, "18:00"), "inquiry");
  EXPECT_EQ(kpis(shop, 2)["after_hours_captured"].as<int>(), 1);
  tx().exec("update salon_info set opening_hours = '{}' where shop_id = '" + shop + "'");
  EXPECT_EQ(kpis(shop, 2)["after_hours_captured"].as<int>(), 2);  // never open now
  tx().exec(R"(update salon_info set opening_hours = '{"mon": {"open": "00:00", "close": "24:00"},
    "tue": {"open": "00:00", "close": "24:00"}, "wed": {"open": "00:00", "close": "24:00"},
    "thu": {"open": "00:00", "close": "24:00"}, "fri": {"open": "00:00", "close": "24:00"},
    "sat": {"open": "00:00", "close": "24:00"}, "sun": {"open": "00:00", "close": "24:00"}}')"
            " where shop_id = '" +
            shop + "'");
  EXPECT_EQ(kpis(shop, 2)["after_hours_captured"].as<int>(), 0);  // always open
}

TEST_F(analytics_test, a_new_time_zone_moves_calls_to_their_new_local_days) {
  const auto shop = add_shop(1, honolulu);
  // 20:00 yesterday in Honolulu is 06:00 UTC on Honolulu's today.
  add_call(shop, local(honolulu, -1, "20:00"), "inquiry");
  const std::string day_of_the_call =
      "select date::text from get_calls_timeseries('" + shop + "', 30) where total > 0";
  EXPECT_EQ(tx().exec1(day_of_the_call)[0].as<std::string>(),
            tx().exec1("select " + local_date(honolulu, -1))[0].as<std::string>());
  tx().exec("update salon_info set timezone = 'UTC' where shop_id = '" + shop + "'");
  EXPECT_EQ(tx().exec1(day_of_the_call)[0].as<std::string>(),
            tx().exec1("select " + local_date(honolulu, 0))[0].as<std::string>());
  EXPECT_EQ(kpis(shop, 30)["timezone"].as<std::string>(), "UTC");
  tx().exec("delete from salon_info where shop_id = '" + shop + "'");
  EXPECT_EQ(kpis(shop, 30)["timezone"].as<std::string>(), "UTC");
  EXPECT_EQ(kpis(shop, 30)["total_calls"].as<int>(), 1);
  EXPECT_EQ(kpis(shop, 30)["after_hours_captured"].as<int>(), 0);  // hours unknown
}

// On Supabase the dashboard writes some rows itself, as a role under row level security with
// no rights on the tallies: its writes still keep them (0010), and it reads none of them
// without a policy. Roles are created inside the test's transaction, which is never committed.
TEST_F(analytics_test, a_role_under_row_level_security_keeps_the_tallies_but_reads_none) {
  const auto shop = add_shop(1, honolulu);
  add_call(shop, local(honolulu, 0, "10:00"), "inquiry");
  add_appointment(shop, local(honolulu, 0, "10:05"), "booked", 4000);
  const std::string role = "salon_dashboard_" + database().name();
  tx().exec("create role " + role + " nologin");
  tx().exec("grant usage on schema public to " + role);
  tx().exec("grant select, update on appointments, calls to " + role);
  tx().exec("grant select on call_daily_stats, profiles, salon_info to " + role);
  tx().exec("create policy dashboard_appointments on appointments to " + role +
            " using (true) with check (true)");
  tx().exec("create policy dashboard_calls on calls to " + role +
            " using (true) with check (true)");

  tx().exec("set local role " + role);
  tx().exec("update appointments set estimated_revenue_cents = 5500");
  tx().exec("update calls set outcome = 'booked'");
  EXPECT_EQ(value("select count(*) from call_daily_stats"), 0) << "no policy, no rows";
  EXPECT_TRUE(tx().exec("select * from get_all_salons_overview()").empty());
  tx().exec("reset role");

  const auto k = kpis(shop, 1);
  EXPECT_EQ(k["revenue_recovered_cents"].as<int>(), 5500);
  EXPECT_EQ(k["calls_booked"].as<int>(), 1);
  EXPECT_EQ(k["calls_inquiry"].as<int>(), 0);
}

// A database migrated before a migration, holding an old shop's calls, to see what the
// migration makes of them.
class analytics_migration : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto server = testing::test_server_url();
    ASSERT_TRUE(server) << "SALON_TEST_DATABASE_URL is not set";
    database_ = std::make_unique<testing::scratch_database>(*server);
  }

  testing::scratch_database& database() { return *database_; }

  // Applies the migrations older than `version`, then stores one shop ("Old Shop") with `calls`
  // booked calls 'CAOLD1'.., the i-th starting at `started_at` (an SQL expression of i).
  void old_shop_before(int version, const std::string& started_at, int calls) {
    std::vector<migration> before;
    for (const auto& m : embedded_migrations())
      if (m.version < version) before.push_back(m);
    apply_migrations(database_->url(), before);
    database_->query(
        "insert into profiles (location_id, business_name) values (1, 'Old Shop');"
        "insert into calls (call_sid, shop_id, started_at, outcome) "
        "select 'CAOLD' || i, (select id from profiles), " +
        started_at + ", 'booked' from generate_series(1, " + std::to_string(calls) + ") as i");
  }

 private:
  std::unique_ptr<testing::scratch_database> database_;
};

TEST_F(analytics_migration, counts_calls_stored_before_it) {
  old_shop_before(7, "now() - i * interval '1 hour'", 5);
  apply_migrations(database().url());
  EXPECT_EQ(database().query("select sum(calls) from call_daily_stats")[0][0].as<int>(), 5);
  EXPECT_EQ(
      database()
          .query("select total_calls from get_salon_kpis((select id from profiles), 30)")[0][0]
          .as<int>(),
      5);
}

TEST_F(analytics_migration, keeps_tallies_stored_before_0012_and_folds_only_what_comes_after) {
  old_shop_before(12, "timestamptz '2026-01-10 12:00+00' + i * interval '1 day'", 3);
  const auto old_rows = database().query("select count(*) from call_daily_stats")[0][0].as<int>();
  apply_migrations(database().url());
  EXPECT_EQ(database()
                .query("select last_id = (select max(id) from call_daily_stats) from "
                       "call_daily_stats_fold_mark")[0][0]
                .as<bool>(),
            true)
      << "the rows updated in place before 0012 need no fold";
  EXPECT_EQ(database().query("select salon_fold_daily_stats()")[0][0].as<int>(), 0);

  database().query(
      "insert into calls (call_sid, shop_id, started_at, outcome) "
      "values ('CANEW1', (select id from profiles), timestamptz '2026-01-11 15:00+00', 'inquiry'), "
      "('CANEW2', (select id from profiles), timestamptz '2026-01-11 15:00+00', 'inquiry')");
  EXPECT_EQ(database().query("select count(*) from call_daily_stats")[0][0].as<int>(),
            old_rows + 2);
  EXPECT_EQ(database().query("select salon_fold_daily_stats()")[0][0].as<int>(), 3);
  EXPECT_EQ(database().query("select count(*) from call_daily_stats")[0][0].as<int>(), old_rows);
  EXPECT_EQ(database().query("select sum(calls) from call_daily_stats")[0][0].as<int>(), 5);
}

TEST_F(analytics_migration, gives_tallies_stored_before_0009_their_last_calls) {
  old_shop_before(9, "now() - i * interval '1 hour'", 5);
  apply_migrations(database().url());
  EXPECT_EQ(database()
                .query("select count(*) from call_daily_stats where last_call_at is null")[0][0]
                .as<int>(),
            0);
  EXPECT_EQ(database()
                .query("select last_call_at = (select max(started_at) from calls) "
                       "from get_all_salons_overview()")[0][0]
                .as<bool>(),
            true);
}

// ---- through db::connection ---------------------------------------------------------------

class analytics_connection_test : public migrated_database_test {
 protected:
  void SetUp() override {
    migrated_database_test::SetUp();
    if (HasFatalFailure()) return;
    db_ = std::make_unique<connection>(url());
    shop r;
    r.profile.location_id = 4;
    r.profile.business_name = "Connection Salon";
    r.profile.phone_number = "+18085550144";
    r.salon = salon_details{};
    r.salon->time_zone = "Pacific/Honolulu";
    shop_id_ = db_->save_shop(r).shop_id;
    // Minutes ago: today in Honolulu except in the first minutes after its midnight.
    database().query(
        "insert into calls (call_sid, shop_id, started_at, outcome, duration_seconds, "
        "sentiment_score) values "
        "('CAC1', '" +
        shop_id_ + "', now() - interval '2 minutes', 'booked', 100, 0.25), ('CAC2', '" + shop_id_ +
        "', now() - interval '1 minute', 'missed', null, null)");
  }

  connection& db() { return *db_; }
  std::unique_ptr<connection> db_;
  std::string shop_id_;
};

TEST_F(analytics_connection_test, reads_kpis_and_the_timeseries) {
  const auto k = db().salon_kpis(shop_id_, 30);
  ASSERT_TRUE(k.has_value());
  EXPECT_EQ(k->shop_id, shop_id_);
  EXPECT_EQ(k->time_zone, "Pacific/Honolulu");
  EXPECT_EQ(std::chrono::sys_days{k->last_day} - std::chrono::sys_days{k->first_day},
            std::chrono::days{29});
  EXPECT_EQ(k->calls.total, 2);
  EXPECT_EQ(k->calls.answered, 1);
  EXPECT_EQ(k->calls.booked, 1);
  EXPECT_EQ(k->calls.missed, 1);
  EXPECT_DOUBLE_EQ(k->conversion_rate, 1.0);
  ASSERT_TRUE(k->average_duration_seconds.has_value());
  EXPECT_DOUBLE_EQ(*k->average_duration_seconds, 100.0);
  ASSERT_TRUE(k->average_sentiment.has_value());
  EXPECT_DOUBLE_EQ(*k->average_sentiment, 0.25);

  const auto series = db().calls_timeseries(shop_id_, 30);
  ASSERT_EQ(series.size(), 30u);
  EXPECT_EQ(series.front().day, k->first_day);
  EXPECT_EQ(series.back().day, k->last_day);
  std::int64_t total = 0;
  for (const auto& day : series) total += day.calls.total;
  EXPECT_EQ(total, 2);
}

TEST_F(analytics_connection_test, reads_the_overview_and_the_platform) {
  const auto overview = db().salons_overview();
  ASSERT_EQ(overview.size(), 1u);
  EXPECT_EQ(overview[0].shop_id, shop_id_);
  EXPECT_EQ(overview[0].location_id, 4);
  EXPECT_EQ(overview[0].business_name, "Connection Salon");
  EXPECT_EQ(overview[0].phone_number, "+18085550144");
  EXPECT_EQ(overview[0].calls.total, 2);
  ASSERT_TRUE(overview[0].last_call_at.has_value());
  EXPECT_GT(overview[0].created_at.time_since_epoch().count(), 0);

  const auto platform = db().load_platform_metrics();
  EXPECT_EQ(platform.shops, 1);
  EXPECT_EQ(platform.active_shops, 1);
  EXPECT_EQ(platform.calls.total, 2);
  EXPECT_EQ(platform.calls.booked, 1);
  EXPECT_EQ(platform.period_days, 30);
}

TEST_F(analytics_connection_test, unknown_shops_and_bad_days) {
  EXPECT_FALSE(db().salon_kpis("6f1c1d2e-0000-4000-8000-000000000000", 30).has_value());
  EXPECT_TRUE(db().calls_timeseries("6f1c1d2e-0000-4000-8000-000000000000", 30).empty());
  EXPECT_FALSE(db().salon_kpis("not-a-uuid", 30).has_value());
  EXPECT_FALSE(db().salon_kpis("", 30).has_value());
  for (int days : {0, -1, 366, 100000}) {
    try {
      db().salon_kpis(shop_id_, days);
      ADD_FAILURE() << "days " << days << " accepted";
    } catch (const query_error& e) {
      EXPECT_EQ(e.sqlstate(), "22023") << e.what();
    }
    EXPECT_THROW(db().calls_timeseries(shop_id_, days), query_error);
  }
  EXPECT_TRUE(db().salon_kpis(shop_id_, 1).has_value());
  EXPECT_EQ(db().calls_timeseries(shop_id_, 365).size(), 365u);
  // The connection is still good after the refusals.
  EXPECT_EQ(db().find_shop_id(4), shop_id_);
  EXPECT_FALSE(db().find_shop_id(5).has_value());
}

TEST_F(analytics_connection_test, call_log_batches_of_many_shops_never_deadlock) {
  // Eight writers, each with its own session, write batches that touch ten shops in opposite
  // orders at once; every entry must be applied and counted exactly once.
  std::vector<std::string> shops;
  for (int i = 0; i < 10; ++i) {
    shop r;
    r.profile.location_id = 100 + i;
    r.profile.business_name = "Busy " + std::to_string(i);
    r.salon = salon_details{};
    r.salon->time_zone = "America/New_York";
    shops.push_back(db().save_shop(r).shop_id);
  }
  constexpr int writers = 8;
  constexpr int batches = 10;
  std::barrier start(writers);
  std::vector<int> rejected(writers, 0);
  std::vector<std::string> failures(writers);
  std::vector<std::thread> threads;
  for (int w = 0; w < writers; ++w) {
    threads.emplace_back([&, w] {
      try {
        connection own(url());
        own.ping();
        start.arrive_and_wait();
        for (int b = 0; b < batches; ++b) {
          std::vector<call_log_entry> entries;
          for (int i = 0; i < 10; ++i) {
            const int s = w % 2 == 0 ? i : 9 - i;
            const std::string sid =
                "CAW" + std::to_string(w) + "B" + std::to_string(b) + "S" + std::to_string(s);
            const auto now = std::chrono::time_point_cast<std::chrono::microseconds>(
                std::chrono::system_clock::now());
            entries.push_back(call_started{sid, shops[s], "+15550000000", "+15551111111", now});
            call_settlement settled;
            settled.call_sid = sid;
            settled.shop_id = shops[s];
            settled.outcome = call_outcome::inquiry;
            settled.started_at = now;
            settled.ended_at = now + std::chrono::seconds(30);
            entries.push_back(settled);
          }
          for (const auto& result : own.write_call_log(entries))
            if (result.result == call_log_result::rejected) ++rejected[w];
        }
      } catch (const std::exception& e) {
        failures[w] = e.what();
      }
    });
  }
  for (auto& t : threads) t.join();
  for (int w = 0; w < writers; ++w) {
    EXPECT_EQ(failures[w], "") << "writer " << w;
    EXPECT_EQ(rejected[w], 0) << "writer " << w;
  }
  std::int64_t total = 0;
  for (const auto& shop : shops) {
    const auto k = db().salon_kpis(shop, 2);
    ASSERT_TRUE(k.has_value());
    EXPECT_EQ(k->calls.total, writers * batches);
    EXPECT_EQ(k->calls.inquiry, writers * batches);
    total += k->calls.total;
  }
  EXPECT_EQ(total, writers * batches * 10);
}

}  // namespace
}  // namespace salon::db
