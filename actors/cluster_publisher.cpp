#include "actors/cluster_publisher.hpp"

#include <spdlog/spdlog.h>

#include <caf/all.hpp>
#include <vector>

#include "actors/messages.hpp"
#include "actors/ops_event.hpp"
#include "actors/ops_event_codec.hpp"
#include "db/connection.hpp"

namespace salon::actors {
namespace {

using flush_atom = caf::atom_constant<caf::atom("flush")>;

constexpr auto gather_time = std::chrono::milliseconds(20);
constexpr std::size_t batch_size = 200;
constexpr std::size_t max_waiting = 5000;
constexpr auto database_timeout = std::chrono::seconds(5);

struct publisher_state {
  std::string node_id;
  std::vector<std::string> waiting;
  bool flush_scheduled = false;
  bool sending = false;
  std::size_t dropped = 0;
  static inline const char* name = "cluster_publisher";
};

using publisher_actor = caf::stateful_actor<publisher_state>;

void flush(publisher_actor* self, const caf::actor& pool) {
  auto& state = self->state;
  if (state.sending || state.waiting.empty()) return;
  const auto take = std::min(state.waiting.size(), batch_size);
  auto payloads =
      pack_ops_events(state.node_id, std::span<const std::string>(state.waiting.data(), take));
  state.waiting.erase(state.waiting.begin(), state.waiting.begin() + take);
  state.sending = true;
  database_job job = [payloads = std::move(payloads)](db::connection& connection) {
    connection.notify(ops_channel, payloads);
    return caf::make_message(true);
  };
  self->request(pool, database_timeout, run_job_atom::value, std::move(job))
      .then(
          [=](bool) {
            self->state.sending = false;
            flush(self, pool);
          },
          [=](caf::error& error) {
            self->state.sending = false;
            spdlog::debug("cluster: ops events not shared: {}", self->system().render(error));
            flush(self, pool);
          });
}

caf::behavior cluster_publisher(publisher_actor* self, caf::actor pool, std::string node_id) {
  self->state.node_id = std::move(node_id);
  return {
      [=](ops_publish_atom, const ops_event& event) {
        auto& state = self->state;
        if (state.waiting.size() >= max_waiting) {
          if (state.dropped++ % 1000 == 0)
            spdlog::warn("cluster: {} ops events not shared (the database is behind)",
                         state.dropped);
          return;
        }
        state.waiting.push_back(encode_ops_event(event));
        if (state.waiting.size() >= batch_size) {
          flush(self, pool);
        } else if (!state.flush_scheduled) {
          state.flush_scheduled = true;
          self->delayed_send(self, gather_time, flush_atom::value);
        }
      },
      [=](flush_atom) {
        self->state.flush_scheduled = false;
        flush(self, pool);
      },
  };
}

}  // namespace

caf::actor spawn_cluster_publisher(caf::actor_system& system, caf::actor database_pool,
                                   std::string node_id) {
  return system.spawn(cluster_publisher, std::move(database_pool), std::move(node_id));
}

}  // namespace salon::actors
