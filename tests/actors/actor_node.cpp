#include "tests/actors/actor_node.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <caf/all.hpp>
#include <chrono>
#include <regex>
#include <thread>

#include "actors/call_log.hpp"
#include "actors/database_pool.hpp"
#include "tests/db/scratch_database.hpp"

namespace salon::actors::testing {

using namespace std::chrono_literals;

node::node(caf::actor_system& system, const std::string& url, const std::filesystem::path& spool,
           shop_directory_options directory_options) {
  pool = spawn_database_pool(system, {url, 4, 10000}, stats);
  call_log = spawn_call_log(system, pool, spool.string(), stats);
  directory = spawn_shop_directory(system, std::move(directory_options),
                                   shop_environment{pool, call_log, "UTC", &stats});
}

void node::stop() {
  for (auto* a : {&directory, &call_log, &pool})
    caf::anon_send_exit(*a, caf::exit_reason::user_shutdown);
}

std::filesystem::path spool_dir(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() /
             ("actors_test_" + name + "_" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  return dir;
}

caf::actor shop_of(caf::actor_system& system, const node& n, int location_id) {
  caf::scoped_actor self{system};
  caf::actor shop;
  self->request(n.directory, 10s, shop_atom::value, location_id)
      .receive([&](caf::actor& a) { shop = a; },
               [&](caf::error& e) { ADD_FAILURE() << system.render(e); });
  return shop;
}

shared_snapshot snapshot_of(caf::actor_system& system, const caf::actor& shop) {
  caf::scoped_actor self{system};
  shared_snapshot snapshot;
  self->request(shop, 10s, snapshot_atom::value)
      .receive([&](shared_snapshot& s) { snapshot = s; },
               [&](caf::error& e) { ADD_FAILURE() << system.render(e); });
  return snapshot;
}

std::pair<std::string, std::uint16_t> host_port(const std::string& url) {
  std::smatch match;
  std::regex pattern(R"(@([^/:]+):(\d+)/)");
  EXPECT_TRUE(std::regex_search(url, match, pattern)) << url;
  return {match[1], static_cast<std::uint16_t>(std::stoi(match[2]))};
}

bool write(caf::actor_system& system, const caf::actor& call_log, durable_write w) {
  caf::scoped_actor self{system};
  bool stored = false;
  self->request(call_log, 30s, write_atom::value, std::move(w))
      .receive([&](bool ok) { stored = ok; },
               [&](caf::error& e) { ADD_FAILURE() << system.render(e); });
  return stored;
}

db::time_point now_micro() {
  return std::chrono::time_point_cast<std::chrono::microseconds>(std::chrono::system_clock::now());
}

std::string eventually(db::testing::scratch_database& database, const std::string& sql,
                       const std::string& expected) {
  std::string last;
  for (int i = 0; i < 200; ++i) {
    auto result = database.query(sql);
    last = result.empty() || result[0][0].is_null() ? "" : result[0][0].c_str();
    if (last == expected) break;
    std::this_thread::sleep_for(100ms);
  }
  return last;
}

}  // namespace salon::actors::testing
