#pragma once

#include <atomic>

#include "net/http_metrics.hpp"
#include "net/http_server.hpp"
#include "net/router.hpp"
#include "net/session_registry.hpp"

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
};

}  // namespace salon::net
