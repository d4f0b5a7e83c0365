// `salon-phone call`: a simulated caller that plays Twilio against a running server (signed
// webhook, relay WebSocket, action and status callbacks) and prints the conversation.

#include <fmt/format.h>
#include <unistd.h>

#include <charconv>
#include <condition_variable>
#include <cstdio>
#include <iostream>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <variant>
#include <vector>

#include "app/commands.hpp"
#include "config/settings_loader.hpp"
#include "net/twilio_caller.hpp"

namespace salon::app {
namespace {

constexpr std::string_view call_usage =
    R"(usage: salon-phone call --to NUMBER [--from NUMBER] [--say "words" ...] [--press DIGITS ...]
                         [--url http://127.0.0.1:8080] [--public-base-url URL]
                         [--twilio-auth-token TOKEN] [--think-ms N] [--reply-timeout-ms N]

Plays Twilio against a running server: the signed /voice webhook, the ConversationRelay
WebSocket, the <Connect action> callback and the final status callback; prints the conversation.
--say and --press run in the order given, then the caller hangs up. Without them the call is
interactive: type what the caller says, "press 1" to press keys, Ctrl-D to hang up.

--think-ms is the pause before each scripted line, as a caller listening (default 800; 0 when
interactive).
--url is where the server listens (default http://127.0.0.1:$PORT, PORT defaulting to 8080).
URLs are signed the way the server checks them: with TWILIO_AUTH_TOKEN over PUBLIC_BASE_URL
(when set; else over --url). The flags override those variables.
)";

struct call_options {
  net::twilio_target target;
  net::call_plan plan;
  bool interactive = true;
  bool think_given = false;
};

// A scripted caller pauses as a person listening would, so the confirmation that follows
// "booking that now" (the shop's answer, a few ms later) is heard before the next line.
constexpr std::chrono::milliseconds scripted_think_time{800};

std::optional<int> milliseconds_flag(const std::string& text) {
  int value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || value < 0) return std::nullopt;
  return value;
}

// http://host[:port] -> host and port; the simulated Twilio speaks plain HTTP to the server.
std::optional<std::string> set_server_url(net::twilio_target& target, const std::string& url) {
  constexpr std::string_view scheme = "http://";
  if (url.rfind(scheme, 0) != 0) return "--url must be http://host[:port], got '" + url + "'";
  auto rest = url.substr(scheme.size());
  rest = rest.substr(0, rest.find('/'));
  auto colon = rest.rfind(':');
  target.host = rest.substr(0, colon);
  target.port = 80;
  if (colon != std::string::npos) {
    int port = 0;
    auto digits = rest.substr(colon + 1);
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
    if (ec != std::errc{} || end != digits.data() + digits.size() || port <= 0 || port > 65535) {
      return "--url has a bad port: '" + url + "'";
    }
    target.port = static_cast<std::uint16_t>(port);
  }
  if (target.host.empty()) return "--url has no host: '" + url + "'";
  return std::nullopt;
}

std::variant<call_options, std::string> read_options(const std::vector<std::string>& args) {
  auto env = config::process_environment();
  call_options options;
  options.target.auth_token = env("TWILIO_AUTH_TOKEN").value_or("");
  options.target.public_base_url = env("PUBLIC_BASE_URL").value_or("");
  std::string url = "http://127.0.0.1:" + env("PORT").value_or("8080");
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string flag = args[i];
    std::string value;
    if (auto equals = flag.find('='); equals != std::string::npos) {
      value = flag.substr(equals + 1);
      flag.resize(equals);
    } else if (i + 1 < args.size()) {
      value = args[++i];
    } else {
      return flag + " needs a value";
    }
    if (flag == "--to") {
      options.plan.to = value;
    } else if (flag == "--from") {
      options.plan.from = value;
    } else if (flag == "--say") {
      options.plan.actions.push_back(net::caller_action::say(value));
    } else if (flag == "--press") {
      if (value.empty() || value.find_first_not_of("0123456789*#") != std::string::npos) {
        return "--press takes digits, * and #, got '" + value + "'";
      }
      options.plan.actions.push_back(net::caller_action::press(value));
    } else if (flag == "--url") {
      url = value;
    } else if (flag == "--public-base-url") {
      options.target.public_base_url = value;
    } else if (flag == "--twilio-auth-token") {
      options.target.auth_token = value;
    } else if (flag == "--think-ms") {
      auto ms = milliseconds_flag(value);
      if (!ms) return "--think-ms takes a number of milliseconds, got '" + value + "'";
      options.plan.think_time = std::chrono::milliseconds(*ms);
      options.think_given = true;
    } else if (flag == "--reply-timeout-ms") {
      auto ms = milliseconds_flag(value);
      if (!ms || *ms == 0) return "--reply-timeout-ms takes a number of milliseconds";
      options.target.reply_timeout = std::chrono::milliseconds(*ms);
    } else {
      return "unknown flag " + flag + " (see salon-phone call --help)";
    }
  }
  if (options.plan.to.empty()) return std::string("--to is required: the salon's number");
  if (auto error = set_server_url(options.target, url)) return *error;
  while (!options.target.public_base_url.empty() && options.target.public_base_url.back() == '/') {
    options.target.public_base_url.pop_back();
  }
  options.interactive = options.plan.actions.empty();
  if (!options.think_given && !options.interactive) options.plan.think_time = scripted_think_time;
  return options;
}

void print_event(const net::call_event& event, bool interactive) {
  using kind = net::call_event_kind;
  switch (event.kind) {
    case kind::answered:
      fmt::print("receptionist: {}\n", event.text);
      break;
    case kind::relay_open:
      break;
    case kind::caller_said:
      if (!interactive) fmt::print("caller: {}\n", event.text);
      break;
    case kind::caller_pressed:
      if (!interactive) fmt::print("caller: (presses {})\n", event.text);
      break;
    case kind::receptionist_said:
      fmt::print("receptionist: {}\n", event.text);
      break;
    case kind::session_ended:
      fmt::print("[the receptionist ended the session{}{}]\n", event.text.empty() ? "" : ": ",
                 event.text);
      break;
    case kind::after_relay:
      fmt::print("[Twilio then does: {}]\n", event.text);
      break;
    case kind::hung_up:
      fmt::print("[call over: {}]\n", event.text);
      break;
  }
  std::fflush(stdout);
}

// Hands the caller's next line from the terminal (main thread) to the call (I/O thread).
class terminal_caller {
 public:
  using answer_function = std::function<void(std::optional<net::caller_action>)>;

  // On the I/O thread: the line is free, the caller may speak.
  void ask(answer_function answer) {
    std::lock_guard lock{mutex_};
    pending_ = std::move(answer);
    changed_.notify_all();
  }
  void call_over() {
    std::lock_guard lock{mutex_};
    over_ = true;
    changed_.notify_all();
  }

  // On the main thread, until the call is over.
  void run() {
    bool prompt = isatty(STDIN_FILENO) != 0;
    while (true) {
      answer_function answer;
      {
        std::unique_lock lock{mutex_};
        changed_.wait(lock, [&] { return over_ || pending_; });
        if (over_) return;
        answer = std::move(pending_);
        pending_ = nullptr;
      }
      answer(read_action(prompt));
    }
  }

 private:
  static std::optional<net::caller_action> read_action(bool prompt) {
    std::string line;
    while (true) {
      if (prompt) {
        fmt::print("caller> ");
        std::fflush(stdout);
      }
      if (!std::getline(std::cin, line)) return std::nullopt;
      if (line.find_first_not_of(" \t") == std::string::npos) continue;
      constexpr std::string_view press = "press ";
      if (line.rfind(press, 0) == 0) {
        auto digits = line.substr(press.size());
        if (!digits.empty() && digits.find_first_not_of("0123456789*#") == std::string::npos) {
          return net::caller_action::press(digits);
        }
      }
      return net::caller_action::say(line);
    }
  }

  std::mutex mutex_;
  std::condition_variable changed_;
  answer_function pending_;
  bool over_ = false;
};

}  // namespace

int call(const std::vector<std::string>& args) {
  for (const auto& arg : args) {
    if (arg == "--help" || arg == "-h") {
      fmt::print("{}", call_usage);
      return 0;
    }
  }
  auto read = read_options(args);
  if (auto* error = std::get_if<std::string>(&read)) {
    fmt::print(stderr, "salon-phone call: {}\n", *error);
    return 2;
  }
  auto options = std::get<call_options>(std::move(read));
  bool interactive = options.interactive;
  options.plan.observe = [interactive](const net::call_event& event) {
    print_event(event, interactive);
  };
  terminal_caller terminal;
  if (interactive) {
    options.plan.next_action = [&terminal](terminal_caller::answer_function answer) {
      terminal.ask(std::move(answer));
    };
  }

  fmt::print("calling {} from {} through {}:{}{}\n", options.plan.to, options.plan.from,
             options.target.host, options.target.port,
             options.target.auth_token.empty() ? " (unsigned: TWILIO_AUTH_TOKEN is not set)" : "");
  net::call_report report;
  std::thread line{[&] {
    report = net::run_call(options.target, options.plan);
    terminal.call_over();
  }};
  if (interactive) terminal.run();
  line.join();

  for (const auto& problem : report.problems) fmt::print(stderr, "problem: {}\n", problem);
  return report.ok() ? 0 : 1;
}

}  // namespace salon::app
