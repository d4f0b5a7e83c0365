#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace salon::config {

enum class log_style { text, json };

// Twilio number (E.164) -> location id, from PHONE_TO_LOCATION_MAP.
using phone_map = std::map<std::string, int>;

// Every setting of the server, typed. Filled from the environment, then from command-line flags.
struct settings {
  std::string database_url;
  std::uint16_t port = 8080;
  std::string bind_address = "0.0.0.0";
  std::string public_base_url;
  std::string twilio_auth_token;
  std::string admin_api_key;
  phone_map phone_to_location;
  std::optional<int> default_location_id;
  std::string default_timezone = "America/New_York";
  std::string log_level = "info";
  log_style log_format = log_style::text;
  int io_threads = 2;
  int actor_threads = 2;
  int db_pool_size = 4;
  int max_concurrent_calls = 10000;
  std::string spool_dir = ".spool";
  std::size_t max_body_bytes = 64 * 1024;
  bool scrape_allow_private = false;
  // Folder of the dashboard page's files; empty: the web/ folder of the source tree built from.
  std::string web_dir;
  // SCHED_RR priority of the server's threads (1..99); 0 leaves them to the normal scheduler.
  int realtime_priority = 0;
};

}  // namespace salon::config
