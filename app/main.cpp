// salon-phone: an AI receptionist for hair salons. `salon-phone --help` lists commands and
// settings.

#include <fmt/format.h>

#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "app/commands.hpp"
#include "config/logging.hpp"
#include "config/settings_loader.hpp"

namespace {

constexpr std::string_view usage = R"(usage: salon-phone <command> [--flag value ...]

commands:
  serve       run the server (HTTP API, Twilio webhooks, ConversationRelay)
  migrate     apply database migrations that are missing (safe to run twice, or concurrently)
  seed-demo   add or refresh the demo salon (location 1, Studio Nine Hair & Color)
  call        play a caller against a running server (salon-phone call --help)
  help        this text

Every setting is read from the environment variable, then from the flag, which wins:
)";

void print_help() {
  fmt::print("{}{}", usage, salon::config::settings_help());
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "help" || args[0] == "--help" || args[0] == "-h") {
    print_help();
    return args.empty() ? 2 : 0;
  }
  std::string command = args[0];
  args.erase(args.begin());
  if (command == "call") return salon::app::call(args);
  for (const auto& arg : args) {
    if (arg == "--help" || arg == "-h") {
      print_help();
      return 0;
    }
  }
  auto loaded = salon::config::load_settings(salon::config::process_environment(), args);
  if (auto* error = std::get_if<salon::config::settings_error>(&loaded)) {
    fmt::print(stderr, "salon-phone: {}\n", error->to_string());
    return 2;
  }
  const auto& settings = std::get<salon::config::settings>(loaded);
  salon::config::configure_logging(settings.log_level, settings.log_format);
  if (command == "serve") return salon::app::serve(settings);
  if (command == "migrate") return salon::app::migrate(settings);
  if (command == "seed-demo") return salon::app::seed_demo(settings);
  fmt::print(stderr, "salon-phone: unknown command '{}' (see salon-phone --help)\n", command);
  return 2;
}
