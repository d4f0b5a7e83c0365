#include "benchmarks/dashboard_fleet.hpp"

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <charconv>
#include <chrono>
#include <cstring>
#include <mutex>

namespace salon::benchmarks {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

namespace {

// Dashboards whose every event's delivery lag is kept (one in this many).
constexpr int lag_sample_every = 50;

std::uint64_t mix(std::uint64_t x) {
  // splitmix64's finalizer: a sum of these over distinct events does not cancel by accident.
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// Where `needle` first occurs in `text`, or npos. glibc's memmem: string_view::find stops at
// every quote of the JSON to compare, which was a fifth of the generator's time with 200
// dashboards.
std::size_t find(std::string_view text, std::string_view needle) {
  const void* at = ::memmem(text.data(), text.size(), needle.data(), needle.size());
  return at ? static_cast<std::size_t>(static_cast<const char*>(at) - text.data())
            : std::string_view::npos;
}

// The string value of the first `"key":"...` in `text` (the last one when `last`), empty when
// absent. The server writes keys in sorted order, so "type" ends an event: looking for it from
// the end reads a few bytes instead of the whole event.
std::string_view string_field(std::string_view text, std::string_view quoted_key,
                              bool last = false) {
  auto at = last ? text.rfind(quoted_key) : find(text, quoted_key);
  if (at == std::string_view::npos) return {};
  auto start = at + quoted_key.size();
  auto end = text.find('"', start);
  if (end == std::string_view::npos) return {};
  return text.substr(start, end - start);
}

long number_field(std::string_view text, std::string_view quoted_key) {
  auto at = find(text, quoted_key);
  if (at == std::string_view::npos) return -1;
  long value = -1;
  auto start = text.data() + at + quoted_key.size();
  std::from_chars(start, text.data() + text.size(), value);
  return value;
}

// "2025-06-10T18:42:07.412Z" as milliseconds since the epoch; -1 when unreadable.
long long iso_millis(std::string_view at) {
  if (at.size() < 23) return -1;
  auto num = [&](std::size_t pos, std::size_t len) {
    int value = 0;
    std::from_chars(at.data() + pos, at.data() + pos + len, value);
    return value;
  };
  using namespace std::chrono;
  year_month_day date{year{num(0, 4)}, month{static_cast<unsigned>(num(5, 2))},
                      day{static_cast<unsigned>(num(8, 2))}};
  if (!date.ok()) return -1;
  auto ms = sys_days{date}.time_since_epoch() + hours{num(11, 2)} + minutes{num(14, 2)} +
            seconds{num(17, 2)} + milliseconds{num(20, 3)};
  return duration_cast<milliseconds>(ms).count();
}

}  // namespace

std::uint64_t event_hash(std::string_view type, std::string_view sid, long turns) {
  std::uint64_t h = 0xcbf29ce484222325ULL;  // FNV-1a over the text, then mixed with turns
  for (char c : type) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001b3ULL;
  h = (h ^ '|') * 0x100000001b3ULL;
  for (char c : sid) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001b3ULL;
  return mix(h ^ static_cast<std::uint64_t>(turns));
}

struct dashboard_fleet::impl {
  // One WS /ops client. All of its handlers run on its strand.
  class dashboard : public std::enable_shared_from_this<dashboard> {
   public:
    dashboard(impl& fleet, int index)
        : fleet_{fleet}, index_{index}, ws_{asio::make_strand(fleet.io)} {}

    void start() {
      beast::get_lowest_layer(ws_).expires_after(std::chrono::seconds(30));
      beast::get_lowest_layer(ws_).async_connect(
          fleet_.endpoint, beast::bind_front_handler(&dashboard::on_connect, shared_from_this()));
    }

    void stop() {
      asio::post(ws_.get_executor(), [self = shared_from_this()] {
        if (self->done_ || self->closing_ || !self->open_) return;
        self->closing_ = true;
        self->ws_.async_close(websocket::close_code::normal, [self](beast::error_code) {});
      });
    }

    dashboard_tally tally() const {
      std::lock_guard lock{mutex_};
      return tally_;
    }

   private:
    void on_connect(beast::error_code ec) {
      if (ec) return fail("connect: " + ec.message());
      beast::get_lowest_layer(ws_).expires_never();
      websocket::stream_base::timeout timeouts{};
      timeouts.handshake_timeout = std::chrono::seconds(30);
      timeouts.idle_timeout = websocket::stream_base::none();
      timeouts.keep_alive_pings = false;
      ws_.set_option(timeouts);
      ws_.read_message_max(64 * 1024 * 1024);
      auto bearer = "Bearer " + fleet_.target.api_key;
      ws_.set_option(websocket::stream_base::decorator(
          [bearer](websocket::request_type& r) { r.set(http::field::authorization, bearer); }));
      ws_.async_handshake(fleet_.host_header, "/ops",
                          beast::bind_front_handler(&dashboard::on_handshake, shared_from_this()));
    }

    void on_handshake(beast::error_code ec) {
      if (ec) return fail("handshake: " + ec.message());
      open_ = true;
      {
        std::lock_guard lock{mutex_};
        tally_.connected = true;
      }
      do_read();
    }

    void do_read() {
      ws_.async_read(buffer_, beast::bind_front_handler(&dashboard::on_read, shared_from_this()));
    }

    void on_read(beast::error_code ec, std::size_t) {
      if (ec) {
        if (closing_) return finish();
        auto reason = ws_.reason();
        return fail(ec == websocket::error::closed
                        ? "closed by the server: " + std::to_string(reason.code) + " " +
                              std::string(reason.reason.c_str())
                        : "read: " + ec.message());
      }
      // One event per line: the server gathers events for a few tens of milliseconds.
      std::string_view text{static_cast<const char*>(buffer_.data().data()), buffer_.size()};
      long own_before = 0;
      long own_after = 0;
      {
        std::lock_guard lock{mutex_};
        own_before = tally_.own_events;
        for (auto end = text.find('\n'); end != std::string_view::npos; end = text.find('\n')) {
          on_event(text.substr(0, end));
          text.remove_prefix(end + 1);
        }
        on_event(text);
        own_after = tally_.own_events;
      }
      // One shared counter for 200 dashboards: added to once a message, not once an event.
      fleet_.own_events += own_after - own_before;
      buffer_.consume(buffer_.size());
      do_read();
    }

    // Called with mutex_ held.
    void on_event(std::string_view text) {
      auto type = string_field(text, R"("type":")", true);
      bool own = false;
      std::uint64_t hash = 0;
      if (type.rfind("call_", 0) == 0) {
        auto sid = string_field(text, R"("sid":")");
        if (!sid.empty() && sid.rfind(fleet_.target.sid_prefix, 0) == 0) {
          own = true;
          // "turns" follows "sid" in the call object: read on from there.
          auto after_sid = text.substr(static_cast<std::size_t>(sid.data() - text.data()));
          hash = event_hash(type, sid,
                            type == "call_turn" ? number_field(after_sid, R"("turns":)") : 0);
        }
      }
      double lag = -1;
      if (index_ % lag_sample_every == 0) {
        auto at = iso_millis(string_field(text, R"("at":")"));
        if (at >= 0) {
          auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
          lag = static_cast<double>(now - at);
        }
      }
      if (type.empty()) type = "(no type)";
      auto counted = tally_.by_type.find(type);
      if (counted == tally_.by_type.end()) counted = tally_.by_type.emplace(type, 0).first;
      ++counted->second;
      if (type == "snapshot" && !snapshot_) {
        snapshot_ = true;
        ++fleet_.ready;
      }
      if (own) {
        ++tally_.own_events;
        tally_.own_checksum += hash;
      }
      if (lag >= 0) tally_.lag_ms.push_back(lag);
    }

    void fail(std::string why) {
      {
        std::lock_guard lock{mutex_};
        tally_.ended = std::move(why);
      }
      ++fleet_.ended;
      finish();
    }

    void finish() {
      done_ = true;
      beast::error_code ignored;
      beast::get_lowest_layer(ws_).socket().close(ignored);
    }

    impl& fleet_;
    const int index_;
    websocket::stream<beast::tcp_stream> ws_;
    beast::flat_buffer buffer_;
    bool open_ = false;
    bool closing_ = false;
    bool done_ = false;
    bool snapshot_ = false;
    mutable std::mutex mutex_;  // tally_ is read by tallies() from another thread
    dashboard_tally tally_;
  };

  impl(asio::io_context& io_context, dashboard_target t) : io{io_context}, target{std::move(t)} {
    host_header = target.host + ":" + std::to_string(target.port);
    tcp::resolver resolver{io};
    endpoint = resolver.resolve(target.host, std::to_string(target.port)).begin()->endpoint();
  }

  asio::io_context& io;
  dashboard_target target;
  std::string host_header;
  tcp::endpoint endpoint;
  std::vector<std::shared_ptr<dashboard>> dashboards;
  std::atomic<int> ready{0};
  std::atomic<int> ended{0};
  std::atomic<long> own_events{0};
};

dashboard_fleet::dashboard_fleet(asio::io_context& io, dashboard_target target, int count)
    : impl_{std::make_shared<impl>(io, std::move(target))} {
  for (int i = 0; i < count; ++i) {
    impl_->dashboards.push_back(std::make_shared<impl::dashboard>(*impl_, i));
  }
}

dashboard_fleet::~dashboard_fleet() = default;

void dashboard_fleet::start() {
  for (auto& d : impl_->dashboards) asio::post(impl_->io, [d] { d->start(); });
}

int dashboard_fleet::ready() const {
  return impl_->ready.load();
}

int dashboard_fleet::ended() const {
  return impl_->ended.load();
}

long dashboard_fleet::own_events() const {
  return impl_->own_events.load();
}

void dashboard_fleet::stop() {
  for (auto& d : impl_->dashboards) d->stop();
}

std::vector<dashboard_tally> dashboard_fleet::tallies() const {
  std::vector<dashboard_tally> all;
  all.reserve(impl_->dashboards.size());
  for (const auto& d : impl_->dashboards) all.push_back(d->tally());
  return all;
}

}  // namespace salon::benchmarks
