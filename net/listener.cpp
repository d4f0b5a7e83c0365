#include "net/listener.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <chrono>
#include <future>
#include <memory>

#include "net/http_session.hpp"

namespace salon::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;

listener::listener(asio::io_context& io, std::shared_ptr<server_state> state)
    : io_{io},
      state_{std::move(state)},
      acceptor_{asio::make_strand(io)},
      retry_timer_{acceptor_.get_executor()} {}

beast::error_code listener::open(const tcp::endpoint& endpoint) {
  beast::error_code ec;
  acceptor_.open(endpoint.protocol(), ec);
  if (ec) return ec;
  acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  if (ec) return ec;
  acceptor_.bind(endpoint, ec);
  if (ec) return ec;
  acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  return ec;
}

std::uint16_t listener::port() const {
  beast::error_code ec;
  auto endpoint = acceptor_.local_endpoint(ec);
  return ec ? 0 : endpoint.port();
}

void listener::run() {
  asio::dispatch(acceptor_.get_executor(),
                 beast::bind_front_handler(&listener::do_accept, shared_from_this()));
}

void listener::stop() {
  auto closed = std::make_shared<std::promise<void>>();
  auto done = closed->get_future();
  asio::post(acceptor_.get_executor(), [self = shared_from_this(), closed] {
    beast::error_code ec;
    self->acceptor_.close(ec);
    self->retry_timer_.cancel();
    closed->set_value();
  });
  // Waits for the close: the server's stop() ends with io_context::stop(), which drops handlers
  // not yet run, and a dropped close left the port accepting connections after stop() returned
  // (one run in ten of http_server_test.stop_closes_idle_connections_and_refuses_new_ones).
  // Bounded, for I/O threads stuck in a handler.
  done.wait_for(std::chrono::seconds(1));
}

void listener::do_accept() {
  // Each connection gets its own strand: its handlers never run concurrently.
  acceptor_.async_accept(asio::make_strand(io_),
                         beast::bind_front_handler(&listener::on_accept, shared_from_this()));
}

void listener::on_accept(beast::error_code ec, tcp::socket socket) {
  if (ec == asio::error::operation_aborted || !acceptor_.is_open()) return;
  if (ec) {
    // Out of file descriptors, typically: back off instead of spinning on the error.
    spdlog::warn("http: accept failed: {}", ec.message());
    retry_timer_.expires_after(std::chrono::milliseconds{100});
    retry_timer_.async_wait([self = shared_from_this()](beast::error_code wait_ec) {
      if (!wait_ec) self->do_accept();
    });
    return;
  }
  // Relay replies stream token by token: Nagle's delay would sit on every one of them.
  socket.set_option(tcp::no_delay{true}, ec);
  std::make_shared<http_session>(std::move(socket), state_)->run();
  do_accept();
}

}  // namespace salon::net
