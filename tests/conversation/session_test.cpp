#include "conversation/session.hpp"

#include <gtest/gtest.h>

#include <string>

#include "conversation/speech.hpp"
#include "shop_fixture.hpp"

namespace {

using namespace salon::conversation;
using std::chrono::seconds;

class session_test : public ::testing::Test {
 protected:
  std::shared_ptr<const shop_snapshot> shop = fixture::load_shop("studio_nine.json");
  std::chrono::sys_seconds now = fixture::shop_time(*shop, "2026-12-01T10:00");
  session call{shop, "+18085550123", now};

  reply say(std::string_view text) {
    now += seconds{10};
    return call.prompt(text, now);
  }
};

bool spoken_language(const reply& r) {
  for (const auto& s : r.sentences) {
    if (s.empty() || s.find_first_of("*#_`[]{}|<>\n\t") != std::string::npos) return false;
  }
  return true;
}

TEST_F(session_test, bad_input_gets_a_sensible_reply_and_never_throws) {
  const std::string ten_kb(10 * 1024, 'a');
  std::string mixed;
  for (int i = 0; i < 1000; ++i) mixed += "haircut 🙂 \x01 tomorrow ";
  std::string invalid_utf8 = "\xff\xfe\xc3 \xe2\x80";
  std::string with_nul{"book\0 a haircut", 15};
  for (const std::string& text :
       {std::string{}, std::string{"   "}, ten_kb, mixed, std::string{"🙂🙂💇‍♀️"},
        std::string{"\x01\x02\x03\x1b[31m"}, std::string{"0000000000"}, std::string{"12345"},
        invalid_utf8, with_nul, std::string{"?!?!...,,,"}, std::string{"ñandú über café"}}) {
    session s{shop, "+18085550123", now};
    reply r;
    EXPECT_NO_THROW(r = s.prompt(text, now + seconds{5}));
    EXPECT_FALSE(r.sentences.empty()) << "for input of " << text.size() << " bytes";
    EXPECT_TRUE(spoken_language(r));
    EXPECT_NO_THROW(s.summary());
  }
}

TEST_F(session_test, a_ten_kilobyte_prompt_with_a_request_inside_still_works) {
  std::string prompt = "can i book a men's haircut friday at 10 ";
  prompt += std::string(10 * 1024, ' ');
  const auto r = say(prompt);
  EXPECT_NE(r.text().find("name"), std::string::npos) << r.text();
}

TEST_F(session_test, repeated_misunderstanding_varies_the_wording) {
  const auto first = say("blorp");
  const auto second = say("zzzt");
  ASSERT_FALSE(first.sentences.empty());
  ASSERT_FALSE(second.sentences.empty());
  EXPECT_NE(first.sentences.front(), second.sentences.front());
  const auto third = say("grmbl");
  EXPECT_NE(third.text().find("connect you"), std::string::npos);
}

TEST_F(session_test, summary_before_anyone_speaks_is_a_missed_call) {
  const auto s = call.summary();
  EXPECT_EQ(s.outcome, call_outcome::missed);
  EXPECT_EQ(s.turns, 0);
  EXPECT_EQ(s.primary_intent, intent::unknown);
  EXPECT_EQ(s.sentiment_label, "neutral");
}

TEST_F(session_test, greeting_names_the_shop) {
  EXPECT_EQ(call.greeting().text(),
            "Thanks for calling Studio Nine Hair & Color. How can I help you today?");
}

TEST_F(session_test, greeting_is_the_shops_own_when_it_has_one) {
  auto own = std::make_shared<shop_snapshot>(*shop);
  own->greeting = "  Aloha, Studio Nine! What can we do for you?  ";
  const session with_own{own, "+18085550100", fixture::shop_time(*shop, "2026-12-01T10:00")};
  EXPECT_EQ(with_own.greeting().text(), "Aloha, Studio Nine! What can we do for you?");
  EXPECT_EQ(call_greeting("", ""), "Thanks for calling. How can I help you today?");
}

TEST_F(session_test, refreshing_bookings_keeps_the_dialog) {
  say("men's haircut with kenji thursday at 10");
  // Someone else books Kenji at 10 while the caller is spelling their name.
  auto booked = shop->booked;
  booked.push_back({"Kenji Watanabe", fixture::shop_time(*shop, "2026-12-03T10:00"),
                    fixture::shop_time(*shop, "2026-12-03T10:30")});
  call.replace_bookings(booked);
  const auto r = say("my name is Ben Ito");
  // The dialog kept service, stylist, day and time; the read-back still happens.
  EXPECT_NE(r.text().find("10 AM on Thursday, December 3rd"), std::string::npos) << r.text();
  const auto s = call.summary();
  EXPECT_EQ(s.slots.at("name"), "Ben Ito");
  EXPECT_EQ(s.slots.at("service_ids"), "mens-haircut");
  // Asked afresh, the new booking is respected.
  const auto again = say("actually make it 10 on thursday");
  EXPECT_NE(again.text().find("taken"), std::string::npos) << again.text();
}

TEST_F(session_test, a_copied_session_goes_its_own_way) {
  say("men's haircut with kenji thursday at 10 my name is Ben");
  session copy = call;
  const auto a = say("yes");
  const auto b = copy.prompt("no", now);
  EXPECT_NE(a.find<book_action>(), nullptr);
  EXPECT_EQ(b.find<book_action>(), nullptr);
}

TEST_F(session_test, after_the_call_ends_nothing_more_is_said) {
  say("bye");
  EXPECT_TRUE(call.ended());
  EXPECT_TRUE(say("hello?").sentences.empty());
  EXPECT_TRUE(call.dtmf("1", now).sentences.empty());
}

TEST_F(session_test, results_nobody_asked_for_do_no_harm) {
  EXPECT_NO_THROW(call.result(booking_confirmed{"X"}, now));
  EXPECT_NO_THROW(call.result(booking_taken{}, now));
  EXPECT_NO_THROW(call.result(reschedule_done{"X", change_status::done}, now));
  EXPECT_NO_THROW(call.result(appointments_found{}, now));
  EXPECT_NO_THROW(call.interrupt("\xff\xfe", now));
  EXPECT_FALSE(call.summary().appointment.has_value());
}

TEST_F(session_test, a_missing_or_empty_snapshot_is_survivable) {
  session none{nullptr, "", now};
  reply r;
  EXPECT_NO_THROW(r = none.prompt("i'd like a haircut tomorrow at 3", now));
  EXPECT_FALSE(r.sentences.empty());
  EXPECT_NO_THROW(r = none.prompt("what are your hours", now));
  EXPECT_FALSE(r.sentences.empty());
  EXPECT_NO_THROW(none.summary());
}

TEST_F(session_test, dtmf_keys) {
  say("men's haircut with kenji thursday at 10 my name is Ben");
  const auto star = call.dtmf("*", now);
  EXPECT_NE(star.text().find("10 AM on Thursday"), std::string::npos) << star.text();
  const auto junk = call.dtmf("x", now);
  EXPECT_FALSE(junk.sentences.empty());
  const auto yes = call.dtmf("1", now);
  EXPECT_NE(yes.find<book_action>(), nullptr);
}

TEST_F(session_test, past_times_are_never_booked) {
  now = fixture::shop_time(*shop, "2026-12-01T17:30");
  const auto r = say("men's haircut today at 10 am my name is Ben");
  EXPECT_NE(r.text().find("already passed"), std::string::npos) << r.text();
  say("the first one");
  const auto yes = say("yes");
  const auto* b = yes.find<book_action>();
  ASSERT_NE(b, nullptr) << yes.text();
  EXPECT_GT(b->start, now);
}

}  // namespace
