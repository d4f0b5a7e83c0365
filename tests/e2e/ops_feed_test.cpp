// WS /ops end to end: the real binary on the real PostgreSQL (migrated, demo salon seeded, and a
// second shop), dashboards on real sockets, real calls from the simulated Twilio. Who gets in,
// the snapshot, the events of a call, filters, bad queries, and a slow dashboard dropped while
// the calls and the other dashboards go on.

#include <gtest/gtest.h>
#include <stdlib.h>

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <filesystem>
#include <future>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "net/twilio_caller.hpp"
#include "tests/e2e/http_client.hpp"
#include "tests/e2e/ops_client.hpp"
#include "tests/e2e/server_process.hpp"
#include "tests/e2e/test_database.hpp"

namespace salon::testing {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

constexpr const char* admin_key = "ops-e2e-admin-key";
constexpr const char* twilio_token = "ops-e2e-twilio-token";
constexpr const char* public_base = "https://salon.example.com";
constexpr const char* demo_number = "+18084826296";
constexpr const char* quiet_number = "+18085550002";  // location 2, "Quiet Salon"

std::string with_key(const std::string& query = "") {
  return "/ops?access_token=" + std::string(admin_key) + (query.empty() ? "" : "&" + query);
}

json parse(const std::string& text) {
  auto body = json::parse(text, nullptr, false);
  EXPECT_FALSE(body.is_discarded()) << "not JSON: " << text;
  return body;
}

// Messages until one for which `last` holds (included), or until the feed ends or goes quiet.
std::vector<json> read_until(ops_client& client, const std::function<bool(const json&)>& last) {
  std::vector<json> messages;
  while (auto text = client.read(20s)) {
    messages.push_back(parse(*text));
    if (last(messages.back())) break;
  }
  return messages;
}

auto ended(const std::string& sid) {
  return [sid](const json& m) {
    return m.value("type", "") == "call_ended" && m["call"].value("sid", "") == sid;
  };
}

std::vector<json> of_call(const std::vector<json>& messages, const std::string& sid) {
  std::vector<json> out;
  for (const auto& m : messages) {
    if (m.contains("call") && m["call"].value("sid", "") == sid) out.push_back(m);
    if (m.contains("appointment") && m["appointment"].value("call_sid", "") == sid) {
      out.push_back(m);
    }
  }
  return out;
}

class ops_feed : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    database_ = new test_database();
    migrate_and_seed_demo(*database_);
    if (HasFatalFailure()) return;
    std::map<std::string, std::string> env = {{"DATABASE_URL", database_->url()}};
    database_->query_value(
        "insert into profiles (location_id, business_name, phone_number) values (2, 'Quiet "
        "Salon', '" +
        std::string(quiet_number) + "')");
    demo_shop_id_ = database_->query_value("select id from profiles where location_id = 1");
    std::string pattern =
        std::string(std::getenv("SALON_TEST_SCRATCH") != nullptr ? std::getenv("SALON_TEST_SCRATCH")
                                                                 : "/tmp") +
        "/ops_feed.XXXXXX";
    spool_ = mkdtemp(pattern.data());
    env["ADMIN_API_KEY"] = admin_key;
    env["TWILIO_AUTH_TOKEN"] = twilio_token;
    env["PUBLIC_BASE_URL"] = public_base;
    env["SPOOL_DIR"] = spool_;
    server_ = new server_process(env);
  }
  static void TearDownTestSuite() {
    delete server_;
    delete database_;
    std::filesystem::remove_all(spool_);
  }

  static net::twilio_target target() {
    net::twilio_target t;
    t.port = server_->port();
    t.public_base_url = public_base;
    t.auth_token = twilio_token;
    return t;
  }

  static net::call_plan plan(std::vector<std::string> says, std::string to = demo_number,
                             std::chrono::milliseconds think = 0ms) {
    net::call_plan p;
    p.to = std::move(to);
    p.think_time = think;
    for (auto& words : says) p.actions.push_back(net::caller_action::say(std::move(words)));
    return p;
  }

  // A dashboard on the feed, past its snapshot (returned).
  static json subscribe(ops_client& client, const std::string& target) {
    EXPECT_EQ(client.connect(server_->port(), target), 101u) << client.refusal_body();
    auto first = client.read();
    EXPECT_TRUE(first.has_value());
    return first ? parse(*first) : json();
  }

  static std::string problems_of(const net::call_report& report) {
    std::string text;
    for (const auto& problem : report.problems) text += problem + "\n";
    return text;
  }

  static test_database* database_;
  static server_process* server_;
  static std::string spool_;
  static std::string demo_shop_id_;
};
test_database* ops_feed::database_ = nullptr;
server_process* ops_feed::server_ = nullptr;
std::string ops_feed::spool_;
std::string ops_feed::demo_shop_id_;

TEST_F(ops_feed, a_missing_or_wrong_token_is_refused_with_401_before_the_handshake) {
  using headers = std::vector<std::pair<std::string, std::string>>;
  struct attempt {
    std::string target;
    headers with;
  };
  for (const auto& [target, with] :
       std::vector<attempt>{{"/ops", {}},
                            {"/ops?access_token=", {}},
                            {"/ops?access_token=not-the-key", {}},
                            {"/ops", {{"Authorization", "Bearer not-the-key"}}},
                            {"/ops", {{"Authorization", "Bearer "}}},
                            {"/ops", {{"Authorization", std::string("Basic ") + admin_key}}},
                            // A wrong header is not rescued by a right query parameter.
                            {with_key(), {{"Authorization", "Bearer not-the-key"}}}}) {
    ops_client client;
    EXPECT_EQ(client.connect(server_->port(), target, {with, 0}), 401u) << target;
    auto body = parse(client.refusal_body());
    EXPECT_EQ(body["error"]["code"], "unauthorized") << target << ": " << client.refusal_body();
  }
  // The right key either way gets in.
  ops_client by_header;
  EXPECT_EQ(by_header.connect(server_->port(), "/ops",
                              {{{"Authorization", std::string("Bearer ") + admin_key}}, 0}),
            101u);
  ops_client by_query;
  EXPECT_EQ(by_query.connect(server_->port(), with_key()), 101u);
  EXPECT_NE(server_->log().find("/ops refused: wrong token"), std::string::npos);
}

TEST_F(ops_feed, bad_query_values_are_refused_with_400_naming_the_parameter) {
  for (std::string query : {"shop=abc", "shop=0", "shop=-1", "shop=", "shop=1.5", "shop=%00",
                            "shop=12345678901", "shop=6f1c0b56-0000-4000-8000-00000000000g",
                            "transcript=yes", "transcript=1", "transcript="}) {
    ops_client client;
    EXPECT_EQ(client.connect(server_->port(), with_key(query)), 400u) << query;
    auto body = parse(client.refusal_body());
    EXPECT_EQ(body["error"]["code"], "bad_request") << query;
    auto parameter = query.substr(0, query.find('='));
    EXPECT_EQ(body["error"].value("field", ""), parameter) << client.refusal_body();
    EXPECT_NE(body["error"]["message"].get<std::string>().find(parameter), std::string::npos)
        << client.refusal_body();
  }
  EXPECT_EQ(http_get(server_->base_url() + "/health").status, 200);
}

TEST_F(ops_feed, a_call_is_seen_from_start_to_booking_to_end_after_a_snapshot) {
  ops_client dashboard;
  auto snapshot = subscribe(dashboard, with_key());
  EXPECT_EQ(snapshot["type"], "snapshot");
  EXPECT_TRUE(snapshot["shop"].is_null());
  EXPECT_TRUE(snapshot["live_calls"].is_array());
  for (const char* number : {"calls_today", "bookings_today", "revenue_today_cents",
                             "conversion_today", "live_calls", "spool_depth"}) {
    EXPECT_TRUE(snapshot["today"][number].is_number()) << number << ": " << snapshot.dump();
  }
  ops_client with_transcript;
  subscribe(with_transcript, with_key("transcript=true"));

  auto p = plan({"Can I book a women's haircut friday at 10", "My name is Jane Doe", "Yes"},
                demo_number, 400ms);
  p.from = "+15555550123";
  auto call = std::async(std::launch::async, [&] { return net::run_call(target(), p); });

  // A dashboard opened mid-call finds the call in its snapshot.
  auto started = read_until(dashboard, [](const json& m) { return m["type"] == "call_started"; });
  ASSERT_FALSE(started.empty());
  const std::string sid = started.back()["call"]["sid"];
  ops_client late;
  auto live = subscribe(late, with_key());
  ASSERT_EQ(live["live_calls"].size(), 1u) << live.dump();
  EXPECT_EQ(live["live_calls"][0]["sid"], sid);
  EXPECT_EQ(live["live_calls"][0]["caller"], "+1******0123");
  EXPECT_EQ(live["live_calls"][0]["shop"]["location_id"], 1);
  EXPECT_EQ(live["today"]["live_calls"], 1);

  auto report = call.get();
  ASSERT_TRUE(report.ok()) << problems_of(report);
  EXPECT_EQ(report.call_sid, sid);

  auto rest = read_until(dashboard, ended(sid));
  rest.insert(rest.begin(), started.back());
  auto events = of_call(rest, sid);
  ASSERT_GE(events.size(), 5u);
  for (const auto& event : events) {
    EXPECT_FALSE(event.value("at", "").empty()) << event.dump();
    EXPECT_EQ(event["shop"]["location_id"], 1) << event.dump();
    if (event["type"] == "call_turn" || event["type"] == "call_ended") {
      // Named in full by call_started; the many events after it carry the location only.
      EXPECT_EQ(event["shop"].size(), 1u) << event.dump();
    } else {
      EXPECT_EQ(event["shop"]["id"], demo_shop_id_) << event.dump();
      EXPECT_EQ(event["shop"]["name"], "Studio Nine Hair & Color") << event.dump();
    }
    EXPECT_FALSE(event.contains("transcript")) << "not asked for: " << event.dump();
  }
  EXPECT_EQ(events.front()["type"], "call_started");
  EXPECT_EQ(events.front()["call"]["caller"], "+1******0123");
  EXPECT_EQ(events.back()["type"], "call_ended");

  int turns = 0;
  int last_turn = 0;
  json appointment;
  for (const auto& event : events) {
    if (event["type"] == "call_turn") {
      ++turns;
      EXPECT_GE(event["call"]["turns"].get<int>(), last_turn) << "turns never go back";
      last_turn = event["call"]["turns"];
      EXPECT_EQ(event["call"]["intent"], "book") << event.dump();
      EXPECT_TRUE(event["call"]["sentiment"].is_number());
      EXPECT_FALSE(event["call"].value("sentiment_label", "").empty());
    } else if (event["type"] == "appointment_created") {
      appointment = event["appointment"];
    }
  }
  EXPECT_GE(turns, 3);
  ASSERT_TRUE(appointment.is_object()) << "no appointment_created for the call";
  EXPECT_EQ(appointment["service"], "Women's Haircut");
  EXPECT_EQ(appointment["customer_name"], "Jane Doe");
  EXPECT_EQ(appointment["revenue_cents"], 6500);
  EXPECT_EQ(appointment["source"], "phone");
  EXPECT_FALSE(appointment.value("resource", "").empty());
  EXPECT_EQ(database_->query_value("select count(*) from appointments where id = '" +
                                   appointment["id"].get<std::string>() + "'"),
            "1");
  const auto& end = events.back()["call"];
  EXPECT_EQ(end["outcome"], "booked");
  EXPECT_EQ(end["intent"], "book");
  EXPECT_EQ(end["turns"], last_turn);
  EXPECT_GT(end["duration_seconds"].get<double>(), 0.8) << "three prompts 400 ms apart";

  // Who asked for transcripts hears what was said, turn by turn.
  auto heard = of_call(read_until(with_transcript, ended(sid)), sid);
  std::vector<std::string> caller_said;
  for (const auto& event : heard) {
    if (event["type"] != "call_turn") continue;
    ASSERT_TRUE(event.contains("transcript")) << event.dump();
    EXPECT_FALSE(event["transcript"].value("receptionist", "").empty()) << event.dump();
    caller_said.push_back(event["transcript"].value("caller", ""));
  }
  ASSERT_FALSE(caller_said.empty());
  EXPECT_EQ(caller_said.front(), "Can I book a women's haircut friday at 10");
  EXPECT_NE(std::find(caller_said.begin(), caller_said.end(), "My name is Jane Doe"),
            caller_said.end());
}

TEST_F(ops_feed, a_shop_filter_passes_that_shops_events_only) {
  struct dashboard {
    std::string query;
    std::optional<int> location;  // the shop it names; nullopt: every shop
    ops_client client;
    json snapshot;
  };
  std::vector<std::unique_ptr<dashboard>> dashboards;
  for (auto [query, location] : std::vector<std::pair<std::string, std::optional<int>>>{
           {"", std::nullopt},
           {"shop=1", 1},
           {"shop=" + demo_shop_id_, 1},
           {"shop=2", 2},
           {"shop=999", 999},
           {"shop=6f1c0b56-0000-4000-8000-000000000001", -1}}) {
    auto d = std::make_unique<dashboard>();
    d->query = query;
    d->location = location;
    d->snapshot = subscribe(d->client, with_key(query));
    ASSERT_EQ(d->snapshot["type"], "snapshot") << query;
    dashboards.push_back(std::move(d));
  }
  EXPECT_TRUE(dashboards[0]->snapshot["shop"].is_null());
  EXPECT_EQ(dashboards[1]->snapshot["shop"]["location_id"], 1);
  EXPECT_EQ(dashboards[2]->snapshot["shop"]["location_id"], 1);
  EXPECT_EQ(dashboards[2]->snapshot["shop"]["name"], "Studio Nine Hair & Color");
  EXPECT_EQ(dashboards[3]->snapshot["shop"]["location_id"], 2);

  auto demo = net::run_call(target(), plan({"What are your hours?"}));
  ASSERT_TRUE(demo.ok()) << problems_of(demo);
  auto quiet = net::run_call(target(), plan({"What are your hours?"}, quiet_number));
  ASSERT_TRUE(quiet.ok()) << problems_of(quiet);

  // When the later call ended, by the unfiltered feed.
  std::string ended_at;
  std::vector<json> unfiltered;
  for (const auto& sid : {demo.call_sid, quiet.call_sid}) {
    auto seen = read_until(dashboards[0]->client, ended(sid));
    ASSERT_FALSE(seen.empty());
    ended_at = std::max(ended_at, seen.back()["at"].get<std::string>());
    unfiltered.insert(unfiltered.end(), seen.begin(), seen.end());
  }
  for (auto& d : dashboards) {
    // One broadcaster, one ordered queue per dashboard: by the second `metrics` stamped after
    // the calls ended (5 s apart), everything about them that this dashboard would get came.
    std::set<std::string> calls_seen;
    std::set<int> shops_seen;
    int metrics_after = 0;
    auto note = [&](const json& m) {
      if (m.contains("call")) {
        calls_seen.insert(m["call"].value("sid", ""));
        shops_seen.insert(m["shop"].value("location_id", 0));
      }
      if (m["type"] == "metrics" && m.value("at", "") > ended_at) ++metrics_after;
      return metrics_after == 2;
    };
    if (d == dashboards.front()) std::for_each(unfiltered.begin(), unfiltered.end(), note);
    read_until(d->client, note);
    EXPECT_EQ(metrics_after, 2) << d->query;
    std::set<int> shops_expected;
    std::set<std::string> calls_expected;
    if (!d->location || *d->location == 1) {
      shops_expected.insert(1);
      calls_expected.insert(demo.call_sid);
    }
    if (!d->location || *d->location == 2) {
      shops_expected.insert(2);
      calls_expected.insert(quiet.call_sid);
    }
    EXPECT_EQ(shops_seen, shops_expected) << d->query;
    EXPECT_EQ(calls_seen, calls_expected) << d->query;
  }
}

TEST_F(ops_feed, a_dashboard_that_falls_behind_is_dropped_and_nothing_else_suffers) {
  // The slow one never reads, with a receive buffer so small that the server's queue for it
  // fills at once; the other reads everything. The steady one asks for no transcripts: its
  // stream is a few hundred bytes an event, which a reader keeps up with on a busy machine
  // (with transcripts, a sanitizer build under a parallel test run fell 1 MiB behind once).
  ops_client slow;
  ASSERT_EQ(slow.connect(server_->port(), with_key("transcript=true"), {{}, 4096}), 101u);
  ops_client steady;
  subscribe(steady, with_key());

  constexpr int calls = 12;
  constexpr int prompts = 30;
  std::atomic<int> steady_ended{0};
  std::atomic<bool> reading{true};
  std::thread reader([&] {
    auto deadline = std::chrono::steady_clock::now() + 120s;
    while (reading && steady_ended < calls && std::chrono::steady_clock::now() < deadline) {
      auto text = steady.read(30s);
      if (!text) break;
      if (parse(*text)["type"] == "call_ended") ++steady_ended;
    }
  });

  // Long prompts: each call_turn with its transcript is some 20 KB, so the stream (7 MB) is
  // more than the kernel buffers (4 MB here) and the queue (1 MiB) can hold together.
  std::string words;
  while (words.size() < 20000) words += "I would like to know your prices and your hours please ";
  boost::asio::io_context io;
  net::twilio_caller caller(io, target());
  std::vector<net::call_report> reports;
  for (int i = 0; i < calls; ++i) {
    caller.place_call(plan(std::vector<std::string>(prompts, words)),
                      [&](net::call_report report) { reports.push_back(std::move(report)); });
  }
  io.run();
  ASSERT_EQ(reports.size(), static_cast<std::size_t>(calls));
  for (const auto& report : reports) {
    EXPECT_TRUE(report.ok()) << problems_of(report);
    EXPECT_EQ(report.turns.size(), static_cast<std::size_t>(prompts));
  }

  reader.join();
  reading = false;
  EXPECT_EQ(steady_ended.load(), calls) << "the dashboard that keeps up misses nothing";

  // What the slow one had in its buffers, then the close with the reason.
  int buffered = 0;
  auto deadline = std::chrono::steady_clock::now() + 60s;
  while (std::chrono::steady_clock::now() < deadline && slow.read(20s)) ++buffered;
  EXPECT_EQ(slow.close_code(), 1008) << "after " << buffered << " messages";
  EXPECT_EQ(slow.close_reason(), "send queue full");
  EXPECT_LT(buffered, calls * (prompts + 2)) << "it was dropped before the end of the stream";

  // The server is still there: health, new dashboards, the overflow counted.
  EXPECT_EQ(http_get(server_->base_url() + "/health").status, 200);
  ops_client after;
  EXPECT_EQ(subscribe(after, with_key())["type"], "snapshot");
  auto metrics = http_get(server_->base_url() + "/metrics").body;
  EXPECT_NE(metrics.find("salon_websocket_send_queue_overflows_total{route=\"ops\"}"),
            std::string::npos)
      << metrics;
  EXPECT_NE(server_->log().find("ops subscriber dropped"), std::string::npos);
}

}  // namespace
}  // namespace salon::testing
