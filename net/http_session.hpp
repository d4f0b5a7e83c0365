#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "net/api_error.hpp"
#include "net/http_types.hpp"
#include "net/router.hpp"
#include "net/server_state.hpp"
#include "net/session_base.hpp"

namespace salon::net {

// One HTTP/1.1 connection: reads requests one at a time under header and body deadlines, hands
// each to its route's handler and writes the answer; keep-alive; hands the socket over to a
// websocket_session on an accepted upgrade.
class http_session : public session_base, public std::enable_shared_from_this<http_session> {
 public:
  http_session(boost::asio::ip::tcp::socket&& socket, std::shared_ptr<server_state> state);
  ~http_session() override;

  void run();
  void shut_down(shutdown_mode mode) override;

 private:
  enum class phase { awaiting_request, reading, handling, writing, closing };

  void do_await_request();
  void on_first_bytes(boost::beast::error_code ec, std::size_t bytes);
  void do_read_header();
  void on_read_header(boost::beast::error_code ec, std::size_t bytes);
  void do_continue();
  void on_continue(boost::beast::error_code ec, std::size_t bytes);
  void do_read_body();
  void on_read_body(boost::beast::error_code ec, std::size_t bytes);
  void on_read_failed(boost::beast::error_code ec, const char* stage);

  http_request make_request();
  void dispatch();
  void upgrade(const route_match& route);
  void on_response(http_response response);
  void refuse(api_error_kind kind, std::string_view message);  // answers, then closes
  void do_write(http_response response, bool keep_alive);
  void on_write(bool keep_alive, boost::beast::error_code ec, std::size_t bytes);
  void do_linger();
  void on_linger(boost::beast::error_code ec, std::size_t bytes);
  void do_close();

  boost::beast::tcp_stream stream_;
  const boost::asio::any_io_executor executor_;  // the connection's strand
  boost::beast::flat_buffer buffer_;
  std::shared_ptr<server_state> state_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  std::optional<boost::beast::http::response<boost::beast::http::string_body>> response_;
  // Keeps the session alive while a handler holds its responder (no I/O is pending then);
  // dropped on the answer or on a forced shutdown, so responders only ever hold weak pointers.
  std::shared_ptr<http_session> keep_alive_while_handling_;
  std::string remote_address_;
  std::string route_name_;
  std::string method_;
  std::string path_;
  std::chrono::steady_clock::time_point request_started_;
  std::uint64_t registry_id_ = 0;
  std::size_t lingered_bytes_ = 0;
  phase phase_ = phase::awaiting_request;
  bool first_request_ = true;
  bool close_after_response_ = false;
  bool head_request_ = false;
  bool request_keep_alive_ = false;
  bool upgraded_ = false;
};

}  // namespace salon::net
