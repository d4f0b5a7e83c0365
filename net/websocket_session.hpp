#pragma once

#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "net/server_state.hpp"
#include "net/session_base.hpp"
#include "net/websocket_handler.hpp"
#include "net/websocket_sender.hpp"

namespace salon::net {

// One accepted WebSocket: reads text messages into its handler and writes what senders queue,
// one write in flight, behind a bounded queue (a client that reads too slowly is dropped).
// Senders on other threads put messages into an inbox that the strand drains; a drain is posted
// only when the inbox was empty, so a busy feed costs one post per batch, not per message.
class websocket_session : public session_base,
                          public websocket_channel,
                          public std::enable_shared_from_this<websocket_session> {
 public:
  websocket_session(boost::asio::ip::tcp::socket&& socket, std::shared_ptr<server_state> state,
                    std::string route_name, std::shared_ptr<websocket_handler> handler);
  ~websocket_session() override;

  // Completes the handshake of an upgrade request that the route has accepted.
  void run(boost::beast::http::request<boost::beast::http::string_body> upgrade);

  // Thread-safe.
  send_result send_text(std::shared_ptr<const std::string> payload) override;
  send_result send_droppable(std::shared_ptr<const std::string> payload) override;
  void discard_unsent() override;
  void close(std::uint16_t code, std::string reason) override;
  void shut_down(shutdown_mode mode) override;

 private:
  void on_accept(boost::beast::error_code ec);
  void do_read();
  void on_read(boost::beast::error_code ec, std::size_t bytes);
  struct outgoing {
    std::shared_ptr<const std::string> payload;
    bool droppable = false;
    // A discard_unsent() in the inbox, in order among the messages; carries no payload.
    bool discard = false;
    // What the queue counts for this entry: one message, or all the lines joined into it.
    std::size_t counted_messages = 1;
    std::size_t counted_bytes = 0;
  };

  send_result queue_for_sending(outgoing message);
  void put_in_inbox(outgoing item);
  void drain_inbox();
  void enqueue(outgoing message);
  void join_queued_lines();
  void drop_unsent();
  void do_write();
  void on_write(boost::beast::error_code ec, std::size_t bytes);
  void begin_close(std::uint16_t code, std::string reason, websocket_close_cause cause,
                   bool after_queue);
  void do_close();
  void on_close(boost::beast::error_code ec);
  void finish(boost::beast::error_code ec);
  void drop_queue();
  void release(const outgoing& message) noexcept;

  boost::beast::websocket::stream<boost::beast::tcp_stream> ws_;
  const boost::asio::any_io_executor executor_;  // the connection's strand
  boost::beast::flat_buffer buffer_;
  std::shared_ptr<server_state> state_;
  const std::string route_name_;
  std::shared_ptr<websocket_handler> handler_;
  std::deque<outgoing> queue_;  // front is in flight while writing_
  std::mutex inbox_mutex_;
  std::vector<outgoing> inbox_;     // guarded by inbox_mutex_
  bool drain_posted_ = false;       // guarded by inbox_mutex_
  std::vector<outgoing> draining_;  // the strand's: what the last drain took from the inbox
  std::shared_ptr<std::string> join_buffer_;
  bool joins_lines_ = false;
  // Counted at send_text() time on the caller's thread, so the cap holds before the strand runs.
  std::atomic<std::size_t> queued_messages_{0};
  std::atomic<std::size_t> queued_bytes_{0};
  std::atomic<bool> closing_{false};
  boost::beast::websocket::close_reason close_reason_;
  websocket_close_cause close_cause_ = websocket_close_cause::connection_lost;
  std::uint64_t registry_id_ = 0;
  bool opened_ = false;
  bool writing_ = false;
  bool close_started_ = false;
  bool close_after_queue_ = false;
  bool close_sent_ = false;
  bool finished_ = false;
};

}  // namespace salon::net
