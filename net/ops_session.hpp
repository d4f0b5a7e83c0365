#pragma once

#include <functional>
#include <memory>
#include <string>

#include "actors/ops_subscriber.hpp"
#include "net/websocket_handler.hpp"
#include "net/websocket_sender.hpp"

namespace salon::net {

// Where an /ops session joins and leaves the broadcaster (runtime::subscribe_ops and
// unsubscribe_ops in the server).
struct ops_feed {
  std::function<void(std::shared_ptr<actors::ops_subscriber>, actors::ops_filter)> subscribe;
  std::function<void(std::shared_ptr<actors::ops_subscriber>)> unsubscribe;
};

// One dashboard on WS /ops: subscribes when the socket opens, leaves when it closes. Events go
// out through the session's bounded queue; when it is full the session is closed with 1008
// and deliver() answers false, so the broadcaster forgets it. What the dashboard sends is
// ignored (the feed is one-way; pings and pongs are the server's).
class ops_session final : public websocket_handler,
                          public actors::ops_subscriber,
                          public std::enable_shared_from_this<ops_session> {
 public:
  ops_session(actors::ops_filter filter, ops_feed feed);

  // websocket_handler: on the session's strand.
  void on_open(websocket_sender sender) override;
  void on_text(std::string message) override;
  void on_close(const websocket_close& close) override;
  // Events are single-line JSON; a dashboard that falls behind gets them several to a message.
  bool joins_queued_lines() const override { return true; }
  // 200 dashboards get each batch at once: that burst is written apart from the calls.
  bool runs_on_feed_thread() const override { return true; }

  // ops_subscriber: from the broadcaster's thread.
  bool deliver(std::shared_ptr<const std::string> event) override;

 private:
  const actors::ops_filter filter_;
  const ops_feed feed_;
  websocket_sender sender_;  // set in on_open, before subscribing; read-only afterwards
};

}  // namespace salon::net
