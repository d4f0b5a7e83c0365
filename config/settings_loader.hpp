#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "config/settings.hpp"

namespace salon::config {

// Why start-up stopped: names the variable (or flag) and what is wrong with it.
struct settings_error {
  std::string name;
  std::string message;
  std::string to_string() const { return name + ": " + message; }
};

// Looks up an environment variable; empty optional when unset.
using environment = std::function<std::optional<std::string>(std::string_view)>;

environment process_environment();

// Reads every setting from `env`, then applies `--flag value` / `--flag=value` arguments, which
// win. Arguments that are not flags of a setting are an error.
std::variant<settings, settings_error> load_settings(const environment& env,
                                                     const std::vector<std::string>& args);

// The settings table for `--help` and the README: flag, variable, default, meaning.
std::string settings_help();

// One line per setting for the start-up log, with secrets redacted.
std::vector<std::string> describe_settings(const settings& s);

// Pure parsers, exposed for tests and for the shop setup endpoint.
std::variant<phone_map, std::string> parse_phone_map(std::string_view json);
bool is_e164(std::string_view number);

}  // namespace salon::config
