// The real binary through the failures it must survive, on the real PostgreSQL: killed with
// SIGKILL mid-call and restarted on the same spool, and the database cut (through a TCP proxy)
// while calls go on. Nothing accepted may be lost or written twice.

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <thread>

#include "net/form_data.hpp"
#include "net/twilio_caller.hpp"
#include "net/twilio_signature.hpp"
#include "tests/e2e/http_client.hpp"
#include "tests/e2e/live_call_support.hpp"
#include "tests/e2e/server_process.hpp"
#include "tests/e2e/test_database.hpp"
#include "tests/support/tcp_proxy.hpp"

namespace salon::testing {
namespace {

using namespace std::chrono_literals;

// The database behind a proxy the test can cut.
class database_behind_proxy {
 public:
  database_behind_proxy() {
    migrate_and_seed_demo(database_);
    std::smatch match;
    const std::regex pattern(R"(@([^/:]+):(\d+)/)");
    const auto& url = database_.url();
    EXPECT_TRUE(std::regex_search(url, match, pattern)) << url;
    proxy_ = std::make_unique<tcp_proxy>(match[1], static_cast<std::uint16_t>(std::stoi(match[2])));
  }
  const test_database& database() const { return database_; }
  tcp_proxy& proxy() { return *proxy_; }
  void cut() {
    proxy_->cut();
    cut_ = true;
  }
  bool proxy_cut() const { return cut_; }
  std::string server_url() const { return proxy_->proxied_url(database_.url()); }

 private:
  test_database database_;
  std::unique_ptr<tcp_proxy> proxy_;
  bool cut_ = false;
};

// salon_spool_depth from /metrics; -1 when the server does not answer.
long spool_depth_metric(const server_process& server) {
  auto metrics = http_get(server.base_url() + "/metrics");
  std::smatch match;
  const std::regex line(R"(\nsalon_spool_depth (\d+))");
  if (metrics.status != 200 || !std::regex_search(metrics.body, match, line)) return -1;
  return std::stol(match[1]);
}

// spool_depth from /health (which answers 503 while the database is away); -1 without one.
long spool_depth_health(const server_process& server) {
  auto health = http_get(server.base_url() + "/health");
  auto body = nlohmann::json::parse(health.body, nullptr, false);
  if (!body.is_object() || !body.contains("spool_depth")) return -1;
  return body["spool_depth"].get<long>();
}

// Polls `probe` until `ready` holds for its answer, for up to 30 s; returns the last answer.
long wait_for(const std::function<long()>& probe, const std::function<bool(long)>& ready) {
  long value = probe();
  for (int i = 0; i < 300 && !ready(value); ++i) {
    std::this_thread::sleep_for(100ms);
    value = probe();
  }
  return value;
}

// Twilio's final status callback for a call, signed, to whichever server is up now.
unsigned completed_callback(const server_process& server, const std::string& sid, int duration) {
  net::form_data form;
  form.add("CallSid", sid);
  form.add("AccountSid", "AC00000000000000000000000000000000");
  form.add("From", "+15555550100");
  form.add("To", salon_number);
  form.add("CallStatus", "completed");
  form.add("SequenceNumber", "9");
  form.add("CallDuration", std::to_string(duration));
  form.add("Timestamp", net::rfc2822_time(std::chrono::system_clock::now()));
  auto signature = net::sign(auth_token, std::string(public_base) + "/voice/status", form.fields());
  return static_cast<unsigned>(http_call("POST", server.base_url() + "/voice/status",
                                         {"Content-Type: application/x-www-form-urlencoded",
                                          "X-Twilio-Signature: " + signature},
                                         form.encode())
                                   .status);
}

// A caller who books a women's haircut with Maria on an open day at 2 pm, answering the
// receptionist's questions and waiting while she books; `booked` runs on the reply that settles
// the booking (confirmed or "we'll call you back") and decides what comes next. The first time it
// may run on a thread of the caller's own (the outcome came while it listened): it must not end
// the call then, since the simulated Twilio is gone once the call is over.
class booking_caller {
 public:
  using answer_fn = std::function<void(std::optional<net::caller_action>)>;
  using next_step = std::function<void(const std::string& reply, answer_fn answer)>;

  booking_caller(const test_database& database, next_step booked) : booked_{std::move(booked)} {
    const auto day = database.query_value(
        "select d::text from (select (now() at time zone 'Pacific/Honolulu')::date + i as d "
        "from generate_series(3, 10) as i) as days where extract(dow from d) between 2 and 6 "
        "order by d limit 1");
    weekday_ = database.query_value("select trim(to_char(date '" + day + "', 'Day'))");
  }
  ~booking_caller() {
    for (auto& waiter : waiters_) waiter.join();
  }

  net::call_plan plan() {
    auto p = salon::testing::plan({});
    p.observe = [this](const net::call_event& event) {
      if (event.kind == net::call_event_kind::receptionist_said) {
        std::lock_guard lock(mutex_);
        last_reply_ = event.text;
        replies_ += event.text + "\n";
        ++reply_count_;
        new_reply_.notify_all();
      }
    };
    p.next_action = [this](answer_fn answer) {
      ++step_;
      decide(std::move(answer));
    };
    return p;
  }

  bool settled() const { return settled_; }
  std::string replies() const {
    std::lock_guard lock(mutex_);
    return replies_;
  }

 private:
  void decide(answer_fn answer) {
    std::string reply;
    int seen = 0;
    {
      std::lock_guard lock(mutex_);
      reply = last_reply_;
      seen = reply_count_;
    }
    if (settled_) return booked_(reply, std::move(answer));
    if (step_ == 1) {
      return answer(net::caller_action::say(
          "Hi, this is Jane Doe. I'd like to book a women's haircut with Maria on " + weekday_ +
          " at 2 pm"));
    }
    for (const char* done : {"call you back", "all set", "You're booked", "All done"}) {
      if (reply.find(done) != std::string::npos) {
        settled_ = true;
        return booked_(reply, std::move(answer));
      }
    }
    if (reply.find("booking that now") != std::string::npos ||
        reply.find("while I book") != std::string::npos) {
      // The outcome comes as a reply of its own: listen for it instead of speaking.
      waiters_.emplace_back([this, seen, answer = std::move(answer)]() mutable {
        {
          std::unique_lock lock(mutex_);
          new_reply_.wait_for(lock, 20s, [&] { return reply_count_ > seen; });
        }
        decide(std::move(answer));
      });
      return;
    }
    if (step_ > 8) return answer(std::nullopt);
    if (reply.find("name") != std::string::npos) {
      return answer(net::caller_action::say("my name is Jane Doe"));
    }
    answer(net::caller_action::say("yes"));
  }

  next_step booked_;
  std::string weekday_;
  mutable std::mutex mutex_;
  std::condition_variable new_reply_;
  std::string last_reply_;
  std::string replies_;
  int reply_count_ = 0;
  std::atomic<int> step_{0};
  std::atomic<bool> settled_{false};
  std::vector<std::thread> waiters_;
};

std::string count_of(const std::string& table, const std::string& where = "true") {
  return "select count(*) from " + table + " where " + where;
}

// A call that only asks, settled as an inquiry: a record that the trouble after it must keep.
void settle_an_inquiry(server_process& server, const test_database& database,
                       net::call_report& report) {
  report = net::run_call(target_of(server.port()),
                         plan({net::caller_action::say("What are your hours?")}));
  ASSERT_TRUE(report.ok()) << problems_of(report);
  ASSERT_EQ(wait_for_value(database, call_column("outcome", report.call_sid),
                           [](const std::string& v) { return !v.empty(); }),
            "inquiry");
}

TEST(resilience, killed_mid_call_after_a_booking_the_restart_keeps_one_record_per_call) {
  database_behind_proxy db;
  scratch_folder spool;
  const auto env = server_env(db.server_url(), spool.path());
  auto server = std::make_unique<server_process>(env);
  const auto& database = db.database();

  net::call_report before;
  ASSERT_NO_FATAL_FAILURE(settle_an_inquiry(*server, database, before));

  // Booked, one more turn, then the server dies under the caller.
  int after_booking = 0;
  booking_caller caller(database, [&](const std::string&, auto answer) {
    if (++after_booking == 1) return answer(net::caller_action::say("What are your hours?"));
    server->stop(SIGKILL);
    answer(std::nullopt);
  });
  auto killed = net::run_call(target_of(server->port()), caller.plan());
  ASSERT_TRUE(caller.settled()) << caller.replies() << server->log();
  ASSERT_NE(caller.replies().find("Maria"), std::string::npos) << caller.replies();
  const auto sid = killed.call_sid;

  server = std::make_unique<server_process>(env);
  // Twilio tells the restarted server how the call ended.
  EXPECT_EQ(completed_callback(*server, sid, 95), 204u);
  EXPECT_EQ(wait_for_value(database, call_column("status", sid),
                           [](const std::string& v) { return v == "completed"; }),
            "completed");
  EXPECT_EQ(database.query_value(count_of("calls", "call_sid = '" + sid + "'")), "1");
  EXPECT_EQ(database.query_value(count_of("calls")), "2");
  EXPECT_EQ(database.query_value(call_column("outcome", sid)), "booked");
  EXPECT_EQ(database.query_value(call_column("duration_seconds", sid)), "95");
  EXPECT_EQ(database.query_value(count_of("appointments", "call_sid = '" + sid + "'")), "1");
  EXPECT_EQ(database.query_value("select status from appointments where call_sid = '" + sid + "'"),
            "booked");
  EXPECT_EQ(database.query_value(count_of("appointments")), "1");
  EXPECT_EQ(database.query_value(call_column("outcome", before.call_sid)), "inquiry");
}

TEST(resilience, killed_mid_call_while_the_database_is_away_the_spool_replays_on_restart) {
  database_behind_proxy db;
  scratch_folder spool;
  const auto env = server_env(db.server_url(), spool.path());
  auto server = std::make_unique<server_process>(env);
  const auto& database = db.database();

  net::call_report before;
  ASSERT_NO_FATAL_FAILURE(settle_an_inquiry(*server, database, before));

  db.cut();
  long spooled = 0;
  int after_booking = 0;
  booking_caller caller(database, [&](const std::string&, auto answer) {
    if (after_booking++ == 0) return answer(net::caller_action::say("Where are you located?"));
    // The call's start and its pending booking are on disk: now the server dies.
    spooled = wait_for([&] { return spool_depth_metric(*server); }, [](long d) { return d >= 2; });
    server->stop(SIGKILL);
    answer(std::nullopt);
  });
  auto killed = net::run_call(target_of(server->port()), caller.plan());
  ASSERT_TRUE(caller.settled()) << caller.replies() << server->log();
  EXPECT_NE(caller.replies().find("call you back"), std::string::npos) << caller.replies();
  EXPECT_GE(spooled, 2);
  const auto sid = killed.call_sid;
  EXPECT_EQ(database.query_value(count_of("calls", "call_sid = '" + sid + "'")), "0")
      << "only in the spool so far";

  db.proxy().restore();
  server = std::make_unique<server_process>(env);
  EXPECT_EQ(wait_for_value(database, count_of("appointments", "call_sid = '" + sid + "'"),
                           [](const std::string& v) { return v == "1"; }),
            "1");
  EXPECT_EQ(wait_for([&] { return spool_depth_metric(*server); }, [](long d) { return d == 0; }),
            0);
  EXPECT_EQ(completed_callback(*server, sid, 80), 204u);
  EXPECT_EQ(wait_for_value(database, call_column("status", sid),
                           [](const std::string& v) { return v == "completed"; }),
            "completed");
  EXPECT_EQ(database.query_value(count_of("calls", "call_sid = '" + sid + "'")), "1");
  EXPECT_EQ(database.query_value(count_of("calls")), "2");
  EXPECT_EQ(database.query_value("select status from appointments where call_sid = '" + sid + "'"),
            "pending");
  EXPECT_EQ(database.query_value(count_of("appointments")), "1");
  EXPECT_EQ(database.query_value(call_column("outcome", before.call_sid)), "inquiry");
}

TEST(resilience, calls_go_on_while_the_database_is_away_and_nothing_is_lost_or_doubled) {
  database_behind_proxy db;
  scratch_folder spool;
  server_process server(server_env(db.server_url(), spool.path()));
  const auto& database = db.database();
  auto target = target_of(server.port());

  auto before = net::run_call(target, plan({net::caller_action::say("What are your hours?")}));
  ASSERT_TRUE(before.ok()) << problems_of(before);
  EXPECT_EQ(spool_depth_health(server), 0);

  // The database goes away in the middle of a call, which then books and goes on.
  int after_booking = 0;
  booking_caller caller(database, [&](const std::string&, auto answer) {
    if (after_booking++ == 0) return answer(net::caller_action::say("Where are you located?"));
    answer(std::nullopt);
  });
  auto p = caller.plan();
  bool asked_price = false;
  p.next_action = [&, book = p.next_action](auto answer) {
    if (!asked_price) {
      asked_price = true;
      // One question answered from the database's data first (the shop holds it already).
      return answer(net::caller_action::say("How much is a balayage?"));
    }
    if (!db.proxy_cut()) db.cut();
    book(std::move(answer));
  };
  auto during = net::run_call(target, p);
  EXPECT_TRUE(during.ok()) << problems_of(during);
  ASSERT_TRUE(caller.settled()) << caller.replies() << server.log();
  EXPECT_NE(caller.replies().find("call you back"), std::string::npos) << caller.replies();
  auto another = net::run_call(target, plan({net::caller_action::say("Are you open on Sunday?")}));
  EXPECT_TRUE(another.ok()) << problems_of(another);
  EXPECT_EQ(another.status_callback_status, 204u) << "accepted while the database is away";

  EXPECT_GT(wait_for([&] { return spool_depth_health(server); }, [](long d) { return d > 0; }), 0);
  EXPECT_GT(spool_depth_metric(server), 0);
  EXPECT_EQ(http_get(server.base_url() + "/health").status, 503);

  db.proxy().restore();
  EXPECT_EQ(wait_for([&] { return spool_depth_health(server); }, [](long d) { return d == 0; }), 0);
  EXPECT_EQ(spool_depth_metric(server), 0);
  EXPECT_EQ(
      wait_for([&] { return static_cast<long>(http_get(server.base_url() + "/health").status); },
               [](long s) { return s == 200; }),
      200);

  for (const auto* call : {&before, &during, &another}) {
    const auto& sid = call->call_sid;
    EXPECT_EQ(database.query_value(count_of("calls", "call_sid = '" + sid + "'")), "1") << sid;
    EXPECT_EQ(database.query_value(call_column("status", sid)), "completed") << sid;
    EXPECT_FALSE(database.query_value(call_column("outcome", sid)).empty()) << sid;
    EXPECT_EQ(database.query_value(call_column("caller_spoke", sid)), "t") << sid;
  }
  EXPECT_EQ(database.query_value(count_of("calls")), "3");
  EXPECT_EQ(database.query_value(count_of("appointments")), "1");
  EXPECT_EQ(database.query_value("select status from appointments where call_sid = '" +
                                 during.call_sid + "'"),
            "pending");

  // The outage is told once, with its end, not once per job that failed in it.
  const auto log = server.log();
  std::size_t told = 0;
  const std::string pool_line = "] database unavailable:";  // the database pool's own
  for (auto at = log.find(pool_line); at != std::string::npos; at = log.find(pool_line, at + 1))
    ++told;
  EXPECT_GE(told, 1u) << log;
  EXPECT_LE(told, 2u) << log;
  EXPECT_NE(log.find("database reachable again"), std::string::npos) << log;
}

}  // namespace
}  // namespace salon::testing
