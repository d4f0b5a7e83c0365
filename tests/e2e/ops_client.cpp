#include "tests/e2e/ops_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <deque>

namespace salon::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

struct ops_client::impl {
  asio::io_context io;
  websocket::stream<beast::tcp_stream> ws{io};
  beast::flat_buffer buffer;
  std::string refusal_body;
  std::deque<std::string> waiting;  // events of a message not returned yet
  std::uint16_t close_code = 0;
  std::string close_reason;

  // Runs one asynchronous operation to its end on the private io_context.
  template <class Initiate>
  beast::error_code await(Initiate&& initiate) {
    beast::error_code result = asio::error::would_block;
    initiate([&result](beast::error_code ec, auto&&...) { result = ec; });
    io.restart();
    io.run();
    return result;
  }
};

ops_client::ops_client() : impl_(std::make_unique<impl>()) {}

ops_client::~ops_client() = default;

unsigned ops_client::connect(std::uint16_t port, const std::string& target, const options& how) {
  auto& tcp_layer = beast::get_lowest_layer(impl_->ws);
  tcp_layer.socket().open(tcp::v4());
  if (how.receive_buffer_bytes > 0) {
    tcp_layer.socket().set_option(asio::socket_base::receive_buffer_size(how.receive_buffer_bytes));
  }
  tcp_layer.expires_after(std::chrono::seconds(10));
  auto ec = impl_->await([&](auto handler) {
    tcp_layer.async_connect(tcp::endpoint{asio::ip::make_address("127.0.0.1"), port}, handler);
  });
  if (ec) return 0;
  impl_->ws.set_option(websocket::stream_base::decorator([how](websocket::request_type& request) {
    for (const auto& [name, value] : how.headers) request.set(name, value);
  }));
  websocket::response_type response;
  tcp_layer.expires_after(std::chrono::seconds(10));
  ec = impl_->await(
      [&](auto handler) { impl_->ws.async_handshake(response, "127.0.0.1", target, handler); });
  tcp_layer.expires_never();
  if (ec && response.result_int() == 0) return 0;
  impl_->refusal_body = ec ? response.body() : std::string();
  return response.result_int();
}

const std::string& ops_client::refusal_body() const {
  return impl_->refusal_body;
}

std::optional<std::string> ops_client::read(std::chrono::milliseconds limit) {
  if (!impl_->waiting.empty()) {
    auto event = std::move(impl_->waiting.front());
    impl_->waiting.pop_front();
    return event;
  }
  impl_->buffer.clear();
  beast::get_lowest_layer(impl_->ws).expires_after(limit);
  auto ec = impl_->await([&](auto handler) { impl_->ws.async_read(impl_->buffer, handler); });
  if (ec) {
    if (ec == websocket::error::closed) {
      impl_->close_code = impl_->ws.reason().code;
      impl_->close_reason = std::string(impl_->ws.reason().reason.c_str());
    }
    return std::nullopt;
  }
  // One event per line: a dashboard that fell behind gets several in one message.
  const auto message = beast::buffers_to_string(impl_->buffer.data());
  std::size_t start = 0;
  for (auto end = message.find('\n'); end != std::string::npos; end = message.find('\n', start)) {
    impl_->waiting.push_back(message.substr(start, end - start));
    start = end + 1;
  }
  impl_->waiting.push_back(message.substr(start));
  auto event = std::move(impl_->waiting.front());
  impl_->waiting.pop_front();
  return event;
}

std::uint16_t ops_client::close_code() const {
  return impl_->close_code;
}

const std::string& ops_client::close_reason() const {
  return impl_->close_reason;
}

void ops_client::close() {
  if (!impl_->ws.is_open()) return;
  beast::get_lowest_layer(impl_->ws).expires_after(std::chrono::seconds(5));
  impl_->await(
      [&](auto handler) { impl_->ws.async_close(websocket::close_code::normal, handler); });
}

}  // namespace salon::testing
