// load_generator: N concurrent simulated Twilio calls against a running salon-phone server,
// speaking the real protocol (signed webhook, relay WebSocket with several turns and think
// time, hang-up, action and status callbacks). Reports calls/s, turns/s, turn latency (prompt
// sent -> `last: true` received), webhook latency, the server's RSS per live call, and checks
// that the database holds exactly one settled record per call. See docs/benchmarks.md.

#include <fmt/format.h>

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

// What the calls reported, gathered from the I/O threads.
struct tally {
  std::mutex mutex;
  std::vector<double> turn_ms;
  std::vector<double> first_token_ms;
  std::vector<double> webhook_ms;
  std::vector<std::string> answered_sids;  // /voice answered 200: the database must hold them
  std::map<std::string, int> problems;     // first problem of each failed call, counted
  int finished = 0;
  int failed = 0;
  long turns = 0;

  void add(const salon::net::call_report& report) {
    std::lock_guard lock{mutex};
    ++finished;
    if (report.voice_status == 200) {
      answered_sids.push_back(report.call_sid);
      webhook_ms.push_back(static_cast<double>(report.voice_latency.count()) / 1000.0);
    }
    for (const auto& turn : report.turns) {
      if (!turn.answered) continue;
      ++turns;
      turn_ms.push_back(static_cast<double>(turn.last_token.count()) / 1000.0);
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
  load(boost::asio::io_context& io, const options& o)
      : io_{io}, options_{o}, caller_{io, o.target}, ticker_{io} {}

  void start() {
    started_ = clock_type::now();
    tick();
  }

  tally& results() { return tally_; }
  int live() const { return live_.load(); }
  int peak_live() const { return peak_live_.load(); }
  clock_type::time_point started() const { return started_; }

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
    salon::net::call_plan plan;
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

  boost::asio::io_context& io_;
  const options& options_;
  salon::net::twilio_caller caller_;
  boost::asio::steady_timer ticker_;
  clock_type::time_point started_;
  std::atomic<int> launched_{0};
  std::atomic<int> live_{0};
  std::atomic<int> peak_live_{0};
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
      "{}:{}\n",
      o.calls, o.concurrency, o.turns, o.think.count(), o.ramp.count(), o.to, o.target.host,
      o.target.port);

  std::optional<long> baseline_rss;
  if (o.server_pid) baseline_rss = rss_kib(*o.server_pid);

  boost::asio::io_context io;
  load generator{io, o};
  generator.start();
  std::vector<std::thread> threads;
  for (int i = 0; i < o.io_threads; ++i) threads.emplace_back([&io] { io.run(); });

  // Progress and RSS, once a second (RSS also at every new peak of live calls).
  long peak_rss = 0;
  int live_at_peak = 0;
  double per_call_kib = 0;
  int last_peak_sampled = 0;
  while (true) {
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
    static int ticks = 0;
    if (++ticks % 4 == 0) {
      fmt::print("  {:>6.1f} s: {} live, {} of {} calls done\n",
                 std::chrono::duration<double>(clock_type::now() - generator.started()).count(),
                 live, finished, o.calls);
      std::fflush(stdout);
    }
    if (finished >= o.calls) break;
  }
  auto elapsed = std::chrono::duration<double>(clock_type::now() - generator.started()).count();
  for (auto& thread : threads) thread.join();

  auto& results = generator.results();
  fmt::print("\nresults after {:.1f} s:\n", elapsed);
  fmt::print("  calls: {} placed, {} failed, peak {} on the line at once\n", results.finished,
             results.failed, generator.peak_live());
  fmt::print("  throughput: {:.1f} calls/s, {:.1f} turns/s\n", results.finished / elapsed,
             static_cast<double>(results.turns) / elapsed);
  fmt::print("  turn latency (prompt sent -> last token): {}\n", latency_line(results.turn_ms));
  fmt::print("  first token latency: {}\n", latency_line(results.first_token_ms));
  fmt::print("  webhook latency (POST /voice): {}\n", latency_line(results.webhook_ms));
  if (baseline_rss) {
    fmt::print(
        "  server RSS: {} KiB before, {} KiB at the peak; {:.1f} KiB per live call (at {} "
        "live)\n",
        *baseline_rss, peak_rss, per_call_kib, live_at_peak);
  }
  for (const auto& [problem, count] : results.problems) {
    fmt::print("  problem x{}: {}\n", count, problem);
  }

  bool clean = results.failed == 0;
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
