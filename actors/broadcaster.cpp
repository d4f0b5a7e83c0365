#include "actors/broadcaster.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <caf/all.hpp>
#include <cctype>
#include <map>
#include <nlohmann/json.hpp>
#include <vector>

#include "actors/messages.hpp"
#include "actors/runtime_stats.hpp"
#include "db/connection.hpp"
#include "db/shop_today.hpp"

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<salon::db::shop_today>)

namespace salon::actors {
namespace {

using json = nlohmann::json;
using shared_payload = std::shared_ptr<const std::string>;

using ops_tick_atom = caf::atom_constant<caf::atom("ops_tick")>;
using ops_flush_atom = caf::atom_constant<caf::atom("ops_flush")>;

constexpr auto database_timeout = std::chrono::seconds(5);
// A feed whose gathered events reach this many bytes goes out before its interval ends, so a
// burst never holds much memory.
constexpr std::size_t batch_bytes = 256 * 1024;

// Subscribers with equal filters (the shop as given, lowercased, and the transcript flag) share
// a feed: its events are serialized and gathered once for all of them.
using feed_key = std::pair<std::optional<std::string>, bool>;

feed_key key_of(const ops_filter& filter) {
  std::optional<std::string> shop;
  if (filter.shop) {
    shop = *filter.shop;
    for (auto& c : *shop) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return {std::move(shop), filter.transcript};
}

struct feed {
  ops_filter filter;
  std::string gathered;  // events since the last flush, one per line
  std::size_t subscribers = 0;
};

struct subscriber_entry {
  std::shared_ptr<ops_subscriber> subscriber;
  ops_filter filter;
  feed_key key;
};

// A call as the dashboard shows it while it lasts.
struct live_call_view {
  int location_id = 0;
  std::string shop_id;
  std::string shop_name;
  std::string caller;  // masked
  db::time_point started_at{};
  std::string intent = "unknown";
  double sentiment = 0.0;
  std::string sentiment_label = "neutral";
  int turns = 0;
};

struct broadcaster_state {
  broadcaster_environment env;
  std::vector<subscriber_entry> subscribers;
  std::map<feed_key, feed> feeds;
  bool flush_scheduled = false;
  std::map<std::string, live_call_view> live;   // by call SID
  std::map<int, db::shop_today> today;          // by location id
  std::map<std::string, int> location_of_shop;  // uuid -> location id
  bool reading_today = false;
  static inline const char* name = "broadcaster";
};

using broadcaster_actor = caf::stateful_actor<broadcaster_state>;

db::time_point now_micro() {
  return std::chrono::time_point_cast<std::chrono::microseconds>(std::chrono::system_clock::now());
}

// ISO 8601 in UTC with milliseconds: what JavaScript's Date parses.
std::string iso_time(db::time_point at) {
  auto ms = std::chrono::floor<std::chrono::milliseconds>(at);
  auto days = std::chrono::floor<std::chrono::days>(ms);
  std::chrono::year_month_day date{days};
  std::chrono::hh_mm_ss clock{ms - days};
  char text[32];
  std::snprintf(text, sizeof text, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", int(date.year()),
                unsigned(date.month()), unsigned(date.day()), int(clock.hours().count()),
                int(clock.minutes().count()), int(clock.seconds().count()),
                int(clock.subseconds().count()));
  return text;
}

bool all_digits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(),
                                      [](unsigned char c) { return std::isdigit(c) != 0; });
}

std::string lower(std::string text) {
  for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

// Whether an event of (location_id, shop_id) passes `filter`.
bool passes(const broadcaster_state& state, const ops_filter& filter, int location_id,
            const std::string& shop_id) {
  if (!filter.shop) return true;
  const auto& wanted = *filter.shop;
  if (all_digits(wanted)) return wanted == std::to_string(location_id);
  auto uuid = lower(wanted);
  if (!shop_id.empty()) return uuid == lower(shop_id);
  auto it = state.location_of_shop.find(uuid);
  return it != state.location_of_shop.end() && it->second == location_id;
}

// The location a filter names, when it names one this node knows.
std::optional<int> filtered_location(const broadcaster_state& state, const ops_filter& filter) {
  if (!filter.shop) return std::nullopt;
  if (all_digits(*filter.shop) && filter.shop->size() < 10) return std::stoi(*filter.shop);
  auto it = state.location_of_shop.find(lower(*filter.shop));
  if (it == state.location_of_shop.end()) return -1;  // matches no shop
  return it->second;
}

json shop_json(int location_id, const std::string& shop_id, const std::string& name) {
  json shop = {{"location_id", location_id}};
  shop["id"] = shop_id.empty() ? json(nullptr) : json(shop_id);
  shop["name"] = name.empty() ? json(nullptr) : json(name);
  return shop;
}

json live_call_json(const std::string& sid, const live_call_view& call) {
  return {{"sid", sid},
          {"shop", shop_json(call.location_id, call.shop_id, call.shop_name)},
          {"caller", call.caller},
          {"started_at", iso_time(call.started_at)},
          {"intent", call.intent},
          {"sentiment", call.sentiment},
          {"sentiment_label", call.sentiment_label},
          {"turns", call.turns}};
}

// Today's numbers of one location, or of every shop (nullopt).
json today_json(const broadcaster_state& state, std::optional<int> location) {
  std::int64_t calls = 0, answered = 0, booked_calls = 0, appointments = 0, revenue = 0;
  for (const auto& [id, shop] : state.today) {
    if (location && id != *location) continue;
    calls += shop.calls;
    answered += shop.answered;
    booked_calls += shop.booked_calls;
    appointments += shop.appointments;
    revenue += shop.revenue_cents;
  }
  auto live = std::count_if(state.live.begin(), state.live.end(), [&](const auto& entry) {
    return !location || entry.second.location_id == *location;
  });
  double conversion = answered > 0 ? static_cast<double>(booked_calls) / answered : 0.0;
  return {{"live_calls", live},
          {"calls_today", calls},
          {"answered_today", answered},
          {"booked_calls_today", booked_calls},
          {"bookings_today", appointments},
          {"revenue_today_cents", revenue},
          {"conversion_today", conversion},
          {"spool_depth", state.env.stats ? state.env.stats->spool_depth.load() : 0}};
}

std::string shop_name_of(const broadcaster_state& state, const ops_event& event) {
  if (!event.shop_name.empty()) return event.shop_name;
  auto it = state.today.find(event.location_id);
  return it == state.today.end() ? std::string() : it->second.business_name;
}

// Keeps the live calls in step with the event.
void track(broadcaster_state& state, const ops_event& event) {
  std::visit(
      [&](const auto& e) {
        using T = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<T, call_started_event>) {
          live_call_view view;
          view.location_id = event.location_id;
          view.shop_id = event.shop_id;
          view.shop_name = event.shop_name;
          view.caller = mask_caller(e.caller);
          view.started_at = e.started_at;
          state.live[e.call_sid] = std::move(view);
        } else if constexpr (std::is_same_v<T, call_turn_event>) {
          auto it = state.live.find(e.call_sid);
          if (it == state.live.end()) return;
          it->second.intent = e.intent;
          it->second.sentiment = e.sentiment;
          it->second.sentiment_label = e.sentiment_label;
          it->second.turns = e.turns;
        } else if constexpr (std::is_same_v<T, call_ended_event>) {
          state.live.erase(e.call_sid);
        }
      },
      event.payload);
  if (state.env.stats) state.env.stats->cluster_live_calls = static_cast<int>(state.live.size());
}

// The event as JSON; `transcript` adds what was said to call_turn. A call's turns and its end
// name the shop by location only: its call_started (or the snapshot) named it in full, and these
// are six in seven of a busy feed's events, which every dashboard receives.
json event_json(const ops_event& event, bool transcript) {
  json body;
  body["at"] = iso_time(event.at);
  bool of_a_started_call = std::holds_alternative<call_turn_event>(event.payload) ||
                           std::holds_alternative<call_ended_event>(event.payload);
  body["shop"] = of_a_started_call ? json{{"location_id", event.location_id}}
                                   : shop_json(event.location_id, event.shop_id, event.shop_name);
  std::visit(
      [&](const auto& e) {
        using T = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<T, call_started_event>) {
          body["type"] = "call_started";
          body["call"] = {{"sid", e.call_sid},
                          {"caller", mask_caller(e.caller)},
                          {"started_at", iso_time(e.started_at)}};
        } else if constexpr (std::is_same_v<T, call_turn_event>) {
          body["type"] = "call_turn";
          body["call"] = {{"sid", e.call_sid},
                          {"turns", e.turns},
                          {"intent", e.intent},
                          {"sentiment", e.sentiment},
                          {"sentiment_label", e.sentiment_label}};
          if (transcript) {
            body["transcript"] = {{"caller", e.caller_said}, {"receptionist", e.receptionist_said}};
          }
        } else if constexpr (std::is_same_v<T, call_ended_event>) {
          body["type"] = "call_ended";
          body["call"] = {{"sid", e.call_sid},
                          {"outcome", e.outcome},
                          {"duration_seconds", e.duration_seconds},
                          {"intent", e.intent},
                          {"sentiment", e.sentiment},
                          {"sentiment_label", e.sentiment_label},
                          {"turns", e.turns}};
        } else if constexpr (std::is_same_v<T, appointment_created_event>) {
          body["type"] = "appointment_created";
          body["appointment"] = {
              {"id", e.appointment_id},           {"service", e.service},
              {"resource", e.resource},           {"starts_at", iso_time(e.starts_at)},
              {"ends_at", iso_time(e.ends_at)},   {"customer_name", e.customer_name},
              {"revenue_cents", e.revenue_cents}, {"source", e.source}};
          body["appointment"]["call_sid"] = e.call_sid ? json(*e.call_sid) : json(nullptr);
        } else if constexpr (std::is_same_v<T, appointment_cancelled_event>) {
          body["type"] = "appointment_cancelled";
          body["appointment"] = {{"id", e.appointment_id}};
        } else {
          body["type"] = "shop_updated";
        }
      },
      event.payload);
  return body;
}

std::string serialize(const json& body) {
  return body.dump(-1, ' ', false, json::error_handler_t::replace);
}

shared_payload serialize_shared(const json& body) {
  return std::make_shared<const std::string>(serialize(body));
}

// One subscriber fewer on its feed; a feed nobody reads is dropped with what it gathered.
void forget_feed_of(broadcaster_state& state, const subscriber_entry& entry) {
  auto it = state.feeds.find(entry.key);
  if (it != state.feeds.end() && --it->second.subscribers == 0) state.feeds.erase(it);
}

// Hands `payload_for(entry)` to every subscriber it is meant for; forgets those that fail.
template <class PayloadFor>
void fan_out(broadcaster_actor* self, PayloadFor payload_for) {
  auto& subscribers = self->state.subscribers;
  auto failed =
      std::remove_if(subscribers.begin(), subscribers.end(), [&](subscriber_entry& entry) {
        auto payload = payload_for(entry);
        if (!payload) return false;
        if (entry.subscriber->deliver(std::move(payload))) return false;
        spdlog::info("ops subscriber dropped: gone or fell behind");
        forget_feed_of(self->state, entry);
        return true;
      });
  subscribers.erase(failed, subscribers.end());
}

// Sends every feed's gathered events to its subscribers, one payload per feed.
void flush(broadcaster_actor* self) {
  auto& state = self->state;
  std::map<const feed_key*, shared_payload> payloads;
  bool any = false;
  for (auto& [key, f] : state.feeds) {
    if (f.gathered.empty()) continue;
    payloads[&key] = std::make_shared<const std::string>(std::move(f.gathered));
    f.gathered = {};
    any = true;
  }
  if (!any) return;
  fan_out(self, [&](const subscriber_entry& entry) -> shared_payload {
    auto it = state.feeds.find(entry.key);
    if (it == state.feeds.end()) return nullptr;
    auto payload = payloads.find(&it->first);
    return payload == payloads.end() ? nullptr : payload->second;
  });
}

void publish(broadcaster_actor* self, ops_event& event) {
  auto& state = self->state;
  if (event.at == db::time_point{}) event.at = now_micro();
  if (event.shop_id.empty()) {
    if (auto it = state.today.find(event.location_id); it != state.today.end()) {
      event.shop_id = it->second.shop_id;
    }
  }
  event.shop_name = shop_name_of(state, event);
  track(state, event);
  if (state.env.peers && !event.from_peer)
    self->send(state.env.peers, ops_publish_atom::value, event);
  if (state.feeds.empty()) return;
  std::string plain;
  std::string with_transcript;
  bool is_turn = std::holds_alternative<call_turn_event>(event.payload);
  bool gathered_enough = false;
  for (auto& [key, f] : state.feeds) {
    if (!passes(state, f.filter, event.location_id, event.shop_id)) continue;
    auto& line = is_turn && f.filter.transcript ? with_transcript : plain;
    if (line.empty()) line = serialize(event_json(event, is_turn && f.filter.transcript));
    if (!f.gathered.empty()) f.gathered += '\n';
    f.gathered += line;
    gathered_enough = gathered_enough || f.gathered.size() >= batch_bytes;
  }
  if (gathered_enough) {
    flush(self);
  } else if (!state.flush_scheduled) {
    state.flush_scheduled = true;
    self->delayed_send(self, state.env.batch_interval, ops_flush_atom::value);
  }
}

// The shop a subscriber's filter names (null for every shop) as snapshots and metrics show it.
json filtered_shop_json(const broadcaster_state& state, std::optional<int> location) {
  if (!location || *location <= 0) return nullptr;
  auto it = state.today.find(*location);
  return it == state.today.end()
             ? shop_json(*location, "", "")
             : shop_json(*location, it->second.shop_id, it->second.business_name);
}

shared_payload snapshot_for(const broadcaster_state& state, const ops_filter& filter) {
  auto location = filtered_location(state, filter);
  json calls = json::array();
  for (const auto& [sid, call] : state.live) {
    if (passes(state, filter, call.location_id, call.shop_id)) {
      calls.push_back(live_call_json(sid, call));
    }
  }
  json body = {{"type", "snapshot"},
               {"at", iso_time(now_micro())},
               {"live_calls", std::move(calls)},
               {"today", today_json(state, location)}};
  body["shop"] = filtered_shop_json(state, location);
  return serialize_shared(body);
}

// One `metrics` event, serialized once per distinct filter.
void send_metrics(broadcaster_actor* self) {
  auto& state = self->state;
  if (state.subscribers.empty()) return;
  flush(self);  // the numbers follow the events they count
  auto at = iso_time(now_micro());
  std::map<std::optional<int>, shared_payload> by_location;
  fan_out(self, [&](const subscriber_entry& entry) -> shared_payload {
    auto location = filtered_location(state, entry.filter);
    auto& payload = by_location[location];
    if (!payload) {
      json body = {{"type", "metrics"},
                   {"at", at},
                   {"metrics", today_json(state, location)},
                   {"shop", filtered_shop_json(state, location)}};
      payload = serialize_shared(body);
    }
    return payload;
  });
}

void take_today(broadcaster_state& state, std::vector<db::shop_today>& shops) {
  state.today.clear();
  state.location_of_shop.clear();
  for (auto& shop : shops) {
    state.location_of_shop[lower(shop.shop_id)] = shop.location_id;
    int location = shop.location_id;
    state.today[location] = std::move(shop);
  }
}

// Reads today's numbers again, then calls `then` (also when the database did not answer: the
// last numbers stand).
void read_today(broadcaster_actor* self, std::function<void()> then) {
  auto& state = self->state;
  if (!state.env.database_pool || state.reading_today) {
    then();
    return;
  }
  state.reading_today = true;
  database_job job = [](db::connection& connection) {
    return caf::make_message(connection.shops_today());
  };
  self->request(state.env.database_pool, database_timeout, run_job_atom::value, std::move(job))
      .then(
          [=](std::vector<db::shop_today>& shops) {
            self->state.reading_today = false;
            take_today(self->state, shops);
            then();
          },
          [=](caf::error& error) {
            self->state.reading_today = false;
            spdlog::debug("today's numbers not read: {}", self->system().render(error));
            then();
          });
}

caf::behavior broadcaster(broadcaster_actor* self, broadcaster_environment env) {
  self->state.env = std::move(env);
  read_today(self, [] {});
  self->delayed_send(self, self->state.env.metrics_interval, ops_tick_atom::value);
  return {
      [=](ops_publish_atom, ops_event& event) { publish(self, event); },
      [=](ops_subscribe_atom, std::shared_ptr<ops_subscriber>& subscriber, ops_filter& filter) {
        if (!subscriber) return;
        // What was gathered so far is in the snapshot already: it goes to the others first.
        flush(self);
        if (!subscriber->deliver(snapshot_for(self->state, filter))) return;
        auto key = key_of(filter);
        auto& f = self->state.feeds[key];
        if (f.subscribers++ == 0) f.filter = filter;
        self->state.subscribers.push_back({std::move(subscriber), std::move(filter), key});
      },
      [=](ops_unsubscribe_atom, std::shared_ptr<ops_subscriber>& subscriber) {
        auto& state = self->state;
        auto gone = std::remove_if(state.subscribers.begin(), state.subscribers.end(),
                                   [&](const subscriber_entry& entry) {
                                     if (entry.subscriber != subscriber) return false;
                                     forget_feed_of(state, entry);
                                     return true;
                                   });
        state.subscribers.erase(gone, state.subscribers.end());
      },
      // Delivers what was gathered first, so a caller that counts sees its events delivered.
      [=](ops_count_atom) {
        flush(self);
        return self->state.subscribers.size();
      },
      [=](ops_flush_atom) {
        self->state.flush_scheduled = false;
        flush(self);
      },
      [=](ops_tick_atom) {
        read_today(self, [self] { send_metrics(self); });
        self->delayed_send(self, self->state.env.metrics_interval, ops_tick_atom::value);
      },
  };
}

}  // namespace

caf::actor spawn_broadcaster(caf::actor_system& system, broadcaster_environment environment) {
  return system.spawn(broadcaster, std::move(environment));
}

std::string mask_caller(std::string_view phone) {
  std::string digits;
  for (char c : phone) {
    if (std::isdigit(static_cast<unsigned char>(c))) digits += c;
  }
  if (digits.size() < 7) return phone.empty() ? "unknown" : "anonymous";
  bool plus = !phone.empty() && phone.front() == '+';
  // The country code: one digit for NANP (+1), else two; the rest but the last four hidden.
  std::size_t country = plus ? (digits.front() == '1' ? 1 : 2) : 0;
  std::string masked = plus ? "+" + digits.substr(0, country) : std::string();
  masked.append(digits.size() - country - 4, '*');
  masked += digits.substr(digits.size() - 4);
  return masked;
}

}  // namespace salon::actors
