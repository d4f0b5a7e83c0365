#include <pthread.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>

#include "actors/runtime.hpp"
#include "app/commands.hpp"
#include "config/settings_loader.hpp"
#include "db/migrator.hpp"
#include "net/admin_routes.hpp"
#include "net/api_routes.hpp"
#include "net/http_server.hpp"
#include "net/ops_routes.hpp"
#include "net/twilio_routes.hpp"

namespace salon::app {
namespace {

// Blocks SIGINT and SIGTERM in this thread before any other starts, so every thread inherits
// the mask and only sigwait below sees them.
sigset_t block_stop_signals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  return signals;
}

// Every live call holds a socket, and webhooks and the database more: the usual soft limit of
// 1024 open files would turn callers away long before MAX_CONCURRENT_CALLS. The hard limit is
// as far as a process may go by itself.
void raise_open_files_limit(int max_calls) {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) {
    spdlog::warn("open files limit unknown: {}", std::strerror(errno));
    return;
  }
  const auto before = limit.rlim_cur;
  if (limit.rlim_cur < limit.rlim_max) {
    rlimit raised = limit;
    raised.rlim_cur = limit.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &raised) == 0) {
      limit = raised;
    } else {
      spdlog::warn("open files limit not raised to {}: {}", limit.rlim_max, std::strerror(errno));
    }
  }
  spdlog::info("open files limit: soft {} (was {}), hard {}", limit.rlim_cur, before,
               limit.rlim_max);
  // A call's relay socket, plus room for webhooks, the database and files.
  const auto needed = static_cast<rlim_t>(max_calls) + 256;
  if (limit.rlim_cur < needed) {
    spdlog::warn(
        "open files limit {} is below MAX_CONCURRENT_CALLS ({}) and some room: raise "
        "the hard limit (ulimit -Hn, systemd LimitNOFILE=)",
        limit.rlim_cur, max_calls);
  }
}

}  // namespace

int serve(const config::settings& settings) {
  sigset_t stop_signals = block_stop_signals();
  // A write to a pipe or socket whose reader went away (a log collector restarted, a peer that
  // hung up) must fail with EPIPE where it happens, not kill every live call with the process.
  std::signal(SIGPIPE, SIG_IGN);
  spdlog::info("salon-phone {} starting", SALON_VERSION);
  for (const auto& line : config::describe_settings(settings)) spdlog::info("setting {}", line);
  if (settings.database_url.empty()) {
    spdlog::error("DATABASE_URL is not set: the server needs PostgreSQL");
    return 2;
  }
  if (db::names_transaction_pooler(settings.database_url)) {
    spdlog::warn(
        "DATABASE_URL names port 6543, a transaction-mode pooler: prepared statements and the "
        "cluster's LISTEN fail there; use the direct connection or the session pooler (port "
        "5432), docs/operations.md");
  }
  if (settings.twilio_auth_token.empty()) {
    spdlog::warn("TWILIO_AUTH_TOKEN is not set: Twilio webhook signatures are NOT checked");
  }
  if (settings.admin_api_key.empty()) {
    spdlog::warn("ADMIN_API_KEY is not set: /shops, /shop/... and /admin/... answer 503");
  }

  raise_open_files_limit(settings.max_concurrent_calls);

  actors::runtime runtime(settings);
  net::http_server_options options;
  options.bind_address = settings.bind_address;
  options.port = settings.port;
  options.io_threads = static_cast<unsigned>(settings.io_threads);
  options.body_limit = settings.max_body_bytes;
  net::http_server server(options);
  const net::api_context api{settings, runtime, server.metrics(), std::chrono::steady_clock::now()};
  net::add_api_routes(server.routes(), api);
  net::add_admin_routes(server.routes(), api);
  net::add_twilio_routes(server.routes(), {settings, runtime});
  net::add_ops_routes(server.routes(), net::ops_context_for(settings, runtime));
  if (auto error = server.start()) {
    spdlog::error("cannot listen on {}:{}: {}", settings.bind_address, settings.port,
                  error.message());
    return 1;
  }
  spdlog::info("listening on http://{}:{}", settings.bind_address, server.port());

  int received = 0;
  sigwait(&stop_signals, &received);
  spdlog::info("{} received: stopping", received == SIGINT ? "SIGINT" : "SIGTERM");
  server.stop();
  runtime.stop();
  spdlog::info("stopped cleanly");
  return 0;
}

}  // namespace salon::app
