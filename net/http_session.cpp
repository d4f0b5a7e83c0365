#include "net/http_session.hpp"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <exception>
#include <limits>
#include <string_view>
#include <utility>
#include <variant>

#include "net/websocket_session.hpp"

namespace salon::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr std::size_t first_read_size = 1024;
// After a "Connection: close" answer the client may still be sending (a refused body): read and
// drop a bounded amount so the answer is not lost to a reset.
constexpr std::size_t max_linger_bytes = 1024 * 1024;
constexpr std::chrono::milliseconds max_linger_time{2000};
constexpr std::string_view continue_line = "HTTP/1.1 100 Continue\r\n\r\n";
constexpr std::string_view unmatched_route = "unmatched";

bool iequals(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) ==
           std::tolower(static_cast<unsigned char>(y));
  });
}

bool is_token_char(char c) {
  auto u = static_cast<unsigned char>(c);
  return u > 32 && u < 127 &&
         std::string_view{"\"(),/:;<=>?@[\\]{}"}.find(c) == std::string_view::npos;
}

// Refuses header injection: a name must be a token and a value must not break the line.
bool is_valid_header(std::string_view name, std::string_view value) {
  return !name.empty() && std::all_of(name.begin(), name.end(), is_token_char) &&
         value.find_first_of(std::string_view{"\r\n\0", 3}) == std::string_view::npos;
}

bool is_framing_header(std::string_view name) {
  return iequals(name, "content-length") || iequals(name, "transfer-encoding") ||
         iequals(name, "connection");
}

// The target's path and query; an absolute-form target ("http://host/path") keeps its path.
std::pair<std::string_view, std::string_view> split_target(std::string_view target) {
  for (std::string_view scheme : {"http://", "https://"}) {
    if (target.size() >= scheme.size() && iequals(target.substr(0, scheme.size()), scheme)) {
      auto slash = target.find_first_of("/?", scheme.size());
      target = slash == std::string_view::npos ? std::string_view{"/"} : target.substr(slash);
      if (!target.empty() && target.front() == '?') return {"/", target.substr(1)};
      break;
    }
  }
  auto question = target.find('?');
  if (question == std::string_view::npos) return {target, {}};
  return {target.substr(0, question), target.substr(question + 1)};
}

bool is_quiet_disconnect(const beast::error_code& ec) {
  return ec == http::error::end_of_stream || ec == http::error::partial_message ||
         ec == asio::error::operation_aborted || ec == asio::error::connection_reset ||
         ec == asio::error::eof || ec == asio::error::bad_descriptor;
}

}  // namespace

http_session::http_session(tcp::socket&& socket, std::shared_ptr<server_state> state)
    : stream_{std::move(socket)},
      executor_{stream_.get_executor()},
      buffer_{state->options.header_limit + 64 * 1024},
      state_{std::move(state)} {
  beast::error_code ec;
  auto endpoint = stream_.socket().remote_endpoint(ec);
  if (!ec) remote_address_ = endpoint.address().to_string();
  state_->metrics.connection_opened();
}

http_session::~http_session() {
  // An upgraded connection lives on in its websocket_session, which counts its closing.
  if (!upgraded_) state_->metrics.connection_closed();
  // Last: stop() may return as soon as the registry is empty.
  if (registry_id_ != 0) state_->sessions.remove(registry_id_);
}

void http_session::run() {
  registry_id_ = state_->sessions.add(weak_from_this());
  asio::dispatch(executor_,
                 beast::bind_front_handler(&http_session::do_read_header, shared_from_this()));
}

void http_session::shut_down(shutdown_mode mode) {
  asio::post(executor_, [self = shared_from_this(), mode] {
    if (self->phase_ == phase::closing || self->upgraded_) return;
    if (mode == shutdown_mode::force) {
      self->keep_alive_while_handling_.reset();
      self->do_close();
      return;
    }
    // Busy connections finish their request and close after the answer (stopping is set).
    bool idle = self->phase_ == phase::awaiting_request ||
                (self->phase_ == phase::reading && self->buffer_.size() == 0 && self->parser_ &&
                 !self->parser_->got_some());
    if (idle) self->do_close();
  });
}

void http_session::do_await_request() {
  phase_ = phase::awaiting_request;
  if (state_->stopping) return do_close();
  // A pipelining client may have sent the next request already.
  if (buffer_.size() > 0) return do_read_header();
  stream_.expires_after(state_->options.keep_alive_timeout);
  stream_.async_read_some(
      buffer_.prepare(first_read_size),
      beast::bind_front_handler(&http_session::on_first_bytes, shared_from_this()));
}

void http_session::on_first_bytes(beast::error_code ec, std::size_t bytes) {
  buffer_.commit(bytes);
  if (ec) {
    if (ec != beast::error::timeout && !is_quiet_disconnect(ec)) {
      spdlog::debug("http: read from {} failed: {}", remote_address_, ec.message());
    }
    return do_close();
  }
  do_read_header();
}

void http_session::do_read_header() {
  phase_ = phase::reading;
  if (state_->stopping && buffer_.size() == 0) return do_close();
  auto& options = state_->options;
  parser_.emplace();
  parser_->header_limit(static_cast<std::uint32_t>(
      std::min<std::size_t>(options.header_limit, std::numeric_limits<std::uint32_t>::max())));
  parser_->body_limit(options.body_limit);
  route_name_ = unmatched_route;
  method_.clear();
  path_.clear();
  // The deadline covers the whole header: trickling bytes does not extend it (slowloris).
  stream_.expires_after(options.header_timeout);
  http::async_read_header(
      stream_, buffer_, *parser_,
      beast::bind_front_handler(&http_session::on_read_header, shared_from_this()));
}

void http_session::on_read_header(beast::error_code ec, std::size_t) {
  request_started_ = std::chrono::steady_clock::now();
  if (ec) return on_read_failed(ec, "headers");
  auto& request = parser_->get();
  method_ = std::string{request.method_string()};
  path_ = std::string{split_target(request.target()).first};
  head_request_ = request.method() == http::verb::head;
  request_keep_alive_ = request.keep_alive();

  if (beast::websocket::is_upgrade(request)) {
    auto route = state_->routes.match_websocket(path_);
    if (route.status == route_status::found) {
      if (!parser_->is_done()) {
        return refuse(api_error_kind::bad_request, "a WebSocket upgrade request has no body");
      }
      return upgrade(route);
    }
  }
  if (parser_->is_done()) return dispatch();
  auto expect = request[http::field::expect];
  if (iequals(expect, "100-continue")) return do_continue();
  do_read_body();
}

void http_session::do_continue() {
  stream_.expires_after(state_->options.write_timeout);
  asio::async_write(stream_, asio::buffer(continue_line.data(), continue_line.size()),
                    beast::bind_front_handler(&http_session::on_continue, shared_from_this()));
}

void http_session::on_continue(beast::error_code ec, std::size_t) {
  if (ec) return do_close();
  do_read_body();
}

void http_session::do_read_body() {
  stream_.expires_after(state_->options.body_timeout);
  http::async_read(stream_, buffer_, *parser_,
                   beast::bind_front_handler(&http_session::on_read_body, shared_from_this()));
}

void http_session::on_read_body(beast::error_code ec, std::size_t) {
  if (ec) return on_read_failed(ec, "body");
  dispatch();
}

void http_session::on_read_failed(beast::error_code ec, const char* stage) {
  if (ec == http::error::header_limit || ec == http::error::buffer_overflow) {
    return refuse(api_error_kind::header_fields_too_large,
                  "request headers are larger than " +
                      std::to_string(state_->options.header_limit) + " bytes");
  }
  if (ec == http::error::body_limit) {
    return refuse(
        api_error_kind::payload_too_large,
        "request body is larger than " + std::to_string(state_->options.body_limit) + " bytes");
  }
  if (ec == beast::error::timeout) {
    // The stream has closed the socket already: a slow client gets no answer, just the close.
    spdlog::debug("http: {} from {} timed out, closing", stage, remote_address_);
    return do_close();
  }
  if (is_quiet_disconnect(ec)) return do_close();
  if (ec.category() == http::make_error_code(http::error::bad_method).category()) {
    spdlog::debug("http: malformed {} from {}: {}", stage, remote_address_, ec.message());
    return refuse(api_error_kind::bad_request, "malformed request: " + ec.message());
  }
  spdlog::debug("http: read from {} failed: {}", remote_address_, ec.message());
  do_close();
}

http_request http_session::make_request() {
  auto& request = parser_->get();
  auto target = std::string_view{request.target()};
  auto [path, query] = split_target(target);
  http_request plain;
  plain.method = method_;
  plain.target = std::string{target};
  plain.path = std::string{path};
  plain.query = std::string{query};
  for (const auto& field : request) {
    plain.headers.emplace_back(std::string{field.name_string()}, std::string{field.value()});
  }
  plain.body = std::move(request.body());
  plain.remote_address = remote_address_;
  return plain;
}

void http_session::dispatch() {
  auto route = state_->routes.match(method_, path_);
  switch (route.status) {
    case route_status::found:
      break;
    case route_status::not_found:
      return do_write(error_response(api_error_kind::not_found, "no such resource"),
                      request_keep_alive_);
    case route_status::method_not_allowed: {
      auto response = error_response(api_error_kind::method_not_allowed,
                                     method_ + " is not allowed here; allowed: " + route.allow);
      response.headers.emplace_back("Allow", route.allow);
      return do_write(std::move(response), request_keep_alive_);
    }
    case route_status::upgrade_required: {
      auto response = error_response(api_error_kind::upgrade_required,
                                     "this path only takes WebSocket connections");
      response.headers.emplace_back("Upgrade", "websocket");
      return do_write(std::move(response), request_keep_alive_);
    }
  }
  route_name_ = std::string{route.route_name};
  auto request = make_request();
  request.path_params = std::move(route.path_params);

  phase_ = phase::handling;
  keep_alive_while_handling_ = shared_from_this();
  // The responder may be used from any thread, and long after: it holds the session weakly and
  // hops onto its strand. It holds nothing of Asio's, which may be gone by the time it dies.
  responder reply{[weak = weak_from_this()](http_response response) {
    if (auto self = weak.lock()) {
      auto executor = self->executor_;
      asio::post(executor, [self = std::move(self), response = std::move(response)]() mutable {
        self->on_response(std::move(response));
      });
    }
  }};
  try {
    (*route.handler)(std::move(request), reply);
  } catch (const std::exception& e) {
    spdlog::error("http: handler of {} threw on {} {}: {}", route_name_, method_, path_, e.what());
    if (!reply.sent()) reply.send(error_response(api_error_kind::internal, "internal error"));
  } catch (...) {
    spdlog::error("http: handler of {} threw on {} {}", route_name_, method_, path_);
    if (!reply.sent()) reply.send(error_response(api_error_kind::internal, "internal error"));
  }
}

namespace {

// The same connection, served by `io` from now on (no operation may be pending on it). When the
// descriptor cannot be handed over, the connection stays where it was.
tcp::socket move_to(tcp::socket socket, asio::io_context& io) {
  boost::system::error_code ec;
  const auto protocol = socket.local_endpoint(ec).protocol();
  if (ec) return socket;
  const auto descriptor = socket.release(ec);
  if (ec) return socket;
  tcp::socket moved(io);
  moved.assign(protocol, descriptor, ec);
  if (ec) {
    spdlog::error("http: a connection could not move to the feed thread: {}", ec.message());
    ::close(descriptor);  // the session then ends as a lost connection
  }
  return moved;
}

}  // namespace

void http_session::upgrade(const route_match& route) {
  route_name_ = std::string{route.route_name};
  auto request = make_request();
  request.path_params = route.path_params;
  websocket_upgrade decision;
  try {
    decision = (*route.upgrade)(request);
  } catch (const std::exception& e) {
    spdlog::error("http: upgrade handler of {} threw on {}: {}", route_name_, path_, e.what());
    return refuse(api_error_kind::internal, "internal error");
  } catch (...) {
    spdlog::error("http: upgrade handler of {} threw on {}", route_name_, path_);
    return refuse(api_error_kind::internal, "internal error");
  }
  if (auto* refusal = std::get_if<http_response>(&decision)) {
    close_after_response_ = true;
    return do_write(std::move(*refusal), false);
  }
  auto handler = std::get<std::shared_ptr<websocket_handler>>(std::move(decision));
  if (!handler) {
    spdlog::error("http: upgrade handler of {} accepted without a handler", route_name_);
    return refuse(api_error_kind::internal, "internal error");
  }
  auto latency = std::chrono::duration_cast<std::chrono::microseconds>(
      std::chrono::steady_clock::now() - request_started_);
  state_->metrics.record_request(route_name_, 101, latency);
  spdlog::debug("http: {} {} -> 101 in {}us", method_, path_, latency.count());
  upgraded_ = true;
  phase_ = phase::closing;
  auto socket = stream_.release_socket();
  if (handler->runs_on_feed_thread() && state_->feed_io != nullptr) {
    socket = move_to(std::move(socket), *state_->feed_io);
  }
  auto session = std::make_shared<websocket_session>(std::move(socket), state_, route_name_,
                                                     std::move(handler));
  session->run(parser_->release());
}

void http_session::on_response(http_response response) {
  if (phase_ != phase::handling) return;  // a forced shutdown came first
  auto self = std::move(keep_alive_while_handling_);
  do_write(std::move(response), request_keep_alive_);
}

void http_session::refuse(api_error_kind kind, std::string_view message) {
  close_after_response_ = true;
  do_write(error_response(kind, message), false);
}

void http_session::do_write(http_response response, bool keep_alive) {
  phase_ = phase::writing;
  bool keep = keep_alive && !close_after_response_ && !state_->stopping;
  if (response.status < 200 || response.status > 599) {
    spdlog::error("http: route {} answered with status {}; sending 500", route_name_,
                  response.status);
    response = error_response(api_error_kind::internal, "internal error");
  }
  unsigned version = parser_ ? parser_->get().version() : 11;
  auto& out = response_.emplace();
  out.version(version == 10 ? 10 : 11);
  out.result(response.status);
  if (!response.content_type.empty()) out.set(http::field::content_type, response.content_type);
  for (auto& [name, value] : response.headers) {
    if (!is_valid_header(name, value)) {
      spdlog::error("http: route {} set an invalid header; dropped", route_name_);
      continue;
    }
    if (is_framing_header(name)) continue;  // framing is the server's job
    out.insert(name, value);
  }
  out.keep_alive(keep);
  if (response.status != 204 && response.status != 304) out.body() = std::move(response.body);
  out.prepare_payload();
  // HEAD gets the length of the body it would have had, and no body.
  if (head_request_) out.body().clear();
  stream_.expires_after(state_->options.write_timeout);
  http::async_write(stream_, out,
                    beast::bind_front_handler(&http_session::on_write, shared_from_this(), keep));
}

void http_session::on_write(bool keep_alive, beast::error_code ec, std::size_t) {
  auto status = response_->result_int();
  response_.reset();
  auto latency = std::chrono::duration_cast<std::chrono::microseconds>(
      std::chrono::steady_clock::now() - request_started_);
  state_->metrics.record_request(route_name_, status, latency);
  spdlog::debug("http: {} {} -> {} in {}us", method_, path_, status, latency.count());
  if (ec) {
    spdlog::debug("http: write to {} failed: {}", remote_address_, ec.message());
    return do_close();
  }
  if (!keep_alive) {
    // Only a refused request may have left bytes unread, which a plain close would answer
    // with a reset that can destroy the response before the client reads it.
    return close_after_response_ ? do_linger() : do_close();
  }
  first_request_ = false;
  do_await_request();
}

void http_session::do_linger() {
  phase_ = phase::closing;
  beast::error_code ec;
  stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  if (ec) return do_close();
  buffer_.clear();
  lingered_bytes_ = 0;
  stream_.expires_after(
      std::min<std::chrono::milliseconds>(state_->options.header_timeout, max_linger_time));
  stream_.async_read_some(buffer_.prepare(first_read_size),
                          beast::bind_front_handler(&http_session::on_linger, shared_from_this()));
}

void http_session::on_linger(beast::error_code ec, std::size_t bytes) {
  lingered_bytes_ += bytes;
  buffer_.clear();
  if (ec || lingered_bytes_ > max_linger_bytes) return do_close();
  stream_.async_read_some(buffer_.prepare(first_read_size),
                          beast::bind_front_handler(&http_session::on_linger, shared_from_this()));
}

void http_session::do_close() {
  phase_ = phase::closing;
  beast::error_code ec;
  stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
  stream_.close();
}

}  // namespace salon::net
