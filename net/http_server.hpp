#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <system_error>

#include "net/http_metrics.hpp"
#include "net/router.hpp"

namespace salon::net {

struct websocket_limits {
  std::size_t max_message_bytes = 64 * 1024;  // a bigger message closes with 1009
  std::size_t max_queued_messages = 256;      // per session; past it the session closes (1008);
                                              // not for handlers that join queued lines
  std::size_t max_queued_bytes = 1024 * 1024;
  std::chrono::milliseconds handshake_timeout{30'000};  // also bounds the close handshake
  std::chrono::milliseconds idle_timeout{300'000};      // a ping goes out at half of it
  bool keep_alive_pings = true;
};

struct http_server_options {
  std::string bind_address = "0.0.0.0";
  std::uint16_t port = 8080;  // 0 picks a free port; see http_server::port()
  unsigned io_threads = 1;
  std::size_t body_limit = 64 * 1024;   // past it: 413
  std::size_t header_limit = 8 * 1024;  // past it: 431
  // Slow clients cannot hold a connection: the headers must arrive within header_timeout (from
  // the connection's start or the request's first byte), the body within body_timeout.
  std::chrono::milliseconds header_timeout{10'000};
  std::chrono::milliseconds body_timeout{30'000};
  std::chrono::milliseconds keep_alive_timeout{60'000};  // idle time between requests
  std::chrono::milliseconds write_timeout{30'000};
  std::chrono::milliseconds shutdown_timeout{5'000};  // graceful part of stop()
  websocket_limits websocket;
};

// The Beast server behind a plain interface. Routes are added before start(); after start()
// the route table is only read.
class http_server {
 public:
  explicit http_server(http_server_options options);
  ~http_server();  // stops the server
  http_server(const http_server&) = delete;
  http_server& operator=(const http_server&) = delete;

  router& routes() noexcept;
  const http_metrics& metrics() const noexcept;

  // Binds, listens and starts the I/O threads. An error (address in use, bad address, ...)
  // comes back as a value; the server can then be destroyed.
  [[nodiscard]] std::error_code start();
  // The bound port (useful with port 0); 0 before start().
  std::uint16_t port() const noexcept;

  // Stops accepting, lets requests in flight finish, closes WebSockets with 1001, then after
  // shutdown_timeout closes what is left and joins the I/O threads. Idempotent. Must not be
  // called from a handler (it joins the threads that run handlers).
  void stop() noexcept;

 private:
  class impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace salon::net
