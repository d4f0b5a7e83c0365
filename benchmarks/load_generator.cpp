// load_generator: N concurrent simulated Twilio calls against a running salon-phone server,
// speaking the real protocol (signed webhook, relay WebSocket with several turns and think
// time, hang-up, action and status callbacks). Reports calls/s, turns/s, turn latency (prompt
// sent -> `last: true` received), webhook latency, the server's RSS per live call, and checks
// that the database holds exactly one settled record per call. With --dashboards, that many
// WS /ops clients follow the live feed meanwhile and must each receive every event of every
// call. See docs/benchmarks.md.

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <charconv>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <pqxx/pqxx>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "actors/thread_priority.hpp"
#include "benchmarks/dashboard_fleet.hpp"
#include "net/twilio_caller.hpp"

namespace {

using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

constexpr std::string_view usage =
    R"(usage: load_generator --url http://HOST:PORT --to NUMBER [options]

  --calls N              calls to place in all (default 1000)
  --concurrency N        calls on the line at once (default 100)
  --turns N              prompts per call (default 3)
  --think-ms N           pause before each prompt, as a caller listening and thinking (1000)
  --ramp-ms N            spread the first `concurrency` calls over this time (5000)
  --io-threads N         threads running the simulated calls (1)
  --reply-timeout-ms N   a turn without `last: true` after this is a failure (10000)
  --public-base-url URL  the server's PUBLIC_BASE_URL (default: $PUBLIC_BASE_URL, else --url)
  --twilio-auth-token T  the server's TWILIO_AUTH_TOKEN (default: $TWILIO_AUTH_TOKEN)
  --server-pid PID       sample the server's RSS (per live call at the peak)
  --database-url URL     check the calls table afterwards (default: $DATABASE_URL)
  --verify-timeout-s N   how long to wait for the records to settle (120)
  --dashboards N         WS /ops clients following the feed during the load (0)
  --dashboard-threads N  threads running them (1)
  --admin-api-key KEY    the server's ADMIN_API_KEY, for /ops (default: $ADMIN_API_KEY)
)";

// Inquiries that never book: every call should settle as `inquiry`.
const std::vector<std::string> inquiries = {
    "What are your hours?",        "How much is a women's haircut?",
    "Where are you located?",      "Do you do balayage?",
    "Who are your stylists?",      "How long does a blowout take?",
    "Do you have parking nearby?", "How much is a men's haircut?",
};

struct options {
  salon::net::twilio_target target;
  std::string to;
  int calls = 1000;
  int concurrency = 100;
  int turns = 3;
  std::chrono::milliseconds think{1000};
  std::chrono::milliseconds ramp{5000};
  int io_threads = 1;
  std::optional<int> server_pid;
  std::string database_url;
  std::chrono::seconds verify_timeout{120};
  int dashboards = 0;
  int dashboard_threads = 1;
  std::string admin_api_key;
};

std::optional<long> number(const std::string& text) {
  long value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || value < 0) return std::nullopt;
  return value;
}

std::string env_or(const char* name, std::string fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? std::string(value) : fallback;
}

std::variant<options, std::string> read_options(int argc, char** argv) {
  options o;
  o.target.auth_token = env_or("TWILIO_AUTH_TOKEN", "");
  o.target.public_base_url = env_or("PUBLIC_BASE_URL", "");
  o.database_url = env_or("DATABASE_URL", "");
  o.admin_api_key = env_or("ADMIN_API_KEY", "");
  std::string url;
  for (int i = 1; i < argc; ++i) {
    std::string flag = argv[i];
    if (flag == "--help" || flag == "-h") return std::string(usage);
    if (i + 1 >= argc) return flag + " needs a value";
    std::string value = argv[++i];
    auto count = [&](auto& field, long min) -> std::optional<std::string> {
      auto n = number(value);
      if (!n || *n < min) return flag + " takes a number >= " + std::to_string(min);
      field = static_cast<std::remove_reference_t<decltype(field)>>(*n);
      return std::nullopt;
    };
    auto ms = [&](std::chrono::milliseconds& field) -> std::optional<std::string> {
      auto n = number(value);
      if (!n) return flag + " takes milliseconds";
      field = std::chrono::milliseconds(*n);
      return std::nullopt;
    };
    std::optional<std::string> error;
    if (flag == "--url") {
      url = value;
    } else if (flag == "--to") {
      o.to = value;
    } else if (flag == "--calls") {
      error = count(o.calls, 1);
    } else if (flag == "--concurrency") {
      error = count(o.concurrency, 1);
    } else if (flag == "--turns") {
      error = count(o.turns, 0);
    } else if (flag == "--think-ms") {
      error = ms(o.think);
    } else if (flag == "--ramp-ms") {
      error = ms(o.ramp);
    } else if (flag == "--io-threads") {
      error = count(o.io_threads, 1);
    } else if (flag == "--reply-timeout-ms") {
      error = ms(o.target.reply_timeout);
    } else if (flag == "--public-base-url") {
      o.target.public_base_url = value;
    } else if (flag == "--twilio-auth-token") {
      o.target.auth_token = value;
    } else if (flag == "--server-pid") {
      int pid = 0;
      error = count(pid, 1);
      o.server_pid = pid;
    } else if (flag == "--database-url") {
      o.database_url = value;
    } else if (flag == "--verify-timeout-s") {
      int seconds = 0;
      error = count(seconds, 0);
      o.verify_timeout = std::chrono::seconds(seconds);
    } else if (flag == "--dashboards") {
      error = count(o.dashboards, 0);
    } else if (flag == "--dashboard-threads") {
      error = count(o.dashboard_threads, 1);
    } else if (flag == "--admin-api-key") {
      o.admin_api_key = value;
    } else {
      return "unknown flag " + flag;
    }
    if (error) return *error;
  }
  if (url.rfind("http://", 0) != 0) return std::string("--url http://HOST:PORT is required");
  auto host_port = url.substr(7, url.find('/', 7) - 7);
  auto colon = host_port.rfind(':');
  auto port =
      colon == std::string::npos ? std::optional<long>{80} : number(host_port.substr(colon + 1));
  if (!port || *port <= 0 || *port > 65535) return "bad port in --url " + url;
  o.target.host = host_port.substr(0, colon);
  o.target.port = static_cast<std::uint16_t>(*port);
  if (o.to.empty()) return std::string("--to NUMBER is required (the salon's number)");
  if (o.dashboards > 0 && o.admin_api_key.empty()) {
    return std::string("--dashboards needs --admin-api-key (or ADMIN_API_KEY)");
  }
  return o;
}

std::optional<long> rss_kib(int pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) {
      std::istringstream fields(line.substr(6));
      long kib = 0;
      fields >> kib;
      return kib;
    }
  }
  return std::nullopt;
}

// CPU time (user + system) a process has used so far, in seconds.
std::optional<double> cpu_seconds(int pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text;
  std::getline(stat, text);
  auto close = text.rfind(')');  // the command name may hold spaces
  if (close == std::string::npos) return std::nullopt;
  std::istringstream fields(text.substr(close + 2));
  std::string skip;
  for (int i = 3; i < 14; ++i) fields >> skip;  // fields 3..13
  double user = 0, system = 0;
  if (!(fields >> user >> system)) return std::nullopt;
  return (user + system) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

std::string cpu_model() {
  std::ifstream info("/proc/cpuinfo");
  std::string line;
  while (std::getline(info, line)) {
    if (line.rfind("model name", 0) == 0) return line.substr(line.find(':') + 2);
  }
  return "unknown CPU";
}

double percentile(std::vector<double>& values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  auto index = static_cast<std::size_t>(p / 100.0 * static_cast<double>(values.size() - 1) + 0.5);
  return values[std::min(index, values.size() - 1)];
}

std::string latency_line(std::vector<double> ms) {
  if (ms.empty()) return "none";
  return fmt::format("p50 {:.2f} ms, p99 {:.2f} ms, p99.9 {:.2f} ms, max {:.2f} ms (n={})",
                     percentile(ms, 50), percentile(ms, 99), percentile(ms, 99.9),
                     percentile(ms, 100), ms.size());
}

// Turn latency second by second: whether a p99 comes from the whole run or from a few slow
// seconds (a checkpoint, a stall) shows here. Prints how many seconds had a p99 over 10 ms
// and the five worst.
void print_seconds(const std::vector<double>& ms, const std::vector<clock_type::time_point>& sent,
                   clock_type::time_point start) {
  std::map<long, std::vector<double>> by_second;
  for (std::size_t i = 0; i < ms.size() && i < sent.size(); ++i) {
    by_second[std::chrono::duration_cast<std::chrono::seconds>(sent[i] - start).count()].push_back(
        ms[i]);
  }
  std::vector<std::pair<double, long>> p99s;  // p99, second
  for (auto& [second, values] : by_second) {
    if (values.size() >= 100) p99s.emplace_back(percentile(values, 99), second);
  }
  if (p99s.empty()) return;
  auto over = std::count_if(p99s.begin(), p99s.end(), [](const auto& p) { return p.first > 10; });
  std::sort(p99s.rbegin(), p99s.rend());
  std::vector<double> all;
  for (const auto& p : p99s) all.push_back(p.first);
  fmt::print("  turn p99 by second: {} of {} seconds over 10 ms; median second {:.2f} ms; worst:",
             over, p99s.size(), percentile(all, 50));
  auto shown = std::min<std::size_t>(5, p99s.size());
  for (std::size_t i = 0; i < shown; ++i) {
    fmt::print(" {:.1f} ms at {} s{}", p99s[i].first, p99s[i].second, i + 1 < shown ? "," : "");
  }
  fmt::print("\n");
}

// What the calls reported, gathered from the I/O threads.
struct tally {
  std::mutex mutex;
  std::vector<double> turn_ms;
  std::vector<clock_type::time_point> turn_sent;  // beside turn_ms: when each prompt went out
  std::vector<double> first_token_ms;
  std::vector<double> webhook_ms;
  std::vector<std::string> answered_sids;  // /voice answered 200: the database must hold them
  std::map<std::string, int> problems;     // first problem of each failed call, counted
  int finished = 0;
  int failed = 0;
  long turns = 0;
  // The /ops events the calls imply (call_started, one call_turn per reply, call_ended), for
  // each dashboard: how many, and the sum of their event_hash.
  long implied_calls = 0;    // call_started and call_ended each
  long implied_replies = 0;  // call_turn
  long implied_events = 0;
  std::uint64_t implied_checksum = 0;

  void add(const salon::net::call_report& report) {
    std::lock_guard lock{mutex};
    ++finished;
    if (report.voice_status == 200) {
      answered_sids.push_back(report.call_sid);
      webhook_ms.push_back(static_cast<double>(report.voice_latency.count()) / 1000.0);
    }
    if (report.relay_connected) {
      using salon::benchmarks::event_hash;
      long replies = 0;
      for (const auto& turn : report.turns) replies += turn.answered ? 1 : 0;
      ++implied_calls;
      implied_replies += replies;
      implied_events += 2 + replies;
      implied_checksum += event_hash("call_started", report.call_sid, 0) +
                          event_hash("call_ended", report.call_sid, 0);
      for (long k = 1; k <= replies; ++k) {
        implied_checksum += event_hash("call_turn", report.call_sid, k);
      }
    }
    for (const auto& turn : report.turns) {
      if (!turn.answered) continue;
      ++turns;
      turn_ms.push_back(static_cast<double>(turn.last_token.count()) / 1000.0);
      turn_sent.push_back(turn.sent_at);
      first_token_ms.push_back(static_cast<double>(turn.first_token.count()) / 1000.0);
    }
    if (!report.ok()) {
      ++failed;
      auto first = report.problems.front().substr(0, 120);
      ++problems[first];
    }
  }
};

// The load: keeps `concurrency` calls on the line until `calls` have been placed.
class load {
 public:
  load(boost::asio::io_context& io, const options& o, std::string sid_prefix)
      : io_{io},
        options_{o},
        sid_prefix_{std::move(sid_prefix)},
        caller_{io, o.target},
        ticker_{io} {}

  void start() {
    started_ = clock_type::now();
    tick();
  }

  tally& results() { return tally_; }
  int live() const { return live_.load(); }
  int peak_live() const { return peak_live_.load(); }
  clock_type::time_point started() const { return started_; }
  long replies() const { return replies_.load(); }

  // Full load: from the end of the ramp to the launch of the last call, every line is busy.
  struct full_load {
    double seconds = 0;
    long replies = 0;
    long calls = 0;
  };
  std::optional<full_load> at_full_load() const {
    std::lock_guard lock{marks_mutex_};
    if (!full_mark_ || !drain_mark_) return std::nullopt;
    return full_load{std::chrono::duration<double>(drain_mark_->when - full_mark_->when).count(),
                     drain_mark_->replies - full_mark_->replies,
                     drain_mark_->launched - full_mark_->launched};
  }

 private:
  // Ramps up: launches what is due by now, then looks again shortly.
  void tick() {
    auto elapsed = clock_type::now() - started_;
    long due = options_.concurrency;
    if (options_.ramp.count() > 0 && elapsed < options_.ramp) {
      due = static_cast<long>(static_cast<double>(options_.concurrency) *
                              std::chrono::duration<double>(elapsed) /
                              std::chrono::duration<double>(options_.ramp)) +
            1;
    }
    while (launched_ < std::min<long>(due, options_.concurrency)) launch();
    if (launched_ >= std::min(options_.concurrency, options_.calls)) mark(full_mark_);
    if (launched_ < options_.concurrency) {
      ticker_.expires_after(10ms);
      ticker_.async_wait([this](auto ec) {
        if (!ec) tick();
      });
    }
  }

  void launch() {
    if (launched_ >= options_.calls) return;
    int number = launched_++;
    if (launched_ == options_.calls) mark(drain_mark_);
    salon::net::call_plan plan;
    // Recognizable SIDs: the dashboards count the events of these calls apart.
    plan.call_sid = fmt::format("{}{:024x}", sid_prefix_, number);
    plan.to = options_.to;
    plan.from = fmt::format("+1555{:07d}", number % 10'000'000);
    plan.think_time = options_.think;
    plan.hang_up_delay = 0ms;
    for (int t = 0; t < options_.turns; ++t) {
      plan.actions.push_back(salon::net::caller_action::say(
          inquiries[static_cast<std::size_t>(number + t) % inquiries.size()]));
    }
    auto on_line = std::make_shared<bool>(false);
    plan.observe = [this, on_line](const salon::net::call_event& event) {
      if (event.kind == salon::net::call_event_kind::relay_open) {
        *on_line = true;
        int now = ++live_;
        int peak = peak_live_.load();
        while (now > peak && !peak_live_.compare_exchange_weak(peak, now)) {
        }
      } else if (event.kind == salon::net::call_event_kind::receptionist_said) {
        ++replies_;
      } else if (event.kind == salon::net::call_event_kind::hung_up && *on_line) {
        *on_line = false;
        --live_;
      }
    };
    caller_.place_call(std::move(plan), [this](salon::net::call_report report) {
      tally_.add(report);
      // Keep the line full; boost::asio::post keeps the stack flat.
      launch();
    });
  }

  struct load_mark {
    clock_type::time_point when;
    long replies = 0;
    long launched = 0;
  };

  void mark(std::optional<load_mark>& slot) {
    std::lock_guard lock{marks_mutex_};
    if (!slot) slot = load_mark{clock_type::now(), replies_.load(), launched_.load()};
  }

  boost::asio::io_context& io_;
  const options& options_;
  const std::string sid_prefix_;
  salon::net::twilio_caller caller_;
  boost::asio::steady_timer ticker_;
  clock_type::time_point started_;
  std::atomic<int> launched_{0};
  std::atomic<int> live_{0};
  std::atomic<int> peak_live_{0};
  std::atomic<long> replies_{0};
  mutable std::mutex marks_mutex_;
  std::optional<load_mark> full_mark_;
  std::optional<load_mark> drain_mark_;
  tally tally_;
};

struct verification {
  long expected = 0;
  long found = 0;
  long duplicates = 0;
  long settled = 0;
  long inquiry = 0;
  long completed = 0;
  std::map<std::string, long> outcomes;
  bool settled_in_time = false;
};

// Counts the records of `sids` until every one is settled and completed, or time runs out.
verification verify(const std::string& url, const std::vector<std::string>& sids,
                    std::chrono::seconds timeout) {
  verification v;
  v.expected = static_cast<long>(sids.size());
  auto deadline = clock_type::now() + timeout;
  pqxx::connection connection(url);
  while (true) {
    verification round = v;
    round.found = round.duplicates = round.settled = round.inquiry = round.completed = 0;
    round.outcomes.clear();
    for (std::size_t start = 0; start < sids.size(); start += 1000) {
      std::string list;
      for (std::size_t i = start; i < std::min(sids.size(), start + 1000); ++i) {
        if (!list.empty()) list += ',';
        list += "'" + sids[i] + "'";  // SIDs are letters and digits only
      }
      pqxx::nontransaction work(connection);
      auto rows = work.exec(
          "select count(*), count(distinct call_sid), count(outcome), "
          "count(*) filter (where status = 'completed') from calls where call_sid in (" +
          list + ")");
      round.found += rows[0][0].as<long>();
      round.duplicates += rows[0][0].as<long>() - rows[0][1].as<long>();
      round.settled += rows[0][2].as<long>();
      round.completed += rows[0][3].as<long>();
      auto outcomes = work.exec(
          "select coalesce(outcome, '(unsettled)'), count(*) from calls "
          "where call_sid in (" +
          list + ") group by 1");
      for (const auto& row : outcomes) round.outcomes[row[0].c_str()] += row[1].as<long>();
    }
    round.inquiry = round.outcomes["inquiry"];
    v = round;
    v.settled_in_time = v.settled == v.expected && v.completed == v.expected;
    if (v.settled_in_time || clock_type::now() >= deadline) return v;
    std::this_thread::sleep_for(500ms);
  }
}

std::string load_average() {
  std::ifstream file("/proc/loadavg");
  std::string one, five, fifteen;
  file >> one >> five >> fifteen;
  return one + " " + five + " " + fifteen;
}

// Prints what the dashboards received against what the calls imply; true when every dashboard
// got every event of every call exactly once.
bool report_dashboards(const std::vector<salon::benchmarks::dashboard_tally>& tallies,
                       const tally& implied) {
  const std::map<std::string, long> implied_by_type = {{"call_started", implied.implied_calls},
                                                       {"call_turn", implied.implied_replies},
                                                       {"call_ended", implied.implied_calls}};
  std::map<std::string, std::pair<long, long>> range;  // type -> min, max over the dashboards
  std::set<std::string> types;
  for (const auto& t : tallies) {
    for (const auto& [type, n] : t.by_type) types.insert(type);
  }
  long exact = 0;
  long closed = 0;
  std::string first_close;
  std::vector<double> lag;
  for (const auto& t : tallies) {
    for (const auto& type : types) {
      auto it = t.by_type.find(type);
      long n = it == t.by_type.end() ? 0 : it->second;
      auto [slot, fresh] = range.try_emplace(type, n, n);
      slot->second.first = std::min(slot->second.first, n);
      slot->second.second = std::max(slot->second.second, n);
    }
    if (t.connected && t.ended.empty() && t.own_events == implied.implied_events &&
        t.own_checksum == implied.implied_checksum) {
      ++exact;
    }
    if (!t.ended.empty()) {
      ++closed;
      if (first_close.empty()) first_close = t.ended;
    }
    lag.insert(lag.end(), t.lag_ms.begin(), t.lag_ms.end());
  }
  fmt::print("  dashboards: {} of {} received exactly the {} events the calls imply", exact,
             tallies.size(), implied.implied_events);
  fmt::print(" (call_started, one call_turn per reply, call_ended; count and checksum)\n");
  for (const auto& [type, minmax] : range) {
    auto it = implied_by_type.find(type);
    fmt::print("    {:<14} per dashboard: min {}, max {}{}\n", type, minmax.first, minmax.second,
               it == implied_by_type.end() ? "" : fmt::format(" (the calls imply {})", it->second));
  }
  if (closed > 0) fmt::print("    {} dashboards ended early, first: {}\n", closed, first_close);
  fmt::print("    delivery lag (event `at` -> received, sampled): {}\n", latency_line(lag));
  return exact == static_cast<long>(tallies.size());
}

}  // namespace

int main(int argc, char** argv) {
  auto read = read_options(argc, argv);
  if (auto* message = std::get_if<std::string>(&read)) {
    bool help = message->rfind("usage:", 0) == 0;
    fmt::print(help ? stdout : stderr, "{}{}", help ? "" : "load_generator: ", *message);
    if (!help) fmt::print(stderr, "\n{}", usage);
    return help ? 0 : 2;
  }
  const auto& o = std::get<options>(read);
  fmt::print("machine: {} x {}, load_generator io threads: {}\n",
             std::thread::hardware_concurrency(), cpu_model(), o.io_threads);
  fmt::print(
      "load: {} calls, {} at once, {} turns each, {} ms think time, {} ms ramp, to {} at "
      "{}:{}, {} dashboards\n",
      o.calls, o.concurrency, o.turns, o.think.count(), o.ramp.count(), o.to, o.target.host,
      o.target.port, o.dashboards);
  fmt::print("load average at the start: {}\n", load_average());

  std::optional<long> baseline_rss;
  std::optional<double> server_cpu_before;
  if (o.server_pid) {
    baseline_rss = rss_kib(*o.server_pid);
    server_cpu_before = cpu_seconds(*o.server_pid);
  }
  auto own_cpu_before = cpu_seconds(getpid());

  // "CA" and 8 random hex digits: this run's calls, apart from anything else on the server.
  auto sid_prefix = salon::net::random_sid("CA").substr(0, 10);

  // The dashboards first, on threads of their own, so that the calls' timing is not theirs.
  boost::asio::io_context dashboard_io;
  std::optional<salon::benchmarks::dashboard_fleet> dashboards;
  std::vector<std::thread> dashboard_threads;
  if (o.dashboards > 0) {
    dashboards.emplace(dashboard_io,
                       salon::benchmarks::dashboard_target{o.target.host, o.target.port,
                                                           o.admin_api_key, sid_prefix},
                       o.dashboards);
    dashboards->start();
    for (int i = 0; i < o.dashboard_threads; ++i) {
      dashboard_threads.emplace_back([&dashboard_io] {
        // Browsers on other machines, not Twilio: under `chrt` (load_benchmark.sh) they run one
        // priority below the calls, whose latency is what is measured, and ahead of PostgreSQL,
        // as they would on machines of their own.
        salon::actors::run_thread_one_priority_lower();
        dashboard_io.run();
      });
    }
    auto deadline = clock_type::now() + 30s;
    while (dashboards->ready() + dashboards->ended() < o.dashboards &&
           clock_type::now() < deadline) {
      std::this_thread::sleep_for(50ms);
    }
    fmt::print("dashboards: {} connected with their snapshot, {} failed\n", dashboards->ready(),
               dashboards->ended());
    if (dashboards->ready() < o.dashboards) {
      for (const auto& t : dashboards->tallies()) {
        if (!t.ended.empty()) {
          fmt::print(stderr, "load_generator: a dashboard failed: {}\n", t.ended);
          break;
        }
      }
    }
  }

  boost::asio::io_context io;
  load generator{io, o, sid_prefix};
  generator.start();
  std::vector<std::thread> threads;
  for (int i = 0; i < o.io_threads; ++i) threads.emplace_back([&io] { io.run(); });

  // Progress and RSS, once a second (RSS also at every new peak of live calls).
  long peak_rss = 0;
  int live_at_peak = 0;
  double per_call_kib = 0;
  int last_peak_sampled = 0;
  long replies_before = 0;
  for (int ticks = 1;; ++ticks) {
    std::this_thread::sleep_for(250ms);
    int finished = 0;
    {
      std::lock_guard lock{generator.results().mutex};
      finished = generator.results().finished;
    }
    int live = generator.live();
    if (o.server_pid && baseline_rss) {
      if (auto rss = rss_kib(*o.server_pid)) {
        if (*rss > peak_rss) peak_rss = *rss;
        if (live > last_peak_sampled && live > 0) {
          last_peak_sampled = live;
          live_at_peak = live;
          per_call_kib = static_cast<double>(*rss - *baseline_rss) / live;
        }
      }
    }
    if (ticks % 4 == 0) {
      long replies = generator.replies();
      fmt::print("  {:>6.1f} s: {} live, {} of {} calls done, {} turns/s\n",
                 std::chrono::duration<double>(clock_type::now() - generator.started()).count(),
                 live, finished, o.calls, replies - replies_before);
      replies_before = replies;
      std::fflush(stdout);
    }
    if (finished >= o.calls) break;
  }
  auto elapsed = std::chrono::duration<double>(clock_type::now() - generator.started()).count();
  for (auto& thread : threads) thread.join();
  auto load_at_end = load_average();
  std::optional<double> server_cpu;
  if (o.server_pid && server_cpu_before) {
    if (auto now = cpu_seconds(*o.server_pid)) server_cpu = *now - *server_cpu_before;
  }
  std::optional<double> own_cpu;
  if (auto now = cpu_seconds(getpid()); now && own_cpu_before) own_cpu = *now - *own_cpu_before;

  auto& results = generator.results();
  fmt::print("\nresults after {:.1f} s (load average at the end: {}):\n", elapsed, load_at_end);
  fmt::print("  calls: {} placed, {} failed, peak {} on the line at once\n", results.finished,
             results.failed, generator.peak_live());
  fmt::print("  throughput: {:.1f} calls/s, {:.1f} turns/s over the whole run\n",
             results.finished / elapsed, static_cast<double>(results.turns) / elapsed);
  if (auto full = generator.at_full_load(); full && full->seconds > 0) {
    fmt::print("  at full load ({:.1f} s, every line busy): {:.1f} calls/s, {:.1f} turns/s\n",
               full->seconds, static_cast<double>(full->calls) / full->seconds,
               static_cast<double>(full->replies) / full->seconds);
  }
  fmt::print("  turn latency (prompt sent -> last token): {}\n", latency_line(results.turn_ms));
  print_seconds(results.turn_ms, results.turn_sent, generator.started());
  fmt::print("  first token latency: {}\n", latency_line(results.first_token_ms));
  fmt::print("  webhook latency (POST /voice): {}\n", latency_line(results.webhook_ms));
  if (baseline_rss) {
    fmt::print(
        "  server RSS: {} KiB before, {} KiB at the peak; {:.1f} KiB per live call (at {} "
        "live)\n",
        *baseline_rss, peak_rss, per_call_kib, live_at_peak);
  }
  // What a turn costs, whatever else shares the machine: CPU time over the calls' turns.
  auto per_turn = [&](double seconds) {
    return results.turns > 0 ? seconds * 1e6 / static_cast<double>(results.turns) : 0.0;
  };
  if (server_cpu) {
    fmt::print("  server CPU: {:.1f} s in all ({:.0f}% of one core), {:.0f} us per turn\n",
               *server_cpu, *server_cpu / elapsed * 100, per_turn(*server_cpu));
  }
  if (own_cpu) {
    fmt::print("  generator CPU: {:.1f} s in all ({:.0f}% of one core), {:.0f} us per turn\n",
               *own_cpu, *own_cpu / elapsed * 100, per_turn(*own_cpu));
  }
  for (const auto& [problem, count] : results.problems) {
    fmt::print("  problem x{}: {}\n", count, problem);
  }

  std::fflush(stdout);  // the dashboard and database checks below may wait minutes

  bool clean = results.failed == 0;
  if (dashboards) {
    // call_ended comes when the call settles, a moment after the last callback: wait for it.
    long expected = results.implied_events * o.dashboards;
    auto deadline = clock_type::now() + 30s;
    while (dashboards->own_events() < expected && clock_type::now() < deadline) {
      std::this_thread::sleep_for(100ms);
    }
    dashboards->stop();
    for (auto& thread : dashboard_threads) thread.join();
    clean = report_dashboards(dashboards->tallies(), results) && clean;
  }
  if (!o.database_url.empty()) {
    try {
      auto v = verify(o.database_url, results.answered_sids, o.verify_timeout);
      std::string outcomes;
      for (const auto& [outcome, count] : v.outcomes) {
        outcomes += fmt::format("{}{}={}", outcomes.empty() ? "" : ", ", outcome, count);
      }
      fmt::print(
          "  database: {} calls answered, {} records, {} duplicated, {} lost, {} "
          "settled, {} completed; outcomes: {}\n",
          v.expected, v.found, v.duplicates, v.expected - (v.found - v.duplicates), v.settled,
          v.completed, outcomes.empty() ? "none" : outcomes);
      clean = clean && v.settled_in_time && v.duplicates == 0 && v.found == v.expected &&
              v.inquiry == v.expected;
    } catch (const std::exception& e) {
      fmt::print(stderr, "  database check failed: {}\n", e.what());
      clean = false;
    }
  } else {
    fmt::print("  database: not checked (no --database-url / DATABASE_URL)\n");
  }
  fmt::print("{}\n", clean ? "PASS" : "FAIL");
  return clean ? 0 : 1;
}
