#include "actors/ops_event_codec.hpp"

#include <gtest/gtest.h>

namespace salon::actors {
namespace {

db::time_point at(long long micros) {
  return db::time_point{std::chrono::microseconds{micros}};
}

ops_event round_trip(const ops_event& event) {
  auto decoded = decode_ops_event(encode_ops_event(event));
  EXPECT_TRUE(decoded.has_value());
  return decoded.value_or(ops_event{});
}

TEST(ops_event_codec, every_kind_survives_the_trip_between_nodes) {
  ops_event started{4, "8f1c", "Curl & Co", at(1'700'000'000'123'456),
                    call_started_event{"CA1", "+15035550100", at(1'700'000'000'000'001)}};
  auto back = round_trip(started);
  EXPECT_EQ(back.location_id, 4);
  EXPECT_EQ(back.shop_id, "8f1c");
  EXPECT_EQ(back.shop_name, "Curl & Co");
  EXPECT_EQ(back.at, started.at);
  EXPECT_FALSE(back.from_peer);
  const auto& s = std::get<call_started_event>(back.payload);
  EXPECT_EQ(s.caller, "+15035550100");  // unmasked: each node masks for its dashboards
  EXPECT_EQ(s.started_at, at(1'700'000'000'000'001));

  auto turn =
      std::get<call_turn_event>(round_trip({1, "", "", at(5),
                                            call_turn_event{"CA1", 3, "book", -0.25, "negative",
                                                            "not that", "Sorry — which day?"}})
                                    .payload);
  EXPECT_EQ(turn.turns, 3);
  EXPECT_EQ(turn.intent, "book");
  EXPECT_DOUBLE_EQ(turn.sentiment, -0.25);
  EXPECT_EQ(turn.receptionist_said, "Sorry — which day?");

  auto ended = std::get<call_ended_event>(
      round_trip(
          {1, "", "", at(6), call_ended_event{"CA1", "booked", 61.5, "book", 0.5, "positive", 7}})
          .payload);
  EXPECT_EQ(ended.outcome, "booked");
  EXPECT_DOUBLE_EQ(ended.duration_seconds, 61.5);
  EXPECT_EQ(ended.turns, 7);

  auto booked = std::get<appointment_created_event>(
      round_trip({1, "", "", at(7),
                  appointment_created_event{"ap1", "Balayage", "Maria", at(100), at(200),
                                            "Ana Lopez", 18000, "phone", "CA1"}})
          .payload);
  EXPECT_EQ(booked.revenue_cents, 18000);
  EXPECT_EQ(booked.ends_at, at(200));
  EXPECT_EQ(booked.call_sid, std::optional<std::string>("CA1"));
  auto admin = std::get<appointment_created_event>(
      round_trip(
          {1, "", "", at(7),
           appointment_created_event{"ap2", "Cut", "", at(1), at(2), "", 0, "admin", std::nullopt}})
          .payload);
  EXPECT_FALSE(admin.call_sid.has_value());

  EXPECT_EQ(std::get<appointment_cancelled_event>(
                round_trip({1, "", "", at(8), appointment_cancelled_event{"ap1"}}).payload)
                .appointment_id,
            "ap1");
  EXPECT_TRUE(std::holds_alternative<shop_updated_event>(
      round_trip({9, "", "", at(9), shop_updated_event{}}).payload));
}

TEST(ops_event_codec, long_speech_is_cut_at_a_character_so_a_notify_fits) {
  std::string said;
  while (said.size() < 9000) said += "é";  // two bytes each
  const ops_event turn{1, "", "", at(1),
                       call_turn_event{"CA1", 1, "book", 0, "neutral", said, said}};
  const auto text = encode_ops_event(turn);
  EXPECT_LT(text.size(), 8000u);
  const auto back = std::get<call_turn_event>(decode_ops_event(text)->payload);
  EXPECT_EQ(back.caller_said.size(), said_limit);
  EXPECT_EQ(back.caller_said, said.substr(0, said_limit));
}

TEST(ops_event_codec, what_is_not_an_event_decodes_to_nothing) {
  EXPECT_FALSE(decode_ops_event("").has_value());
  EXPECT_FALSE(decode_ops_event("not json").has_value());
  EXPECT_FALSE(decode_ops_event("[1,2]").has_value());
  EXPECT_FALSE(decode_ops_event(R"({"location_id":1})").has_value());
  EXPECT_FALSE(
      decode_ops_event(
          R"({"location_id":"x","shop_id":"","shop_name":"","at":0,"payload":{"kind":"shop_updated"}})")
          .has_value());
  EXPECT_FALSE(
      decode_ops_event(
          R"({"location_id":1,"shop_id":"","shop_name":"","at":0,"payload":{"kind":"party"}})")
          .has_value());
  EXPECT_TRUE(
      decode_ops_event(
          R"({"location_id":1,"shop_id":"","shop_name":"","at":0,"payload":{"kind":"shop_updated"}})")
          .has_value());
}

TEST(ops_event_codec, many_events_share_few_payloads_and_come_back_in_order) {
  std::vector<std::string> events;
  for (int i = 0; i < 500; ++i) {
    events.push_back(encode_ops_event(
        {1, "8f1c", "Curl & Co", at(i),
         call_turn_event{"CA" + std::to_string(i), i, "price", 0, "neutral", "", ""}}));
  }
  const auto payloads = pack_ops_events("node-a", events);
  ASSERT_LT(payloads.size(), 30u);
  std::vector<int> turns;
  for (const auto& payload : payloads) {
    EXPECT_LE(payload.size(), notify_payload_limit);
    auto packet = unpack_ops_events(payload);
    ASSERT_TRUE(packet.has_value());
    EXPECT_EQ(packet->node_id, "node-a");
    for (auto text : packet->events) {
      auto event = decode_ops_event(text);
      ASSERT_TRUE(event.has_value()) << text;
      turns.push_back(std::get<call_turn_event>(event->payload).turns);
    }
  }
  ASSERT_EQ(turns.size(), 500u);
  for (int i = 0; i < 500; ++i) EXPECT_EQ(turns[i], i);
}

TEST(ops_event_codec, an_event_too_long_to_share_a_payload_travels_alone) {
  const std::vector<std::string> events{"a", std::string(notify_payload_limit - 3, 'x'), "b"};
  const auto payloads = pack_ops_events("n", events);
  ASSERT_EQ(payloads.size(), 3u);
  EXPECT_EQ(payloads[0], "n a");
  EXPECT_EQ(payloads[1].size(), notify_payload_limit - 1);
  EXPECT_EQ(payloads[2], "n b");
  EXPECT_TRUE(pack_ops_events("n", {}).empty());
}

TEST(ops_event_codec, a_payload_without_a_node_is_not_a_packet) {
  EXPECT_FALSE(unpack_ops_events("").has_value());
  EXPECT_FALSE(unpack_ops_events("no-space").has_value());
  EXPECT_FALSE(unpack_ops_events(" {}").has_value());
  auto packet = unpack_ops_events("n {\"x\":1}");
  ASSERT_TRUE(packet.has_value());
  EXPECT_EQ(packet->events, std::vector<std::string_view>{"{\"x\":1}"});
}

}  // namespace
}  // namespace salon::actors
