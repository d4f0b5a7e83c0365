#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace salon::scraping::testing {

struct fixture_response {
  int status = 200;
  std::string content_type = "text/html; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // e.g. {"Location", "/next"}
  std::chrono::milliseconds delay{0};                        // before the answer starts
};

// A small threaded HTTP/1.1 server on 127.0.0.1 for the crawler tests: static files from a
// folder (a path ending in "/" serves its index.html) plus routes that answer whatever a test
// needs: redirects, slow, huge or binary answers. One thread per connection, one request per
// connection. It remembers which paths were asked for.
class fixture_http_server {
 public:
  explicit fixture_http_server(std::filesystem::path root = {});
  ~fixture_http_server();
  fixture_http_server(const fixture_http_server&) = delete;
  fixture_http_server& operator=(const fixture_http_server&) = delete;

  void route(const std::string& path, fixture_response response);
  std::uint16_t port() const { return port_; }
  std::string url(std::string_view path = "/") const;
  // Paths (with query) in the order they were requested.
  std::vector<std::string> requests() const;
  bool was_requested(std::string_view path) const;

 private:
  void accept_connections();
  void serve(int client);
  fixture_response answer(const std::string& target) const;
  void send_all(int client, std::string_view data) const;

  std::filesystem::path root_;
  int listener_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::thread acceptor_;
  mutable std::mutex mutex_;
  std::vector<std::thread> connections_;
  std::map<std::string, fixture_response> routes_;
  std::vector<std::string> requests_;
};

// A port on 127.0.0.1 with nothing listening on it.
std::uint16_t closed_port();

}  // namespace salon::scraping::testing
