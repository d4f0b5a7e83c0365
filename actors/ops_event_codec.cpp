#include "actors/ops_event_codec.hpp"

#include <nlohmann/json.hpp>

namespace salon::actors {
namespace {

using json = nlohmann::json;

long long micros(db::time_point at) {
  return at.time_since_epoch().count();
}

db::time_point from_micros(long long count) {
  return db::time_point{std::chrono::microseconds{count}};
}

// At most `limit` bytes, never ending inside a UTF-8 sequence.
std::string cut(const std::string& text, std::size_t limit) {
  if (text.size() <= limit) return text;
  std::size_t end = limit;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return text.substr(0, end);
}

json payload_json(const ops_payload& payload) {
  return std::visit(
      [](const auto& e) -> json {
        using T = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<T, call_started_event>) {
          return {{"kind", "call_started"},
                  {"call_sid", e.call_sid},
                  {"caller", e.caller},
                  {"started_at", micros(e.started_at)}};
        } else if constexpr (std::is_same_v<T, call_turn_event>) {
          return {{"kind", "call_turn"},
                  {"call_sid", e.call_sid},
                  {"turns", e.turns},
                  {"intent", e.intent},
                  {"sentiment", e.sentiment},
                  {"sentiment_label", e.sentiment_label},
                  {"caller_said", cut(e.caller_said, said_limit)},
                  {"receptionist_said", cut(e.receptionist_said, said_limit)}};
        } else if constexpr (std::is_same_v<T, call_ended_event>) {
          return {{"kind", "call_ended"},
                  {"call_sid", e.call_sid},
                  {"outcome", e.outcome},
                  {"duration_seconds", e.duration_seconds},
                  {"intent", e.intent},
                  {"sentiment", e.sentiment},
                  {"sentiment_label", e.sentiment_label},
                  {"turns", e.turns}};
        } else if constexpr (std::is_same_v<T, appointment_created_event>) {
          return {{"kind", "appointment_created"},
                  {"appointment_id", e.appointment_id},
                  {"service", e.service},
                  {"resource", e.resource},
                  {"starts_at", micros(e.starts_at)},
                  {"ends_at", micros(e.ends_at)},
                  {"customer_name", e.customer_name},
                  {"revenue_cents", e.revenue_cents},
                  {"source", e.source},
                  {"call_sid", e.call_sid ? json(*e.call_sid) : json(nullptr)}};
        } else if constexpr (std::is_same_v<T, appointment_cancelled_event>) {
          return {{"kind", "appointment_cancelled"}, {"appointment_id", e.appointment_id}};
        } else {
          return {{"kind", "shop_updated"}};
        }
      },
      payload);
}

ops_payload read_payload(const json& p) {
  const auto kind = p.at("kind").get<std::string>();
  if (kind == "call_started") {
    return call_started_event{p.at("call_sid").get<std::string>(),
                              p.at("caller").get<std::string>(),
                              from_micros(p.at("started_at").get<long long>())};
  }
  if (kind == "call_turn") {
    return call_turn_event{
        p.at("call_sid").get<std::string>(),         p.at("turns").get<int>(),
        p.at("intent").get<std::string>(),           p.at("sentiment").get<double>(),
        p.at("sentiment_label").get<std::string>(),  p.at("caller_said").get<std::string>(),
        p.at("receptionist_said").get<std::string>()};
  }
  if (kind == "call_ended") {
    return call_ended_event{p.at("call_sid").get<std::string>(),
                            p.at("outcome").get<std::string>(),
                            p.at("duration_seconds").get<double>(),
                            p.at("intent").get<std::string>(),
                            p.at("sentiment").get<double>(),
                            p.at("sentiment_label").get<std::string>(),
                            p.at("turns").get<int>()};
  }
  if (kind == "appointment_created") {
    const auto& sid = p.at("call_sid");
    return appointment_created_event{
        p.at("appointment_id").get<std::string>(),
        p.at("service").get<std::string>(),
        p.at("resource").get<std::string>(),
        from_micros(p.at("starts_at").get<long long>()),
        from_micros(p.at("ends_at").get<long long>()),
        p.at("customer_name").get<std::string>(),
        p.at("revenue_cents").get<std::int64_t>(),
        p.at("source").get<std::string>(),
        sid.is_null() ? std::nullopt : std::optional<std::string>(sid.get<std::string>())};
  }
  if (kind == "appointment_cancelled") {
    return appointment_cancelled_event{p.at("appointment_id").get<std::string>()};
  }
  if (kind == "shop_updated") return shop_updated_event{};
  throw std::invalid_argument("unknown ops event kind " + kind);
}

}  // namespace

std::string encode_ops_event(const ops_event& event) {
  const json body = {{"location_id", event.location_id},
                     {"shop_id", event.shop_id},
                     {"shop_name", event.shop_name},
                     {"at", micros(event.at)},
                     {"payload", payload_json(event.payload)}};
  return body.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::optional<ops_event> decode_ops_event(std::string_view text) {
  const auto body = json::parse(text, nullptr, false);
  if (!body.is_object()) return std::nullopt;
  try {
    ops_event event;
    event.location_id = body.at("location_id").get<int>();
    event.shop_id = body.at("shop_id").get<std::string>();
    event.shop_name = body.at("shop_name").get<std::string>();
    event.at = from_micros(body.at("at").get<long long>());
    event.payload = read_payload(body.at("payload"));
    return event;
  } catch (const std::exception&) {
    return std::nullopt;  // a field missing or of another type
  }
}

std::vector<std::string> pack_ops_events(std::string_view node_id,
                                         std::span<const std::string> events) {
  std::vector<std::string> payloads;
  for (const auto& event : events) {
    const bool fits =
        !payloads.empty() && payloads.back().size() + 1 + event.size() <= notify_payload_limit;
    if (fits) {
      payloads.back() += '\n';
    } else {
      payloads.emplace_back(node_id).push_back(' ');
    }
    payloads.back() += event;
  }
  return payloads;
}

std::optional<ops_packet> unpack_ops_events(std::string_view payload) {
  const auto space = payload.find(' ');
  if (space == std::string_view::npos || space == 0) return std::nullopt;
  ops_packet packet{payload.substr(0, space), {}};
  auto rest = payload.substr(space + 1);
  // Encoded events are JSON without raw newlines, so a newline always separates two of them.
  for (auto end = rest.find('\n'); end != std::string_view::npos; end = rest.find('\n')) {
    packet.events.push_back(rest.substr(0, end));
    rest.remove_prefix(end + 1);
  }
  packet.events.push_back(rest);
  return packet;
}

}  // namespace salon::actors
