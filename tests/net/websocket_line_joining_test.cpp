// Joining queued messages into lines over a real loopback socket: a handler that allows it
// (the /ops feed) gets what queued behind a write as one message with a line each, every message
// once and in order; a handler that does not (the Twilio relay) always gets one frame each.

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "net/http_server.hpp"
#include "net/websocket_handler.hpp"
#include "tests/net/server_test_support.hpp"

namespace salon::net {
namespace {

using namespace testing;

constexpr int burst = 20000;
constexpr std::size_t padding = 200;  // 4 MB in all: more than the loopback buffers take at once

std::string numbered(int i) {
  return "{\"n\":" + std::to_string(i) + ",\"pad\":\"" + std::string(padding, 'x') + "\"}";
}

// On open, sends `burst` numbered messages at once, before the client reads any.
class burst_handler : public websocket_handler {
 public:
  burst_handler(session_log& log, bool joins) : log_{log}, joins_{joins} {}
  void on_open(websocket_sender sender) override {
    for (int i = 0; i < burst; ++i) sender.send_text(numbered(i));
    log_.opened(std::move(sender));
  }
  void on_text(std::string) override {}
  void on_close(const websocket_close& close) override { log_.closed(close); }
  bool joins_queued_lines() const override { return joins_; }

 private:
  session_log& log_;
  const bool joins_;
};

struct received {
  int messages = 0;
  std::vector<std::string> lines;
};

received read_burst(bool joins) {
  auto options = loopback_options();
  options.websocket.max_queued_messages = burst + 1;
  options.websocket.max_queued_bytes = 64u * 1024 * 1024;
  http_server server(options);
  session_log log;
  server.routes().add_websocket("/burst", "burst",
                                [&log, joins](const http_request&) -> websocket_upgrade {
                                  return std::make_shared<burst_handler>(log, joins);
                                });
  received got;
  if (server.start()) return got;
  websocket_test_client client;
  if (client.connect(server.port(), "/burst")) return got;
  std::string message;
  while (static_cast<int>(got.lines.size()) < burst && !client.read(message)) {
    ++got.messages;
    std::size_t start = 0;
    for (auto end = message.find('\n'); end != std::string::npos; end = message.find('\n', start)) {
      got.lines.push_back(message.substr(start, end - start));
      start = end + 1;
    }
    got.lines.push_back(message.substr(start));
  }
  server.stop();
  return got;
}

TEST(websocket_line_joining, a_feed_that_falls_behind_gets_every_message_once_in_order) {
  const auto got = read_burst(true);
  ASSERT_EQ(got.lines.size(), static_cast<std::size_t>(burst));
  for (int i = 0; i < burst; ++i) ASSERT_EQ(got.lines[i], numbered(i)) << "line " << i;
  EXPECT_LT(got.messages, burst / 10) << "what queued went out joined";
}

TEST(websocket_line_joining, a_handler_that_does_not_allow_it_gets_one_frame_per_message) {
  const auto got = read_burst(false);
  ASSERT_EQ(got.lines.size(), static_cast<std::size_t>(burst));
  EXPECT_EQ(got.messages, burst);
  for (int i = 0; i < burst; ++i) ASSERT_EQ(got.lines[i], numbered(i)) << "line " << i;
}

}  // namespace
}  // namespace salon::net
