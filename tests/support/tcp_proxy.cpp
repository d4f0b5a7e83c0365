#include "tests/support/tcp_proxy.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <regex>
#include <stdexcept>

namespace salon::testing {
namespace {

// Writes all of `data`. MSG_NOSIGNAL: a side that went away (a server killed mid-call) must end
// this connection, not raise SIGPIPE and kill the test binary.
bool send_all(int fd, const char* data, std::size_t size) {
  while (size > 0) {
    const ssize_t sent = ::send(fd, data, size, MSG_NOSIGNAL);
    if (sent <= 0) return false;
    data += sent;
    size -= static_cast<std::size_t>(sent);
  }
  return true;
}

}  // namespace

tcp_proxy::tcp_proxy(std::string target_host, std::uint16_t target_port)
    : target_host_(std::move(target_host)), target_port_(target_port) {
  listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  ::setsockopt(listener_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::listen(listener_, 64) != 0) {
    throw std::runtime_error("tcp_proxy: cannot listen");
  }
  socklen_t length = sizeof address;
  ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length);
  port_ = ntohs(address.sin_port);
  acceptor_ = std::thread([this] { accept_loop(); });
}

tcp_proxy::~tcp_proxy() {
  stopping_ = true;
  ::shutdown(listener_, SHUT_RDWR);
  ::close(listener_);
  acceptor_.join();
  cut();
  for (auto& thread : threads_) thread.join();
}

void tcp_proxy::cut() {
  cut_ = true;
  std::lock_guard lock(mutex_);
  for (int fd : open_sockets_) ::shutdown(fd, SHUT_RDWR);
}

void tcp_proxy::restore() {
  cut_ = false;
}

std::string tcp_proxy::proxied_url(const std::string& url) const {
  static const std::regex host_port(R"(@[^/:]+(:\d+)?/)");
  return std::regex_replace(url, host_port, "@127.0.0.1:" + std::to_string(port_) + "/",
                            std::regex_constants::format_first_only);
}

void tcp_proxy::accept_loop() {
  while (!stopping_) {
    int client = ::accept(listener_, nullptr, nullptr);
    if (client < 0) {
      if (stopping_) return;
      continue;
    }
    if (cut_) {
      ::close(client);
      continue;
    }
    std::lock_guard lock(mutex_);
    threads_.emplace_back([this, client] { pump(client); });
  }
}

void tcp_proxy::pump(int client) {
  int server = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(target_port_);
  ::inet_pton(AF_INET, target_host_.c_str(), &address.sin_addr);
  if (::connect(server, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    ::close(client);
    ::close(server);
    return;
  }
  {
    std::lock_guard lock(mutex_);
    open_sockets_.push_back(client);
    open_sockets_.push_back(server);
  }
  char buffer[16384];
  pollfd fds[2] = {{client, POLLIN, 0}, {server, POLLIN, 0}};
  while (!cut_ && !stopping_) {
    if (::poll(fds, 2, 100) < 0) break;
    bool done = false;
    for (int i = 0; i < 2 && !done; ++i) {
      if (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) {
        ssize_t n = ::read(fds[i].fd, buffer, sizeof buffer);
        if (n <= 0 || !send_all(fds[1 - i].fd, buffer, static_cast<std::size_t>(n))) done = true;
      }
    }
    if (done) break;
  }
  {
    std::lock_guard lock(mutex_);
    auto& open = open_sockets_;
    open.erase(std::remove_if(open.begin(), open.end(),
                              [&](int fd) { return fd == client || fd == server; }),
               open.end());
  }
  ::close(client);
  ::close(server);
}

}  // namespace salon::testing
