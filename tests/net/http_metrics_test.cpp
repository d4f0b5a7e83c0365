#include "net/http_metrics.hpp"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

namespace salon::net {
namespace {

using std::chrono::microseconds;

bool contains(const std::string& text, const std::string& line) {
  return text.find(line) != std::string::npos;
}

TEST(http_metrics, counts_requests_by_route_and_status) {
  http_metrics metrics;
  metrics.record_request("health", 200, microseconds{100});
  metrics.record_request("health", 200, microseconds{300});
  metrics.record_request("health", 503, microseconds{100});
  metrics.record_request("shops", 401, microseconds{100});
  EXPECT_EQ(metrics.requests("health", 200), 2u);
  EXPECT_EQ(metrics.requests("health", 503), 1u);
  EXPECT_EQ(metrics.requests("shops", 401), 1u);
  EXPECT_EQ(metrics.requests("shops", 200), 0u);
  EXPECT_EQ(metrics.requests("nope", 200), 0u);
}

TEST(http_metrics, renders_prometheus_text_with_cumulative_buckets) {
  http_metrics metrics;
  metrics.record_request("health", 200, microseconds{400});         // <= 0.0005
  metrics.record_request("health", 200, microseconds{3'000});       // <= 0.005
  metrics.record_request("health", 500, microseconds{20'000'000});  // only +Inf
  metrics.connection_opened();
  metrics.connection_opened();
  metrics.connection_closed();
  metrics.websocket_opened("relay");
  metrics.websocket_send_queue_overflow("relay");

  std::string out;
  metrics.render(out);
  EXPECT_TRUE(contains(out, "# TYPE salon_http_requests_total counter\n"));
  EXPECT_TRUE(contains(out, "salon_http_requests_total{route=\"health\",status=\"200\"} 2\n"));
  EXPECT_TRUE(contains(out, "salon_http_requests_total{route=\"health\",status=\"500\"} 1\n"));
  EXPECT_TRUE(contains(out, "# TYPE salon_http_request_duration_seconds histogram\n"));
  EXPECT_TRUE(contains(
      out, "salon_http_request_duration_seconds_bucket{route=\"health\",le=\"0.0005\"} 1\n"));
  EXPECT_TRUE(contains(
      out, "salon_http_request_duration_seconds_bucket{route=\"health\",le=\"0.0025\"} 1\n"));
  EXPECT_TRUE(contains(
      out, "salon_http_request_duration_seconds_bucket{route=\"health\",le=\"0.005\"} 2\n"));
  EXPECT_TRUE(
      contains(out, "salon_http_request_duration_seconds_bucket{route=\"health\",le=\"10\"} 2\n"));
  EXPECT_TRUE(contains(
      out, "salon_http_request_duration_seconds_bucket{route=\"health\",le=\"+Inf\"} 3\n"));
  EXPECT_TRUE(contains(out, "salon_http_request_duration_seconds_count{route=\"health\"} 3\n"));
  EXPECT_TRUE(contains(out, "salon_http_request_duration_seconds_sum{route=\"health\"} 20.0034\n"));
  EXPECT_TRUE(contains(out, "salon_http_open_connections 1\n"));
  EXPECT_TRUE(contains(out, "salon_websocket_sessions{route=\"relay\"} 1\n"));
  EXPECT_TRUE(contains(out, "salon_websocket_send_queue_overflows_total{route=\"relay\"} 1\n"));
  EXPECT_EQ(out.back(), '\n');
}

TEST(http_metrics, escapes_label_values) {
  http_metrics metrics;
  metrics.record_request("we\"ird\\route\n", 200, microseconds{1});
  std::string out;
  metrics.render(out);
  EXPECT_TRUE(contains(out, "route=\"we\\\"ird\\\\route\\n\""));
}

TEST(http_metrics, concurrent_recording_loses_nothing) {
  http_metrics metrics;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&metrics] {
      for (int i = 0; i < 10'000; ++i) {
        metrics.record_request("voice", 200, microseconds{i});
        metrics.connection_opened();
        metrics.connection_closed();
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(metrics.requests("voice", 200), 40'000u);
  EXPECT_EQ(metrics.open_connections(), 0);
}

}  // namespace
}  // namespace salon::net
