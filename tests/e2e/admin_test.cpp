// The admin API end to end: the real binary on the real PostgreSQL (migrated, demo salon seeded),
// real HTTP on loopback, and a real phone call (simulated Twilio) racing an admin booking.

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <future>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "net/twilio_caller.hpp"
#include "tests/e2e/http_client.hpp"
#include "tests/e2e/server_process.hpp"
#include "tests/e2e/test_database.hpp"

namespace salon::testing {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

constexpr const char* admin_key = "admin-e2e-key";
constexpr const char* salon_number = "+18084826296";

std::string bearer(const std::string& key = admin_key) {
  return "Authorization: Bearer " + key;
}

json parse(const http_result& r) {
  auto body = json::parse(r.body, nullptr, false);
  EXPECT_FALSE(body.is_discarded()) << "not JSON: " << r.body;
  return body;
}

// The error's code, and its field when it names one.
void expect_error(const http_result& r, long status, const std::string& code,
                  const std::string& field = "") {
  EXPECT_EQ(r.status, status) << r.body;
  const auto body = parse(r);
  ASSERT_TRUE(body.contains("error")) << r.body;
  EXPECT_EQ(body["error"]["code"], code) << r.body;
  EXPECT_FALSE(body["error"]["message"].get<std::string>().empty());
  if (!field.empty()) {
    EXPECT_EQ(body["error"].value("field", ""), field) << r.body;
    EXPECT_NE(body["error"]["message"].get<std::string>().find(field), std::string::npos)
        << "the message names the field: " << r.body;
  }
}

class admin_api : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    database_ = new test_database();
    migrate_and_seed_demo(*database_);
    if (HasFatalFailure()) return;
    std::map<std::string, std::string> env = {{"DATABASE_URL", database_->url()}};
    shop_id_ = database_->query_value("select id from profiles where location_id = 1");
    // A quiet second shop, for "shops with no calls".
    database_->query_value(
        "insert into profiles (location_id, business_name) values (2, 'Quiet Salon')");
    env["ADMIN_API_KEY"] = admin_key;
    server_ = new server_process(env);
  }
  static void TearDownTestSuite() {
    delete server_;
    delete database_;
  }

  static std::string url(const std::string& path) { return server_->base_url() + path; }
  static http_result get(const std::string& path) { return http_get(url(path), {bearer()}); }
  static http_result post(const std::string& path, const std::string& body) {
    return http_call("POST", url(path), {bearer(), "Content-Type: application/json"}, body);
  }

  // A settled call of the demo salon, `minutes_ago` minutes ago.
  static std::string add_call(const std::string& outcome, int minutes_ago = 1) {
    static int count = 0;
    const std::string sid = "CAE2E" + std::to_string(++count) + std::to_string(::getpid());
    database_->query_value(
        "insert into calls (call_sid, shop_id, status, started_at, outcome, caller_spoke) values "
        "('" +
        sid + "', '" + shop_id_ + "', 'completed', now() - interval '" +
        std::to_string(minutes_ago) + " minutes', '" + outcome + "', true)");
    return sid;
  }

  // The demo salon's local date `days` from today, "YYYY-MM-DD", on a weekday it is open
  // (Tuesday to Saturday) at or after that.
  // The n-th day from tomorrow on that the demo salon opens (Tuesday to Saturday): distinct n,
  // distinct days, whatever today is (the first open day at least n days ahead gave three tests
  // the same Tuesday when run on a Thursday, and their bookings collided).
  static std::string open_day(int n) {
    return database_->query_value(
        "select d::text from (select (now() at time zone 'Pacific/Honolulu')::date + i as d "
        "from generate_series(1, 60) as i) as days where extract(dow from d) between 2 and 6 "
        "order by d offset " +
        std::to_string(n) + " limit 1");
  }

  static json appointment(const std::string& call, const std::string& when,
                          const std::string& stylist = "Maria Santos") {
    return {{"call_id", call},
            {"service_id", "svc_studio9_womens_cut"},
            {"appointment_date", when},
            {"estimated_revenue_cents", 8000},
            {"customer_name", "Keoni Kahale"},
            {"customer_phone", "+18085550123"},
            {"stylist", stylist}};
  }

  static test_database* database_;
  static server_process* server_;
  static std::string shop_id_;
};
test_database* admin_api::database_ = nullptr;
server_process* admin_api::server_ = nullptr;
std::string admin_api::shop_id_;

const std::vector<std::pair<std::string, std::string>> admin_routes = {
    {"GET", "/admin/platform-metrics"},    {"GET", "/admin/shops/overview"},
    {"GET", "/admin/shop/1/metrics"},      {"GET", "/admin/shop/1/services"},
    {"POST", "/admin/shop/1/appointment"}, {"POST", "/shop/setup"},
};

TEST_F(admin_api, every_route_needs_the_token) {
  for (const auto& [method, path] : admin_routes) {
    SCOPED_TRACE(method + " " + path);
    expect_error(http_call(method, url(path)), 401, "unauthorized");
    expect_error(http_call(method, url(path), {bearer("wrong-key")}), 401, "unauthorized");
    expect_error(http_call(method, url(path), {"Authorization: Basic YWRtaW4="}), 401,
                 "unauthorized");
    expect_error(http_call(method, url(path), {"Authorization: Bearer"}), 401, "unauthorized");
  }
}

TEST_F(admin_api, platform_metrics_are_the_database_function_s) {
  add_call("booked");
  add_call("missed");
  add_call("inquiry", 60);
  const auto r = get("/admin/platform-metrics");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto body = parse(r);
  const auto sql = [&](const std::string& column) {
    return std::stoll(database_->query_value("select " + column + " from get_platform_metrics()"));
  };
  EXPECT_EQ(body["period_days"], 30);
  EXPECT_EQ(body["shops"], 2);
  EXPECT_EQ(body["active_shops"], sql("active_salons"));
  EXPECT_GE(body["calls"]["total"].get<int>(), 3);
  EXPECT_EQ(body["calls"]["total"], sql("total_calls"));
  EXPECT_EQ(body["calls"]["today"], sql("calls_today"));
  EXPECT_EQ(body["calls"]["answered"], sql("calls_answered"));
  EXPECT_EQ(body["calls"]["booked"], sql("calls_booked"));
  EXPECT_EQ(body["calls"]["missed"], sql("calls_missed"));
  EXPECT_EQ(body["booked_revenue_cents"], sql("revenue_recovered_cents"));
  EXPECT_DOUBLE_EQ(
      body["conversion_rate"].get<double>(),
      std::stod(database_->query_value("select conversion_rate from get_platform_metrics()")));
  EXPECT_EQ(body["live_calls"], 0);
}

TEST_F(admin_api, the_overview_has_a_row_per_shop_including_quiet_ones) {
  add_call("transferred");
  const auto r = get("/admin/shops/overview");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto body = parse(r);
  ASSERT_EQ(body["shops"].size(), 2u);
  const auto& demo = body["shops"][0];
  EXPECT_EQ(demo["shop_id"], shop_id_);
  EXPECT_EQ(demo["location_id"], 1);
  EXPECT_EQ(demo["business_name"], "Studio Nine Hair & Color");
  EXPECT_EQ(demo["timezone"], "Pacific/Honolulu");
  EXPECT_GE(demo["calls"]["transferred"].get<int>(), 1);
  EXPECT_TRUE(demo["last_call_at"].is_string());
  EXPECT_EQ(demo["last_call_at"].get<std::string>().back(), 'Z');
  const auto& quiet = body["shops"][1];
  EXPECT_EQ(quiet["location_id"], 2);
  EXPECT_EQ(quiet["calls"]["total"], 0);
  EXPECT_EQ(quiet["conversion_rate"], 0);
  EXPECT_TRUE(quiet["last_call_at"].is_null());
  EXPECT_TRUE(quiet["phone_number"].is_null());
}

TEST_F(admin_api, shop_metrics_by_location_or_uuid_with_a_day_per_entry) {
  add_call("booked");
  const auto by_location = get("/admin/shop/1/metrics?days=7");
  ASSERT_EQ(by_location.status, 200) << by_location.body;
  const auto body = parse(by_location);
  EXPECT_EQ(body["shop_id"], shop_id_);
  EXPECT_EQ(body["location_id"], 1);
  EXPECT_EQ(body["days"], 7);
  EXPECT_EQ(body["timezone"], "Pacific/Honolulu");
  ASSERT_EQ(body["timeseries"].size(), 7u);
  EXPECT_EQ(body["timeseries"][0]["date"], body["first_day"]);
  EXPECT_EQ(body["timeseries"][6]["date"], body["last_day"]);
  long total = 0;
  for (const auto& day : body["timeseries"]) {
    for (const char* key : {"total", "booked", "inquiry", "missed", "transferred", "answered",
                            "after_hours_captured"}) {
      EXPECT_TRUE(day[key].is_number_integer()) << key;
    }
    total += day["total"].get<long>();
  }
  EXPECT_EQ(total, body["kpis"]["calls"]["total"].get<long>());
  EXPECT_GE(body["kpis"]["calls"]["booked"].get<int>(), 1);

  const auto by_uuid = get("/admin/shop/" + shop_id_ + "/metrics?days=7");
  ASSERT_EQ(by_uuid.status, 200) << by_uuid.body;
  EXPECT_EQ(parse(by_uuid)["kpis"], body["kpis"]);
  const auto default_days = parse(get("/admin/shop/1/metrics"));
  EXPECT_EQ(default_days["days"], 30);
  EXPECT_EQ(default_days["timeseries"].size(), 30u);
  EXPECT_EQ(parse(get("/admin/shop/1/metrics?days=365"))["timeseries"].size(), 365u);
  EXPECT_EQ(parse(get("/admin/shop/1/metrics?days=1"))["timeseries"].size(), 1u);
  // A quiet shop: every day there, all zeros.
  const auto quiet = parse(get("/admin/shop/2/metrics?days=3"));
  ASSERT_EQ(quiet["timeseries"].size(), 3u);
  EXPECT_EQ(quiet["kpis"]["calls"]["total"], 0);
  EXPECT_TRUE(quiet["kpis"]["average_duration_seconds"].is_null());
}

TEST_F(admin_api, bad_days_and_unknown_or_malformed_shops) {
  for (const char* days :
       {"0", "366", "-1", "abc", "1.5", "", "30x", "%00", "99999999999999", "%E2%82%AC"}) {
    SCOPED_TRACE(days);
    expect_error(get(std::string("/admin/shop/1/metrics?days=") + days), 400, "bad_request",
                 "days");
  }
  for (const char* path : {"/admin/shop/999/metrics", "/admin/shop/999/services",
                           "/admin/shop/6f1c1d2e-0000-4000-8000-000000000000/metrics",
                           "/admin/shop/6f1c1d2e-0000-4000-8000-000000000000/services"}) {
    SCOPED_TRACE(path);
    expect_error(get(path), 404, "not_found", "shop_id");
  }
  for (const char* id :
       {"abc", "0", "-3", "1.0", "6f1c1d2e-0000-4000-8000-00000000000", "%C3%A9", "1%20"}) {
    SCOPED_TRACE(id);
    expect_error(get(std::string("/admin/shop/") + id + "/metrics"), 400, "bad_request", "shop_id");
    expect_error(get(std::string("/admin/shop/") + id + "/services"), 400, "bad_request",
                 "shop_id");
  }
  expect_error(post("/admin/shop/999/appointment", appointment("CAX", "2030-01-15T10:00").dump()),
               404, "not_found", "shop_id");
  expect_error(post("/admin/shop/abc/appointment", appointment("CAX", "2030-01-15T10:00").dump()),
               400, "bad_request", "shop_id");
  EXPECT_EQ(get("/admin/shop/1/metrics").status, 200) << "still serving";
}

TEST_F(admin_api, services_are_the_catalog_with_prices_and_durations) {
  const auto r = get("/admin/shop/1/services");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto body = parse(r);
  EXPECT_EQ(body["shop_id"], shop_id_);
  ASSERT_EQ(body["services"].size(), 7u);
  std::map<std::string, json> by_id;
  for (const auto& s : body["services"]) by_id[s["id"]] = s;
  const auto& cut = by_id.at("svc_studio9_womens_cut");
  EXPECT_EQ(cut["name"], "Women's Haircut");
  EXPECT_EQ(cut["duration_minutes"], 60);
  EXPECT_EQ(cut["price_cents"], 6500);
  EXPECT_EQ(cut["price_text"], "$65");
  EXPECT_EQ(by_id.at("svc_studio9_balayage")["price_max_cents"], 26000);
  EXPECT_EQ(by_id.at("svc_studio9_balayage")["price_text"], "$180\u2013$260");
  EXPECT_EQ(by_id.at("svc_studio9_keratin")["price_is_from"], true);
  EXPECT_EQ(by_id.at("svc_studio9_keratin")["price_text"], "from $250");
  EXPECT_EQ(parse(get("/admin/shop/" + shop_id_ + "/services"))["services"], body["services"]);
}

TEST_F(admin_api, an_appointment_is_booked_linked_to_its_call_and_counted) {
  const auto call = add_call("inquiry");
  const auto before = parse(get("/admin/shop/1/metrics?days=1"))["kpis"];
  const auto day = open_day(3);
  const auto r = post("/admin/shop/1/appointment", appointment(call, day + "T10:00").dump());
  ASSERT_EQ(r.status, 201) << r.body;
  const auto body = parse(r);
  EXPECT_EQ(body["call_id"], call);
  EXPECT_EQ(body["shop_id"], shop_id_);
  EXPECT_EQ(body["location_id"], 1);
  EXPECT_EQ(body["service_id"], "svc_studio9_womens_cut");
  EXPECT_EQ(body["service_name"], "Women's Haircut");
  EXPECT_EQ(body["stylist"], "Maria Santos");
  EXPECT_EQ(body["local_start"], day + "T10:00");
  EXPECT_EQ(body["timezone"], "Pacific/Honolulu");
  EXPECT_EQ(body["estimated_revenue_cents"], 8000);
  EXPECT_EQ(body["status"], "booked");
  EXPECT_EQ(body["source"], "admin");
  // 10:00 in Honolulu is 20:00 UTC; an hour's haircut.
  EXPECT_EQ(body["starts_at"], day + "T20:00:00Z");
  EXPECT_EQ(body["ends_at"], day + "T21:00:00Z");
  const auto id = body["appointment_id"].get<std::string>();
  EXPECT_EQ(database_->query_value("select source || ' ' || call_sid || ' ' || customer_name "
                                   "from appointments where id = '" +
                                   id + "'"),
            "admin " + call + " Keoni Kahale");
  EXPECT_EQ(database_->query_value("select outcome from calls where call_sid = '" + call + "'"),
            "booked");
  const auto after = parse(get("/admin/shop/1/metrics?days=1"))["kpis"];
  EXPECT_EQ(after["appointments_booked"].get<int>(), before["appointments_booked"].get<int>() + 1);
  EXPECT_EQ(after["booked_revenue_cents"].get<int>(),
            before["booked_revenue_cents"].get<int>() + 8000);
  EXPECT_EQ(after["calls"]["booked"].get<int>(), before["calls"]["booked"].get<int>() + 1);

  // The same slot with the same stylist for another call: taken, with the next free times.
  const auto other = add_call("inquiry");
  const auto again = post("/admin/shop/1/appointment",
                          appointment(other, day + "T20:30:00Z").dump());  // 10:30 local
  expect_error(again, 409, "conflict", "appointment_date");
  const auto conflict = parse(again);
  ASSERT_TRUE(conflict["next_free_times"].is_array()) << again.body;
  ASSERT_FALSE(conflict["next_free_times"].empty()) << again.body;
  for (const auto& t : conflict["next_free_times"]) {
    EXPECT_EQ(t["stylist"], "Maria Santos");
    EXPECT_GE(t["local_start"].get<std::string>(), day + "T11:00") << t.dump();
  }
  // Without a stylist, someone else who cuts is free then.
  auto anyone = appointment(other, day + "T10:00");
  anyone.erase("stylist");
  const auto kenji = post("/admin/shop/1/appointment", anyone.dump());
  ASSERT_EQ(kenji.status, 201) << kenji.body;
  EXPECT_EQ(parse(kenji)["stylist"], "Kenji Watanabe");
}

TEST_F(admin_api, times_the_shop_cannot_take_are_conflicts_or_bad_requests) {
  const auto call = add_call("inquiry");
  const auto day = open_day(4);
  // 17:30 for an hour: past the 18:00 closing on weekdays or 16:00 on Saturdays.
  const auto late = post("/admin/shop/1/appointment", appointment(call, day + "T17:30").dump());
  expect_error(late, 409, "conflict", "appointment_date");
  EXPECT_FALSE(parse(late)["next_free_times"].empty()) << late.body;
  const auto closed_day = database_->query_value(
      "select d::text from (select (now() at time zone 'Pacific/Honolulu')::date + i as d from "
      "generate_series(2, 9) as i) as days where extract(dow from d) in (0, 1) order by d limit 1");
  expect_error(post("/admin/shop/1/appointment", appointment(call, closed_day + "T10:00").dump()),
               409, "conflict", "appointment_date");
  expect_error(post("/admin/shop/1/appointment", appointment(call, "2020-01-14T10:00").dump()), 400,
               "bad_request", "appointment_date");
  expect_error(post("/admin/shop/1/appointment", appointment(call, "2099-01-14T10:00").dump()), 400,
               "bad_request", "appointment_date");
  // Leilani does not cut women's hair; nobody called Zed works here.
  expect_error(
      post("/admin/shop/1/appointment", appointment(call, day + "T10:00", "Leilani Kahale").dump()),
      400, "bad_request", "stylist");
  expect_error(post("/admin/shop/1/appointment", appointment(call, day + "T10:00", "Zed").dump()),
               404, "not_found", "stylist");
  auto unknown_service = appointment(call, day + "T10:00");
  unknown_service["service_id"] = "svc_nope";
  expect_error(post("/admin/shop/1/appointment", unknown_service.dump()), 404, "not_found",
               "service_id");
  expect_error(
      post("/admin/shop/1/appointment", appointment("CANOSUCHCALL", day + "T10:00").dump()), 404,
      "not_found", "call_id");
  // A call of another shop cannot be linked here.
  database_->query_value(
      "insert into calls (call_sid, shop_id) select 'CAQUIET', id from "
      "profiles where location_id = 2");
  expect_error(post("/admin/shop/1/appointment", appointment("CAQUIET", day + "T10:00").dump()),
               400, "bad_request", "call_id");
  EXPECT_EQ(database_->query_value("select outcome from calls where call_sid = '" + call + "'"),
            "inquiry")
      << "nothing was booked";
}

TEST_F(admin_api, bad_bodies_name_the_field) {
  const auto call = add_call("inquiry");
  const auto good = appointment(call, open_day(5) + "T10:00");
  const auto without = [&](const char* field) {
    auto body = good;
    body.erase(field);
    return body.dump();
  };
  const auto with = [&](const char* field, json value) {
    auto body = good;
    body[field] = std::move(value);
    return body.dump();
  };
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "body"},
      {"not json", "body"},
      {"[1, 2]", "body"},
      {"\"text\"", "body"},
      {"{\"call_id\": ", "body"},
      {"\xff\xfe{}", "body"},
      {without("call_id"), "call_id"},
      {with("call_id", 42), "call_id"},
      {with("call_id", "C"), "call_id"},
      {with("call_id", "CA-123"), "call_id"},
      {with("call_id", std::string(65, 'A')), "call_id"},
      {without("service_id"), "service_id"},
      {with("service_id", ""), "service_id"},
      {with("service_id", "svc 1"), "service_id"},
      {with("service_id", json::array()), "service_id"},
      {without("appointment_date"), "appointment_date"},
      {with("appointment_date", "tomorrow at 10"), "appointment_date"},
      {with("appointment_date", "2030-02-30T10:00:00Z"), "appointment_date"},
      {with("appointment_date", "2030-01-15T10:00:30Z"), "appointment_date"},
      {with("appointment_date", 1700000000), "appointment_date"},
      {without("estimated_revenue_cents"), "estimated_revenue_cents"},
      {with("estimated_revenue_cents", -1), "estimated_revenue_cents"},
      {with("estimated_revenue_cents", 80.5), "estimated_revenue_cents"},
      {with("estimated_revenue_cents", "8000"), "estimated_revenue_cents"},
      {with("estimated_revenue_cents", 100000001), "estimated_revenue_cents"},
      {with("estimated_revenue_cents", json::parse("18446744073709551615")),
       "estimated_revenue_cents"},
      {with("customer_name", ""), "customer_name"},
      {with("customer_name", "   "), "customer_name"},
      {with("customer_name", std::string(201, 'x')), "customer_name"},
      {with("customer_name", 7), "customer_name"},
      {with("customer_phone", "808-555-0123"), "customer_phone"},
      {with("customer_phone", "+1"), "customer_phone"},
      {with("stylist", ""), "stylist"},
      {with("stylist", true), "stylist"},
  };
  for (const auto& [body, field] : cases) {
    SCOPED_TRACE(body.substr(0, 120));
    expect_error(post("/admin/shop/1/appointment", body), 400, "bad_request", field);
  }
  // Optional fields may be null; non-ASCII names are fine.
  auto relaxed = good;
  relaxed["customer_phone"] = nullptr;
  relaxed["stylist"] = nullptr;
  relaxed["customer_name"] = "Kalāʻau Tomás";
  const auto ok = post("/admin/shop/1/appointment", relaxed.dump());
  ASSERT_EQ(ok.status, 201) << ok.body;
  EXPECT_EQ(parse(ok)["customer_name"], "Kalāʻau Tomás");
  EXPECT_TRUE(parse(ok)["customer_phone"].is_null());
  // Too big for the server at all.
  expect_error(post("/admin/shop/1/appointment", std::string(200 * 1024, ' ')), 413,
               "payload_too_large");
}

// A client retrying a booking (a timeout, a lost answer) must not book twice nor be told its
// own appointment is a conflict: the same call, service and time answer 200 with the first one.
TEST_F(admin_api, a_repeated_appointment_request_answers_the_appointment_it_made) {
  const auto call = add_call("inquiry");
  const auto day = open_day(6);
  const auto body = appointment(call, day + "T13:00");
  const auto first = post("/admin/shop/1/appointment", body.dump());
  ASSERT_EQ(first.status, 201) << first.body;
  const auto again = post("/admin/shop/1/appointment", body.dump());
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(parse(again), parse(first));
  // The same moment as an instant (13:00 in Honolulu is 23:00 UTC), by the shop's uuid.
  auto as_instant = body;
  as_instant["appointment_date"] = day + "T23:00:00Z";
  const auto by_uuid = post("/admin/shop/" + shop_id_ + "/appointment", as_instant.dump());
  ASSERT_EQ(by_uuid.status, 200) << by_uuid.body;
  EXPECT_EQ(parse(by_uuid)["appointment_id"], parse(first)["appointment_id"]);
  const auto rows_of = [&](const std::string& sid) {
    return database_->query_value("select count(*) from appointments where call_sid = '" + sid +
                                  "'");
  };
  EXPECT_EQ(rows_of(call), "1");

  // The same booking with another price is not a repeat: refused, naming the field.
  auto pricier = body;
  pricier["estimated_revenue_cents"] = 9000;
  expect_error(post("/admin/shop/1/appointment", pricier.dump()), 409, "conflict",
               "estimated_revenue_cents");
  // Another time for the same call is another appointment.
  const auto later = post("/admin/shop/1/appointment", appointment(call, day + "T15:00").dump());
  EXPECT_EQ(later.status, 201) << later.body;
  EXPECT_EQ(rows_of(call), "2");

  // Three copies at once: one booking, and all three answer it.
  const auto racing_call = add_call("inquiry");
  auto anyone = appointment(racing_call, day + "T11:00");
  anyone.erase("stylist");
  const auto racing = anyone.dump();
  std::vector<std::future<http_result>> copies;
  for (int i = 0; i < 3; ++i) {
    copies.push_back(
        std::async(std::launch::async, [&] { return post("/admin/shop/1/appointment", racing); }));
  }
  std::set<std::string> ids;
  int created = 0;
  for (auto& copy : copies) {
    const auto r = copy.get();
    EXPECT_TRUE(r.status == 200 || r.status == 201) << r.body;
    if (r.status == 201) ++created;
    ids.insert(parse(r).value("appointment_id", ""));
  }
  EXPECT_EQ(created, 1);
  EXPECT_EQ(ids.size(), 1u);
  EXPECT_EQ(rows_of(racing_call), "1");
}

TEST_F(admin_api, wrong_methods_unknown_shops_and_token_spellings) {
  const auto wrong = http_call("GET", url("/admin/shop/1/appointment"), {bearer()});
  EXPECT_EQ(wrong.status, 405) << wrong.body;
  EXPECT_EQ(wrong.headers.count("allow") ? wrong.headers.at("allow") : "", "POST");
  EXPECT_EQ(http_call("POST", url("/admin/platform-metrics"), {bearer()}).status, 405);
  EXPECT_EQ(http_call("DELETE", url("/admin/shops/overview"), {bearer()}).status, 405);
  // The scheme is case-insensitive; the key is not.
  EXPECT_EQ(
      http_get(url("/admin/platform-metrics"), {"Authorization: bearer admin-e2e-key"}).status,
      200);
  expect_error(http_get(url("/admin/platform-metrics"), {"Authorization: Bearer ADMIN-E2E-KEY"}),
               401, "unauthorized");
  // An upper-case uuid names the same shop.
  std::string upper = shop_id_;
  std::transform(upper.begin(), upper.end(), upper.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  const auto by_upper = get("/admin/shop/" + upper + "/metrics?days=2");
  ASSERT_EQ(by_upper.status, 200) << by_upper.body;
  EXPECT_EQ(parse(by_upper)["shop_id"], shop_id_);
  // An unknown uuid books nothing; bad days are refused before the shop is looked up.
  const auto call = add_call("inquiry");
  expect_error(post("/admin/shop/6f1c1d2e-0000-4000-8000-000000000000/appointment",
                    appointment(call, open_day(3) + "T10:00").dump()),
               404, "not_found", "shop_id");
  expect_error(get("/admin/shop/999/metrics?days=0"), 400, "bad_request", "days");
  expect_error(get("/admin/shop/" + shop_id_ + "/metrics?days=x"), 400, "bad_request", "days");
  // A token but a malformed shop id: the shop id is what is wrong, whatever the body.
  expect_error(post("/admin/shop/0/appointment", "not json"), 400, "bad_request", "shop_id");
  // Without the token nothing else is looked at.
  expect_error(http_call("POST", url("/admin/shop/abc/appointment"), {}, "not json"), 401,
               "unauthorized");
}

// A caller books Maria's slot on the phone while an admin books the same slot: one of them gets
// it, the other is told it is taken (the admin with the next free times).
TEST_F(admin_api, an_admin_booking_racing_a_phone_booking_gets_the_slot_at_most_once) {
  const auto day = open_day(3);
  const auto weekday = database_->query_value("select trim(to_char(date '" + day + "', 'Day'))");
  const auto admin_call = add_call("inquiry");
  net::twilio_target target;
  target.port = server_->port();
  net::call_plan plan;
  plan.to = salon_number;
  std::mutex mutex;
  std::string last_reply;
  plan.observe = [&](const net::call_event& event) {
    if (event.kind == net::call_event_kind::receptionist_said) {
      std::lock_guard lock(mutex);
      last_reply = event.text;
    }
  };
  std::future<http_result> admin;
  int step = 0;
  plan.next_action = [&](std::function<void(std::optional<net::caller_action>)> answer) {
    std::string reply;
    {
      std::lock_guard lock(mutex);
      reply = last_reply;
    }
    ++step;
    if (step == 1) {
      answer(
          net::caller_action::say("Hi, this is Jane Doe. I'd like to book a women's haircut "
                                  "with Maria on " +
                                  weekday + " at 2 pm"));
    } else if (step < 6 && !admin.valid() && reply.find("Maria") != std::string::npos &&
               reply.find("2 PM") != std::string::npos && reply.find('?') != std::string::npos) {
      // The read-back: the admin books the same slot while the caller says yes.
      admin = std::async(std::launch::async, [&] {
        return post("/admin/shop/1/appointment", appointment(admin_call, day + "T14:00").dump());
      });
      answer(net::caller_action::say("yes"));
    } else if (step < 6 && !admin.valid() && reply.find("name") != std::string::npos) {
      answer(net::caller_action::say("my name is Jane Doe"));
    } else {
      answer(std::nullopt);
    }
  };
  const auto report = net::run_call(target, plan);
  ASSERT_TRUE(admin.valid()) << "the call never reached the read-back; last reply: " << last_reply
                             << "\n"
                             << server_->log();
  const auto admin_result = admin.get();
  const auto booked = std::stoi(database_->query_value(
      "select count(*) from appointments a where a.status = 'booked' and a.resource = "
      "'Maria Santos' and a.starts_at = (date '" +
      day + "' + time '14:00') at time zone 'Pacific/Honolulu'"));
  EXPECT_EQ(booked, 1) << "exactly one of the two got the slot";
  if (admin_result.status == 201) {
    EXPECT_EQ(database_->query_value(
                  "select source from appointments where resource = 'Maria Santos' and "
                  "starts_at = (date '" +
                  day +
                  "' + time '14:00') at time zone 'Pacific/Honolulu' "
                  "and status = 'booked'"),
              "admin");
  } else {
    expect_error(admin_result, 409, "conflict", "appointment_date");
    EXPECT_FALSE(parse(admin_result)["next_free_times"].empty());
  }
}

TEST(admin_process, without_an_admin_key_the_admin_api_is_closed) {
  test_database database;
  std::map<std::string, std::string> env = {{"DATABASE_URL", database.url()}};
  ASSERT_EQ(run_binary({"migrate"}, env).exit_code, 0);
  server_process server(env);
  for (const auto& [method, path] : admin_routes) {
    SCOPED_TRACE(path);
    expect_error(http_call(method, server.base_url() + path, {bearer("anything")}), 503,
                 "service_unavailable");
  }
}

TEST(admin_process, a_database_that_is_down_is_503) {
  server_process server(std::map<std::string, std::string>{
      {"DATABASE_URL", "postgresql://postgres@127.0.0.1:1/none"}, {"ADMIN_API_KEY", admin_key}});
  for (const char* path : {"/admin/platform-metrics", "/admin/shops/overview",
                           "/admin/shop/1/metrics", "/admin/shop/1/services"}) {
    SCOPED_TRACE(path);
    expect_error(http_get(server.base_url() + path, {bearer()}), 503, "database_unavailable");
  }
}

}  // namespace
}  // namespace salon::testing
