#include "actors/cluster_listener.hpp"

#include <spdlog/spdlog.h>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>
#include <string_view>

#include "actors/cluster_publisher.hpp"
#include "actors/messages.hpp"
#include "actors/ops_event_codec.hpp"
#include "db/notification_listener.hpp"

namespace salon::actors {
namespace {

constexpr const char* shop_channel = "salon_shop_changed";

void shop_changed(const caf::actor& shop_directory, const std::string& payload) {
  const auto change = nlohmann::json::parse(payload, nullptr, false);
  const auto location = change.is_object() ? change.find("location_id") : change.end();
  if (location == change.end() || !location->is_number_integer()) {
    spdlog::warn("cluster: ignored a shop change that names no location: {}", payload);
    return;
  }
  spdlog::info("cluster: shop {} changed", location->get<int>());
  caf::anon_send(shop_directory, reload_atom::value);
  caf::anon_send(shop_directory, reload_atom::value, location->get<int>());
}

void peer_events(const caf::actor& broadcaster, const std::string& node_id,
                 std::string_view payload) {
  auto packet = unpack_ops_events(payload);
  if (!packet || packet->node_id == node_id) return;  // our own, already published here
  for (auto text : packet->events) {
    auto event = decode_ops_event(text);
    if (!event) {
      spdlog::warn("cluster: ignored an ops event this node cannot read ({} bytes)", text.size());
      continue;
    }
    event->from_peer = true;
    caf::anon_send(broadcaster, ops_publish_atom::value, std::move(*event));
  }
}

}  // namespace

std::unique_ptr<db::notification_listener> listen_to_cluster(const std::string& database_url,
                                                             std::string node_id,
                                                             caf::actor shop_directory,
                                                             caf::actor broadcaster) {
  db::notification_listener::handlers handlers;
  handlers.on_notification = [=](const std::string& channel, const std::string& payload) {
    if (channel == shop_channel) {
      shop_changed(shop_directory, payload);
    } else {
      peer_events(broadcaster, node_id, payload);
    }
  };
  handlers.on_listening = [shop_directory] {
    spdlog::info("cluster: listening to the other nodes");
    caf::anon_send(shop_directory, reload_atom::value);
  };
  handlers.on_error = [](const std::string& why) {
    spdlog::warn("cluster: not listening to the other nodes ({}); trying again", why);
  };
  return std::make_unique<db::notification_listener>(
      database_url, std::vector<std::string>{shop_channel, ops_channel}, std::move(handlers));
}

}  // namespace salon::actors
