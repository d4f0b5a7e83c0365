#include "config/settings_loader.hpp"

#include <gtest/gtest.h>

#include <map>

namespace salon::config {
namespace {

environment fake_environment(std::map<std::string, std::string> values) {
  return [values = std::move(values)](std::string_view name) -> std::optional<std::string> {
    auto it = values.find(std::string(name));
    if (it == values.end()) return std::nullopt;
    return it->second;
  };
}

settings load_ok(std::map<std::string, std::string> env, std::vector<std::string> args = {}) {
  auto result = load_settings(fake_environment(std::move(env)), args);
  if (auto* error = std::get_if<settings_error>(&result)) {
    ADD_FAILURE() << error->to_string();
    return {};
  }
  return std::get<settings>(result);
}

settings_error load_error(std::map<std::string, std::string> env,
                          std::vector<std::string> args = {}) {
  auto result = load_settings(fake_environment(std::move(env)), args);
  if (std::holds_alternative<settings>(result)) {
    ADD_FAILURE() << "expected an error";
    return {};
  }
  return std::get<settings_error>(result);
}

TEST(settings_loader, defaults_without_environment) {
  auto s = load_ok({});
  EXPECT_EQ(s.port, 8080);
  EXPECT_EQ(s.bind_address, "0.0.0.0");
  EXPECT_TRUE(s.phone_to_location.empty());
  EXPECT_FALSE(s.default_location_id);
  EXPECT_EQ(s.log_format, log_style::text);
  EXPECT_EQ(s.max_body_bytes, 64u * 1024u);
  EXPECT_EQ(s.realtime_priority, 0) << "normal scheduling unless asked";
}

TEST(settings_loader, reads_every_variable) {
  auto s = load_ok({{"DATABASE_URL", "postgresql://u@h/db"},
                    {"PORT", "9090"},
                    {"BIND_ADDRESS", "127.0.0.1"},
                    {"PUBLIC_BASE_URL", "https://salon.example.com/"},
                    {"TWILIO_AUTH_TOKEN", "tok"},
                    {"ADMIN_API_KEY", "key"},
                    {"PHONE_TO_LOCATION_MAP", R"({"+18084826296": 1, "+1234567890": 2})"},
                    {"DEFAULT_LOCATION_ID", "1"},
                    {"DEFAULT_TIMEZONE", "Pacific/Honolulu"},
                    {"LOG_LEVEL", "debug"},
                    {"LOG_FORMAT", "json"},
                    {"IO_THREADS", "3"},
                    {"ACTOR_THREADS", "4"},
                    {"DB_POOL_SIZE", "5"},
                    {"MAX_CONCURRENT_CALLS", "42"},
                    {"SPOOL_DIR", "/tmp/spool"},
                    {"SCRAPE_ALLOW_PRIVATE", "true"},
                    {"REALTIME_PRIORITY", "10"},
                    {"WEB_DIR", "/srv/salon/web"}});
  EXPECT_EQ(s.database_url, "postgresql://u@h/db");
  EXPECT_EQ(s.port, 9090);
  EXPECT_EQ(s.bind_address, "127.0.0.1");
  EXPECT_EQ(s.public_base_url, "https://salon.example.com") << "trailing slash dropped";
  EXPECT_EQ(s.twilio_auth_token, "tok");
  EXPECT_EQ(s.admin_api_key, "key");
  ASSERT_EQ(s.phone_to_location.size(), 2u);
  EXPECT_EQ(s.phone_to_location.at("+18084826296"), 1);
  EXPECT_EQ(s.phone_to_location.at("+1234567890"), 2);
  EXPECT_EQ(s.default_location_id, 1);
  EXPECT_EQ(s.default_timezone, "Pacific/Honolulu");
  EXPECT_EQ(s.log_level, "debug");
  EXPECT_EQ(s.log_format, log_style::json);
  EXPECT_EQ(s.io_threads, 3);
  EXPECT_EQ(s.actor_threads, 4);
  EXPECT_EQ(s.db_pool_size, 5);
  EXPECT_EQ(s.max_concurrent_calls, 42);
  EXPECT_EQ(s.spool_dir, "/tmp/spool");
  EXPECT_TRUE(s.scrape_allow_private);
  EXPECT_EQ(s.realtime_priority, 10);
  EXPECT_EQ(s.web_dir, "/srv/salon/web");
}

TEST(settings_loader, flags_override_environment) {
  auto s = load_ok({{"PORT", "9090"}}, {"--port", "9000", "--log-level=warn"});
  EXPECT_EQ(s.port, 9000);
  EXPECT_EQ(s.log_level, "warn");
}

struct bad_case {
  std::string variable;
  std::string value;
  std::string expected_fragment;
};

class bad_value : public ::testing::TestWithParam<bad_case> {};

TEST_P(bad_value, names_the_variable_and_the_problem) {
  const auto& c = GetParam();
  auto error = load_error({{c.variable, c.value}});
  EXPECT_EQ(error.name, c.variable);
  EXPECT_NE(error.message.find(c.expected_fragment), std::string::npos) << error.message;
}

INSTANTIATE_TEST_SUITE_P(
    every_kind, bad_value,
    ::testing::Values(
        bad_case{"PORT", "eighty", "port number"}, bad_case{"PORT", "70000", "port number"},
        bad_case{"PORT", "-1", "port number"},
        bad_case{"PHONE_TO_LOCATION_MAP", "{not json", "not valid JSON"},
        bad_case{"PHONE_TO_LOCATION_MAP", "[1,2]", "JSON object"},
        bad_case{"PHONE_TO_LOCATION_MAP", R"({"8084826296": 1})", "E.164"},
        bad_case{"PHONE_TO_LOCATION_MAP", R"({"+1808abc": 1})", "E.164"},
        bad_case{"PHONE_TO_LOCATION_MAP", R"({"+18084826296": 0})", "positive integer"},
        bad_case{"PHONE_TO_LOCATION_MAP", R"({"+18084826296": "1"})", "positive integer"},
        bad_case{"PHONE_TO_LOCATION_MAP", R"({"+18084826296": 1.5})", "positive integer"},
        bad_case{"DEFAULT_LOCATION_ID", "-3", "positive integer"},
        bad_case{"DEFAULT_LOCATION_ID", "one", "positive integer"},
        bad_case{"DEFAULT_TIMEZONE", "Mars/Olympus", "IANA time zone"},
        bad_case{"LOG_LEVEL", "loud", "must be one of"},
        bad_case{"LOG_FORMAT", "xml", "text or json"},
        bad_case{"IO_THREADS", "0", "integer from 1"},
        bad_case{"DB_POOL_SIZE", "many", "integer from 1"},
        bad_case{"MAX_CONCURRENT_CALLS", "0", "integer from 1"},
        bad_case{"PUBLIC_BASE_URL", "salon.example.com", "http(s) origin"},
        bad_case{"MAX_BODY_BYTES", "10", "byte count"},
        bad_case{"SCRAPE_ALLOW_PRIVATE", "maybe", "true or false"},
        bad_case{"REALTIME_PRIORITY", "100", "integer from 0 to 99"},
        bad_case{"REALTIME_PRIORITY", "-1", "integer from 0 to 99"},
        bad_case{"REALTIME_PRIORITY", "high", "integer from 0 to 99"}));

TEST(settings_loader, unknown_flag_is_an_error) {
  auto error = load_error({}, {"--colour", "red"});
  EXPECT_EQ(error.name, "--colour");
  EXPECT_NE(error.message.find("unknown flag"), std::string::npos);
}

TEST(settings_loader, flag_without_value_is_an_error) {
  auto error = load_error({}, {"--port"});
  EXPECT_EQ(error.name, "--port");
  EXPECT_NE(error.message.find("needs a value"), std::string::npos);
}

TEST(settings_loader, bad_flag_value_names_the_flag) {
  auto error = load_error({}, {"--port=abc"});
  EXPECT_EQ(error.name, "--port");
}

TEST(settings_loader, help_lists_every_variable) {
  auto help = settings_help();
  for (const char* name : {"DATABASE_URL",
                           "PORT",
                           "BIND_ADDRESS",
                           "PUBLIC_BASE_URL",
                           "TWILIO_AUTH_TOKEN",
                           "ADMIN_API_KEY",
                           "PHONE_TO_LOCATION_MAP",
                           "DEFAULT_LOCATION_ID",
                           "DEFAULT_TIMEZONE",
                           "LOG_LEVEL",
                           "LOG_FORMAT",
                           "IO_THREADS",
                           "ACTOR_THREADS",
                           "DB_POOL_SIZE",
                           "MAX_CONCURRENT_CALLS",
                           "SPOOL_DIR",
                           "REALTIME_PRIORITY",
                           "MAX_BODY_BYTES",
                           "SCRAPE_ALLOW_PRIVATE",
                           "WEB_DIR"}) {
    EXPECT_NE(help.find(name), std::string::npos) << name;
  }
}

TEST(settings_loader, description_redacts_secrets) {
  auto s = load_ok({{"DATABASE_URL", "postgresql://user:hunter2@db/x"},
                    {"TWILIO_AUTH_TOKEN", "secret-token"},
                    {"ADMIN_API_KEY", "secret-key"}});
  for (const auto& line : describe_settings(s)) {
    EXPECT_EQ(line.find("hunter2"), std::string::npos) << line;
    EXPECT_EQ(line.find("secret-token"), std::string::npos) << line;
    EXPECT_EQ(line.find("secret-key"), std::string::npos) << line;
  }
}

TEST(phone_numbers, e164_rules) {
  EXPECT_TRUE(is_e164("+18084826296"));
  EXPECT_TRUE(is_e164("+442071838750"));
  EXPECT_FALSE(is_e164("18084826296"));
  EXPECT_FALSE(is_e164("+0123"));
  EXPECT_FALSE(is_e164("+1 808 482 6296"));
  EXPECT_FALSE(is_e164("+12345678901234567"));
  EXPECT_FALSE(is_e164(""));
  EXPECT_FALSE(is_e164("+"));
}

TEST(phone_numbers, empty_object_is_an_empty_map) {
  auto parsed = parse_phone_map("{}");
  ASSERT_TRUE(std::holds_alternative<phone_map>(parsed));
  EXPECT_TRUE(std::get<phone_map>(parsed).empty());
}

}  // namespace
}  // namespace salon::config
