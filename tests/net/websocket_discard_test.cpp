// Droppable messages over a real loopback socket: what still waits for the socket when
// discard_unsent() comes is never written; what was written, and what is not droppable, is.

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "net/http_server.hpp"
#include "net/websocket_handler.hpp"
#include "tests/net/server_test_support.hpp"

namespace salon::net {
namespace {

using namespace testing;

constexpr int reply_pieces = 200;
constexpr std::size_t piece_bytes = 256 * 1024;  // 50 MiB in all: more than loopback buffers hold

// On open, queues a long reply of droppable pieces and then a message that must arrive ("keep");
// "interrupt" discards what is unsent and answers "after".
class long_reply_handler : public websocket_handler {
 public:
  explicit long_reply_handler(session_log& log) : log_{log} {}
  void on_open(websocket_sender sender) override {
    sender_ = sender;
    auto piece = std::make_shared<const std::string>(piece_bytes, 'x');
    for (int i = 0; i < reply_pieces; ++i) sender_.send_droppable(piece);
    sender_.send_text("keep");
    log_.opened(std::move(sender));
  }
  void on_text(std::string message) override {
    if (message != "interrupt") return;
    sender_.discard_unsent();
    sender_.send_text("after");
  }
  void on_close(const websocket_close& close) override { log_.closed(close); }

 private:
  session_log& log_;
  websocket_sender sender_;
};

TEST(websocket_discard, an_interrupt_drops_the_unsent_pieces_and_keeps_the_rest_in_order) {
  auto options = loopback_options();
  options.websocket.max_queued_messages = 1000;
  options.websocket.max_queued_bytes = 512u * 1024 * 1024;
  http_server server(options);
  session_log log;
  server.routes().add_websocket("/reply", "reply",
                                [&log](const http_request&) -> websocket_upgrade {
                                  return std::make_shared<long_reply_handler>(log);
                                });
  ASSERT_FALSE(server.start());

  websocket_test_client client;
  ASSERT_FALSE(client.connect(server.port(), "/reply"));
  ASSERT_TRUE(log.wait_for_opens(1));
  // Nothing read yet: the socket is full and most pieces still wait in the session's queue.
  ASSERT_FALSE(client.write("interrupt"));

  int pieces = 0;
  std::vector<std::string> others;
  std::string message;
  while (others.size() < 2 && !client.read(message)) {
    if (message.size() == piece_bytes) {
      EXPECT_TRUE(others.empty()) << "a piece after " << others.back();
      ++pieces;
    } else {
      others.push_back(message);
    }
  }
  EXPECT_EQ(others, (std::vector<std::string>{"keep", "after"}));
  EXPECT_GT(pieces, 0) << "the piece in flight is finished";
  EXPECT_LT(pieces, reply_pieces) << "the unsent pieces were dropped";
  server.stop();
}

}  // namespace
}  // namespace salon::net
