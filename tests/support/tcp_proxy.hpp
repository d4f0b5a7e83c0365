#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace salon::testing {

// A TCP forwarder on loopback that a test can cut, to play a database outage against a real
// PostgreSQL without stopping it: while cut, open connections are dropped and new ones are
// closed at once.
class tcp_proxy {
 public:
  tcp_proxy(std::string target_host, std::uint16_t target_port);
  ~tcp_proxy();
  tcp_proxy(const tcp_proxy&) = delete;
  tcp_proxy& operator=(const tcp_proxy&) = delete;

  std::uint16_t port() const { return port_; }
  void cut();
  void restore();

  // `url` (postgresql://user@host:port/db...) with host and port replaced by the proxy's.
  std::string proxied_url(const std::string& url) const;

 private:
  void accept_loop();
  void pump(int client);

  std::string target_host_;
  std::uint16_t target_port_;
  int listener_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> cut_{false};
  std::mutex mutex_;
  std::vector<int> open_sockets_;
  std::vector<std::thread> threads_;
  std::thread acceptor_;
};

}  // namespace salon::testing
