#include "net/websocket_sender.hpp"

namespace salon::net {

websocket_sender::websocket_sender(std::weak_ptr<websocket_channel> channel)
    : channel_{std::move(channel)} {}

send_result websocket_sender::send_text(std::shared_ptr<const std::string> payload) const {
  auto channel = channel_.lock();
  if (!channel) return send_result::closed;
  return channel->send_text(std::move(payload));
}

send_result websocket_sender::send_text(std::string payload) const {
  return send_text(std::make_shared<const std::string>(std::move(payload)));
}

send_result websocket_sender::send_droppable(std::shared_ptr<const std::string> payload) const {
  auto channel = channel_.lock();
  if (!channel) return send_result::closed;
  return channel->send_droppable(std::move(payload));
}

send_result websocket_sender::send_droppable(std::string payload) const {
  return send_droppable(std::make_shared<const std::string>(std::move(payload)));
}

void websocket_sender::discard_unsent() const {
  if (auto channel = channel_.lock()) channel->discard_unsent();
}

void websocket_sender::close(std::uint16_t code, std::string reason) const {
  if (auto channel = channel_.lock()) channel->close(code, std::move(reason));
}

bool websocket_sender::expired() const noexcept {
  return channel_.expired();
}

}  // namespace salon::net
