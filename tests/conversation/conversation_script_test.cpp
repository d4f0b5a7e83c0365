// Plays the scripted calls in data/conversations_*.json through a session: what the caller says
// or presses, what they heard before interrupting, what the shop answered to the engine's
// actions, and what the engine must say and do in return.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "conversation/session.hpp"
#include "shop_fixture.hpp"

namespace {

using namespace salon::conversation;
using nlohmann::json;

std::vector<std::filesystem::path> script_files() {
  std::vector<std::filesystem::path> out;
  for (const auto& e : std::filesystem::directory_iterator{fixture::data_path("")}) {
    const auto name = e.path().filename().string();
    if (name.starts_with("conversations_") && name.ends_with(".json")) out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string action_name(const action& a) {
  return std::visit(
      [](const auto& x) -> std::string {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, book_action>) return "book";
        if constexpr (std::is_same_v<T, cancel_action>) return "cancel";
        if constexpr (std::is_same_v<T, reschedule_action>) return "reschedule";
        if constexpr (std::is_same_v<T, lookup_appointments_action>) return "lookup";
        if constexpr (std::is_same_v<T, hand_off_action>) return "hand_off";
        return "end_call";
      },
      a);
}

action_result result_of(const shop_snapshot& shop, const json& j) {
  const std::string type = j.at("type");
  if (type == "booking_confirmed") return booking_confirmed{j.at("id")};
  if (type == "booking_taken") return booking_taken{};
  if (type == "booking_unavailable") return booking_unavailable{};
  const auto status_of = [&j]() {
    const std::string s = j.value("status", "done");
    return s == "taken"         ? change_status::taken
           : s == "unavailable" ? change_status::unavailable
                                : change_status::done;
  };
  if (type == "cancellation_done") return cancellation_done{j.value("id", ""), status_of()};
  if (type == "reschedule_done") return reschedule_done{j.value("id", ""), status_of()};
  appointments_found found;
  for (const auto& a : j.value("appointments", json::array())) {
    found.appointments.push_back(
        {a.at("id"), a.at("services").get<std::vector<std::string>>(), a.value("stylist", ""),
         fixture::shop_time(shop, a.at("start").get<std::string>()),
         fixture::shop_time(shop, a.at("end").get<std::string>()), a.value("name", "")});
  }
  return found;
}

void check_reply(const shop_snapshot& shop, const reply& r, const json& expect, bool spoken) {
  const std::string text = r.text();
  const std::string low = lower(text);
  if (spoken) {
    EXPECT_FALSE(r.sentences.empty()) << "no reply";
  }
  for (const auto& s : r.sentences) {
    EXPECT_FALSE(s.empty());
    // Spoken language: no markdown, lists or stray symbols.
    EXPECT_EQ(s.find_first_of("*#_`[]{}|<>\n"), std::string::npos) << s;
  }
  for (const auto& c : expect.value("contains", json::array())) {
    EXPECT_NE(low.find(lower(c.get<std::string>())), std::string::npos)
        << "expected \"" << c.get<std::string>() << "\" in: " << text;
  }
  for (const auto& c : expect.value("not_contains", json::array())) {
    EXPECT_EQ(low.find(lower(c.get<std::string>())), std::string::npos)
        << "did not expect \"" << c.get<std::string>() << "\" in: " << text;
  }
  std::vector<std::string> names;
  for (const auto& a : r.actions) names.push_back(action_name(a));
  EXPECT_EQ(names, expect.value("actions", std::vector<std::string>{})) << "reply: " << text;
  if (expect.contains("book")) {
    const auto* b = r.find<book_action>();
    ASSERT_NE(b, nullptr) << text;
    const auto& want = expect["book"];
    if (want.contains("services")) {
      EXPECT_EQ(b->service_ids, want["services"].get<std::vector<std::string>>());
    }
    if (want.contains("stylist")) {
      EXPECT_EQ(b->stylist_id.value_or(""), want["stylist"]);
    }
    if (want.contains("resource")) {
      EXPECT_EQ(b->resource, want["resource"]);
    }
    if (want.contains("start")) {
      EXPECT_EQ(b->start, fixture::shop_time(shop, want["start"].get<std::string>()));
    }
    if (want.contains("end")) {
      EXPECT_EQ(b->end, fixture::shop_time(shop, want["end"].get<std::string>()));
    }
    if (want.contains("price")) {
      EXPECT_EQ(b->price_cents, want["price"].get<std::int64_t>());
    }
    if (want.contains("name")) {
      EXPECT_EQ(b->customer_name, want["name"]);
    }
    if (want.contains("any")) {
      EXPECT_EQ(b->any_stylist, want["any"].get<bool>());
    }
  }
  if (expect.contains("reschedule")) {
    const auto* m = r.find<reschedule_action>();
    ASSERT_NE(m, nullptr) << text;
    const auto& want = expect["reschedule"];
    if (want.contains("id")) {
      EXPECT_EQ(m->appointment_id, want["id"]);
    }
    if (want.contains("start")) {
      EXPECT_EQ(m->start, fixture::shop_time(shop, want["start"].get<std::string>()));
    }
  }
  if (expect.contains("cancel")) {
    const auto* c = r.find<cancel_action>();
    ASSERT_NE(c, nullptr) << text;
    EXPECT_EQ(c->appointment_id, expect["cancel"]);
  }
  if (expect.contains("hand_off")) {
    const auto* h = r.find<hand_off_action>();
    ASSERT_NE(h, nullptr) << text;
    EXPECT_NE(lower(h->reason).find(lower(expect["hand_off"])), std::string::npos) << h->reason;
  }
}

void play(const std::string& file, const json& call, const std::string& default_shop) {
  const std::string name = call.at("name");
  SCOPED_TRACE(file + ": " + name);
  auto shop = fixture::load_shop(call.value("shop", default_shop));
  auto now = fixture::shop_time(*shop, call.at("now").get<std::string>());
  session s{shop, call.value("phone", "+18085550123"), now};
  int turn = 0;
  for (const auto& t : call.at("turns")) {
    ++turn;
    SCOPED_TRACE("turn " + std::to_string(turn) + " " + t.dump());
    if (t.contains("at")) now = fixture::shop_time(*shop, t["at"].get<std::string>());
    now += std::chrono::seconds{15};
    const json expect = t.value("expect", json::object());
    reply r;
    bool spoken = true;
    if (t.contains("say")) {
      r = s.prompt(t["say"].get<std::string>(), now);
    } else if (t.contains("dtmf")) {
      r = s.dtmf(t["dtmf"].get<std::string>(), now);
    } else if (t.contains("interrupt")) {
      r = s.interrupt(t["interrupt"].get<std::string>(), now);
      spoken = false;
    } else if (t.contains("result")) {
      r = s.result(result_of(*shop, t["result"]), now);
    } else if (t.contains("bookings")) {
      std::vector<booked_interval> booked = shop->booked;
      for (const auto& b : t["bookings"]) {
        booked.push_back({b.at("resource"),
                          fixture::shop_time(*shop, b.at("start").get<std::string>()),
                          fixture::shop_time(*shop, b.at("end").get<std::string>())});
      }
      s.replace_bookings(booked);
      continue;
    }
    check_reply(*shop, r, expect, spoken);
    if (::testing::Test::HasFatalFailure()) return;
  }
  if (call.contains("summary")) {
    const auto sum = s.summary();
    const auto& want = call["summary"];
    if (want.contains("outcome")) {
      EXPECT_EQ(std::string{to_string(sum.outcome)}, want["outcome"]);
    }
    if (want.contains("primary_intent")) {
      EXPECT_EQ(std::string{to_string(sum.primary_intent)}, want["primary_intent"]);
    }
    for (const auto& i : want.value("intents", json::array())) {
      EXPECT_TRUE(std::any_of(sum.intents.begin(), sum.intents.end(),
                              [&](intent x) { return to_string(x) == i.get<std::string>(); }))
          << "missing intent " << i;
    }
    if (want.contains("sentiment")) {
      EXPECT_EQ(sum.sentiment_label, want["sentiment"]);
    }
    if (want.contains("turns")) {
      EXPECT_EQ(sum.turns, want["turns"].get<int>());
    }
    const auto slots = want.value("slots", json::object());
    for (const auto& [k, v] : slots.items()) {
      EXPECT_EQ(sum.slots.count(k) ? sum.slots.at(k) : std::string{}, v.get<std::string>())
          << "slot " << k;
    }
    if (want.contains("appointment_id")) {
      ASSERT_TRUE(sum.appointment.has_value());
      EXPECT_EQ(sum.appointment->appointment_id, want["appointment_id"]);
    }
    EXPECT_GE(sum.sentiment, -1.0);
    EXPECT_LE(sum.sentiment, 1.0);
  }
}

TEST(conversation_scripts, every_call_goes_as_scripted) {
  int total = 0;
  for (const auto& f : script_files()) {
    std::ifstream in{f};
    const auto doc = json::parse(in);
    for (const auto& call : doc.at("conversations")) {
      play(f.filename().string(), call, doc.value("shop", "studio_nine.json"));
      ++total;
    }
  }
  EXPECT_GE(total, 40);
}

}  // namespace
