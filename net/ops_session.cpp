#include "net/ops_session.hpp"

#include <spdlog/spdlog.h>

namespace salon::net {

ops_session::ops_session(actors::ops_filter filter, ops_feed feed)
    : filter_(std::move(filter)), feed_(std::move(feed)) {}

void ops_session::on_open(websocket_sender sender) {
  sender_ = std::move(sender);
  spdlog::info("ops dashboard connected (shop {}{})", filter_.shop.value_or("all"),
               filter_.transcript ? ", with transcripts" : "");
  if (feed_.subscribe) feed_.subscribe(shared_from_this(), filter_);
}

void ops_session::on_text(std::string) {}

void ops_session::on_close(const websocket_close& close) {
  spdlog::info("ops dashboard disconnected: {} ({})", to_string(close.cause), close.code);
  if (feed_.unsubscribe) feed_.unsubscribe(shared_from_this());
}

bool ops_session::deliver(std::shared_ptr<const std::string> event) {
  return sender_.send_text(std::move(event)) == send_result::queued;
}

}  // namespace salon::net
