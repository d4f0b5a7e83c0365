#include "config/logging.hpp"

#include <fmt/chrono.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <chrono>

#include "config/json_escape.hpp"

namespace salon::config {
namespace {

// One JSON object per line: {"ts":..., "level":..., "logger":..., "thread":..., "msg":...}.
class json_formatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    using namespace std::chrono;
    auto since_epoch = msg.time.time_since_epoch();
    auto millis = duration_cast<milliseconds>(since_epoch).count();
    std::string line = fmt::format(
        R"({{"ts":"{:%Y-%m-%dT%H:%M:%S}.{:03d}Z","level":"{}","logger":"{}","thread":{},"msg":"{}"}})",
        fmt::gmtime(system_clock::to_time_t(msg.time)), static_cast<int>(millis % 1000),
        spdlog::level::to_string_view(msg.level),
        json_escape({msg.logger_name.data(), msg.logger_name.size()}), msg.thread_id,
        json_escape({msg.payload.data(), msg.payload.size()}));
    line.push_back('\n');
    dest.append(line.data(), line.data() + line.size());
  }
  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<json_formatter>();
  }
};

}  // namespace

std::string json_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 8);
  for (char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += fmt::format("\\u{:04x}", static_cast<int>(c));
        } else {
          out.push_back(c);
        }
    }
  }
  return out;
}

void configure_logging(const std::string& level, log_style format) {
  spdlog::drop("salon-phone");
  auto logger = spdlog::stderr_color_mt("salon-phone");
  if (format == log_style::json) {
    logger->set_formatter(std::make_unique<json_formatter>());
  } else {
    logger->set_pattern("%Y-%m-%d %H:%M:%S.%e %^%-5l%$ [%t] %v");
  }
  logger->set_level(spdlog::level::from_str(level));
  logger->flush_on(spdlog::level::warn);
  spdlog::set_default_logger(logger);
}

}  // namespace salon::config
