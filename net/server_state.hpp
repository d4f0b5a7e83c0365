#pragma once

#include <atomic>

#include "net/http_metrics.hpp"
#include "net/http_server.hpp"
#include "net/router.hpp"
#include "net/session_registry.hpp"

namespace boost::asio {
class io_context;
}

namespace salon::net {

// What the listener and every session share; sessions hold it by shared_ptr so it outlives
// them even when the server object goes first.
struct server_state {
  explicit server_state(http_server_options server_options) : options{std::move(server_options)} {}

  const http_server_options options;
  router routes;
  http_metrics metrics;
  session_registry sessions;
  std::atomic<bool> stopping{false};
  // Where sessions whose handler runs_on_feed_thread() live; set by the server before it starts.
  boost::asio::io_context* feed_io = nullptr;
};

}  // namespace salon::net
