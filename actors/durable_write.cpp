#include "actors/durable_write.hpp"

#include <nlohmann/json.hpp>

namespace salon::actors {
namespace {

using nlohmann::json;

std::int64_t micros(db::time_point t) {
  return t.time_since_epoch().count();
}
db::time_point time_of(const json& j) {
  return db::time_point(std::chrono::microseconds(j.get<std::int64_t>()));
}

template <class T>
json opt(const std::optional<T>& value) {
  return value ? json(*value) : json(nullptr);
}

template <class T>
std::optional<T> opt_of(const json& j, const char* key) {
  if (!j.contains(key) || j[key].is_null()) return std::nullopt;
  return j[key].get<T>();
}

json transcript_json(const std::vector<db::transcript_turn>& turns) {
  json out = json::array();
  for (const auto& t : turns)
    out.push_back({{"at", micros(t.at)}, {"speaker", t.speaker}, {"text", t.text}});
  return out;
}

std::vector<db::transcript_turn> transcript_of(const json& j) {
  std::vector<db::transcript_turn> turns;
  for (const auto& t : j) turns.push_back({time_of(t["at"]), t["speaker"], t["text"]});
  return turns;
}

json to_json(const db::call_started& c) {
  return {{"kind", "started"},     {"call_sid", c.call_sid}, {"shop_id", opt(c.shop_id)},
          {"from", c.from_number}, {"to", c.to_number},      {"started_at", micros(c.started_at)}};
}

json to_json(const db::call_settlement& s) {
  return {
      {"kind", "settled"},
      {"call_sid", s.call_sid},
      {"shop_id", opt(s.shop_id)},
      {"outcome", std::string(db::to_string(s.outcome))},
      {"primary_intent", opt(s.primary_intent)},
      {"intents", s.intents},
      {"sentiment_score", opt(s.sentiment_score)},
      {"sentiment", s.sentiment ? json(std::string(db::to_string(*s.sentiment))) : json(nullptr)},
      {"turns", s.turns},
      {"caller_spoke", s.caller_spoke},
      {"transcript", transcript_json(s.transcript)},
      {"handoff_reason", opt(s.handoff_reason)},
      {"started_at", micros(s.started_at)},
      {"ended_at", micros(s.ended_at)}};
}

json to_json(const db::call_status_update& u) {
  return {{"kind", "status"},
          {"call_sid", u.call_sid},
          {"status", std::string(db::to_string(u.status))},
          {"sequence", opt(u.sequence_number)},
          {"duration", opt(u.duration_seconds)},
          {"at", micros(u.at)},
          {"from", opt(u.from_number)},
          {"to", opt(u.to_number)}};
}

json to_json(const db::appointment& a) {
  return {{"kind", "appointment"},
          {"id", a.id},
          {"shop_id", a.shop_id},
          {"call_sid", opt(a.call_sid)},
          {"customer_name", opt(a.customer_name)},
          {"customer_phone", opt(a.customer_phone)},
          {"service_id", opt(a.service_id)},
          {"service_name", a.service_name},
          {"resource", a.resource},
          {"starts_at", micros(a.starts_at)},
          {"ends_at", micros(a.ends_at)},
          {"status", std::string(db::to_string(a.status))},
          {"revenue_cents", a.estimated_revenue_cents},
          {"source", std::string(db::to_string(a.source))},
          {"notes", opt(a.notes)}};
}

durable_write started_of(const json& j) {
  return db::call_started{j["call_sid"], opt_of<std::string>(j, "shop_id"), j["from"], j["to"],
                          time_of(j["started_at"])};
}

durable_write settled_of(const json& j) {
  db::call_settlement s;
  s.call_sid = j["call_sid"];
  s.shop_id = opt_of<std::string>(j, "shop_id");
  s.outcome = db::parse_call_outcome(j["outcome"].get<std::string>()).value();
  s.primary_intent = opt_of<std::string>(j, "primary_intent");
  s.intents = j["intents"].get<std::vector<std::string>>();
  s.sentiment_score = opt_of<double>(j, "sentiment_score");
  if (auto label = opt_of<std::string>(j, "sentiment"))
    s.sentiment = db::parse_sentiment_label(*label);
  s.turns = j["turns"];
  s.caller_spoke = j["caller_spoke"];
  s.transcript = transcript_of(j["transcript"]);
  s.handoff_reason = opt_of<std::string>(j, "handoff_reason");
  s.started_at = time_of(j["started_at"]);
  s.ended_at = time_of(j["ended_at"]);
  return s;
}

durable_write status_of(const json& j) {
  db::call_status_update u;
  u.call_sid = j["call_sid"];
  u.status = db::parse_call_status(j["status"].get<std::string>()).value();
  u.sequence_number = opt_of<int>(j, "sequence");
  u.duration_seconds = opt_of<int>(j, "duration");
  u.at = time_of(j["at"]);
  u.from_number = opt_of<std::string>(j, "from");
  u.to_number = opt_of<std::string>(j, "to");
  return u;
}

durable_write appointment_of(const json& j) {
  db::appointment a;
  a.id = j["id"];
  a.shop_id = j["shop_id"];
  a.call_sid = opt_of<std::string>(j, "call_sid");
  a.customer_name = opt_of<std::string>(j, "customer_name");
  a.customer_phone = opt_of<std::string>(j, "customer_phone");
  a.service_id = opt_of<std::string>(j, "service_id");
  a.service_name = j["service_name"];
  a.resource = j["resource"];
  a.starts_at = time_of(j["starts_at"]);
  a.ends_at = time_of(j["ends_at"]);
  a.status = db::parse_appointment_status(j["status"].get<std::string>()).value();
  a.estimated_revenue_cents = j["revenue_cents"];
  a.source = db::parse_appointment_source(j["source"].get<std::string>()).value();
  a.notes = opt_of<std::string>(j, "notes");
  return a;
}

}  // namespace

std::string encode(const durable_write& write) {
  return std::visit([](const auto& w) { return to_json(w).dump(); }, write);
}

std::optional<durable_write> decode(std::string_view line) {
  try {
    auto j = json::parse(line);
    const std::string kind = j.at("kind");
    if (kind == "started") return started_of(j);
    if (kind == "settled") return settled_of(j);
    if (kind == "status") return status_of(j);
    if (kind == "appointment") return appointment_of(j);
  } catch (const std::exception&) {
    // Falls through: an unreadable line.
  }
  return std::nullopt;
}

}  // namespace salon::actors
