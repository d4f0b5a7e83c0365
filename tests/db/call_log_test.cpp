#include "db/connection.hpp"
#include "db/demo_seed.hpp"
#include "db/errors.hpp"
#include "scratch_database.hpp"

namespace salon::db {
namespace {

using namespace std::chrono_literals;

const time_point rang_at = std::chrono::sys_days{std::chrono::year{2030} / 1 / 15} + 20h;
const std::string sid = "CA00000000000000000000000000000001";

class call_log_test : public testing::migrated_database_test {
 protected:
  void SetUp() override {
    migrated_database_test::SetUp();
    if (HasFatalFailure()) return;
    db_ = std::make_unique<connection>(url());
    shop_id_ = seed_demo_salon(*db_).shop_id;
  }

  call_started started() const {
    return call_started{sid, shop_id_, "+18085550123", "+18084826296", rang_at};
  }

  call_settlement settled(call_outcome outcome, bool caller_spoke = true) const {
    call_settlement s;
    s.call_sid = sid;
    s.shop_id = shop_id_;
    s.outcome = outcome;
    s.primary_intent = "prices";
    s.intents = {"prices", "hours"};
    s.sentiment_score = 0.4;
    s.sentiment = sentiment_label::positive;
    s.turns = caller_spoke ? 3 : 0;
    s.caller_spoke = caller_spoke;
    if (caller_spoke)
      s.transcript = {{rang_at + 2s, "receptionist", "Aloha, Studio Nine!"},
                      {rang_at + 5s, "caller", "How much is a blowout?"}};
    s.started_at = rang_at;
    s.ended_at = rang_at + 95s;
    return s;
  }

  static call_status_update status(call_status s, std::optional<int> sequence,
                                   std::optional<int> duration = std::nullopt) {
    call_status_update u;
    u.call_sid = sid;
    u.status = s;
    u.sequence_number = sequence;
    u.duration_seconds = duration;
    u.at = rang_at + std::chrono::seconds(duration.value_or(0));
    return u;
  }

  // An appointment made on this call.
  appointment blowout_tomorrow(appointment_status status) const {
    appointment a;
    a.shop_id = shop_id_;
    a.call_sid = sid;
    a.service_name = "Blowout";
    a.resource = "Leilani Kahale";
    a.starts_at = rang_at + 24h;
    a.ends_at = rang_at + 24h + 45min;
    a.status = status;
    return a;
  }

  call_record call() {
    const auto found = db_->load_call(sid);
    if (!found) throw std::runtime_error("the call was not stored");
    return *found;
  }

  connection& db() { return *db_; }
  const std::string& shop_id() const { return shop_id_; }

 private:
  std::unique_ptr<connection> db_;
  std::string shop_id_;
};

TEST_F(call_log_test, a_call_goes_from_started_to_settled_to_completed) {
  EXPECT_EQ(db().record_call_started(started()).result, call_log_result::applied);
  auto live = call();
  EXPECT_EQ(live.status, call_status::in_progress);
  EXPECT_FALSE(live.outcome.has_value());
  EXPECT_EQ(live.shop_id, shop_id());
  EXPECT_EQ(live.started_at, rang_at);

  EXPECT_EQ(db().settle_call(settled(call_outcome::inquiry)).result, call_log_result::applied);
  EXPECT_EQ(db().apply_status_callback(status(call_status::completed, 3, 96)).result,
            call_log_result::applied);

  const auto done = call();
  EXPECT_EQ(done.status, call_status::completed);
  EXPECT_EQ(done.outcome, call_outcome::inquiry);
  EXPECT_EQ(done.duration_seconds, 96);  // Twilio's number wins over ours
  EXPECT_EQ(done.status_sequence, 3);
  EXPECT_EQ(done.intents, (std::vector<std::string>{"prices", "hours"}));
  EXPECT_EQ(done.sentiment, sentiment_label::positive);
  ASSERT_TRUE(done.sentiment_score.has_value());
  EXPECT_NEAR(*done.sentiment_score, 0.4, 1e-6);
  EXPECT_EQ(done.turns, 3);
  ASSERT_EQ(done.transcript.size(), 2u);
  EXPECT_EQ(done.transcript[1].speaker, "caller");
  EXPECT_EQ(done.transcript[1].text, "How much is a blowout?");
  EXPECT_EQ(done.transcript[1].at, rang_at + 5s);
  EXPECT_EQ(done.ended_at, rang_at + 96s);  // and so does its end time
}

TEST_F(call_log_test, the_same_writes_in_any_order_end_the_same) {
  // Status callback and settlement before the webhook's record, each twice.
  db().apply_status_callback(status(call_status::completed, 3, 96));
  db().settle_call(settled(call_outcome::inquiry));
  db().settle_call(settled(call_outcome::inquiry));
  db().record_call_started(started());
  db().record_call_started(started());
  EXPECT_EQ(db().apply_status_callback(status(call_status::completed, 3, 96)).result,
            call_log_result::ignored);

  const auto c = call();
  EXPECT_EQ(c.status, call_status::completed);
  EXPECT_EQ(c.outcome, call_outcome::inquiry);
  EXPECT_EQ(c.duration_seconds, 96);
  EXPECT_EQ(c.shop_id, shop_id());
  EXPECT_EQ(c.from_number, "+18085550123");
  EXPECT_EQ(c.started_at, rang_at);
  EXPECT_EQ(database().query("select count(*) from calls")[0][0].as<int>(), 1);
}

TEST_F(call_log_test, stale_and_repeated_status_callbacks_change_nothing) {
  db().record_call_started(started());
  EXPECT_EQ(db().apply_status_callback(status(call_status::ringing, 0)).result,
            call_log_result::ignored);  // ringing is older than in progress
  EXPECT_EQ(db().apply_status_callback(status(call_status::in_progress, 1)).result,
            call_log_result::ignored);  // same status, nothing newer
  EXPECT_EQ(db().apply_status_callback(status(call_status::completed, 2, 40)).result,
            call_log_result::applied);
  EXPECT_EQ(db().apply_status_callback(status(call_status::in_progress, 5)).result,
            call_log_result::ignored);  // never back from a final status
  EXPECT_EQ(db().apply_status_callback(status(call_status::failed, 6)).result,
            call_log_result::ignored);
  const auto c = call();
  EXPECT_EQ(c.status, call_status::completed);
  EXPECT_EQ(c.status_sequence, 2);
  EXPECT_EQ(c.duration_seconds, 40);
}

TEST_F(call_log_test, sequence_numbers_order_non_final_callbacks) {
  EXPECT_EQ(db().apply_status_callback(status(call_status::ringing, 1)).result,
            call_log_result::applied);
  EXPECT_EQ(db().apply_status_callback(status(call_status::queued, 0)).result,
            call_log_result::ignored);
  EXPECT_EQ(call().status, call_status::ringing);
  EXPECT_EQ(call().status_sequence, 1);
  EXPECT_FALSE(call().outcome.has_value());
}

TEST_F(call_log_test, unanswered_calls_are_missed) {
  for (const auto final_status :
       {call_status::no_answer, call_status::busy, call_status::failed, call_status::canceled}) {
    database().query("delete from calls");
    db().record_call_started(started());
    db().apply_status_callback(status(final_status, 2, 0));
    EXPECT_EQ(call().outcome, call_outcome::missed) << to_string(final_status);
    db().settle_call(settled(call_outcome::inquiry));  // a late settlement cannot undo it
    EXPECT_EQ(call().outcome, call_outcome::missed) << to_string(final_status);
  }
}

TEST_F(call_log_test, a_completed_call_where_nobody_spoke_is_missed_until_settled) {
  db().record_call_started(started());
  db().apply_status_callback(status(call_status::completed, 2, 5));
  EXPECT_EQ(call().outcome, call_outcome::missed);
  db().settle_call(settled(call_outcome::transferred));
  EXPECT_EQ(call().outcome, call_outcome::transferred);
}

TEST_F(call_log_test, a_booking_stays_booked) {
  db().record_call_started(started());
  ASSERT_EQ(db().insert_appointment(blowout_tomorrow(appointment_status::booked)).result,
            booking_result::booked);
  db().settle_call(settled(call_outcome::inquiry));
  db().apply_status_callback(status(call_status::completed, 2, 95));
  EXPECT_EQ(call().outcome, call_outcome::booked);
}

TEST_F(call_log_test, a_call_that_never_settled_but_left_a_booking_request_is_not_missed) {
  // The database was away when the caller booked (a pending request to call back), and the
  // server was killed before the call settled: Twilio's `completed` is all that follows.
  db().record_call_started(started());
  ASSERT_EQ(db().insert_appointment(blowout_tomorrow(appointment_status::pending)).result,
            booking_result::booked);
  db().apply_status_callback(status(call_status::completed, 2, 95));
  EXPECT_EQ(call().outcome, call_outcome::inquiry);
}

TEST_F(call_log_test, a_refused_entry_does_not_sink_its_batch) {
  auto wild = settled(call_outcome::inquiry);
  wild.call_sid = "CA00000000000000000000000000000002";
  wild.sentiment_score = 7.5;  // outside -1..1
  auto bad_sid = started();
  bad_sid.call_sid = "not a sid!";
  const std::vector<call_log_entry> batch = {started(), wild, bad_sid,
                                             status(call_status::completed, 2, 30)};
  const auto results = db().write_call_log(batch);
  ASSERT_EQ(results.size(), 4u);
  EXPECT_EQ(results[0].result, call_log_result::applied);
  EXPECT_EQ(results[1].result, call_log_result::rejected);
  EXPECT_NE(results[1].message.find("sentiment_score"), std::string::npos) << results[1].message;
  EXPECT_EQ(results[2].result, call_log_result::rejected) << results[2].message;
  EXPECT_EQ(results[3].result, call_log_result::applied) << results[3].message;
  EXPECT_EQ(call().status, call_status::completed);
  EXPECT_EQ(database().query("select count(*) from calls")[0][0].as<int>(), 1);
  EXPECT_TRUE(db().write_call_log({}).empty());
}

TEST_F(call_log_test, one_batch_holding_every_write_of_many_calls_ends_as_written_one_by_one) {
  // Each call's writes in its own order, the calls interleaved: started, settled, completed for
  // even calls; completed, started, settled (a late webhook) for odd ones; two repeats.
  std::vector<call_log_entry> batch;
  const auto sid_of = [](int i) { return "CA" + std::string(30, '0') + std::to_string(10 + i); };
  for (int step = 0; step < 3; ++step) {
    for (int i = 0; i < 40; ++i) {
      auto begun = started();
      auto done = settled(call_outcome::inquiry);
      auto completed = status(call_status::completed, 3, 60 + i);
      begun.call_sid = done.call_sid = completed.call_sid = sid_of(i);
      const call_log_entry order[2][3] = {{begun, done, completed}, {completed, begun, done}};
      batch.push_back(order[i % 2][step]);
    }
  }
  auto again = status(call_status::completed, 3, 60);
  again.call_sid = sid_of(0);
  batch.push_back(again);
  auto ringing = status(call_status::ringing, 1);
  ringing.call_sid = sid_of(1);
  batch.push_back(ringing);

  const auto results = db().write_call_log(batch);
  ASSERT_EQ(results.size(), batch.size());
  for (std::size_t i = 0; i < 120; ++i)
    EXPECT_EQ(results[i].result, call_log_result::applied) << i << ": " << results[i].message;
  EXPECT_EQ(results[120].result, call_log_result::ignored) << "a repeated final callback";
  EXPECT_EQ(results[121].result, call_log_result::ignored) << "a stale callback";
  for (int i = 0; i < 40; ++i) {
    const auto c = db().load_call(sid_of(i));
    ASSERT_TRUE(c.has_value()) << i;
    EXPECT_EQ(c->status, call_status::completed) << i;
    EXPECT_EQ(c->outcome, call_outcome::inquiry) << i;
    EXPECT_EQ(c->duration_seconds, 60 + i) << i;
    EXPECT_EQ(c->from_number, "+18085550123") << i;
    EXPECT_EQ(c->started_at, rang_at) << i;
    EXPECT_EQ(c->transcript.size(), 2u) << i;
  }
  EXPECT_EQ(database().query("select count(*) from calls")[0][0].as<int>(), 40);
}

TEST_F(call_log_test, odd_text_is_stored_safely) {
  auto s = settled(call_outcome::inquiry);
  s.transcript = {{rang_at, "caller", "Mahalo nui loa — ʻōlelo Hawaiʻi 🌺"},
                  {rang_at + 1s, "caller", std::string("broken \xff\xfe utf-8")},
                  {rang_at + 2s, "caller", std::string(20000, 'a')},
                  {rang_at + 3s, "caller", ""}};
  s.handoff_reason = "caller asked for \"a real person\"; said 'now'";
  ASSERT_EQ(db().settle_call(s).result, call_log_result::applied);
  const auto c = call();
  ASSERT_EQ(c.transcript.size(), 4u);
  EXPECT_EQ(c.transcript[0].text, s.transcript[0].text);
  EXPECT_NE(c.transcript[1].text.find("utf-8"), std::string::npos);
  EXPECT_EQ(c.transcript[2].text.size(), 20000u);
  EXPECT_EQ(c.transcript[3].text, "");
  EXPECT_EQ(c.handoff_reason, s.handoff_reason);
}

TEST_F(call_log_test, check_constraints_refuse_unknown_outcomes_and_negative_numbers) {
  db().record_call_started(started());
  for (const char* sql :
       {"update calls set outcome = 'abandoned'", "update calls set status = 'in-progress'",
        "update calls set duration_seconds = -1", "update calls set turns = -2",
        "update calls set sentiment_label = 'furious'", "update calls set transcript = '{}'"}) {
    try {
      database().query(sql);
      ADD_FAILURE() << sql << " was accepted";
    } catch (const pqxx::sql_error& e) {
      EXPECT_EQ(e.sqlstate(), "23514") << sql;
    }
  }
  EXPECT_FALSE(db().load_call("CA_unknown").has_value());
}

}  // namespace
}  // namespace salon::db
