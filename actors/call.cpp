#include "actors/call.hpp"

#include <spdlog/spdlog.h>

#include <caf/all.hpp>
#include <charconv>
#include <deque>
#include <nlohmann/json.hpp>
#include <optional>

#include "actors/failure_error.hpp"
#include "actors/messages.hpp"
#include "actors/runtime_stats.hpp"
#include "conversation/session.hpp"

namespace salon::actors {
namespace {

using conversation::action_result;
using conversation::reply;

constexpr auto shop_timeout = std::chrono::seconds(10);
// A call that never hangs up (a lost socket Twilio never closed) is settled after this.
constexpr auto longest_call = std::chrono::hours(2);

struct caller_prompt {
  std::string text;
};
struct caller_dtmf {
  std::string digit;
};
struct caller_interrupt {
  std::string heard;
};
using caller_input = std::variant<caller_prompt, caller_dtmf, caller_interrupt>;

struct call_state {
  relay_setup setup;
  std::shared_ptr<call_line> line;
  call_environment env;
  std::optional<int> location_id;
  caf::actor shop;
  std::string shop_id;
  std::optional<conversation::session> session;
  bool shop_failed = false;
  std::deque<caller_input> waiting;  // input that came before the shop's snapshot
  std::string partial_prompt;        // prompt pieces with last:false
  std::vector<db::transcript_turn> transcript;
  bool caller_spoke = false;
  bool session_ended = false;  // `end` sent: Twilio will close the socket
  std::optional<std::string> handoff_reason;
  db::time_point started_at{};
  bool settled = false;
  std::string shop_name;
  bool announced = false;  // call_started went to the dashboards
  static inline const char* name = "call";
};

using call_actor = caf::stateful_actor<call_state>;

db::time_point now_micro() {
  return std::chrono::time_point_cast<std::chrono::microseconds>(std::chrono::system_clock::now());
}

std::chrono::sys_seconds now_seconds() {
  return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
}

void note(call_actor* self, const char* speaker, std::string text) {
  if (text.empty()) return;
  self->state.transcript.push_back({now_micro(), speaker, std::move(text)});
}

void end_session(call_actor* self, const std::string& reason, bool hand_off) {
  auto& state = self->state;
  if (state.session_ended) return;
  state.session_ended = true;
  if (hand_off) state.handoff_reason = reason;
  nlohmann::json data = {{"reason", reason}, {"handoff", hand_off}};
  if (state.location_id) data["location_id"] = *state.location_id;
  state.line->end_session(data.dump());
  spdlog::info("call {}: relay session ended ({}{})", state.setup.call_sid,
               hand_off ? "hand-off: " : "", reason);
}

// Tells the live dashboards (WS /ops). A call shows there once it has a shop.
void publish(call_actor* self, ops_payload payload) {
  auto& state = self->state;
  if (!state.env.broadcaster || !state.location_id) return;
  self->send(state.env.broadcaster, ops_publish_atom::value,
             ops_event{*state.location_id, {}, state.shop_name, now_micro(), std::move(payload)});
}

void publish_turn(call_actor* self, const std::string& receptionist_said) {
  auto& state = self->state;
  if (!state.announced || !state.session) return;
  auto summary = state.session->summary();
  call_turn_event turn;
  turn.call_sid = state.setup.call_sid;
  turn.turns = summary.turns;
  turn.intent = std::string(conversation::to_string(summary.primary_intent));
  turn.sentiment = summary.sentiment;
  turn.sentiment_label = summary.sentiment_label;
  for (auto it = state.transcript.rbegin(); it != state.transcript.rend(); ++it) {
    if (it->speaker == "caller") {
      turn.caller_said = it->text;
      break;
    }
  }
  turn.receptionist_said = receptionist_said;
  publish(self, std::move(turn));
}

void handle_result(call_actor* self, const action_result& result);

// Speaks the reply, then carries out its actions. The engine has every sentence of a reply at
// once, so the reply goes out as one token that closes the turn: nothing is spoken later than
// sentence by sentence would, and a turn costs one frame instead of one per sentence (a write
// on the server and a read at Twilio each).
void answer(call_actor* self, const reply& r) {
  auto& state = self->state;
  auto text = r.text();
  if (!r.sentences.empty()) state.line->say(text, true);
  note(self, "receptionist", text);
  publish_turn(self, text);
  for (const auto& action : r.actions) {
    std::visit(
        [&](const auto& a) {
          using T = std::decay_t<decltype(a)>;
          if constexpr (std::is_same_v<T, conversation::book_action>) {
            self->request(state.shop, shop_timeout, book_atom::value,
                          booking_request{a, state.setup.call_sid})
                .then([=](action_result& result) { handle_result(self, result); },
                      [=](caf::error&) {
                        handle_result(self, action_result{conversation::booking_unavailable{}});
                      });
          } else if constexpr (std::is_same_v<T, conversation::cancel_action>) {
            std::string id = a.appointment_id;
            self->request(state.shop, shop_timeout, cancel_atom::value, id)
                .then(
                    [=](conversation::change_status status) {
                      handle_result(self,
                                    action_result{conversation::cancellation_done{id, status}});
                    },
                    [=](caf::error&) {
                      handle_result(self, action_result{conversation::cancellation_done{
                                              id, conversation::change_status::unavailable}});
                    });
          } else if constexpr (std::is_same_v<T, conversation::reschedule_action>) {
            std::string id = a.appointment_id;
            self->request(state.shop, shop_timeout, reschedule_atom::value,
                          reschedule_request{a, state.setup.call_sid})
                .then(
                    [=](conversation::change_status status) {
                      handle_result(self, action_result{conversation::reschedule_done{id, status}});
                    },
                    [=](caf::error&) {
                      handle_result(self, action_result{conversation::reschedule_done{
                                              id, conversation::change_status::unavailable}});
                    });
          } else if constexpr (std::is_same_v<T, conversation::lookup_appointments_action>) {
            self->request(state.shop, shop_timeout, lookup_atom::value, a.phone)
                .then(
                    [=](std::vector<conversation::upcoming_appointment>& found) {
                      handle_result(self, action_result{conversation::appointments_found{found}});
                    },
                    [=](caf::error&) {
                      handle_result(self, action_result{conversation::appointments_found{}});
                    });
          } else if constexpr (std::is_same_v<T, conversation::hand_off_action>) {
            end_session(self, a.reason, true);
          } else if constexpr (std::is_same_v<T, conversation::end_call_action>) {
            end_session(self, a.reason, false);
          }
        },
        action);
  }
}

void handle_result(call_actor* self, const action_result& result) {
  auto& state = self->state;
  if (!state.session || state.settled) return;
  if (std::holds_alternative<conversation::booking_taken>(result)) {
    // Another caller got there first: take the shop's fresh book before offering other times.
    self->request(state.shop, shop_timeout, snapshot_atom::value)
        .then(
            [=](shared_snapshot& snapshot) {
              self->state.session->replace_snapshot(snapshot);
              answer(self, self->state.session->result(result, now_seconds()));
            },
            [=](caf::error&) { answer(self, self->state.session->result(result, now_seconds())); });
    return;
  }
  answer(self, state.session->result(result, now_seconds()));
}

void handle_input(call_actor* self, const caller_input& input) {
  auto& state = self->state;
  if (state.session_ended) return;
  auto now = now_seconds();
  std::visit(
      [&](const auto& in) {
        using T = std::decay_t<decltype(in)>;
        if constexpr (std::is_same_v<T, caller_prompt>) {
          answer(self, state.session->prompt(in.text, now));
        } else if constexpr (std::is_same_v<T, caller_dtmf>) {
          answer(self, state.session->dtmf(in.digit, now));
        } else {
          // The caller heard only part of the last reply: the transcript keeps that part.
          for (auto it = state.transcript.rbegin(); it != state.transcript.rend(); ++it) {
            if (it->speaker == "receptionist") {
              it->text = in.heard;
              break;
            }
          }
          answer(self, state.session->interrupt(in.heard, now));
        }
      },
      input);
}

void take_input(call_actor* self, caller_input input) {
  auto& state = self->state;
  if (state.settled) return;
  if (!state.session) {
    if (state.shop_failed) return;
    state.waiting.push_back(std::move(input));
    return;
  }
  handle_input(self, input);
}

void shop_unavailable(call_actor* self, const std::string& why) {
  auto& state = self->state;
  state.shop_failed = true;
  spdlog::warn("call {}: no shop to answer with ({})", state.setup.call_sid, why);
  std::string sorry =
      "I'm sorry, I can't pull up the salon's schedule right now. Let me connect you with "
      "someone who can help.";
  state.line->say(sorry, true);
  note(self, "receptionist", sorry);
  end_session(self, "shop unavailable: " + why, true);
}

void start_session(call_actor* self, shared_snapshot snapshot) {
  auto& state = self->state;
  auto start = std::chrono::time_point_cast<std::chrono::seconds>(state.started_at);
  state.shop_name = snapshot->name;
  state.session.emplace(std::move(snapshot), state.setup.from, start);
  publish(self, call_started_event{state.setup.call_sid, state.setup.from, state.started_at});
  state.announced = true;
  // Twilio spoke the welcome greeting from the TwiML.
  note(self, "receptionist", state.session->greeting().text());
  while (!state.waiting.empty() && !state.settled) {
    auto input = std::move(state.waiting.front());
    state.waiting.pop_front();
    handle_input(self, input);
  }
}

void find_shop(call_actor* self) {
  auto& state = self->state;
  auto ask_shop = [self](int location_id) {
    self->state.location_id = location_id;
    self->request(self->state.env.directory, shop_timeout, shop_atom::value, location_id)
        .then(
            [=](caf::actor& shop) {
              self->state.shop = shop;
              self->request(shop, shop_timeout, snapshot_atom::value)
                  .then([=](shared_snapshot& snapshot) { start_session(self, snapshot); },
                        [=](caf::error& error) {
                          shop_unavailable(self, to_string(classify(error)));
                        });
            },
            [=](caf::error& error) { shop_unavailable(self, to_string(classify(error))); });
  };
  const auto& params = state.setup.custom_parameters;
  if (auto it = params.find("locationId"); it != params.end()) {
    int id = 0;
    auto [end, ec] = std::from_chars(it->second.data(), it->second.data() + it->second.size(), id);
    if (ec == std::errc{} && end == it->second.data() + it->second.size() && id > 0) {
      ask_shop(id);
      return;
    }
  }
  self->request(state.env.directory, shop_timeout, route_atom::value, state.setup.to)
      .then([=](int location_id) { ask_shop(location_id); },
            [=](caf::error& error) { shop_unavailable(self, to_string(classify(error))); });
}

db::call_settlement settlement_of(call_actor* self) {
  auto& state = self->state;
  db::call_settlement s;
  s.call_sid = state.setup.call_sid;
  s.transcript = state.transcript;
  s.caller_spoke = state.caller_spoke;
  s.started_at = state.started_at;
  s.ended_at = now_micro();
  s.handoff_reason = state.handoff_reason;
  if (state.session) {
    auto summary = state.session->summary();
    s.turns = summary.turns;
    s.primary_intent = std::string(conversation::to_string(summary.primary_intent));
    for (auto i : summary.intents) s.intents.emplace_back(conversation::to_string(i));
    s.sentiment_score = std::clamp(summary.sentiment, -1.0, 1.0);
    s.sentiment = db::parse_sentiment_label(summary.sentiment_label);
    s.outcome = db::parse_call_outcome(conversation::to_string(summary.outcome))
                    .value_or(db::call_outcome::inquiry);
  } else {
    s.outcome = state.caller_spoke ? db::call_outcome::inquiry : db::call_outcome::missed;
  }
  if (state.handoff_reason && s.outcome != db::call_outcome::booked) {
    s.outcome = db::call_outcome::transferred;
  }
  if (!state.caller_spoke && s.outcome == db::call_outcome::inquiry) {
    s.outcome = db::call_outcome::missed;
  }
  return s;
}

void settle(call_actor* self, const std::string& reason) {
  auto& state = self->state;
  if (state.settled) return;
  state.settled = true;
  auto settlement = settlement_of(self);
  spdlog::info("call {} ended ({}): outcome {}, intent {}, {} turns", state.setup.call_sid, reason,
               db::to_string(settlement.outcome), settlement.primary_intent.value_or("none"),
               settlement.turns);
  if (state.announced) {
    std::chrono::duration<double> duration = settlement.ended_at - settlement.started_at;
    publish(self, call_ended_event{
                      state.setup.call_sid, std::string(db::to_string(settlement.outcome)),
                      duration.count(), settlement.primary_intent.value_or("unknown"),
                      settlement.sentiment_score.value_or(0.0),
                      settlement.sentiment ? std::string(db::to_string(*settlement.sentiment))
                                           : std::string("neutral"),
                      settlement.turns});
  }
  self->send(state.env.call_log, write_atom::value, durable_write{std::move(settlement)});
  state.env.stats->live_calls.fetch_sub(1);
  self->quit();
}

caf::behavior call(call_actor* self, relay_setup setup, std::shared_ptr<call_line> line,
                   call_environment env) {
  auto& state = self->state;
  state.setup = std::move(setup);
  state.line = std::move(line);
  state.env = env;
  state.started_at = now_micro();
  spdlog::info("call {} started: from {} to {}", state.setup.call_sid, state.setup.from,
               state.setup.to);
  find_shop(self);
  self->delayed_send(self, longest_call, hang_up_atom::value, std::string("longest call reached"));
  return {
      [=](prompt_atom, std::string& text, bool last) {
        auto& st = self->state;
        st.partial_prompt += text;
        if (!last) return;
        std::string whole = std::move(st.partial_prompt);
        st.partial_prompt.clear();
        st.caller_spoke = true;
        note(self, "caller", whole);
        take_input(self, caller_prompt{std::move(whole)});
      },
      [=](dtmf_atom, std::string& digit) {
        self->state.caller_spoke = true;
        note(self, "caller", "[pressed " + digit + "]");
        take_input(self, caller_dtmf{std::move(digit)});
      },
      [=](interrupt_atom, std::string& heard) {
        take_input(self, caller_interrupt{std::move(heard)});
      },
      [=](relay_error_atom, std::string& description) {
        spdlog::warn("call {}: relay reported an error: {}", self->state.setup.call_sid,
                     description);
      },
      [=](hang_up_atom, std::string& reason) { settle(self, reason); },
  };
}

class live_call_handle final : public live_call {
 public:
  explicit live_call_handle(caf::actor call) : call_(std::move(call)) {}
  ~live_call_handle() override {
    if (!hung_up_) caf::anon_send(call_, hang_up_atom::value, std::string("dropped"));
  }
  void prompt(std::string text, bool last) override {
    caf::anon_send(call_, prompt_atom::value, std::move(text), last);
  }
  void dtmf(std::string digit) override {
    caf::anon_send(call_, dtmf_atom::value, std::move(digit));
  }
  void interrupt(std::string heard) override {
    caf::anon_send(call_, interrupt_atom::value, std::move(heard));
  }
  void relay_error(std::string description) override {
    caf::anon_send(call_, relay_error_atom::value, std::move(description));
  }
  void hang_up(std::string reason) override {
    hung_up_ = true;
    caf::anon_send(call_, hang_up_atom::value, std::move(reason));
  }

 private:
  caf::actor call_;
  std::atomic<bool> hung_up_{false};
};

}  // namespace

caf::actor spawn_call(caf::actor_system& system, relay_setup setup, std::shared_ptr<call_line> line,
                      call_environment environment) {
  // Counted before it runs: admit_call always finds the call in one count or the other.
  environment.stats->live_calls.fetch_add(1);
  return system.spawn(call, std::move(setup), std::move(line), environment);
}

std::shared_ptr<live_call> make_live_call(caf::actor call) {
  return std::make_shared<live_call_handle>(std::move(call));
}

}  // namespace salon::actors
