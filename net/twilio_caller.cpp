#include "net/twilio_caller.hpp"

#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <ctime>
#include <deque>
#include <nlohmann/json.hpp>
#include <random>

#include "net/twilio_signature.hpp"
#include "net/twiml_reader.hpp"

namespace salon::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using std::chrono::steady_clock;

namespace {

constexpr const char* api_version = "2010-04-01";
constexpr const char* user_agent = "TwilioProxy/1.1";
constexpr std::size_t max_answer_bytes = 1024 * 1024;

// What every call shares: the target, resolved once.
struct caller_context {
  caller_context(asio::io_context& io_context, twilio_target t)
      : io{io_context}, target{std::move(t)} {
    origin = !target.public_base_url.empty()
                 ? target.public_base_url
                 : "http://" + target.host + ":" + std::to_string(target.port);
    while (!origin.empty() && origin.back() == '/') origin.pop_back();
    beast::error_code ec;
    tcp::resolver resolver{io};
    auto results = resolver.resolve(target.host, std::to_string(target.port), ec);
    if (ec || results.empty()) {
      resolve_error = "cannot resolve " + target.host + ": " + ec.message();
    } else {
      endpoint = results.begin()->endpoint();
    }
  }

  asio::io_context& io;
  twilio_target target;
  std::string origin;
  tcp::endpoint endpoint;
  std::string resolve_error;
};

struct url_parts {
  std::string host;    // host[:port], for the Host header
  std::string target;  // path and query
};

url_parts split_url(std::string_view url) {
  auto scheme_end = url.find("://");
  auto rest = scheme_end == std::string_view::npos ? url : url.substr(scheme_end + 3);
  auto path = rest.find_first_of("/?");
  url_parts parts;
  parts.host = std::string(rest.substr(0, path));
  parts.target = path == std::string_view::npos ? "/" : std::string(rest.substr(path));
  if (parts.target.front() == '?') parts.target.insert(0, "/");
  return parts;
}

std::chrono::microseconds since(steady_clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::microseconds>(steady_clock::now() - start);
}

// One form POST on a connection of its own, as Twilio sends webhooks.
class form_post : public std::enable_shared_from_this<form_post> {
 public:
  form_post(asio::any_io_executor executor, const caller_context& context, const std::string& url,
            const form_data& form, std::function<void(webhook_answer)> done)
      : stream_{std::move(executor)},
        endpoint_{context.endpoint},
        timeout_{context.target.request_timeout},
        done_{std::move(done)} {
    auto parts = split_url(url);
    request_ = {http::verb::post, parts.target, 11};
    request_.set(http::field::host, parts.host);
    request_.set(http::field::user_agent, user_agent);
    request_.set(http::field::content_type, "application/x-www-form-urlencoded");
    request_.set(http::field::connection, "close");
    if (!context.target.auth_token.empty()) {
      request_.set("X-Twilio-Signature", sign(context.target.auth_token, url, form.fields()));
    }
    request_.body() = form.encode();
    request_.prepare_payload();
    parser_.body_limit(max_answer_bytes);
  }

  void start() {
    started_ = steady_clock::now();
    stream_.expires_after(timeout_);
    stream_.async_connect(endpoint_,
                          beast::bind_front_handler(&form_post::on_connect, shared_from_this()));
  }

 private:
  void on_connect(beast::error_code ec) {
    if (ec) return fail("connect", ec);
    http::async_write(stream_, request_,
                      beast::bind_front_handler(&form_post::on_write, shared_from_this()));
  }
  void on_write(beast::error_code ec, std::size_t) {
    if (ec) return fail("write", ec);
    http::async_read(stream_, buffer_, parser_,
                     beast::bind_front_handler(&form_post::on_read, shared_from_this()));
  }
  void on_read(beast::error_code ec, std::size_t) {
    if (ec) return fail("read", ec);
    webhook_answer answer;
    answer.status = parser_.get().result_int();
    answer.body = std::move(parser_.get().body());
    answer.latency = since(started_);
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    done_(std::move(answer));
  }
  void fail(std::string_view what, beast::error_code ec) {
    webhook_answer answer;
    answer.error = std::string(what) + ": " + ec.message();
    answer.latency = since(started_);
    done_(std::move(answer));
  }

  beast::tcp_stream stream_;
  tcp::endpoint endpoint_;
  std::chrono::milliseconds timeout_;
  std::function<void(webhook_answer)> done_;
  http::request<http::string_body> request_;
  http::response_parser<http::string_body> parser_;
  beast::flat_buffer buffer_;
  steady_clock::time_point started_;
};

void post_url(asio::any_io_executor executor, const caller_context& context, const std::string& url,
              const form_data& form, std::function<void(webhook_answer)> done) {
  std::make_shared<form_post>(std::move(executor), context, url, form, std::move(done))->start();
}

std::string describe(const twiml_document& document) {
  std::string text;
  auto add = [&](const std::string& part) {
    if (!text.empty()) text += "; ";
    text += part;
  };
  for (const auto& element : document.elements()) {
    if (element.name == "Say") add("say: " + element.text);
    if (element.name == "Dial") add("dial " + element.text);
    if (element.name == "Hangup") add("hang up");
    if (element.name == "ConversationRelay") add("reconnect the relay");
  }
  return text.empty() ? "nothing" : text;
}

std::string json_text(const nlohmann::json& frame) {
  return frame.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// One call from the first webhook to the last callback. Every handler runs on the call's
// strand.
class call_flow : public std::enable_shared_from_this<call_flow> {
 public:
  call_flow(std::shared_ptr<const caller_context> context, call_plan plan,
            std::function<void(call_report)> done)
      : context_{std::move(context)},
        strand_{asio::make_strand(context_->io)},
        plan_{std::move(plan)},
        done_{std::move(done)},
        reply_timer_{strand_},
        think_timer_{strand_} {}

  void start() {
    report_.call_sid = plan_.call_sid.value_or(random_sid("CA"));
    session_id_ = random_sid("VX");
    started_ = steady_clock::now();
    if (!context_->resolve_error.empty()) {
      report_.problems.push_back(context_->resolve_error);
      return finish("not placed");
    }
    auto form = call_form("ringing");
    form.add("CallToken", random_sid("CT"));
    post_url(strand_, *context_, context_->origin + "/voice", form,
             [self = shared_from_this()](webhook_answer answer) { self->on_voice(answer); });
  }

 private:
  // ---- webhook forms ----

  form_data call_form(const std::string& status) const {
    form_data form;
    form.add("AccountSid", context_->target.account_sid);
    form.add("ApiVersion", api_version);
    form.add("CallSid", report_.call_sid);
    form.add("CallStatus", status);
    form.add("Called", plan_.to);
    form.add("Caller", plan_.from);
    form.add("Direction", "inbound");
    form.add("From", plan_.from);
    form.add("To", plan_.to);
    return form;
  }

  void observe(call_event_kind kind, std::string text) {
    if (plan_.observe) plan_.observe({kind, std::move(text)});
  }

  // ---- POST /voice ----

  void on_voice(const webhook_answer& answer) {
    report_.voice_status = answer.status;
    report_.voice_twiml = answer.body;
    report_.voice_latency = answer.latency;
    if (answer.status != 200) {
      report_.problems.push_back(
          "POST /voice: " + (answer.status == 0
                                 ? answer.error
                                 : "HTTP " + std::to_string(answer.status) + " " + answer.body));
      return finish("not answered");
    }
    auto document = twiml_document::parse(answer.body);
    if (!document) {
      report_.problems.push_back("POST /voice: the answer is not TwiML: " + answer.body);
      return post_status();
    }
    const auto* relay = document->first("ConversationRelay");
    if (relay == nullptr) {
      // A busy or closed answer: Twilio says it and dials or hangs up; no relay session.
      if (const auto* say = document->first("Say")) report_.greeting = say->text;
      if (const auto* dial = document->first("Dial")) report_.dialled = dial->text;
      observe(call_event_kind::answered, describe(*document));
      return post_status();
    }
    report_.relay_url = relay->attribute("url");
    report_.greeting = relay->attribute("welcomeGreeting");
    if (const auto* connect = document->first("Connect")) {
      report_.action_url = connect->attribute("action");
    }
    for (const auto* parameter : document->all("Parameter")) {
      report_.relay_parameters[parameter->attribute("name")] = parameter->attribute("value");
    }
    observe(call_event_kind::answered, report_.greeting);
    open_relay();
  }

  // ---- WS /relay ----

  void open_relay() {
    ws_.emplace(strand_);
    websocket::stream_base::timeout timeouts{};
    timeouts.handshake_timeout = context_->target.request_timeout;
    timeouts.idle_timeout = websocket::stream_base::none();
    timeouts.keep_alive_pings = false;
    ws_->set_option(timeouts);
    std::string signature;
    if (!context_->target.auth_token.empty()) {
      signature = sign(context_->target.auth_token, report_.relay_url);
    }
    ws_->set_option(websocket::stream_base::decorator([signature](websocket::request_type& r) {
      r.set(http::field::user_agent, user_agent);
      if (!signature.empty()) r.set("X-Twilio-Signature", signature);
    }));
    auto& tcp_layer = beast::get_lowest_layer(*ws_);
    tcp_layer.expires_after(context_->target.request_timeout);
    tcp_layer.async_connect(context_->endpoint,
                            beast::bind_front_handler(&call_flow::on_connect, shared_from_this()));
  }

  void on_connect(beast::error_code ec) {
    if (ec) return relay_failed("cannot connect to the relay: " + ec.message());
    beast::get_lowest_layer(*ws_).expires_never();
    auto parts = split_url(report_.relay_url);
    ws_->async_handshake(refusal_, parts.host, parts.target,
                         beast::bind_front_handler(&call_flow::on_handshake, shared_from_this()));
  }

  void on_handshake(beast::error_code ec) {
    if (ec == websocket::error::upgrade_declined) {
      report_.relay_refusal_status = refusal_.result_int();
      return relay_failed("the relay upgrade was refused: HTTP " +
                          std::to_string(refusal_.result_int()));
    }
    if (ec) return relay_failed("relay handshake failed: " + ec.message());
    report_.relay_connected = true;
    relay_opened_ = steady_clock::now();
    ws_->text(true);
    nlohmann::ordered_json setup{{"type", "setup"},
                                 {"sessionId", session_id_},
                                 {"callSid", report_.call_sid},
                                 {"accountSid", context_->target.account_sid},
                                 {"from", plan_.from},
                                 {"to", plan_.to},
                                 {"forwardedFrom", ""},
                                 {"callType", "PSTN"},
                                 {"callerName", ""},
                                 {"direction", "inbound"},
                                 {"callStatus", "RINGING"},
                                 {"parentCallSid", ""},
                                 {"customParameters", report_.relay_parameters}};
    send(json_text(setup));
    observe(call_event_kind::relay_open, report_.relay_url);
    do_read();
    next_step();
  }

  void relay_failed(std::string why) {
    report_.problems.push_back(why);
    report_.session_status = "failed";
    error_code_ = "39001";
    error_message_ = std::move(why);
    relay_done_ = true;
    post_action();
  }

  void next_step() {
    if (closing_ || relay_done_) return;
    if (plan_.next_action) {
      plan_.next_action([self = shared_from_this()](std::optional<caller_action> action) {
        asio::post(self->strand_, [self, action = std::move(action)]() mutable {
          self->on_action(std::move(action));
        });
      });
      return;
    }
    if (next_index_ < plan_.actions.size()) return on_action(plan_.actions[next_index_++]);
    on_action(std::nullopt);
  }

  void on_action(std::optional<caller_action> action) {
    if (closing_ || relay_done_) return;
    if (!action) {
      if (plan_.hang_up_delay.count() <= 0) return hang_up();
      think_timer_.expires_after(plan_.hang_up_delay);
      think_timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
        if (ec || self->closing_ || self->relay_done_) return;
        self->hang_up();
      });
      return;
    }
    if (plan_.think_time.count() <= 0) return perform(std::move(*action));
    think_timer_.expires_after(plan_.think_time);
    think_timer_.async_wait(
        [self = shared_from_this(), action = std::move(*action)](beast::error_code ec) mutable {
          if (ec || self->closing_ || self->relay_done_) return;
          self->perform(std::move(action));
        });
  }

  void perform(caller_action action) {
    bool speaking = action.what == caller_action::kind::say;
    turn_ = call_turn{action, {}, false, {}, {}, {}};
    token_seen_ = false;
    ++turn_number_;
    turn_sent_ = steady_clock::now();
    turn_->sent_at = turn_sent_;
    if (speaking) {
      observe(call_event_kind::caller_said, action.text);
      nlohmann::ordered_json prompt{
          {"type", "prompt"}, {"voicePrompt", action.text}, {"lang", "en-US"}, {"last", true}};
      send(json_text(prompt));
    } else {
      observe(call_event_kind::caller_pressed, action.text);
      for (char digit : action.text) {
        nlohmann::ordered_json dtmf{{"type", "dtmf"}, {"digit", std::string(1, digit)}};
        send(json_text(dtmf));
      }
    }
    reply_timer_.expires_after(speaking ? context_->target.reply_timeout
                                        : context_->target.dtmf_reply_wait);
    reply_timer_.async_wait(
        [self = shared_from_this(), number = turn_number_](beast::error_code ec) {
          if (!ec) self->on_reply_timeout(number);
        });
  }

  void on_reply_timeout(std::uint64_t number) {
    if (number != turn_number_ || !turn_ || closing_ || relay_done_) return;
    bool speaking = turn_->action.what == caller_action::kind::say;
    if (speaking) {
      report_.problems.push_back("no reply within " +
                                 std::to_string(context_->target.reply_timeout.count()) +
                                 " ms to \"" + turn_->action.text + "\"");
    }
    complete_turn(false);
    if (speaking) return hang_up();
    next_step();
  }

  void complete_turn(bool answered) {
    turn_->answered = answered;
    if (!turn_->reply.empty()) observe(call_event_kind::receptionist_said, turn_->reply);
    report_.turns.push_back(std::move(*turn_));
    turn_.reset();
    reply_timer_.cancel();
  }

  void do_read() {
    ws_->async_read(read_buffer_,
                    beast::bind_front_handler(&call_flow::on_read, shared_from_this()));
  }

  void on_read(beast::error_code ec, std::size_t) {
    if (ec) {
      if (!closing_) {
        auto reason = ws_->reason();
        report_.problems.push_back(
            "the server ended the relay session: " +
            (ec == websocket::error::closed
                 ? "close " + std::to_string(reason.code) + " " + std::string(reason.reason.c_str())
                 : ec.message()));
        report_.session_status = report_.ended_by_server ? "ended" : "failed";
        error_code_ = "64107";
        error_message_ = "WebSocket closed by the server";
      }
      return relay_finished();
    }
    auto text = beast::buffers_to_string(read_buffer_.data());
    read_buffer_.consume(read_buffer_.size());
    if (!closing_) on_frame(text);
    do_read();
  }

  void on_frame(const std::string& text) {
    auto frame = nlohmann::json::parse(text, nullptr, false);
    std::string type = frame.is_object() && frame.contains("type") && frame["type"].is_string()
                           ? frame["type"].get<std::string>()
                           : "";
    if (type == "text" && frame.contains("token") && frame["token"].is_string()) {
      bool last = frame.contains("last") && frame["last"].is_boolean() && frame["last"].get<bool>();
      on_token(frame["token"].get<std::string>(), last);
      return;
    }
    if (type == "end") {
      report_.ended_by_server = true;
      if (frame.contains("handoffData") && frame["handoffData"].is_string()) {
        report_.handoff_data = frame["handoffData"].get<std::string>();
      }
      observe(call_event_kind::session_ended, report_.handoff_data);
      if (turn_) {
        // A prompt that crossed the `end` following the previous reply is the caller's doing;
        // a reply cut off by `end` is the server's.
        if (token_seen_) report_.problems.push_back("`end` came before the turn's last token");
        complete_turn(false);
      }
      report_.session_status = "ended";
      return close_relay();
    }
    if (type == "play" || type == "sendDigits" || type == "language") return;
    ++report_.unreadable_frames;
    report_.problems.push_back("a frame Twilio would reject: " + text.substr(0, 200));
  }

  void on_token(std::string token, bool last) {
    if (!turn_) {
      // A reply nobody waited for (after a key press whose wait ran out): its own turn.
      unasked_ += token;
      if (last) {
        observe(call_event_kind::receptionist_said, unasked_);
        report_.turns.push_back({caller_action::say(""), std::move(unasked_), true, {}, {}, {}});
        unasked_.clear();
      }
      return;
    }
    auto elapsed = since(turn_sent_);
    if (!token_seen_) {
      token_seen_ = true;
      turn_->first_token = elapsed;
    }
    turn_->reply += token;
    if (!last) return;
    turn_->last_token = elapsed;
    complete_turn(true);
    next_step();
  }

  void hang_up() {
    if (report_.session_status.empty()) report_.session_status = "completed";
    close_relay();
  }

  void send(std::string frame) {
    outbox_.push_back(std::move(frame));
    if (!writing_) write_next();
  }

  void write_next() {
    writing_ = true;
    ws_->async_write(asio::buffer(outbox_.front()),
                     beast::bind_front_handler(&call_flow::on_write, shared_from_this()));
  }

  void on_write(beast::error_code ec, std::size_t) {
    writing_ = false;
    outbox_.pop_front();
    if (ec) return;  // the read side sees the broken connection and ends the session
    if (!outbox_.empty()) return write_next();
    if (close_after_writes_) do_close();
  }

  void close_relay() {
    if (closing_) return;
    closing_ = true;
    reply_timer_.cancel();
    think_timer_.cancel();
    if (writing_) {
      close_after_writes_ = true;
      return;
    }
    do_close();
  }

  void do_close() {
    close_after_writes_ = false;
    ws_->async_close(websocket::close_code::normal, [self = shared_from_this()](beast::error_code) {
      // The pending read ends with the close handshake and moves on.
    });
  }

  void relay_finished() {
    if (relay_done_) return;
    relay_done_ = true;
    reply_timer_.cancel();
    think_timer_.cancel();
    report_.relay_close_code = ws_->reason().code;
    if (turn_) complete_turn(false);
    post_action();
  }

  // ---- POST /voice/action ----

  void post_action() {
    if (report_.action_url.empty()) return post_status();
    auto form = call_form("in-progress");
    form.add("SessionId", session_id_);
    form.add("SessionStatus", report_.session_status);
    auto seconds =
        report_.relay_connected
            ? std::chrono::duration_cast<std::chrono::seconds>(steady_clock::now() - relay_opened_)
            : std::chrono::seconds{0};
    form.add("SessionDuration", std::to_string(seconds.count()));
    if (report_.ended_by_server) form.add("HandoffData", report_.handoff_data);
    if (report_.session_status == "failed") {
      form.add("ErrorCode", error_code_);
      form.add("ErrorMessage", error_message_);
    }
    post_url(
        strand_, *context_, report_.action_url, form,
        [self = shared_from_this()](webhook_answer answer) { self->on_action_answer(answer); });
  }

  void on_action_answer(const webhook_answer& answer) {
    report_.action_status = answer.status;
    report_.action_twiml = answer.body;
    auto document = twiml_document::parse(answer.body);
    if (answer.status != 200 || !document) {
      report_.problems.push_back(
          "POST /voice/action: " +
          (answer.status == 0 ? answer.error
                              : "HTTP " + std::to_string(answer.status) + " " + answer.body));
    } else {
      if (const auto* dial = document->first("Dial")) report_.dialled = dial->text;
      observe(call_event_kind::after_relay, describe(*document));
    }
    post_status();
  }

  // ---- POST /voice/status ----

  void post_status() {
    auto form = call_form("completed");
    auto elapsed = steady_clock::now() - started_;
    auto seconds = std::chrono::ceil<std::chrono::seconds>(elapsed).count();
    form.add("CallDuration", std::to_string(seconds));
    form.add("Duration", std::to_string((seconds + 59) / 60));
    form.add("Timestamp", rfc2822_time(std::chrono::system_clock::now()));
    form.add("SequenceNumber", std::to_string(plan_.status_sequence_number));
    form.add("CallbackSource", "call-progress-events");
    form.add("SipResponseCode", "200");
    post_url(
        strand_, *context_, context_->origin + "/voice/status", form,
        [self = shared_from_this()](webhook_answer answer) {
          self->report_.status_callback_status = answer.status;
          if (answer.status != 204 && answer.status != 200) {
            self->report_.problems.push_back(
                "POST /voice/status: " +
                (answer.status == 0 ? answer.error
                                    : "HTTP " + std::to_string(answer.status) + " " + answer.body));
          }
          self->finish(self->report_.ended_by_server ? "ended by the receptionist"
                                                     : "the caller hung up");
        });
  }

  void finish(std::string how) {
    if (finished_) return;
    finished_ = true;
    report_.duration =
        std::chrono::duration_cast<std::chrono::milliseconds>(steady_clock::now() - started_);
    observe(call_event_kind::hung_up, std::move(how));
    auto done = std::move(done_);
    if (done) done(std::move(report_));
  }

  std::shared_ptr<const caller_context> context_;
  asio::strand<asio::io_context::executor_type> strand_;
  call_plan plan_;
  std::function<void(call_report)> done_;
  call_report report_;
  std::string session_id_;
  steady_clock::time_point started_;
  steady_clock::time_point relay_opened_;

  std::optional<websocket::stream<beast::tcp_stream>> ws_;
  websocket::response_type refusal_;
  beast::flat_buffer read_buffer_;
  std::deque<std::string> outbox_;
  bool writing_ = false;
  bool closing_ = false;  // we started closing the relay (hang-up, or after `end`)
  bool close_after_writes_ = false;
  bool relay_done_ = false;
  bool finished_ = false;
  std::string error_code_;
  std::string error_message_;

  asio::steady_timer reply_timer_;
  asio::steady_timer think_timer_;
  std::size_t next_index_ = 0;
  std::optional<call_turn> turn_;  // waiting for its reply
  bool token_seen_ = false;
  std::uint64_t turn_number_ = 0;
  steady_clock::time_point turn_sent_;
  std::string unasked_;
};

}  // namespace

struct twilio_caller::impl {
  std::shared_ptr<const caller_context> context;
};

twilio_caller::twilio_caller(asio::io_context& io, twilio_target target)
    : impl_{std::make_shared<impl>(
          impl{std::make_shared<const caller_context>(io, std::move(target))})} {}

twilio_caller::~twilio_caller() = default;

const twilio_target& twilio_caller::target() const noexcept {
  return impl_->context->target;
}

const std::string& twilio_caller::origin() const noexcept {
  return impl_->context->origin;
}

void twilio_caller::place_call(call_plan plan, std::function<void(call_report)> done) {
  auto flow = std::make_shared<call_flow>(impl_->context, std::move(plan), std::move(done));
  asio::post(impl_->context->io, [flow] { flow->start(); });
}

void twilio_caller::post_form(std::string path, form_data form,
                              std::function<void(webhook_answer)> done) {
  const auto& context = *impl_->context;
  if (!context.resolve_error.empty()) {
    asio::post(context.io, [done = std::move(done), error = context.resolve_error] {
      done({0, {}, error, {}});
    });
    return;
  }
  post_url(asio::make_strand(context.io), context, context.origin + path, form,
           [keep = impl_->context, done = std::move(done)](webhook_answer answer) {
             done(std::move(answer));
           });
}

call_report run_call(twilio_target target, call_plan plan) {
  asio::io_context io;
  twilio_caller caller{io, std::move(target)};
  call_report report;
  caller.place_call(std::move(plan), [&report](call_report done) { report = std::move(done); });
  io.run();
  return report;
}

std::string random_sid(std::string_view prefix) {
  thread_local std::mt19937_64 generator{std::random_device{}()};
  static constexpr char hex[] = "0123456789abcdef";
  std::string sid{prefix};
  for (int half = 0; half < 2; ++half) {
    auto bits = generator();
    for (int i = 0; i < 16; ++i, bits >>= 4) sid.push_back(hex[bits & 0xF]);
  }
  return sid;
}

std::string rfc2822_time(std::chrono::system_clock::time_point when) {
  static constexpr std::array<const char*, 7> days = {"Sun", "Mon", "Tue", "Wed",
                                                      "Thu", "Fri", "Sat"};
  static constexpr std::array<const char*, 12> months = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::time_t seconds = std::chrono::system_clock::to_time_t(when);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[40];
  std::snprintf(text, sizeof text, "%s, %02d %s %04d %02d:%02d:%02d +0000", days[utc.tm_wday],
                utc.tm_mday, months[utc.tm_mon], utc.tm_year + 1900, utc.tm_hour, utc.tm_min,
                utc.tm_sec);
  return text;
}

}  // namespace salon::net
