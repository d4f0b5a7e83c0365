#include "db/connection.hpp"

#include <algorithm>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>
#include <random>
#include <set>
#include <string_view>
#include <utility>

#include "db/errors.hpp"
#include "db/statements.hpp"

namespace salon::db {
namespace {

using statements::statement;
using json = nlohmann::json;

constexpr std::string_view exclusion_violation = "23P01";
constexpr std::string_view unique_violation = "23505";
constexpr std::string_view deadlock_detected = "40P01";

// Weekday keys of salon_info.opening_hours, indexed like std::chrono::weekday::c_encoding().
constexpr std::string_view weekday_keys[7] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};

// ---- values in and out ----------------------------------------------------------------------

// ISO 8601 in UTC with microseconds; PostgreSQL reads it as timestamptz.
std::string timestamp_text(time_point at) {
  using namespace std::chrono;
  const auto day = floor<days>(at);
  const year_month_day date{day};
  const hh_mm_ss<microseconds> time{at - day};
  char text[48];
  std::snprintf(text, sizeof text, "%04d-%02u-%02uT%02d:%02d:%02d.%06lldZ",
                static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
                static_cast<unsigned>(date.day()), static_cast<int>(time.hours().count()),
                static_cast<int>(time.minutes().count()), static_cast<int>(time.seconds().count()),
                static_cast<long long>(time.subseconds().count()));
  return text;
}

// The inverse of timestamp_text; fractions of any length up to microseconds.
std::optional<time_point> parse_timestamp_text(const std::string& text) {
  using namespace std::chrono;
  int year = 0;
  unsigned month = 0, day = 0;
  int hour = 0, minute = 0, second = 0, consumed = 0;
  if (std::sscanf(text.c_str(), "%4d-%2u-%2uT%2d:%2d:%2d%n", &year, &month, &day, &hour, &minute,
                  &second, &consumed) != 6)
    return std::nullopt;
  const year_month_day date{std::chrono::year{year}, std::chrono::month{month},
                            std::chrono::day{day}};
  if (!date.ok()) return std::nullopt;
  long long micros = 0;
  std::size_t at = static_cast<std::size_t>(consumed);
  if (at < text.size() && text[at] == '.') {
    int digits = 0;
    for (++at; at < text.size() && text[at] >= '0' && text[at] <= '9'; ++at, ++digits)
      if (digits < 6) micros = micros * 10 + (text[at] - '0');
    for (; digits < 6; ++digits) micros *= 10;
  }
  return time_point{sys_days{date}} + hours{hour} + minutes{minute} + seconds{second} +
         microseconds{micros};
}

time_point from_epoch_micros(long long micros) {
  return time_point{std::chrono::microseconds{micros}};
}

std::optional<time_point> optional_time(const pqxx::field& field) {
  if (field.is_null()) return std::nullopt;
  return from_epoch_micros(field.as<long long>());
}

// Non-UTF-8 bytes (a garbled transcript) become U+FFFD instead of an exception.
std::string dump(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string json_array(const std::vector<std::string>& values) {
  return dump(json(values));
}

std::string json_array(const std::vector<int>& values) {
  return dump(json(values));
}

std::vector<std::string> strings_from_json(const pqxx::field& field) {
  if (field.is_null()) return {};
  return json::parse(field.c_str()).get<std::vector<std::string>>();
}

std::vector<int> ints_from_json(const pqxx::field& field) {
  if (field.is_null()) return {};
  return json::parse(field.c_str()).get<std::vector<int>>();
}

std::string clock_text(std::chrono::minutes since_midnight) {
  char text[8];
  std::snprintf(text, sizeof text, "%02d:%02d", static_cast<int>(since_midnight.count() / 60),
                static_cast<int>(since_midnight.count() % 60));
  return text;
}

std::chrono::minutes parse_clock(const std::string& text) {
  int hour = 0, minute = 0;
  if (std::sscanf(text.c_str(), "%2d:%2d", &hour, &minute) != 2)
    throw query_error("opening hours hold a malformed time: " + text, "");
  return std::chrono::minutes{hour * 60 + minute};
}

std::string opening_hours_json(const std::array<std::optional<opening_span>, 7>& hours) {
  json object = json::object();
  for (std::size_t day = 0; day < hours.size(); ++day) {
    const auto key = std::string(weekday_keys[day]);
    if (hours[day])
      object[key] = {{"open", clock_text(hours[day]->opens)},
                     {"close", clock_text(hours[day]->closes)}};
    else
      object[key] = nullptr;
  }
  return dump(object);
}

std::array<std::optional<opening_span>, 7> opening_hours_from_json(const pqxx::field& field) {
  std::array<std::optional<opening_span>, 7> hours;
  if (field.is_null()) return hours;
  const auto object = json::parse(field.c_str());
  for (std::size_t day = 0; day < hours.size(); ++day) {
    const auto found = object.find(std::string(weekday_keys[day]));
    if (found == object.end() || found->is_null()) continue;
    hours[day] = opening_span{parse_clock(found->at("open").get<std::string>()),
                              parse_clock(found->at("close").get<std::string>())};
  }
  return hours;
}

std::string dates_json(const std::vector<std::chrono::year_month_day>& dates) {
  json array = json::array();
  for (const auto& date : dates) {
    char text[16];
    std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(date.year()),
                  static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
    array.push_back(text);
  }
  return dump(array);
}

std::vector<std::chrono::year_month_day> dates_from_json(const pqxx::field& field) {
  std::vector<std::chrono::year_month_day> dates;
  for (const auto& text : strings_from_json(field)) {
    int year = 0;
    unsigned month = 0, day = 0;
    if (std::sscanf(text.c_str(), "%d-%u-%u", &year, &month, &day) != 3)
      throw query_error("closed_dates holds a malformed date: " + text, "");
    dates.emplace_back(std::chrono::year{year}, std::chrono::month{month}, std::chrono::day{day});
  }
  return dates;
}

// "2024-01-15", as PostgreSQL prints a date.
std::chrono::year_month_day date_from_text(const std::string& text) {
  int year = 0;
  unsigned month = 0, day = 0;
  if (std::sscanf(text.c_str(), "%d-%u-%u", &year, &month, &day) != 3)
    throw query_error("the database returned a malformed date: " + text, "");
  return {std::chrono::year{year}, std::chrono::month{month}, std::chrono::day{day}};
}

json transcript_value(const std::vector<transcript_turn>& transcript) {
  json array = json::array();
  for (const auto& turn : transcript)
    array.push_back(
        {{"at", timestamp_text(turn.at)}, {"speaker", turn.speaker}, {"text", turn.text}});
  return array;
}

// An optional as JSON: its value, or null.
template <class T>
json nullable(const std::optional<T>& value) {
  return value ? json(*value) : json(nullptr);
}

std::vector<transcript_turn> transcript_from_json(const pqxx::field& field) {
  std::vector<transcript_turn> transcript;
  if (field.is_null()) return transcript;
  for (const auto& entry : json::parse(field.c_str())) {
    transcript_turn turn;
    turn.at = parse_timestamp_text(entry.value("at", "")).value_or(time_point{});
    turn.speaker = entry.value("speaker", "");
    turn.text = entry.value("text", "");
    transcript.push_back(std::move(turn));
  }
  return transcript;
}

bool is_uuid(std::string_view text) {
  if (text.size() != 36) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    const bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    if (dash ? c != '-' : !hex) return false;
  }
  return true;
}

std::optional<std::string> optional_uuid(const std::optional<std::string>& text) {
  if (text && is_uuid(*text)) return text;
  return std::nullopt;
}

// A version 4 uuid, so an appointment has its id before the first attempt to store it and a
// retry stores the same one.
std::string new_uuid(std::mt19937_64& random) {
  std::uniform_int_distribution<unsigned> nibble(0, 15);
  constexpr std::string_view digits = "0123456789abcdef";
  std::string id(36, '-');
  for (std::size_t i = 0; i < id.size(); ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23) continue;
    unsigned value = nibble(random);
    if (i == 14) value = 4;
    if (i == 19) value = 8 | (value & 3);
    id[i] = digits[value];
  }
  return id;
}

// libpq takes connect_timeout from the URL or key=value string; add ours unless one is there.
std::string with_connect_timeout(std::string url, std::chrono::seconds timeout) {
  if (timeout.count() <= 0 || url.find("connect_timeout") != std::string::npos) return url;
  const auto value = std::to_string(timeout.count());
  if (url.rfind("postgres://", 0) == 0 || url.rfind("postgresql://", 0) == 0)
    return url + (url.find('?') == std::string::npos ? "?" : "&") + "connect_timeout=" + value;
  return url + " connect_timeout=" + value;
}

// SQLSTATEs that mean the session is gone rather than that the statement was wrong.
bool means_connection_lost(const std::string& sqlstate) {
  return sqlstate.rfind("08", 0) == 0 || sqlstate == "57P01" || sqlstate == "57P02" ||
         sqlstate == "57P03";
}

template <class T>
std::optional<T> nullable(const pqxx::field& field) {
  if (field.is_null()) return std::nullopt;
  return field.as<T>();
}

template <class T>
T required(std::optional<T> value, std::string_view what) {
  if (!value) throw query_error("the database holds an unexpected " + std::string(what), "");
  return std::move(*value);
}

// ---- rows to records ------------------------------------------------------------------------

booked_slot slot_from(const pqxx::row& row) {
  return booked_slot{row[0].as<std::string>(), row[1].as<std::string>(),
                     from_epoch_micros(row[2].as<long long>()),
                     from_epoch_micros(row[3].as<long long>())};
}

appointment appointment_from(const pqxx::row& row) {
  appointment a;
  a.id = row[0].as<std::string>();
  a.shop_id = row[1].as<std::string>();
  a.call_sid = nullable<std::string>(row[2]);
  a.customer_name = nullable<std::string>(row[3]);
  a.customer_phone = nullable<std::string>(row[4]);
  a.service_id = nullable<std::string>(row[5]);
  a.service_name = row[6].as<std::string>();
  a.resource = row[7].as<std::string>();
  a.starts_at = from_epoch_micros(row[8].as<long long>());
  a.ends_at = from_epoch_micros(row[9].as<long long>());
  a.status = required(parse_appointment_status(row[10].c_str()), "appointment status");
  a.estimated_revenue_cents = row[11].as<std::int64_t>();
  a.source = required(parse_appointment_source(row[12].c_str()), "appointment source");
  a.notes = nullable<std::string>(row[13]);
  return a;
}

call_record call_from(const pqxx::row& row) {
  call_record c;
  c.id = row[0].as<std::string>();
  c.call_sid = row[1].as<std::string>();
  c.shop_id = nullable<std::string>(row[2]);
  c.from_number = nullable<std::string>(row[3]);
  c.to_number = nullable<std::string>(row[4]);
  c.status = required(parse_call_status(row[5].c_str()), "call status");
  c.status_sequence = nullable<int>(row[6]);
  c.started_at = from_epoch_micros(row[7].as<long long>());
  c.ended_at = optional_time(row[8]);
  c.duration_seconds = nullable<int>(row[9]);
  if (!row[10].is_null()) c.outcome = required(parse_call_outcome(row[10].c_str()), "outcome");
  c.primary_intent = nullable<std::string>(row[11]);
  c.intents = strings_from_json(row[12]);
  c.sentiment_score = nullable<double>(row[13]);
  if (!row[14].is_null())
    c.sentiment = required(parse_sentiment_label(row[14].c_str()), "sentiment label");
  c.turns = row[15].as<int>();
  c.caller_spoke = row[16].as<bool>();
  c.transcript = transcript_from_json(row[17]);
  c.handoff_reason = nullable<std::string>(row[18]);
  return c;
}

}  // namespace

// ---- the session ----------------------------------------------------------------------------

struct connection::impl {
  impl(std::string database_url, connection_options opts)
      : url(with_connect_timeout(std::move(database_url), opts.connect_timeout)),
        options(opts),
        random(std::random_device{}()) {}

  std::string url;
  connection_options options;
  std::unique_ptr<pqxx::connection> session;
  std::mt19937_64 random;

  pqxx::connection& open() {
    if (session && session->is_open()) return *session;
    session.reset();
    auto fresh = std::make_unique<pqxx::connection>(url);
    if (!options.transaction_pooler) {
      {
        pqxx::nontransaction setup(*fresh);
        setup.exec("set client_min_messages = warning");
        if (options.statement_timeout.count() > 0)
          setup.exec("set statement_timeout = " +
                     std::to_string(options.statement_timeout.count()));
      }
      // pqxx 6 prepares on the server at first use; defining them here costs nothing.
      for (const auto& s : statements::all) fresh->prepare(s.name, s.sql);
    }
    session = std::move(fresh);
    return *session;
  }

  template <class... Args>
  pqxx::result exec(pqxx::transaction_base& tx, const statement& s, Args&&... args) {
    if (options.transaction_pooler) return tx.exec_params(s.sql, std::forward<Args>(args)...);
    return tx.exec_prepared(s.name, std::forward<Args>(args)...);
  }

  // Runs body on an open session. A session that breaks under it is replaced once and body runs
  // again; failing to connect at all is reported at once.
  template <class Body>
  auto run(Body&& body) -> decltype(body(std::declval<pqxx::connection&>())) {
    for (int attempt = 1;; ++attempt) {
      const bool had_session = session != nullptr;
      std::string lost;
      try {
        return body(open());
      } catch (const pqxx::broken_connection& e) {
        lost = e.what();
      } catch (const pqxx::in_doubt_error& e) {
        lost = e.what();
      } catch (const pqxx::sql_error& e) {
        if (!means_connection_lost(e.sqlstate())) throw query_error(e.what(), e.sqlstate());
        lost = e.what();
      } catch (const error&) {
        throw;
      } catch (const std::exception& e) {
        throw query_error(e.what(), "");
      }
      session.reset();
      if (!had_session || attempt == 2) throw unavailable("database unavailable: " + lost);
    }
  }

  std::optional<booked_slot> conflict(pqxx::connection& c, const std::string& shop_id,
                                      const std::string& resource, time_point starts_at,
                                      time_point ends_at,
                                      const std::optional<std::string>& ignored_id) {
    pqxx::read_transaction tx(c);
    const auto rows = exec(tx, statements::find_conflict, shop_id, resource,
                           timestamp_text(starts_at), timestamp_text(ends_at), ignored_id);
    if (rows.empty()) return std::nullopt;
    return slot_from(rows[0]);
  }

  void replace_scraped(pqxx::transaction_base& tx, const std::string& shop_id,
                       const std::vector<scraped_service>& findings) {
    exec(tx, statements::delete_scraped_services, shop_id);
    for (const auto& f : findings)
      exec(tx, statements::insert_scraped_service, shop_id, f.name, f.category, f.description,
           f.price_text, f.price_cents, f.price_max_cents, f.price_is_from, f.duration_minutes,
           f.source_url);
  }

  // Writes `round`, positions in `entries` of writes of distinct calls, with one statement per
  // kind, and sets their results. Rows go in call SID order, so two nodes writing the same calls
  // lock them in the same order.
  void write_round(pqxx::transaction_base& tx, std::span<const call_log_entry> entries,
                   std::vector<std::size_t> round, std::vector<call_log_write>& results) {
    std::sort(round.begin(), round.end(), [&](std::size_t a, std::size_t b) {
      return sid_of(entries[a]) < sid_of(entries[b]);
    });
    json started = json::array(), settled = json::array(), statuses = json::array();
    std::vector<std::size_t> status_positions;
    for (auto position : round) {
      std::visit(
          [&](const auto& w) {
            using T = std::decay_t<decltype(w)>;
            if constexpr (std::is_same_v<T, call_started>) {
              started.push_back(started_json(w));
            } else if constexpr (std::is_same_v<T, call_settlement>) {
              settled.push_back(settlement_json(w));
            } else {
              statuses.push_back(status_json(w));
              status_positions.push_back(position);
            }
          },
          entries[position]);
      results[position] = {call_log_result::applied, {}};
    }
    if (!started.empty()) exec(tx, statements::record_calls_started, dump(started));
    if (!settled.empty()) exec(tx, statements::settle_calls, dump(settled));
    if (statuses.empty()) return;
    std::set<std::string, std::less<>> applied;
    for (const auto& row : exec(tx, statements::apply_status_callbacks, dump(statuses)))
      applied.insert(row[0].as<std::string>());
    for (auto position : status_positions) {
      if (!applied.contains(sid_of(entries[position])))
        results[position] = {call_log_result::ignored, {}};
    }
  }

  static const std::string& sid_of(const call_log_entry& entry) {
    return std::visit([](const auto& w) -> const std::string& { return w.call_sid; }, entry);
  }

  static json started_json(const call_started& call) {
    return {{"call_sid", call.call_sid},
            {"shop_id", nullable(optional_uuid(call.shop_id))},
            {"from_number", call.from_number},
            {"to_number", call.to_number},
            {"started_at", timestamp_text(call.started_at)}};
  }

  static json settlement_json(const call_settlement& s) {
    std::optional<std::string> sentiment;
    if (s.sentiment) sentiment = std::string(to_string(*s.sentiment));
    return {{"call_sid", s.call_sid},
            {"shop_id", nullable(optional_uuid(s.shop_id))},
            {"outcome", std::string(to_string(s.outcome))},
            {"primary_intent", nullable(s.primary_intent)},
            {"intents", s.intents},
            {"sentiment_score", nullable(s.sentiment_score)},
            {"sentiment_label", nullable(sentiment)},
            {"turns", s.turns},
            {"caller_spoke", s.caller_spoke},
            {"transcript", transcript_value(s.transcript)},
            {"handoff_reason", nullable(s.handoff_reason)},
            {"started_at", timestamp_text(s.started_at)},
            {"ended_at", timestamp_text(s.ended_at)}};
  }

  static json status_json(const call_status_update& u) {
    return {{"call_sid", u.call_sid},
            {"status", std::string(to_string(u.status))},
            {"sequence", nullable(u.sequence_number)},
            {"duration", nullable(u.duration_seconds)},
            {"at", timestamp_text(u.at)},
            {"from_number", nullable(u.from_number)},
            {"to_number", nullable(u.to_number)}};
  }
};

connection::connection(std::string database_url, connection_options options)
    : impl_(std::make_unique<impl>(std::move(database_url), options)) {}

connection::~connection() = default;

bool connection::ping() noexcept {
  try {
    return impl_->run([this](pqxx::connection& c) {
      pqxx::nontransaction tx(c);
      return impl_->exec(tx, statements::ping).size() == 1;
    });
  } catch (...) {
    return false;
  }
}

bool connection::is_connected() const noexcept {
  return impl_->session != nullptr && impl_->session->is_open();
}

// ---- shops ----------------------------------------------------------------------------------

std::vector<shop_summary> connection::list_shops() {
  return impl_->run([this](pqxx::connection& c) {
    pqxx::read_transaction tx(c);
    std::vector<shop_summary> shops;
    for (const auto& row : impl_->exec(tx, statements::list_shops)) {
      shop_summary s;
      s.id = row[0].as<std::string>();
      s.location_id = row[1].as<int>();
      s.business_name = row[2].as<std::string>();
      s.phone_number = nullable<std::string>(row[3]);
      s.time_zone = nullable<std::string>(row[4]);
      s.services = row[5].as<int>();
      s.stylists = row[6].as<int>();
      shops.push_back(std::move(s));
    }
    return shops;
  });
}

std::optional<shop> connection::load_shop(int location_id) {
  return impl_->run([this, location_id](pqxx::connection& c) -> std::optional<shop> {
    // One snapshot, so a shop saved meanwhile is seen wholly old or wholly new.
    pqxx::transaction<pqxx::repeatable_read, pqxx::read_only> tx(c);
    const auto profiles = impl_->exec(tx, statements::shop_by_location, location_id);
    if (profiles.empty()) return std::nullopt;
    const auto& row = profiles[0];

    shop result;
    auto& profile = result.profile;
    profile.id = row[0].as<std::string>();
    profile.location_id = row[1].as<int>();
    profile.business_name = row[2].as<std::string>();
    profile.phone_number = nullable<std::string>(row[3]);
    profile.website = nullable<std::string>(row[4]);
    profile.created_at = from_epoch_micros(row[5].as<long long>());
    profile.updated_at = from_epoch_micros(row[6].as<long long>());
    if (row[7].as<bool>()) {
      salon_details salon;
      salon.time_zone = row[8].as<std::string>();
      salon.address = nullable<std::string>(row[9]);
      salon.region = nullable<std::string>(row[10]);
      salon.country = nullable<std::string>(row[11]);
      salon.hours = opening_hours_from_json(row[12]);
      salon.closed_dates = dates_from_json(row[13]);
      salon.greeting = nullable<std::string>(row[14]);
      salon.forward_phone = nullable<std::string>(row[15]);
      salon.chairs = row[16].as<int>();
      salon.rules = booking_rules{row[17].as<int>(), row[18].as<int>(), row[19].as<int>()};
      result.salon = std::move(salon);
    }

    for (const auto& s : impl_->exec(tx, statements::shop_services, profile.id)) {
      service item;
      item.id = s[0].as<std::string>();
      item.name = s[1].as<std::string>();
      item.category = nullable<std::string>(s[2]);
      item.description = nullable<std::string>(s[3]);
      item.synonyms = strings_from_json(s[4]);
      item.duration_minutes = s[5].as<int>();
      item.price_cents = nullable<std::int64_t>(s[6]);
      item.price_max_cents = nullable<std::int64_t>(s[7]);
      item.price_is_from = s[8].as<bool>();
      result.services.push_back(std::move(item));
    }
    for (const auto& s : impl_->exec(tx, statements::shop_stylists, profile.id)) {
      stylist person;
      person.id = s[0].as<std::string>();
      person.name = s[1].as<std::string>();
      person.role = nullable<std::string>(s[2]);
      person.bio = nullable<std::string>(s[3]);
      person.service_names = strings_from_json(s[4]);
      person.days_off = ints_from_json(s[5]);
      person.source_url = nullable<std::string>(s[6]);
      result.stylists.push_back(std::move(person));
    }
    for (const auto& f : impl_->exec(tx, statements::shop_facts, profile.id))
      result.facts.push_back(
          shop_fact{f[0].as<std::string>(), f[1].as<std::string>(), nullable<std::string>(f[2])});
    return result;
  });
}

std::optional<int> connection::find_location_id(const std::string& shop_id) {
  if (!is_uuid(shop_id)) return std::nullopt;
  return impl_->run([&](pqxx::connection& c) -> std::optional<int> {
    pqxx::read_transaction tx(c);
    const auto rows = impl_->exec(tx, statements::location_of_shop, shop_id);
    if (rows.empty()) return std::nullopt;
    return rows[0][0].as<int>();
  });
}

std::optional<std::string> connection::find_shop_id(int location_id) {
  return impl_->run([&](pqxx::connection& c) -> std::optional<std::string> {
    pqxx::read_transaction tx(c);
    const auto rows = impl_->exec(tx, statements::shop_of_location, location_id);
    if (rows.empty()) return std::nullopt;
    return rows[0][0].as<std::string>();
  });
}

std::vector<phone_route> connection::load_phone_routes() {
  return impl_->run([this](pqxx::connection& c) {
    pqxx::read_transaction tx(c);
    std::vector<phone_route> routes;
    for (const auto& row : impl_->exec(tx, statements::phone_routes))
      routes.push_back(phone_route{row[0].as<std::string>(), row[1].as<int>()});
    return routes;
  });
}

std::vector<booked_slot> connection::load_appointment_book(const std::string& shop_id,
                                                           time_point from, time_point until) {
  if (!is_uuid(shop_id)) return {};
  return impl_->run([&](pqxx::connection& c) {
    pqxx::read_transaction tx(c);
    std::vector<booked_slot> book;
    for (const auto& row : impl_->exec(tx, statements::appointment_book, shop_id,
                                       timestamp_text(from), timestamp_text(until)))
      book.push_back(slot_from(row));
    return book;
  });
}

save_shop_result connection::save_shop(const shop& record) {
  return write_shop(record, nullptr);
}

save_shop_result connection::save_shop(const shop& record,
                                       const std::vector<scraped_service>& scraped) {
  return write_shop(record, &scraped);
}

save_shop_result connection::write_shop(const shop& record,
                                        const std::vector<scraped_service>* scraped) {
  const auto& profile = record.profile;
  return impl_->run([&](pqxx::connection& c) -> save_shop_result {
    std::optional<pqxx::work> tx(std::in_place, c);
    if (profile.phone_number) {
      const auto owner =
          impl_->exec(*tx, statements::phone_owner, *profile.phone_number, profile.location_id);
      if (!owner.empty()) return {save_shop_status::phone_taken, {}, owner[0][0].as<int>()};
    }

    pqxx::result saved;
    try {
      saved = impl_->exec(*tx, statements::upsert_profile, profile.location_id,
                          profile.business_name, profile.phone_number, profile.website);
    } catch (const pqxx::sql_error& e) {
      // Another writer took the number between the check above and this insert.
      if (e.sqlstate() != unique_violation) throw;
      tx.reset();
      pqxx::read_transaction again(c);
      const auto owner =
          impl_->exec(again, statements::phone_owner, *profile.phone_number, profile.location_id);
      return {save_shop_status::phone_taken,
              {},
              owner.empty() ? std::nullopt : nullable<int>(owner[0][0])};
    }
    const auto shop_id = saved[0][0].as<std::string>();
    const bool created = saved[0][1].as<bool>();

    if (record.salon) {
      const auto& s = *record.salon;
      impl_->exec(*tx, statements::upsert_salon_info, shop_id, s.time_zone, s.address, s.region,
                  s.country, opening_hours_json(s.hours), dates_json(s.closed_dates), s.greeting,
                  s.forward_phone, s.chairs, s.rules.slot_minutes, s.rules.min_notice_minutes,
                  s.rules.max_days_ahead);
    }

    std::vector<std::string> service_ids;
    for (const auto& s : record.services) {
      const auto synonyms = json_array(s.synonyms);
      pqxx::result kept;
      if (!s.id.empty())
        kept = impl_->exec(*tx, statements::update_service_by_id, s.id, shop_id, s.name, s.category,
                           s.description, synonyms, s.duration_minutes, s.price_cents,
                           s.price_max_cents, s.price_is_from);
      if (kept.empty()) {
        std::optional<std::string> id;
        if (!s.id.empty()) id = s.id;
        kept = impl_->exec(*tx, statements::upsert_service_by_name, id, shop_id, s.name, s.category,
                           s.description, synonyms, s.duration_minutes, s.price_cents,
                           s.price_max_cents, s.price_is_from);
      }
      service_ids.push_back(kept[0][0].as<std::string>());
    }
    impl_->exec(*tx, statements::retire_other_services, shop_id, json_array(service_ids));

    std::vector<std::string> stylist_ids;
    for (const auto& p : record.stylists) {
      const auto id = optional_uuid(p.id.empty() ? std::nullopt : std::optional(p.id));
      const auto service_names = json_array(p.service_names);
      const auto days_off = json_array(p.days_off);
      pqxx::result kept;
      if (id)
        kept = impl_->exec(*tx, statements::update_stylist_by_id, *id, shop_id, p.name, p.role,
                           p.bio, service_names, days_off, p.source_url);
      if (kept.empty())
        kept = impl_->exec(*tx, statements::upsert_stylist_by_name, id, shop_id, p.name, p.role,
                           p.bio, service_names, days_off, p.source_url);
      stylist_ids.push_back(kept[0][0].as<std::string>());
    }
    impl_->exec(*tx, statements::retire_other_stylists, shop_id, json_array(stylist_ids));

    std::vector<std::string> fact_keys;
    for (const auto& f : record.facts) {
      impl_->exec(*tx, statements::upsert_fact, shop_id, f.key, f.value, f.source);
      fact_keys.push_back(f.key);
    }
    impl_->exec(*tx, statements::delete_other_facts, shop_id, json_array(fact_keys));

    if (scraped) impl_->replace_scraped(*tx, shop_id, *scraped);
    tx->commit();
    return {created ? save_shop_status::created : save_shop_status::updated, shop_id, {}};
  });
}

void connection::replace_scraped_services(const std::string& shop_id,
                                          const std::vector<scraped_service>& findings) {
  impl_->run([&](pqxx::connection& c) {
    pqxx::work tx(c);
    impl_->replace_scraped(tx, shop_id, findings);
    tx.commit();
  });
}

void connection::announce_shop_change(int location_id, const std::string& shop_id) {
  impl_->run([&](pqxx::connection& c) {
    pqxx::work tx(c);
    impl_->exec(tx, statements::announce_shop_change, location_id, shop_id);
    tx.commit();
  });
}

void connection::notify(const std::string& channel, std::span<const std::string> payloads) {
  impl_->run([&](pqxx::connection& c) {
    pqxx::work tx(c);
    impl_->exec(tx, statements::notify, channel,
                dump(json(std::vector<std::string>(payloads.begin(), payloads.end()))));
    tx.commit();
  });
}

// ---- calls ----------------------------------------------------------------------------------

std::int64_t connection::fold_daily_tallies() {
  return impl_->run([&](pqxx::connection& c) {
    pqxx::work tx(c);
    const auto removed = impl_->exec(tx, statements::fold_daily_stats)[0][0].as<std::int64_t>();
    tx.commit();
    return removed;
  });
}

std::vector<call_log_write> connection::write_call_log(std::span<const call_log_entry> entries) {
  return impl_->run([&](pqxx::connection& c) {
    // A call's writes go in order, its n-th write in the n-th round; a round holds each call once,
    // which a statement over many rows needs.
    std::vector<std::vector<std::size_t>> rounds;
    std::map<std::string_view, std::size_t> writes_of;
    for (std::size_t i = 0; i < entries.size(); ++i) {
      auto& n = writes_of[impl::sid_of(entries[i])];
      if (rounds.size() <= n) rounds.emplace_back();
      rounds[n++].push_back(i);
    }
    // A batch is written straight first, a few statements in all. Only a batch the database
    // refused is written again entry by entry, each behind a savepoint (three round trips more,
    // and past 64 in one transaction their subtransactions slow every other session's
    // snapshots), so that the entry it refuses does not take the others with it.
    try {
      std::vector<call_log_write> results(entries.size());
      pqxx::work tx(c);
      for (auto& round : rounds) impl_->write_round(tx, entries, std::move(round), results);
      tx.commit();
      return results;
    } catch (const pqxx::sql_error& e) {
      if (means_connection_lost(e.sqlstate())) throw;
    }
    std::vector<call_log_write> results(entries.size());
    pqxx::work tx(c);
    for (std::size_t i = 0; i < entries.size(); ++i) {
      // Plain SQL savepoints: pqxx 6's subtransaction does not open its savepoint before a
      // prepared statement.
      tx.exec("savepoint call_log_entry");
      try {
        impl_->write_round(tx, entries, {i}, results);
        tx.exec("release savepoint call_log_entry");
      } catch (const pqxx::sql_error& e) {
        if (means_connection_lost(e.sqlstate())) throw;
        tx.exec("rollback to savepoint call_log_entry");
        tx.exec("release savepoint call_log_entry");
        results[i] = {call_log_result::rejected, e.what()};
      }
    }
    tx.commit();
    return results;
  });
}

call_log_write connection::record_call_started(const call_started& call) {
  const call_log_entry entry{call};
  return write_call_log({&entry, 1}).front();
}

call_log_write connection::settle_call(const call_settlement& settlement) {
  const call_log_entry entry{settlement};
  return write_call_log({&entry, 1}).front();
}

call_log_write connection::apply_status_callback(const call_status_update& update) {
  const call_log_entry entry{update};
  return write_call_log({&entry, 1}).front();
}

std::optional<call_record> connection::load_call(const std::string& call_sid) {
  return impl_->run([&](pqxx::connection& c) -> std::optional<call_record> {
    pqxx::read_transaction tx(c);
    const auto rows = impl_->exec(tx, statements::load_call, call_sid);
    if (rows.empty()) return std::nullopt;
    return call_from(rows[0]);
  });
}

// ---- analytics ------------------------------------------------------------------------------

std::optional<shop_kpis> connection::salon_kpis(const std::string& shop_id, int days) {
  if (!is_uuid(shop_id)) return std::nullopt;
  return impl_->run([&](pqxx::connection& c) -> std::optional<shop_kpis> {
    pqxx::read_transaction tx(c);
    const auto rows = impl_->exec(tx, statements::salon_kpis, shop_id, days);
    if (rows.empty()) return std::nullopt;
    const auto& row = rows[0];
    shop_kpis k;
    k.shop_id = row[0].as<std::string>();
    k.time_zone = row[1].as<std::string>();
    k.first_day = date_from_text(row[2].as<std::string>());
    k.last_day = date_from_text(row[3].as<std::string>());
    k.calls =
        call_counts{row[4].as<std::int64_t>(), row[5].as<std::int64_t>(), row[6].as<std::int64_t>(),
                    row[7].as<std::int64_t>(), row[8].as<std::int64_t>(), row[9].as<std::int64_t>(),
                    row[10].as<std::int64_t>()};
    k.after_hours_captured = row[11].as<std::int64_t>();
    k.conversion_rate = row[12].as<double>();
    k.appointments_booked = row[13].as<std::int64_t>();
    k.revenue_cents = row[14].as<std::int64_t>();
    k.average_duration_seconds = nullable<double>(row[15]);
    k.average_sentiment = nullable<double>(row[16]);
    return k;
  });
}

std::vector<daily_calls> connection::calls_timeseries(const std::string& shop_id, int days) {
  if (!is_uuid(shop_id)) return {};
  return impl_->run([&](pqxx::connection& c) {
    pqxx::read_transaction tx(c);
    std::vector<daily_calls> series;
    for (const auto& row : impl_->exec(tx, statements::calls_timeseries, shop_id, days)) {
      daily_calls d;
      d.day = date_from_text(row[0].as<std::string>());
      d.calls = call_counts{row[1].as<std::int64_t>(), row[2].as<std::int64_t>(),
                            row[3].as<std::int64_t>(), row[4].as<std::int64_t>(),
                            row[5].as<std::int64_t>(), row[6].as<std::int64_t>(),
                            row[7].as<std::int64_t>()};
      d.after_hours_captured = row[8].as<std::int64_t>();
      series.push_back(d);
    }
    return series;
  });
}

std::vector<salon_overview> connection::salons_overview() {
  return impl_->run([&](pqxx::connection& c) {
    pqxx::read_transaction tx(c);
    std::vector<salon_overview> shops;
    for (const auto& row : impl_->exec(tx, statements::salons_overview)) {
      salon_overview o;
      o.shop_id = row[0].as<std::string>();
      o.location_id = row[1].as<int>();
      o.business_name = row[2].as<std::string>();
      o.phone_number = nullable<std::string>(row[3]);
      o.time_zone = row[4].as<std::string>();
      o.created_at = from_epoch_micros(row[5].as<long long>());
      o.calls_today = row[6].as<std::int64_t>();
      o.calls = call_counts{row[7].as<std::int64_t>(),  row[8].as<std::int64_t>(),
                            row[9].as<std::int64_t>(),  row[10].as<std::int64_t>(),
                            row[11].as<std::int64_t>(), row[12].as<std::int64_t>(),
                            row[13].as<std::int64_t>()};
      o.conversion_rate = row[14].as<double>();
      o.appointments_booked = row[15].as<std::int64_t>();
      o.revenue_cents = row[16].as<std::int64_t>();
      o.last_call_at = optional_time(row[17]);
      shops.push_back(std::move(o));
    }
    return shops;
  });
}

platform_metrics connection::load_platform_metrics() {
  return impl_->run([&](pqxx::connection& c) {
    pqxx::read_transaction tx(c);
    const auto rows = impl_->exec(tx, statements::platform_totals);
    const auto& row = rows.at(0);
    platform_metrics m;
    m.shops = row[0].as<std::int64_t>();
    m.active_shops = row[1].as<std::int64_t>();
    m.calls_today = row[2].as<std::int64_t>();
    m.calls =
        call_counts{row[3].as<std::int64_t>(), row[4].as<std::int64_t>(), row[5].as<std::int64_t>(),
                    row[6].as<std::int64_t>(), row[7].as<std::int64_t>(), row[8].as<std::int64_t>(),
                    row[9].as<std::int64_t>()};
    m.conversion_rate = row[10].as<double>();
    m.appointments_booked = row[11].as<std::int64_t>();
    m.revenue_cents = row[12].as<std::int64_t>();
    m.period_days = row[13].as<int>();
    return m;
  });
}

std::vector<shop_today> connection::shops_today() {
  return impl_->run([&](pqxx::connection& c) {
    pqxx::read_transaction tx(c);
    std::vector<shop_today> shops;
    for (const auto& row : impl_->exec(tx, statements::shops_today)) {
      shop_today t;
      t.location_id = row[0].as<int>();
      t.shop_id = row[1].as<std::string>();
      t.business_name = row[2].as<std::string>();
      t.calls = row[3].as<std::int64_t>();
      t.answered = row[4].as<std::int64_t>();
      t.booked_calls = row[5].as<std::int64_t>();
      t.appointments = row[6].as<std::int64_t>();
      t.revenue_cents = row[7].as<std::int64_t>();
      shops.push_back(std::move(t));
    }
    return shops;
  });
}

// ---- appointments ---------------------------------------------------------------------------

booking_outcome connection::insert_appointment(const appointment& request) {
  const auto id = request.id.empty() ? new_uuid(impl_->random) : request.id;
  return impl_->run([&](pqxx::connection& c) -> booking_outcome {
    const auto insert_once = [&] {
      pqxx::work tx(c);
      impl_->exec(tx, statements::lock_schedule, request.shop_id, request.resource);
      if (request.call_sid)
        impl_->exec(tx, statements::ensure_call, *request.call_sid, request.shop_id);
      impl_->exec(tx, statements::insert_appointment, id, request.shop_id, request.call_sid,
                  request.customer_name, request.customer_phone, request.service_id,
                  request.service_name, request.resource, timestamp_text(request.starts_at),
                  timestamp_text(request.ends_at), std::string(to_string(request.status)),
                  request.estimated_revenue_cents, std::string(to_string(request.source)),
                  request.notes);
      if (request.call_sid && request.status == appointment_status::booked)
        impl_->exec(tx, statements::mark_call_booked, *request.call_sid);
      tx.commit();
    };
    for (int attempt = 1;; ++attempt) {
      try {
        insert_once();
        return {booking_result::booked, id, std::nullopt};
      } catch (const pqxx::sql_error& e) {
        if (e.sqlstate() == exclusion_violation) break;
        // The schedule lock keeps racing bookings of one slot apart, but the call's tallies
        // are shared rows a booking of another stylist may hold; an aborted one tries again.
        if (e.sqlstate() == deadlock_detected && attempt < 3) continue;
        throw;
      }
    }
    return {booking_result::taken,
            {},
            impl_->conflict(c, request.shop_id, request.resource, request.starts_at,
                            request.ends_at, std::nullopt)};
  });
}

booking_outcome connection::reschedule_appointment(const std::string& appointment_id,
                                                   time_point starts_at, time_point ends_at,
                                                   std::optional<std::string> resource) {
  if (!is_uuid(appointment_id)) return {booking_result::not_found, {}, std::nullopt};
  return impl_->run([&](pqxx::connection& c) -> booking_outcome {
    try {
      pqxx::work tx(c);
      impl_->exec(tx, statements::lock_schedule_of_appointment, appointment_id, resource);
      const auto moved = impl_->exec(tx, statements::reschedule_appointment, appointment_id,
                                     timestamp_text(starts_at), timestamp_text(ends_at), resource);
      if (moved.empty()) return {booking_result::not_found, {}, std::nullopt};
      tx.commit();
      return {booking_result::booked, appointment_id, std::nullopt};
    } catch (const pqxx::sql_error& e) {
      if (e.sqlstate() != exclusion_violation) throw;
    }
    std::optional<booked_slot> in_the_way;
    {
      pqxx::read_transaction tx(c);
      const auto rows = impl_->exec(tx, statements::load_appointment, appointment_id);
      if (rows.empty()) return {booking_result::not_found, {}, std::nullopt};
      const auto current = appointment_from(rows[0]);
      tx.commit();
      in_the_way = impl_->conflict(c, current.shop_id, resource.value_or(current.resource),
                                   starts_at, ends_at, appointment_id);
    }
    return {booking_result::taken, {}, std::move(in_the_way)};
  });
}

cancel_result connection::cancel_appointment(const std::string& appointment_id) {
  if (!is_uuid(appointment_id)) return cancel_result::not_found;
  return impl_->run([&](pqxx::connection& c) {
    pqxx::work tx(c);
    const auto cancelled = impl_->exec(tx, statements::cancel_appointment, appointment_id);
    const bool exists = !cancelled.empty() ||
                        !impl_->exec(tx, statements::load_appointment, appointment_id).empty();
    tx.commit();
    if (!cancelled.empty()) return cancel_result::cancelled;
    return exists ? cancel_result::not_active : cancel_result::not_found;
  });
}

std::optional<appointment> connection::load_appointment(const std::string& appointment_id) {
  if (!is_uuid(appointment_id)) return std::nullopt;
  return impl_->run([&](pqxx::connection& c) -> std::optional<appointment> {
    pqxx::read_transaction tx(c);
    const auto rows = impl_->exec(tx, statements::load_appointment, appointment_id);
    if (rows.empty()) return std::nullopt;
    return appointment_from(rows[0]);
  });
}

std::vector<appointment> connection::find_customer_appointments(const std::string& shop_id,
                                                                const std::string& customer_phone,
                                                                time_point from) {
  if (!is_uuid(shop_id)) return {};
  return impl_->run([&](pqxx::connection& c) {
    pqxx::read_transaction tx(c);
    std::vector<appointment> found;
    for (const auto& row : impl_->exec(tx, statements::customer_appointments, shop_id,
                                       customer_phone, timestamp_text(from)))
      found.push_back(appointment_from(row));
    return found;
  });
}

std::vector<appointment> connection::find_call_appointments(const std::string& shop_id,
                                                            const std::string& call_sid) {
  if (!is_uuid(shop_id)) return {};
  return impl_->run([&](pqxx::connection& c) {
    pqxx::read_transaction tx(c);
    std::vector<appointment> found;
    for (const auto& row : impl_->exec(tx, statements::call_appointments, shop_id, call_sid))
      found.push_back(appointment_from(row));
    return found;
  });
}

}  // namespace salon::db
