#include "config/settings_loader.hpp"

#include <date/tz.h>

#include <charconv>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <sstream>

namespace salon::config {
namespace {

// Parses `text` into one field of the settings; returns an error message when the value is bad.
using field_parser = std::function<std::optional<std::string>(settings&, const std::string&)>;

struct setting_descriptor {
  std::string_view variable;
  std::string_view flag;
  std::string_view default_text;
  std::string_view meaning;
  bool secret;
  field_parser parse;
};

std::optional<long long> parse_integer(std::string_view text) {
  long long value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

field_parser integer_field(int settings::*field, long long min, long long max) {
  return [=](settings& s, const std::string& text) -> std::optional<std::string> {
    auto value = parse_integer(text);
    if (!value || *value < min || *value > max) {
      return "must be an integer from " + std::to_string(min) + " to " + std::to_string(max) +
             ", got '" + text + "'";
    }
    s.*field = static_cast<int>(*value);
    return std::nullopt;
  };
}

field_parser text_field(std::string settings::*field) {
  return [=](settings& s, const std::string& text) -> std::optional<std::string> {
    s.*field = text;
    return std::nullopt;
  };
}

std::optional<std::string> parse_port(settings& s, const std::string& text) {
  auto value = parse_integer(text);
  if (!value || *value < 0 || *value > 65535) {
    return "must be a port number from 0 to 65535, got '" + text + "'";
  }
  s.port = static_cast<std::uint16_t>(*value);
  return std::nullopt;
}

std::optional<std::string> parse_public_base_url(settings& s, const std::string& text) {
  if (!text.empty() && text.rfind("https://", 0) != 0 && text.rfind("http://", 0) != 0) {
    return "must be an http(s) origin such as https://salon.example.com, got '" + text + "'";
  }
  std::string url = text;
  while (!url.empty() && url.back() == '/') url.pop_back();
  s.public_base_url = url;
  return std::nullopt;
}

std::optional<std::string> parse_location_map(settings& s, const std::string& text) {
  auto parsed = parse_phone_map(text);
  if (auto* error = std::get_if<std::string>(&parsed)) return *error;
  s.phone_to_location = std::get<phone_map>(parsed);
  return std::nullopt;
}

std::optional<std::string> parse_default_location(settings& s, const std::string& text) {
  if (text.empty()) {
    s.default_location_id.reset();
    return std::nullopt;
  }
  auto value = parse_integer(text);
  if (!value || *value <= 0 || *value > 2147483647) {
    return "must be a positive integer location id, got '" + text + "'";
  }
  s.default_location_id = static_cast<int>(*value);
  return std::nullopt;
}

std::optional<std::string> parse_timezone(settings& s, const std::string& text) {
  try {
    date::locate_zone(text);
  } catch (const std::exception&) {
    return "must be an IANA time zone such as America/New_York, got '" + text + "'";
  }
  s.default_timezone = text;
  return std::nullopt;
}

std::optional<std::string> parse_log_level(settings& s, const std::string& text) {
  static constexpr std::string_view levels[] = {"trace", "debug",    "info", "warn",
                                                "error", "critical", "off"};
  for (auto level : levels) {
    if (text == level) {
      s.log_level = text;
      return std::nullopt;
    }
  }
  return "must be one of trace, debug, info, warn, error, critical, off, got '" + text + "'";
}

std::optional<std::string> parse_log_format(settings& s, const std::string& text) {
  if (text == "text") {
    s.log_format = log_style::text;
  } else if (text == "json") {
    s.log_format = log_style::json;
  } else {
    return "must be text or json, got '" + text + "'";
  }
  return std::nullopt;
}

std::optional<std::string> parse_body_limit(settings& s, const std::string& text) {
  auto value = parse_integer(text);
  if (!value || *value < 1024 || *value > 64 * 1024 * 1024) {
    return "must be a byte count from 1024 to 67108864, got '" + text + "'";
  }
  s.max_body_bytes = static_cast<std::size_t>(*value);
  return std::nullopt;
}

std::optional<std::string> parse_scrape_allow_private(settings& s, const std::string& text) {
  if (text == "true" || text == "1") {
    s.scrape_allow_private = true;
  } else if (text == "false" || text == "0" || text.empty()) {
    s.scrape_allow_private = false;
  } else {
    return "must be true or false, got '" + text + "'";
  }
  return std::nullopt;
}

const std::vector<setting_descriptor>& descriptors() {
  static const std::vector<setting_descriptor> table = {
      {"DATABASE_URL", "--database-url", "(none)",
       "PostgreSQL connection string (libpq URL or key=value)", true,
       text_field(&settings::database_url)},
      {"PORT", "--port", "8080", "HTTP port to listen on (0 picks a free port)", false, parse_port},
      {"BIND_ADDRESS", "--bind-address", "0.0.0.0", "address to listen on", false,
       text_field(&settings::bind_address)},
      {"PUBLIC_BASE_URL", "--public-base-url", "(none)",
       "the https origin Twilio reaches, used for TwiML URLs and signature checks", false,
       parse_public_base_url},
      {"TWILIO_AUTH_TOKEN", "--twilio-auth-token", "(none)",
       "Twilio auth token; when unset, webhook signatures are not checked (warned)", true,
       text_field(&settings::twilio_auth_token)},
      {"ADMIN_API_KEY", "--admin-api-key", "(none)",
       "bearer token for /shops, /shop/... and /admin/...; when unset those answer 503", true,
       text_field(&settings::admin_api_key)},
      {"PHONE_TO_LOCATION_MAP", "--phone-to-location-map", "{}",
       "JSON object: E.164 number -> location id, e.g. {\"+18084826296\": 1}", false,
       parse_location_map},
      {"DEFAULT_LOCATION_ID", "--default-location-id", "(none)",
       "location that answers numbers no shop claims", false, parse_default_location},
      {"DEFAULT_TIMEZONE", "--default-timezone", "America/New_York",
       "time zone for shops that have none", false, parse_timezone},
      {"LOG_LEVEL", "--log-level", "info", "trace, debug, info, warn, error, critical, off", false,
       parse_log_level},
      {"LOG_FORMAT", "--log-format", "text", "text, or json (JSON lines for production)", false,
       parse_log_format},
      {"IO_THREADS", "--io-threads", "2", "threads running sockets (Asio)", false,
       integer_field(&settings::io_threads, 1, 64)},
      {"ACTOR_THREADS", "--actor-threads", "2", "threads running actors (CAF scheduler)", false,
       integer_field(&settings::actor_threads, 1, 64)},
      {"DB_POOL_SIZE", "--db-pool-size", "4", "database connections (one worker thread each)",
       false, integer_field(&settings::db_pool_size, 1, 64)},
      {"MAX_CONCURRENT_CALLS", "--max-concurrent-calls", "10000",
       "live calls this node accepts before answering callers with a busy message", false,
       integer_field(&settings::max_concurrent_calls, 1, 1000000)},
      {"SPOOL_DIR", "--spool-dir", ".spool",
       "folder for the write spool used while the database is unreachable", false,
       text_field(&settings::spool_dir)},
      {"MAX_BODY_BYTES", "--max-body-bytes", "65536", "largest request body accepted", false,
       parse_body_limit},
      {"SCRAPE_ALLOW_PRIVATE", "--scrape-allow-private", "false",
       "let website scraping reach private and loopback addresses (tests only)", false,
       parse_scrape_allow_private},
      {"WEB_DIR", "--web-dir", "(the source tree's web/)",
       "folder the dashboard page (GET /dashboard) is served from", false,
       text_field(&settings::web_dir)},
      {"REALTIME_PRIORITY", "--realtime-priority", "0",
       "run the server's threads under SCHED_RR at this priority (1-99; needs root or "
       "CAP_SYS_NICE) so replies do not wait behind other processes; 0: normal scheduling",
       false, integer_field(&settings::realtime_priority, 0, 99)},
  };
  return table;
}

const setting_descriptor* find_flag(std::string_view flag) {
  for (const auto& d : descriptors()) {
    if (d.flag == flag) return &d;
  }
  return nullptr;
}

}  // namespace

environment process_environment() {
  return [](std::string_view name) -> std::optional<std::string> {
    const char* value = std::getenv(std::string(name).c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
}

std::variant<settings, settings_error> load_settings(const environment& env,
                                                     const std::vector<std::string>& args) {
  settings result;
  for (const auto& d : descriptors()) {
    if (auto value = env(d.variable)) {
      if (auto error = d.parse(result, *value))
        return settings_error{std::string(d.variable), *error};
    }
  }
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    std::string flag = arg;
    std::optional<std::string> value;
    if (auto eq = arg.find('='); eq != std::string::npos) {
      flag = arg.substr(0, eq);
      value = arg.substr(eq + 1);
    }
    const setting_descriptor* d = find_flag(flag);
    if (d == nullptr) return settings_error{arg, "unknown flag (see --help)"};
    if (!value) {
      if (i + 1 >= args.size()) return settings_error{flag, "needs a value"};
      value = args[++i];
    }
    if (auto error = d->parse(result, *value)) return settings_error{flag, *error};
  }
  return result;
}

std::string settings_help() {
  std::ostringstream out;
  for (const auto& d : descriptors()) {
    out << "  " << d.flag << " <value>  (env " << d.variable << ", default " << d.default_text
        << ")\n      " << d.meaning << "\n";
  }
  return out.str();
}

std::vector<std::string> describe_settings(const settings& s) {
  std::vector<std::string> lines;
  auto redact = [](const std::string& v) { return v.empty() ? std::string("(unset)") : "(set)"; };
  lines.push_back("database_url=" + redact(s.database_url));
  lines.push_back("listen=" + s.bind_address + ":" + std::to_string(s.port));
  lines.push_back("public_base_url=" + (s.public_base_url.empty() ? "(unset)" : s.public_base_url));
  lines.push_back("twilio_auth_token=" + redact(s.twilio_auth_token));
  lines.push_back("admin_api_key=" + redact(s.admin_api_key));
  lines.push_back("phone_to_location_map=" + std::to_string(s.phone_to_location.size()) +
                  " numbers");
  lines.push_back("default_location_id=" +
                  (s.default_location_id ? std::to_string(*s.default_location_id) : "(unset)"));
  lines.push_back("default_timezone=" + s.default_timezone);
  lines.push_back("log level=" + s.log_level +
                  " format=" + (s.log_format == log_style::json ? "json" : "text"));
  lines.push_back("threads io=" + std::to_string(s.io_threads) + " actors=" +
                  std::to_string(s.actor_threads) + " db_pool=" + std::to_string(s.db_pool_size));
  lines.push_back("max_concurrent_calls=" + std::to_string(s.max_concurrent_calls));
  lines.push_back("spool_dir=" + s.spool_dir);
  lines.push_back("max_body_bytes=" + std::to_string(s.max_body_bytes));
  lines.push_back(std::string("scrape_allow_private=") +
                  (s.scrape_allow_private ? "true" : "false"));
  lines.push_back("realtime_priority=" + std::to_string(s.realtime_priority));
  lines.push_back("web_dir=" + (s.web_dir.empty() ? "(built in)" : s.web_dir));
  return lines;
}

bool is_e164(std::string_view number) {
  if (number.size() < 3 || number.size() > 16 || number[0] != '+' || number[1] == '0') {
    return false;
  }
  for (std::size_t i = 1; i < number.size(); ++i) {
    if (number[i] < '0' || number[i] > '9') return false;
  }
  return true;
}

std::variant<phone_map, std::string> parse_phone_map(std::string_view json_text) {
  auto json = nlohmann::json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) return std::string("is not valid JSON");
  if (!json.is_object()) return std::string("must be a JSON object of number -> location id");
  phone_map result;
  for (const auto& [number, location] : json.items()) {
    if (!is_e164(number)) {
      return "'" + number + "' is not an E.164 phone number (like +18084826296)";
    }
    if (!location.is_number_integer() || location.get<long long>() <= 0 ||
        location.get<long long>() > 2147483647) {
      return "location for " + number + " must be a positive integer, got " + location.dump();
    }
    result[number] = location.get<int>();
  }
  return result;
}

}  // namespace salon::config
