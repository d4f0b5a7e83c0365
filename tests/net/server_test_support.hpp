#pragma once

// Small blocking clients for the server tests: a Beast HTTP client, raw bytes for malformed
// input, and a Beast WebSocket client. Every operation has a guard deadline so a broken server
// fails a test instead of hanging it.

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <vector>

#include "net/http_server.hpp"
#include "net/websocket_handler.hpp"

namespace salon::net::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

constexpr auto guard_deadline = 10s;

inline http_server_options loopback_options() {
  http_server_options options;
  options.bind_address = "127.0.0.1";
  options.port = 0;
  options.io_threads = 2;
  options.shutdown_timeout = 3s;
  return options;
}

// Runs one asynchronous operation to completion on a private io_context.
template <class Initiate>
beast::error_code await(asio::io_context& io, Initiate&& initiate) {
  beast::error_code result = asio::error::would_block;
  initiate([&result](beast::error_code ec, auto&&...) { result = ec; });
  io.restart();
  io.run();
  return result;
}

class http_test_client {
 public:
  explicit http_test_client(std::uint16_t port) : stream_{io_} {
    stream_.expires_after(guard_deadline);
    connect_error_ = await(io_, [&](auto handler) {
      stream_.async_connect(tcp::endpoint{asio::ip::make_address("127.0.0.1"), port}, handler);
    });
  }

  beast::error_code connect_error() const { return connect_error_; }

  beast::error_code send(http::request<http::string_body> request) {
    request.prepare_payload();
    stream_.expires_after(guard_deadline);
    return await(io_, [&](auto handler) { http::async_write(stream_, request, handler); });
  }

  beast::error_code receive(http::response<http::string_body>& response) {
    stream_.expires_after(guard_deadline);
    http::response_parser<http::string_body> parser;
    parser.body_limit(16 * 1024 * 1024);
    auto ec =
        await(io_, [&](auto handler) { http::async_read(stream_, buffer_, parser, handler); });
    response = parser.release();
    return ec;
  }

  // One request and its response; `error` tells what failed, if anything.
  http::response<http::string_body> exchange(http::verb method, std::string target,
                                             std::string body = {},
                                             beast::error_code* error = nullptr) {
    http::request<http::string_body> request{method, target, 11};
    request.set(http::field::host, "127.0.0.1");
    request.body() = std::move(body);
    http::response<http::string_body> response;
    auto ec = send(std::move(request));
    if (!ec) ec = receive(response);
    if (error) *error = ec;
    return response;
  }

  beast::error_code write_raw(std::string_view bytes) {
    stream_.expires_after(guard_deadline);
    return await(io_, [&](auto handler) {
      asio::async_write(stream_, asio::buffer(bytes.data(), bytes.size()), handler);
    });
  }

  // Reads (and discards) until the server closes the connection: true when it did, false when
  // the guard deadline passed first.
  bool wait_for_close() {
    stream_.expires_after(guard_deadline);
    while (true) {
      beast::error_code ec = asio::error::would_block;
      stream_.async_read_some(asio::buffer(scratch_),
                              [&](beast::error_code e, std::size_t) { ec = e; });
      io_.restart();
      io_.run();
      if (ec == beast::error::timeout) return false;
      if (ec) return true;
    }
  }

 private:
  asio::io_context io_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::array<char, 4096> scratch_{};
  beast::error_code connect_error_;
};

class websocket_test_client {
 public:
  // No websocket timeouts here: their timer would keep io_.run() busy after each operation.
  // The TCP layer's deadline, set before every operation, is the guard instead.
  websocket_test_client() : ws_{io_} {}

  // On a declined upgrade, `refusal` holds the server's HTTP answer.
  beast::error_code connect(std::uint16_t port, const std::string& target) {
    auto& tcp_layer = beast::get_lowest_layer(ws_);
    tcp_layer.expires_after(guard_deadline);
    auto ec = await(io_, [&](auto handler) {
      tcp_layer.async_connect(tcp::endpoint{asio::ip::make_address("127.0.0.1"), port}, handler);
    });
    if (ec) return ec;
    tcp_layer.expires_never();
    return await(io_,
                 [&](auto handler) { ws_.async_handshake(refusal, "127.0.0.1", target, handler); });
  }

  beast::error_code write(const std::string& text, bool binary = false) {
    ws_.binary(binary);
    beast::get_lowest_layer(ws_).expires_after(guard_deadline);
    return await(io_, [&](auto handler) { ws_.async_write(asio::buffer(text), handler); });
  }

  beast::error_code read(std::string& text) {
    buffer_.clear();
    beast::get_lowest_layer(ws_).expires_after(guard_deadline);
    auto ec = await(io_, [&](auto handler) { ws_.async_read(buffer_, handler); });
    text = beast::buffers_to_string(buffer_.data());
    return ec;
  }

  // Reads until the session ends; returns the messages received before it did.
  std::vector<std::string> read_until_closed(beast::error_code& ended_with) {
    std::vector<std::string> messages;
    std::string text;
    while (!(ended_with = read(text))) messages.push_back(text);
    return messages;
  }

  beast::error_code close(std::uint16_t code = websocket::close_code::normal) {
    beast::get_lowest_layer(ws_).expires_after(guard_deadline);
    return await(io_, [&](auto handler) {
      ws_.async_close(websocket::close_reason{static_cast<websocket::close_code>(code)}, handler);
    });
  }

  const websocket::close_reason& reason() const { return ws_.reason(); }

  websocket::response_type refusal;

 private:
  asio::io_context io_;
  websocket::stream<beast::tcp_stream> ws_;
  beast::flat_buffer buffer_;
};

// What the server told handlers, for the test thread to wait on.
class session_log {
 public:
  void opened(websocket_sender sender) {
    std::lock_guard lock{mutex_};
    senders_.push_back(std::move(sender));
    changed_.notify_all();
  }
  void closed(websocket_close close) {
    std::lock_guard lock{mutex_};
    closes_.push_back(std::move(close));
    changed_.notify_all();
  }
  bool wait_for_opens(std::size_t count) {
    std::unique_lock lock{mutex_};
    return changed_.wait_for(lock, guard_deadline, [&] { return senders_.size() >= count; });
  }
  bool wait_for_closes(std::size_t count) {
    std::unique_lock lock{mutex_};
    return changed_.wait_for(lock, guard_deadline, [&] { return closes_.size() >= count; });
  }
  std::vector<websocket_close> closes() const {
    std::lock_guard lock{mutex_};
    return closes_;
  }
  std::vector<websocket_sender> senders() const {
    std::lock_guard lock{mutex_};
    return senders_;
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<websocket_sender> senders_;
  std::vector<websocket_close> closes_;
};

}  // namespace salon::net::testing
