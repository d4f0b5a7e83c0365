#include "net/http_server.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#include "actors/thread_priority.hpp"
#include "net/listener.hpp"
#include "net/server_state.hpp"

namespace salon::net {

namespace asio = boost::asio;

namespace {

// After the graceful part of stop(), forced closes finish quickly; this only bounds a stuck
// handler on an I/O thread.
constexpr std::chrono::milliseconds force_close_wait{1000};

}  // namespace

class http_server::impl {
 public:
  explicit impl(http_server_options options)
      : state_{std::make_shared<server_state>(std::move(options))},
        threads_count_{std::max(1u, state_->options.io_threads)},
        io_{static_cast<int>(threads_count_)},
        work_{io_.get_executor()},
        feed_io_{1},
        feed_work_{feed_io_.get_executor()} {
    state_->feed_io = &feed_io_;
  }

  ~impl() { stop(); }

  std::error_code start() {
    std::lock_guard lock{lifecycle_};
    if (started_ || stopped_) return std::make_error_code(std::errc::operation_not_permitted);
    boost::system::error_code ec;
    auto address = asio::ip::make_address(state_->options.bind_address, ec);
    if (ec) return ec;
    auto accepting = std::make_shared<listener>(io_, state_);
    ec = accepting->open({address, state_->options.port});
    if (ec) return ec;
    listener_ = std::move(accepting);
    port_ = listener_->port();
    listener_->run();
    started_ = true;
    for (unsigned i = 0; i < threads_count_; ++i) threads_.emplace_back([this] { run_io(io_); });
    threads_.emplace_back([this] {
      // Behind the calls, ahead of other processes: a dashboard's batch may wait for a caller's
      // reply, not for PostgreSQL or a build (under REALTIME_PRIORITY; else nothing changes).
      actors::run_thread_one_priority_lower();
      run_io(feed_io_);
    });
    spdlog::info("http: listening on {}:{} with {} I/O threads", state_->options.bind_address,
                 port_, threads_count_);
    return {};
  }

  void stop() noexcept {
    try {
      std::lock_guard lock{lifecycle_};
      if (stopped_) return;
      auto self_id = std::this_thread::get_id();
      if (std::any_of(threads_.begin(), threads_.end(),
                      [&](const std::thread& t) { return t.get_id() == self_id; })) {
        spdlog::error("http: stop() called from an I/O thread; ignored");
        return;
      }
      stopped_ = true;
      if (!started_) return;
      auto began = std::chrono::steady_clock::now();
      state_->stopping = true;
      listener_->stop();
      state_->sessions.shut_down_all(shutdown_mode::graceful);
      if (!state_->sessions.wait_until_empty(state_->options.shutdown_timeout)) {
        spdlog::warn("http: {} connections still open after {} ms; closing them",
                     state_->sessions.size(), state_->options.shutdown_timeout.count());
        state_->sessions.shut_down_all(shutdown_mode::force);
        state_->sessions.wait_until_empty(force_close_wait);
      }
      work_.reset();
      feed_work_.reset();
      io_.stop();
      feed_io_.stop();
      for (auto& thread : threads_) thread.join();
      spdlog::info("http: stopped in {} ms", std::chrono::duration_cast<std::chrono::milliseconds>(
                                                 std::chrono::steady_clock::now() - began)
                                                 .count());
    } catch (const std::exception& e) {
      spdlog::error("http: stopping failed: {}", e.what());
    }
  }

  std::shared_ptr<server_state> state_;
  std::uint16_t port_ = 0;

 private:
  static void run_io(asio::io_context& io) {
    // Handlers catch their own exceptions; this keeps a thread serving if one slips through.
    while (true) {
      try {
        io.run();
        return;
      } catch (const std::exception& e) {
        spdlog::error("http: I/O thread caught: {}", e.what());
      } catch (...) {
        spdlog::error("http: I/O thread caught an unknown exception");
      }
    }
  }

  unsigned threads_count_;
  asio::io_context io_;
  // A session waiting for its handler has no I/O pending; without this the threads would leave
  // run() during stop() and never carry out the forced closes.
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  // The feed thread's: WS /ops sessions (websocket_handler::runs_on_feed_thread).
  asio::io_context feed_io_;
  asio::executor_work_guard<asio::io_context::executor_type> feed_work_;
  std::shared_ptr<listener> listener_;
  std::vector<std::thread> threads_;
  std::mutex lifecycle_;
  bool started_ = false;
  bool stopped_ = false;
};

http_server::http_server(http_server_options options)
    : impl_{std::make_unique<impl>(std::move(options))} {}

http_server::~http_server() = default;

router& http_server::routes() noexcept {
  return impl_->state_->routes;
}

const http_metrics& http_server::metrics() const noexcept {
  return impl_->state_->metrics;
}

std::error_code http_server::start() {
  return impl_->start();
}

std::uint16_t http_server::port() const noexcept {
  return impl_->port_;
}

void http_server::stop() noexcept {
  impl_->stop();
}

}  // namespace salon::net
