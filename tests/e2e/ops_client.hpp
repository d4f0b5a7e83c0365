#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace salon::testing {

// A dashboard's side of WS /ops on a real socket, blocking, every step bounded by a deadline.
class ops_client {
 public:
  struct options {
    std::vector<std::pair<std::string, std::string>> headers;  // added to the upgrade request
    // SO_RCVBUF before connecting (0: the system's): a small one makes a slow dashboard whose
    // kernel buffers fill at once.
    int receive_buffer_bytes = 0;
  };

  ops_client();
  ~ops_client();
  ops_client(const ops_client&) = delete;
  ops_client& operator=(const ops_client&) = delete;

  // Connects to 127.0.0.1:port and asks for the upgrade: 101 when accepted, else the status
  // of the server's refusal (its body in refusal_body()), 0 when no answer came.
  unsigned connect(std::uint16_t port, const std::string& target, const options& how);
  unsigned connect(std::uint16_t port, const std::string& target) {
    return connect(port, target, options{});
  }
  const std::string& refusal_body() const;

  // The next event (a message holds one per line); nullopt when the connection ended or `limit`
  // passed (after which the connection is unusable).
  std::optional<std::string> read(std::chrono::milliseconds limit = std::chrono::seconds(10));

  // How the server closed the connection (code 0 until it did).
  std::uint16_t close_code() const;
  const std::string& close_reason() const;

  void close();

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace salon::testing
