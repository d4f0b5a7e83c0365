#include "actors/runtime.hpp"

#include <spdlog/spdlog.h>

#include <caf/all.hpp>
#include <deque>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>
#include <unordered_map>

#include "actors/broadcaster.hpp"
#include "actors/call.hpp"
#include "actors/call_log.hpp"
#include "actors/cluster_listener.hpp"
#include "actors/cluster_publisher.hpp"
#include "actors/database_pool.hpp"
#include "actors/failure_error.hpp"
#include "actors/messages.hpp"
#include "actors/shop_directory.hpp"
#include "actors/tally_folder.hpp"
#include "actors/thread_priority.hpp"
#include "conversation/speech.hpp"
#include "db/connection.hpp"
#include "db/notification_listener.hpp"

namespace salon::actors {
namespace {

constexpr auto ask_timeout = std::chrono::seconds(10);
constexpr auto health_timeout = std::chrono::seconds(2);
// How long a call answered with a relay holds its place before its relay connects.
constexpr auto admission_hold = std::chrono::seconds(60);

// How often the tally rows appended by the database triggers are added up (migration 0012): a
// busy node appends a few thousand rows in that time.
constexpr auto tally_fold_interval = std::chrono::seconds(5);

// Tells this process's notifications from those of the other nodes of a cluster.
std::string make_node_id() {
  std::random_device entropy;
  std::uniform_int_distribution<unsigned long long> any;
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", any(entropy));
  return text;
}

caf::actor_system_config& configure(caf::actor_system_config& cfg,
                                    const config::settings& settings) {
  cfg.set("scheduler.max-threads", static_cast<std::size_t>(settings.actor_threads));
  // Work stealing polls an empty queue 600 times, sleeping 50 us between most polls, before a
  // worker waits on its condition variable; under a steady trickle of messages that was a third
  // of the server's CPU. A shared queue wakes a worker only when there is work.
  cfg.set("scheduler.policy", caf::atom("sharing"));
  cfg.add_error_category(caf::atom("salon"),
                         [](std::uint8_t code, caf::atom_value, const caf::message& context) {
                           auto text = "salon: " + to_string(static_cast<failure>(code));
                           if (context.match_elements<std::string>()) {
                             text += " (" + context.get_as<std::string>(0) + ")";
                           }
                           return text;
                         });
  return cfg;
}

// Before any thread of the runtime starts, so that they, and the HTTP server's threads started
// later from this thread, inherit SCHED_RR: on a busy machine a reply then waits for no other
// process (PostgreSQL, a build). Returns the priority in force (0: normal scheduling); a refusal
// is a warning, not a stop.
int apply_realtime_priority(int priority) {
  if (priority == 0) return 0;
  if (auto error = run_thread_realtime(priority)) {
    spdlog::warn("REALTIME_PRIORITY {} not applied, threads run under the normal scheduler: {}",
                 priority, *error);
    return 0;
  }
  spdlog::info("threads run under SCHED_RR priority {}", priority);
  return priority;
}

}  // namespace

struct runtime::impl {
  const int realtime_priority;  // first: applied before the actor system starts its threads
  caf::actor_system_config cfg;
  caf::actor_system system;
  runtime_stats stats;
  caf::actor database_pool;
  caf::actor call_log;
  caf::actor directory;
  caf::actor broadcaster;
  caf::actor cluster_publisher;
  caf::actor tally_folder;
  std::unique_ptr<db::notification_listener> cluster_listener;
  std::once_flag stopped;
  const int max_calls;

  // Calls answered with a relay that has not connected yet: SID -> until when it counts.
  std::mutex admission_mutex;
  std::unordered_map<std::string, std::chrono::steady_clock::time_point> admitted;
  std::deque<std::pair<std::chrono::steady_clock::time_point, std::string>> admitted_order;

  explicit impl(const config::settings& settings)
      : realtime_priority(apply_realtime_priority(settings.realtime_priority)),
        system(configure(cfg, settings)),
        max_calls(settings.max_concurrent_calls) {
    stats.realtime_priority.store(realtime_priority);
    database_pool =
        spawn_database_pool(system, {settings.database_url, settings.db_pool_size, 10000}, stats);
    call_log = spawn_call_log(system, database_pool, settings.spool_dir, stats);
    const auto node_id = make_node_id();
    broadcaster_environment feed{database_pool, &stats};
    if (!settings.database_url.empty()) {
      cluster_publisher = spawn_cluster_publisher(system, database_pool, node_id);
      feed.peers = cluster_publisher;
      tally_folder = spawn_tally_folder(system, database_pool, tally_fold_interval);
    }
    broadcaster = spawn_broadcaster(system, std::move(feed));
    directory = spawn_shop_directory(
        system, {settings.phone_to_location, settings.default_location_id},
        shop_environment{database_pool, call_log, settings.default_timezone, &stats, broadcaster});
    if (!settings.database_url.empty()) {
      cluster_listener = listen_to_cluster(settings.database_url, node_id, directory, broadcaster);
    }
  }

  // Sends one request from a short-lived actor and hands the answer (or failure) to `done`.
  template <class T, class... Ts>
  void ask(const caf::actor& target, caf::timespan timeout, std::function<void(outcome<T>)> done,
           Ts... xs) {
    system.spawn([=](caf::event_based_actor* self) {
      self->request(target, timeout, xs...)
          .then([=](T& value) { done(std::move(value)); },
                [=](caf::error& error) { done(classify(error)); });
    });
  }
};

runtime::runtime(const config::settings& settings) : impl_(std::make_unique<impl>(settings)) {}

runtime::~runtime() {
  stop();
}

void runtime::shop_config(int location_id, std::function<void(outcome<db::shop>)> done) {
  auto directory = impl_->directory;
  impl_->system.spawn([=](caf::event_based_actor* self) {
    self->request(directory, ask_timeout, shop_atom::value, location_id)
        .then(
            [=](caf::actor& shop) {
              self->request(shop, ask_timeout, config_atom::value)
                  .then([=](db::shop& record) { done(std::move(record)); },
                        [=](caf::error& error) { done(classify(error)); });
            },
            [=](caf::error& error) { done(classify(error)); });
  });
}

void runtime::list_shops(std::function<void(outcome<std::vector<db::shop_summary>>)> done) {
  database_job job = [](db::connection& connection) {
    return caf::make_message(connection.list_shops());
  };
  impl_->ask<std::vector<db::shop_summary>>(impl_->database_pool, ask_timeout, std::move(done),
                                            run_job_atom::value, std::move(job));
}

void runtime::route_call(const std::string& phone, std::function<void(outcome<int>)> done) {
  impl_->ask<int>(impl_->directory, ask_timeout, std::move(done), route_atom::value, phone);
}

void runtime::check_database(std::function<void(bool)> done) {
  database_job job = [](db::connection& connection) {
    return caf::make_message(connection.ping());
  };
  impl_->ask<bool>(impl_->database_pool, health_timeout,
                   std::function<void(outcome<bool>)>([done](outcome<bool> result) {
                     auto* reachable = std::get_if<bool>(&result);
                     done(reachable != nullptr && *reachable);
                   }),
                   run_job_atom::value, std::move(job));
}

void runtime::with_database(std::function<void(db::connection&)> work,
                            std::function<void(std::optional<failure>)> done) {
  database_job job = [work = std::move(work)](db::connection& connection) {
    work(connection);
    return caf::make_message(true);
  };
  impl_->ask<bool>(impl_->database_pool, ask_timeout,
                   std::function<void(outcome<bool>)>([done](outcome<bool> result) {
                     if (auto* reason = std::get_if<failure>(&result)) {
                       done(*reason);
                     } else {
                       done(std::nullopt);
                     }
                   }),
                   run_job_atom::value, std::move(job));
}

void runtime::shop_changed(int location_id, std::optional<std::string> phone_number,
                           std::string shop_id, std::string shop_name) {
  if (phone_number) {
    caf::anon_send(impl_->directory, map_phone_atom::value, *phone_number, location_id);
  }
  caf::anon_send(impl_->directory, reload_atom::value, location_id);
  caf::anon_send(
      impl_->broadcaster, ops_publish_atom::value,
      ops_event{location_id, std::move(shop_id), std::move(shop_name), {}, shop_updated_event{}});
}

void runtime::blocking_then_database(std::function<void()> slow,
                                     std::function<void(db::connection&)> work,
                                     std::function<void(std::optional<failure>)> done) {
  auto pool = impl_->database_pool;
  // A detached actor has a thread of its own; the pool handle is taken now, not after the wait.
  impl_->system.spawn<caf::detached>([=](caf::event_based_actor* self) {
    // A scrape may parse pages for seconds: behind the calls, not ahead of them.
    run_thread_normally();
    slow();
    database_job job = [work](db::connection& connection) {
      work(connection);
      return caf::make_message(true);
    };
    self->request(pool, ask_timeout, run_job_atom::value, std::move(job))
        .then([=](bool) { done(std::nullopt); }, [=](caf::error& error) { done(classify(error)); });
  });
}

void runtime::book_appointment(admin_booking request,
                               std::function<void(outcome<admin_booking_result>)> done) {
  auto directory = impl_->directory;
  auto pool = impl_->database_pool;
  auto* system = &impl_->system;
  impl_->system.spawn([=](caf::event_based_actor* self) {
    self->request(directory, ask_timeout, shop_atom::value, request.location_id)
        .then([=](caf::actor& shop) { book_for_admin(*system, shop, pool, request, done); },
              [=](caf::error& error) { done(classify(error)); });
  });
}

namespace {

db::time_point now_micro() {
  return std::chrono::time_point_cast<std::chrono::microseconds>(std::chrono::system_clock::now());
}

call_answer answer_for(const db::shop& shop) {
  call_answer answer;
  answer.location_id = shop.profile.location_id;
  answer.shop_id = shop.profile.id;
  answer.business_name = shop.profile.business_name;
  answer.greeting = conversation::call_greeting(
      shop.salon ? shop.salon->greeting.value_or("") : std::string{}, shop.profile.business_name);
  for (const auto& service : shop.services) answer.hints.push_back(service.name);
  for (const auto& stylist : shop.stylists) answer.hints.push_back(stylist.name);
  if (shop.salon) answer.forward_phone = shop.salon->forward_phone;
  return answer;
}

}  // namespace

void runtime::answer_call(incoming_call call, std::function<void(outcome<call_answer>)> done) {
  auto directory = impl_->directory;
  auto call_log = impl_->call_log;
  auto* stats = &impl_->stats;
  impl_->system.spawn([=](caf::event_based_actor* self) {
    auto record = [=](std::optional<std::string> shop_id) {
      stats->calls_started.fetch_add(1);
      caf::anon_send(call_log, write_atom::value,
                     durable_write{db::call_started{call.call_sid, std::move(shop_id), call.from,
                                                    call.to, now_micro()}});
    };
    self->request(directory, ask_timeout, route_atom::value, call.to)
        .then(
            [=](int location_id) {
              self->request(directory, ask_timeout, shop_atom::value, location_id)
                  .then(
                      [=](caf::actor& shop) {
                        self->request(shop, ask_timeout, config_atom::value)
                            .then(
                                [=](db::shop& config) {
                                  auto answer = answer_for(config);
                                  record(answer.shop_id);
                                  done(std::move(answer));
                                },
                                [=](caf::error& error) {
                                  auto reason = classify(error);
                                  if (reason == failure::shop_not_found) {
                                    done(reason);
                                    return;
                                  }
                                  // The shop is known but not readable now: still take the call.
                                  call_answer answer;
                                  answer.location_id = location_id;
                                  answer.greeting = conversation::call_greeting("", "");
                                  record(std::nullopt);
                                  done(std::move(answer));
                                });
                      },
                      [=](caf::error& error) { done(classify(error)); });
            },
            [=](caf::error& error) { done(classify(error)); });
  });
}

bool runtime::admit_call(const std::string& call_sid) {
  auto now = std::chrono::steady_clock::now();
  std::lock_guard lock{impl_->admission_mutex};
  auto& admitted = impl_->admitted;
  auto& order = impl_->admitted_order;
  while (!order.empty() && order.front().first <= now) {
    auto it = admitted.find(order.front().second);
    if (it != admitted.end() && it->second <= now) admitted.erase(it);
    order.pop_front();
  }
  if (admitted.contains(call_sid)) return true;
  auto taken = static_cast<std::size_t>(impl_->stats.live_calls.load()) + admitted.size();
  if (taken >= static_cast<std::size_t>(impl_->max_calls)) return false;
  admitted.emplace(call_sid, now + admission_hold);
  order.emplace_back(now + admission_hold, call_sid);
  return true;
}

std::shared_ptr<live_call> runtime::start_call(relay_setup setup, std::shared_ptr<call_line> line) {
  auto call_sid = setup.call_sid;
  auto call = spawn_call(
      impl_->system, std::move(setup), std::move(line),
      call_environment{impl_->directory, impl_->call_log, &impl_->stats, impl_->broadcaster});
  {
    // Counted among the live calls now: its place held since the webhook is free again.
    std::lock_guard lock{impl_->admission_mutex};
    impl_->admitted.erase(call_sid);
  }
  return make_live_call(std::move(call));
}

void runtime::call_status(db::call_status_update update, std::function<void(outcome<bool>)> done) {
  // Answered once the call log has queued it, not after the database's commit: under load the
  // commit can lag by seconds, longer than Twilio should wait.
  impl_->ask<bool>(impl_->call_log, ask_timeout, std::move(done), write_atom::value,
                   durable_write{std::move(update)}, accepted_atom::value);
}

void runtime::relay_ended(relay_session_end end, std::function<void(outcome<after_relay>)> done) {
  auto data = nlohmann::json::parse(end.handoff_data, nullptr, false);
  bool hand_off = data.is_object() && data.value("handoff", false);
  bool failed = end.session_status == "failed";
  if (failed) {
    spdlog::error("relay session of call {} failed: error {} {}", end.call_sid,
                  end.error_code.value_or("?"), end.error_message.value_or(""));
  }
  if (!hand_off && !failed) {
    done(after_relay{false, std::nullopt, "Thanks for calling. Goodbye!"});
    return;
  }
  std::optional<int> location;
  if (data.is_object() && data.contains("location_id") && data["location_id"].is_number_integer()) {
    location = data["location_id"].get<int>();
  }
  std::string message = failed ? "I'm sorry, we're having technical trouble."
                               : "Please hold while I connect you to the salon.";
  auto directory = impl_->directory;
  auto to = end.to;
  impl_->system.spawn([=](caf::event_based_actor* self) {
    auto with_shop = [=](int location_id) {
      self->request(directory, ask_timeout, shop_atom::value, location_id)
          .then(
              [=](caf::actor& shop) {
                self->request(shop, ask_timeout, config_atom::value)
                    .then(
                        [=](db::shop& config) {
                          auto forward = config.salon ? config.salon->forward_phone : std::nullopt;
                          if (forward) {
                            done(after_relay{true, forward, message});
                          } else {
                            done(after_relay{false, std::nullopt,
                                             "I'm sorry, nobody can come to the phone right now. "
                                             "The salon will call you back. Goodbye."});
                          }
                        },
                        [=](caf::error& error) { done(classify(error)); });
              },
              [=](caf::error& error) { done(classify(error)); });
    };
    if (location) {
      with_shop(*location);
    } else {
      self->request(directory, ask_timeout, route_atom::value, to)
          .then([=](int location_id) { with_shop(location_id); },
                [=](caf::error& error) { done(classify(error)); });
    }
  });
}

void runtime::subscribe_ops(std::shared_ptr<ops_subscriber> subscriber, ops_filter filter) {
  caf::anon_send(impl_->broadcaster, ops_subscribe_atom::value, std::move(subscriber),
                 std::move(filter));
}

void runtime::unsubscribe_ops(std::shared_ptr<ops_subscriber> subscriber) {
  caf::anon_send(impl_->broadcaster, ops_unsubscribe_atom::value, std::move(subscriber));
}

const runtime_stats& runtime::stats() const {
  return impl_->stats;
}

void runtime::stop() {
  std::call_once(impl_->stopped, [this] {
    // Calls settle first (their sockets closed with the server), so their records reach the
    // call log before it spools what is left; then shops, the log, and the database last.
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (impl_->stats.live_calls.load() > 0 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    impl_->cluster_listener.reset();
    caf::anon_send_exit(impl_->directory, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(impl_->broadcaster, caf::exit_reason::user_shutdown);
    if (impl_->cluster_publisher)
      caf::anon_send_exit(impl_->cluster_publisher, caf::exit_reason::user_shutdown);
    if (impl_->tally_folder)
      caf::anon_send_exit(impl_->tally_folder, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(impl_->call_log, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(impl_->database_pool, caf::exit_reason::user_shutdown);
    impl_->directory = nullptr;
    impl_->call_log = nullptr;
    impl_->broadcaster = nullptr;
    impl_->cluster_publisher = nullptr;
    impl_->tally_folder = nullptr;
    impl_->database_pool = nullptr;
    impl_->system.await_all_actors_done();
    spdlog::info("actors stopped");
  });
}

}  // namespace salon::actors
