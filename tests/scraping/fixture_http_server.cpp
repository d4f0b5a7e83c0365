#include "fixture_http_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace salon::scraping::testing {
namespace {

constexpr std::size_t max_request_bytes = 64 * 1024;

std::string reason_phrase(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 301:
      return "Moved Permanently";
    case 302:
      return "Found";
    case 404:
      return "Not Found";
    case 500:
      return "Internal Server Error";
    case 503:
      return "Service Unavailable";
    default:
      return "Status";
  }
}

std::string content_type_for(const std::filesystem::path& file) {
  const std::string extension = file.extension().string();
  if (extension == ".html" || extension == ".htm") return "text/html; charset=utf-8";
  if (extension == ".txt") return "text/plain";
  if (extension == ".css") return "text/css";
  if (extension == ".png") return "image/png";
  return "application/octet-stream";
}

void set_timeouts(int socket) {
  timeval timeout{5, 0};
  setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  setsockopt(socket, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
}

}  // namespace

fixture_http_server::fixture_http_server(std::filesystem::path root) : root_(std::move(root)) {
  listener_ = socket(AF_INET, SOCK_STREAM, 0);
  if (listener_ < 0) throw std::runtime_error("socket() failed");
  const int yes = 1;
  setsockopt(listener_, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  if (bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      listen(listener_, 64) != 0) {
    close(listener_);
    throw std::runtime_error("could not listen on 127.0.0.1");
  }
  socklen_t length = sizeof address;
  getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length);
  port_ = ntohs(address.sin_port);
  acceptor_ = std::thread([this] { accept_connections(); });
}

fixture_http_server::~fixture_http_server() {
  stopping_ = true;
  shutdown(listener_, SHUT_RDWR);
  close(listener_);
  acceptor_.join();
  std::vector<std::thread> connections;
  {
    const std::lock_guard lock(mutex_);
    connections.swap(connections_);
  }
  for (auto& connection : connections) connection.join();
}

void fixture_http_server::route(const std::string& path, fixture_response response) {
  const std::lock_guard lock(mutex_);
  routes_[path] = std::move(response);
}

std::string fixture_http_server::url(std::string_view path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + std::string(path);
}

std::vector<std::string> fixture_http_server::requests() const {
  const std::lock_guard lock(mutex_);
  return requests_;
}

bool fixture_http_server::was_requested(std::string_view path) const {
  const auto all = requests();
  return std::find(all.begin(), all.end(), path) != all.end();
}

void fixture_http_server::accept_connections() {
  while (!stopping_) {
    const int client = accept(listener_, nullptr, nullptr);
    if (client < 0) {
      if (stopping_) return;
      continue;
    }
    set_timeouts(client);
    const std::lock_guard lock(mutex_);
    connections_.emplace_back([this, client] {
      serve(client);
      close(client);
    });
  }
}

void fixture_http_server::serve(int client) {
  std::string request;
  char buffer[4096];
  while (request.find("\r\n\r\n") == std::string::npos && request.size() < max_request_bytes) {
    const ssize_t got = recv(client, buffer, sizeof buffer, 0);
    if (got <= 0) return;
    request.append(buffer, static_cast<std::size_t>(got));
  }
  std::istringstream first_line(request.substr(0, request.find("\r\n")));
  std::string method;
  std::string target;
  first_line >> method >> target;
  {
    const std::lock_guard lock(mutex_);
    requests_.push_back(target);
  }
  const fixture_response response = answer(target);
  // Sleep in small steps so a stopping server does not wait for a slow answer.
  const auto until = std::chrono::steady_clock::now() + response.delay;
  while (!stopping_ && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (stopping_) return;
  std::string head =
      "HTTP/1.1 " + std::to_string(response.status) + " " + reason_phrase(response.status) + "\r\n";
  head += "Content-Type: " + response.content_type + "\r\n";
  head += "Content-Length: " + std::to_string(response.body.size()) + "\r\n";
  for (const auto& [name, value] : response.headers) head += name + ": " + value + "\r\n";
  head += "Connection: close\r\n\r\n";
  send_all(client, head);
  if (method != "HEAD") send_all(client, response.body);
}

fixture_response fixture_http_server::answer(const std::string& target) const {
  {
    const std::lock_guard lock(mutex_);
    if (const auto found = routes_.find(target); found != routes_.end()) return found->second;
  }
  std::string path = target.substr(0, target.find('?'));
  if (root_.empty() || path.find("..") != std::string::npos || path.empty() || path[0] != '/') {
    return fixture_response{404, "text/html", "<h1>Not found</h1>", {}, {}};
  }
  if (path.back() == '/') path += "index.html";
  const std::filesystem::path file = root_ / path.substr(1);
  std::ifstream in(file, std::ios::binary);
  if (!in || std::filesystem::is_directory(file)) {
    return fixture_response{404, "text/html", "<h1>Not found</h1>", {}, {}};
  }
  std::stringstream content;
  content << in.rdbuf();
  return fixture_response{200, content_type_for(file), content.str(), {}, {}};
}

void fixture_http_server::send_all(int client, std::string_view data) const {
  while (!data.empty() && !stopping_) {
    const ssize_t sent = send(client, data.data(), data.size(), MSG_NOSIGNAL);
    if (sent <= 0) return;  // the client hung up, as the crawler does at its byte cap
    data.remove_prefix(static_cast<std::size_t>(sent));
  }
}

std::uint16_t closed_port() {
  const int probe = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(probe, reinterpret_cast<sockaddr*>(&address), sizeof address);
  socklen_t length = sizeof address;
  getsockname(probe, reinterpret_cast<sockaddr*>(&address), &length);
  close(probe);  // nothing listens there now
  return ntohs(address.sin_port);
}

}  // namespace salon::scraping::testing
