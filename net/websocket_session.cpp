#include "net/websocket_session.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/post.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/websocket/error.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <exception>
#include <utility>

namespace salon::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

namespace {

// Close reasons are limited to 123 bytes by RFC 6455; cut on a UTF-8 boundary.
std::string fit_close_reason(std::string reason) {
  constexpr std::size_t max_reason = 123;
  if (reason.size() <= max_reason) return reason;
  std::size_t cut = max_reason;
  while (cut > 0 && (static_cast<unsigned char>(reason[cut]) & 0xC0) == 0x80) --cut;
  reason.resize(cut);
  return reason;
}

// A big message should not pin its buffer for the rest of a long session.
constexpr std::size_t max_idle_read_buffer = 16 * 1024;

std::chrono::steady_clock::duration or_none(std::chrono::milliseconds timeout) {
  if (timeout.count() <= 0) return websocket::stream_base::none();
  return timeout;
}

}  // namespace

websocket_session::websocket_session(tcp::socket&& socket, std::shared_ptr<server_state> state,
                                     std::string route_name,
                                     std::shared_ptr<websocket_handler> handler)
    : ws_{std::move(socket)},
      executor_{ws_.get_executor()},
      state_{std::move(state)},
      route_name_{std::move(route_name)},
      handler_{std::move(handler)},
      joins_lines_{handler_ && handler_->joins_queued_lines()} {}

websocket_session::~websocket_session() {
  state_->metrics.connection_closed();
  // Last: stop() may return as soon as the registry is empty.
  if (registry_id_ != 0) state_->sessions.remove(registry_id_);
}

void websocket_session::run(beast::http::request<beast::http::string_body> upgrade) {
  registry_id_ = state_->sessions.add(weak_from_this());
  const auto& limits = state_->options.websocket;
  // The websocket stream keeps its own deadlines; the HTTP one must not fire underneath it.
  beast::get_lowest_layer(ws_).expires_never();
  websocket::stream_base::timeout timeouts{};
  timeouts.handshake_timeout = or_none(limits.handshake_timeout);
  timeouts.idle_timeout = or_none(limits.idle_timeout);
  timeouts.keep_alive_pings = limits.keep_alive_pings;
  ws_.set_option(timeouts);
  ws_.set_option(websocket::stream_base::decorator([](websocket::response_type& response) {
    response.set(beast::http::field::server, "salon-phone");
  }));
  ws_.read_message_max(limits.max_message_bytes);
  ws_.text(true);
  ws_.async_accept(upgrade,
                   beast::bind_front_handler(&websocket_session::on_accept, shared_from_this()));
}

void websocket_session::on_accept(beast::error_code ec) {
  if (ec) {
    spdlog::debug("websocket {}: handshake failed: {}", route_name_, ec.message());
    closing_ = true;
    handler_.reset();
    return;
  }
  opened_ = true;
  state_->metrics.websocket_opened(route_name_);
  try {
    handler_->on_open(websocket_sender{weak_from_this()});
  } catch (const std::exception& e) {
    spdlog::error("websocket {}: on_open threw: {}", route_name_, e.what());
    begin_close(1011, "internal error", websocket_close_cause::handler_failed, false);
  } catch (...) {
    spdlog::error("websocket {}: on_open threw", route_name_);
    begin_close(1011, "internal error", websocket_close_cause::handler_failed, false);
  }
  // Accepted while the server was being stopped: the registry's round may have missed us.
  if (state_->stopping) {
    begin_close(1001, "server shutting down", websocket_close_cause::server_stopping, false);
  }
  do_read();
}

void websocket_session::do_read() {
  ws_.async_read(buffer_,
                 beast::bind_front_handler(&websocket_session::on_read, shared_from_this()));
}

void websocket_session::on_read(beast::error_code ec, std::size_t) {
  if (ec) return finish(ec);
  if (close_started_) {
    // Waiting for the client's close frame; what comes before it is no longer wanted.
    buffer_.consume(buffer_.size());
    return do_read();
  }
  if (!ws_.got_text()) {
    buffer_.consume(buffer_.size());
    begin_close(1003, "text messages only", websocket_close_cause::unsupported_data, false);
    return do_read();
  }
  auto message = beast::buffers_to_string(buffer_.data());
  buffer_.consume(buffer_.size());
  if (buffer_.capacity() > max_idle_read_buffer) buffer_.shrink_to_fit();
  try {
    handler_->on_text(std::move(message));
  } catch (const std::exception& e) {
    spdlog::error("websocket {}: on_text threw: {}", route_name_, e.what());
    begin_close(1011, "internal error", websocket_close_cause::handler_failed, false);
  } catch (...) {
    spdlog::error("websocket {}: on_text threw", route_name_);
    begin_close(1011, "internal error", websocket_close_cause::handler_failed, false);
  }
  do_read();
}

send_result websocket_session::send_text(std::shared_ptr<const std::string> payload) {
  return queue_for_sending({std::move(payload), false});
}

send_result websocket_session::send_droppable(std::shared_ptr<const std::string> payload) {
  return queue_for_sending({std::move(payload), true});
}

send_result websocket_session::queue_for_sending(outgoing message) {
  if (!message.payload) message.payload = std::make_shared<const std::string>();
  if (closing_.load(std::memory_order_acquire)) return send_result::closed;
  const auto& limits = state_->options.websocket;
  auto size = message.payload->size();
  message.counted_bytes = size;
  auto messages = queued_messages_.fetch_add(1) + 1;
  auto bytes = queued_bytes_.fetch_add(size) + size;
  // A feed whose messages are joined writes a whole queue at once, so only its bytes are capped:
  // at 1 MiB a dashboard may fall about two seconds behind a busy node before it is dropped.
  if ((!joins_lines_ && messages > limits.max_queued_messages) || bytes > limits.max_queued_bytes) {
    release(message);
    if (!closing_.exchange(true)) {
      state_->metrics.websocket_send_queue_overflow(route_name_);
      spdlog::warn("websocket {}: send queue full ({} messages, {} bytes), closing", route_name_,
                   messages - 1, bytes - size);
      asio::post(executor_, [self = shared_from_this()] {
        self->begin_close(1008, "send queue full", websocket_close_cause::send_queue_full, false);
      });
    }
    return send_result::queue_full;
  }
  put_in_inbox(std::move(message));
  return send_result::queued;
}

void websocket_session::discard_unsent() {
  // In the inbox like the sends: it applies to every message sent before it, none after.
  outgoing marker;
  marker.discard = true;
  marker.counted_messages = 0;
  put_in_inbox(std::move(marker));
}

void websocket_session::put_in_inbox(outgoing item) {
  {
    std::lock_guard lock{inbox_mutex_};
    inbox_.push_back(std::move(item));
    if (drain_posted_) return;
    drain_posted_ = true;
  }
  asio::post(executor_, [self = shared_from_this()] { self->drain_inbox(); });
}

void websocket_session::drain_inbox() {
  // The two vectors trade places and keep their capacity: a busy feed allocates nothing here.
  {
    std::lock_guard lock{inbox_mutex_};
    draining_.swap(inbox_);
    drain_posted_ = false;
  }
  for (auto& item : draining_) {
    if (item.discard) {
      drop_unsent();
    } else {
      enqueue(std::move(item));
    }
  }
  draining_.clear();
}

void websocket_session::close(std::uint16_t code, std::string reason) {
  asio::post(executor_, [self = shared_from_this(), code, reason = std::move(reason)]() mutable {
    self->begin_close(code, std::move(reason), websocket_close_cause::handler_closed, true);
  });
}

void websocket_session::shut_down(shutdown_mode mode) {
  asio::post(executor_, [self = shared_from_this(), mode] {
    if (self->finished_) return;
    if (mode == shutdown_mode::force || !self->opened_) {
      beast::get_lowest_layer(self->ws_).close();
      return;
    }
    self->begin_close(1001, "server shutting down", websocket_close_cause::server_stopping, false);
  });
}

void websocket_session::enqueue(outgoing message) {
  if (close_started_ || finished_) {
    release(message);
    return;
  }
  queue_.push_back(std::move(message));
  if (!writing_) do_write();
}

void websocket_session::drop_unsent() {
  // The message in flight stays: its buffer is in use until on_write.
  auto first = queue_.begin() + (writing_ && !queue_.empty() ? 1 : 0);
  auto kept =
      std::stable_partition(first, queue_.end(), [](const outgoing& m) { return !m.droppable; });
  for (auto it = kept; it != queue_.end(); ++it) release(*it);
  queue_.erase(kept, queue_.end());
  if (close_started_ && close_after_queue_ && !close_sent_ && !writing_ && queue_.empty()) {
    do_close();
  }
}

void websocket_session::do_write() {
  writing_ = true;
  if (joins_lines_) join_queued_lines();
  ws_.async_write(asio::buffer(*queue_.front().payload),
                  beast::bind_front_handler(&websocket_session::on_write, shared_from_this()));
}

// Joins what waits in the queue into its front message, one line each, up to a size that keeps
// one write short. The queue's counts stay those of the messages joined.
void websocket_session::join_queued_lines() {
  constexpr std::size_t max_joined_bytes = 64 * 1024;
  if (queue_.size() < 2) return;
  std::size_t bytes = 0;
  std::size_t count = 0;
  for (const auto& m : queue_) {
    if (count > 0 && bytes + m.payload->size() + 1 > max_joined_bytes) break;
    bytes += m.payload->size() + 1;
    ++count;
  }
  if (count < 2) return;
  outgoing joined;
  // The buffer of the last joined write is used again once that write let go of it.
  if (!join_buffer_ || join_buffer_.use_count() > 1) join_buffer_ = std::make_shared<std::string>();
  auto text = join_buffer_;
  text->clear();
  text->reserve(bytes);
  joined.counted_messages = 0;
  for (std::size_t i = 0; i < count; ++i) {
    auto& m = queue_.front();
    if (i > 0) text->push_back('\n');
    text->append(*m.payload);
    joined.droppable = i == 0 ? m.droppable : joined.droppable && m.droppable;
    joined.counted_messages += m.counted_messages;
    joined.counted_bytes += m.counted_bytes;
    queue_.pop_front();
  }
  joined.payload = std::move(text);
  queue_.push_front(std::move(joined));
}

void websocket_session::on_write(beast::error_code ec, std::size_t) {
  writing_ = false;
  release(queue_.front());
  queue_.pop_front();
  if (ec) {
    // The read side sees the broken connection too and ends the session.
    drop_queue();
    beast::get_lowest_layer(ws_).close();
    return;
  }
  if (close_started_) {
    if (!close_after_queue_ || close_sent_) return;
    if (queue_.empty()) return do_close();
  }
  if (!queue_.empty()) do_write();
}

void websocket_session::begin_close(std::uint16_t code, std::string reason,
                                    websocket_close_cause cause, bool after_queue) {
  if (close_started_ || finished_) return;
  close_started_ = true;
  closing_ = true;
  close_reason_ = websocket::close_reason{static_cast<websocket::close_code>(code),
                                          fit_close_reason(std::move(reason))};
  close_cause_ = cause;
  if (after_queue && (writing_ || !queue_.empty())) {
    close_after_queue_ = true;  // on_write closes once the queue is empty
    return;
  }
  drop_queue();
  do_close();
}

void websocket_session::do_close() {
  close_sent_ = true;
  ws_.async_close(close_reason_,
                  beast::bind_front_handler(&websocket_session::on_close, shared_from_this()));
}

void websocket_session::on_close(beast::error_code ec) {
  // The pending read completes when the handshake ends (or times out) and finishes the session.
  if (ec) spdlog::debug("websocket {}: close failed: {}", route_name_, ec.message());
}

void websocket_session::finish(beast::error_code ec) {
  if (finished_) return;
  finished_ = true;
  closing_ = true;
  websocket_close result;
  if (close_started_) {
    result.cause = close_cause_;
    result.code = close_reason_.code;
    result.reason = std::string{close_reason_.reason.c_str()};
  } else if (ec == websocket::error::closed) {
    result.cause = websocket_close_cause::peer_closed;
    auto code = ws_.reason().code;
    result.code = code == websocket::close_code::none ? 1005 : code;
    result.reason = std::string{ws_.reason().reason.c_str()};
  } else if (ec == websocket::error::message_too_big) {
    result.cause = websocket_close_cause::message_too_big;
    result.code = websocket::close_code::too_big;
  } else if (ec == beast::error::timeout) {
    result.cause = websocket_close_cause::timeout;
  } else {
    result.reason = ec.message();
  }
  drop_queue();
  beast::get_lowest_layer(ws_).close();
  state_->metrics.websocket_closed(route_name_);
  spdlog::debug("websocket {}: closed ({}, {} {})", route_name_, to_string(result.cause),
                result.code, result.reason);
  try {
    handler_->on_close(result);
  } catch (const std::exception& e) {
    spdlog::error("websocket {}: on_close threw: {}", route_name_, e.what());
  } catch (...) {
    spdlog::error("websocket {}: on_close threw", route_name_);
  }
  handler_.reset();
}

void websocket_session::drop_queue() {
  // The message in flight stays: its buffer is in use until on_write.
  auto keep = writing_ ? std::size_t{1} : std::size_t{0};
  while (queue_.size() > keep) {
    release(queue_.back());
    queue_.pop_back();
  }
}

void websocket_session::release(const outgoing& message) noexcept {
  queued_messages_.fetch_sub(message.counted_messages);
  queued_bytes_.fetch_sub(message.counted_bytes);
}

}  // namespace salon::net
