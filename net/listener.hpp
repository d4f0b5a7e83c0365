#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/error.hpp>
#include <cstdint>
#include <memory>

#include "net/server_state.hpp"

namespace salon::net {

// Accepts connections and hands each to a new http_session on its own strand.
class listener : public std::enable_shared_from_this<listener> {
 public:
  listener(boost::asio::io_context& io, std::shared_ptr<server_state> state);

  boost::beast::error_code open(const boost::asio::ip::tcp::endpoint& endpoint);
  std::uint16_t port() const;
  void run();
  // Closes the acceptor on its strand and waits (up to 1 s) until it is closed. Not from an
  // I/O thread of this listener: it would wait for itself.
  void stop();

 private:
  void do_accept();
  void on_accept(boost::beast::error_code ec, boost::asio::ip::tcp::socket socket);

  boost::asio::io_context& io_;
  std::shared_ptr<server_state> state_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer retry_timer_;
};

}  // namespace salon::net
