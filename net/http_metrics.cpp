#include "net/http_metrics.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <iterator>

namespace salon::net {

namespace {

// Label values are ours (route names), but escape them as the exposition format asks.
std::string escape_label(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\' || c == '"') {
      out.push_back('\\');
      out.push_back(c);
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

template <class Map>
auto& entry(Map& map, std::string_view key) {
  auto found = map.find(key);
  if (found == map.end()) found = map.emplace(std::string{key}, typename Map::mapped_type{}).first;
  return found->second;
}

}  // namespace

void http_metrics::record_request(std::string_view route, unsigned status,
                                  std::chrono::microseconds latency) {
  auto micros = static_cast<std::uint64_t>(std::max<std::int64_t>(latency.count(), 0));
  auto seconds = static_cast<double>(micros) / 1e6;
  auto bucket = static_cast<std::size_t>(
      std::lower_bound(latency_buckets.begin(), latency_buckets.end(), seconds) -
      latency_buckets.begin());
  std::lock_guard lock{mutex_};
  auto& stats = entry(routes_, route);
  ++stats.by_status[status];
  if (bucket < stats.buckets.size()) ++stats.buckets[bucket];
  ++stats.count;
  stats.sum_us += micros;
}

void http_metrics::connection_opened() noexcept {
  open_connections_.fetch_add(1);
}

void http_metrics::connection_closed() noexcept {
  open_connections_.fetch_sub(1);
}

void http_metrics::websocket_opened(std::string_view route) {
  websocket_sessions_.fetch_add(1);
  std::lock_guard lock{mutex_};
  ++entry(websockets_, route).open;
}

void http_metrics::websocket_closed(std::string_view route) {
  websocket_sessions_.fetch_sub(1);
  std::lock_guard lock{mutex_};
  --entry(websockets_, route).open;
}

void http_metrics::websocket_send_queue_overflow(std::string_view route) {
  std::lock_guard lock{mutex_};
  ++entry(websockets_, route).overflows;
}

std::uint64_t http_metrics::requests(std::string_view route, unsigned status) const {
  std::lock_guard lock{mutex_};
  auto found = routes_.find(route);
  if (found == routes_.end()) return 0;
  auto by_status = found->second.by_status.find(status);
  return by_status == found->second.by_status.end() ? 0 : by_status->second;
}

std::int64_t http_metrics::open_connections() const noexcept {
  return open_connections_.load();
}

std::int64_t http_metrics::websocket_sessions() const noexcept {
  return websocket_sessions_.load();
}

void http_metrics::render(std::string& out) const {
  auto it = std::back_inserter(out);
  std::lock_guard lock{mutex_};

  fmt::format_to(it,
                 "# HELP salon_http_requests_total HTTP requests answered, by route and status.\n"
                 "# TYPE salon_http_requests_total counter\n");
  for (const auto& [route, stats] : routes_) {
    auto label = escape_label(route);
    for (const auto& [status, count] : stats.by_status) {
      fmt::format_to(it, "salon_http_requests_total{{route=\"{}\",status=\"{}\"}} {}\n", label,
                     status, count);
    }
  }

  fmt::format_to(it,
                 "# HELP salon_http_request_duration_seconds From the end of the request headers "
                 "to the end of the response.\n"
                 "# TYPE salon_http_request_duration_seconds histogram\n");
  for (const auto& [route, stats] : routes_) {
    auto label = escape_label(route);
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < latency_buckets.size(); ++i) {
      cumulative += stats.buckets[i];
      fmt::format_to(it,
                     "salon_http_request_duration_seconds_bucket{{route=\"{}\",le=\"{}\"}} {}\n",
                     label, latency_buckets[i], cumulative);
    }
    fmt::format_to(it,
                   "salon_http_request_duration_seconds_bucket{{route=\"{}\",le=\"+Inf\"}} {}\n"
                   "salon_http_request_duration_seconds_sum{{route=\"{}\"}} {}\n"
                   "salon_http_request_duration_seconds_count{{route=\"{}\"}} {}\n",
                   label, stats.count, label, static_cast<double>(stats.sum_us) / 1e6, label,
                   stats.count);
  }

  fmt::format_to(it,
                 "# HELP salon_http_open_connections Open TCP connections, HTTP and WebSocket.\n"
                 "# TYPE salon_http_open_connections gauge\n"
                 "salon_http_open_connections {}\n",
                 open_connections_.load());

  fmt::format_to(it,
                 "# HELP salon_websocket_sessions Open WebSocket sessions, by route.\n"
                 "# TYPE salon_websocket_sessions gauge\n");
  for (const auto& [route, stats] : websockets_) {
    fmt::format_to(it, "salon_websocket_sessions{{route=\"{}\"}} {}\n", escape_label(route),
                   stats.open);
  }
  fmt::format_to(it,
                 "# HELP salon_websocket_send_queue_overflows_total WebSocket sessions closed "
                 "because the client read too slowly.\n"
                 "# TYPE salon_websocket_send_queue_overflows_total counter\n");
  for (const auto& [route, stats] : websockets_) {
    fmt::format_to(it, "salon_websocket_send_queue_overflows_total{{route=\"{}\"}} {}\n",
                   escape_label(route), stats.overflows);
  }
}

}  // namespace salon::net
