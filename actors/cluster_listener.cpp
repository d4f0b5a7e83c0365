#include "actors/cluster_listener.hpp"

#include <spdlog/spdlog.h>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "actors/messages.hpp"
#include "db/notification_listener.hpp"

namespace salon::actors {

std::unique_ptr<db::notification_listener> listen_to_cluster(const std::string& database_url,
                                                             caf::actor shop_directory) {
  db::notification_listener::handlers handlers;
  handlers.on_notification = [shop_directory](const std::string&, const std::string& payload) {
    const auto change = nlohmann::json::parse(payload, nullptr, false);
    const auto location = change.is_object() ? change.find("location_id") : change.end();
    if (location == change.end() || !location->is_number_integer()) {
      spdlog::warn("cluster: ignored a shop change that names no location: {}", payload);
      return;
    }
    spdlog::info("cluster: shop {} changed", location->get<int>());
    caf::anon_send(shop_directory, reload_atom::value);
    caf::anon_send(shop_directory, reload_atom::value, location->get<int>());
  };
  handlers.on_listening = [shop_directory] {
    spdlog::info("cluster: listening for shop changes");
    caf::anon_send(shop_directory, reload_atom::value);
  };
  handlers.on_error = [](const std::string& why) {
    spdlog::warn("cluster: not listening for shop changes ({}); trying again", why);
  };
  return std::make_unique<db::notification_listener>(
      database_url, std::vector<std::string>{"salon_shop_changed"}, std::move(handlers));
}

}  // namespace salon::actors
