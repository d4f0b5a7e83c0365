#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

namespace salon::net {

// Counters of the HTTP server, written by the I/O threads and read by GET /metrics.
class http_metrics {
 public:
  // Upper bounds in seconds (Prometheus' defaults, plus finer ones below 5 ms where we live).
  static constexpr std::array<double, 14> latency_buckets{
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0};

  void record_request(std::string_view route, unsigned status, std::chrono::microseconds latency);
  void connection_opened() noexcept;
  void connection_closed() noexcept;
  void websocket_opened(std::string_view route);
  void websocket_closed(std::string_view route);
  void websocket_send_queue_overflow(std::string_view route);

  std::uint64_t requests(std::string_view route, unsigned status) const;
  std::int64_t open_connections() const noexcept;
  std::int64_t websocket_sessions() const noexcept;

  // Appends the Prometheus text exposition (HELP and TYPE lines included).
  void render(std::string& out) const;

 private:
  struct route_stats {
    std::map<unsigned, std::uint64_t> by_status;
    std::array<std::uint64_t, latency_buckets.size()> buckets{};  // not cumulative
    std::uint64_t count = 0;
    std::uint64_t sum_us = 0;
  };
  struct websocket_stats {
    std::int64_t open = 0;
    std::uint64_t overflows = 0;
  };

  mutable std::mutex mutex_;
  std::map<std::string, route_stats, std::less<>> routes_;
  std::map<std::string, websocket_stats, std::less<>> websockets_;
  std::atomic<std::int64_t> open_connections_{0};
  std::atomic<std::int64_t> websocket_sessions_{0};
};

}  // namespace salon::net
