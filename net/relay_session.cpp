#include "net/relay_session.hpp"

#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>
#include <type_traits>
#include <utility>
#include <variant>

#include "net/relay_protocol.hpp"

namespace salon::net {
namespace {

// RFC 6455: 1007 = data inconsistent with the message type; 1008 = policy violation; 1011 =
// the server cannot go on.
constexpr std::uint16_t close_malformed = 1007;
constexpr std::uint16_t close_policy = 1008;
constexpr std::uint16_t close_internal = 1011;

// Enough of a bad frame to recognise it in a log, never the whole (possibly huge) thing.
std::string_view excerpt(std::string_view message) {
  constexpr std::size_t limit = 120;
  if (message.size() <= limit) return message;
  std::size_t cut = limit;
  while (cut > 0 && (static_cast<unsigned char>(message[cut]) & 0xC0) == 0x80) --cut;
  return message.substr(0, cut);
}

// `end` with a handoffData string that is already JSON (the call actor writes it), so
// relay_protocol's map-based end_frame does not fit.
std::string end_frame_with(std::string handoff_data_json) {
  nlohmann::ordered_json frame{{"type", "end"}};
  if (!handoff_data_json.empty()) frame["handoffData"] = std::move(handoff_data_json);
  return frame.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

actors::relay_setup to_relay_setup(setup_frame&& frame) {
  actors::relay_setup setup;
  setup.call_sid = std::move(frame.call_sid);
  setup.session_id = std::move(frame.session_id);
  setup.from = std::move(frame.from);
  setup.to = std::move(frame.to);
  setup.custom_parameters = std::move(frame.custom_parameters);
  return setup;
}

}  // namespace

relay_session::relay_session(call_starter start, delayed_action after,
                             relay_session_options options)
    : start_{std::move(start)}, after_{std::move(after)}, options_{options} {}

void relay_session::on_open(websocket_sender sender) {
  sender_ = std::move(sender);
  if (after_) {
    after_(options_.setup_timeout, [weak = weak_from_this()] {
      if (auto self = weak.lock()) self->on_setup_deadline();
    });
  }
}

void relay_session::on_setup_deadline() {
  auto expected = phase::awaiting_setup;
  if (!phase_.compare_exchange_strong(expected, phase::timed_out)) return;
  spdlog::warn("relay: no setup within {} ms, closing", options_.setup_timeout.count());
  sender_.close(close_policy, "no setup message");
}

void relay_session::on_text(std::string message) {
  if (!closed_because_.empty() || phase_.load() == phase::timed_out) return;
  auto frame = parse_inbound_frame(message);
  if (auto* bad = std::get_if<bad_frame>(&frame)) {
    if (bad->kind == bad_frame_kind::unknown_type) {
      spdlog::info("relay {}: ignoring a frame of unknown type '{}'", call_sid_, bad->detail);
      return;
    }
    count_bad_frame(std::string(to_string(bad->kind)) + " " + bad->detail, message);
    return;
  }
  if (auto* setup = std::get_if<setup_frame>(&frame)) {
    if (call_) {
      count_bad_frame("a second setup", message);
      return;
    }
    auto expected = phase::awaiting_setup;
    if (!phase_.compare_exchange_strong(expected, phase::live)) return;  // timed out meanwhile
    bad_in_a_row_ = 0;
    call_sid_ = setup->call_sid;
    spdlog::debug("relay {}: setup (session {})", call_sid_, setup->session_id);
    call_ = start_(to_relay_setup(std::move(*setup)), shared_from_this());
    if (!call_) {
      spdlog::error("relay {}: the call could not be started, closing", call_sid_);
      close(close_internal, "call not started");
    }
    return;
  }
  if (!call_) {
    count_bad_frame("a frame before setup", message);
    return;
  }
  bad_in_a_row_ = 0;
  std::visit(
      [this](auto&& typed) {
        using type = std::decay_t<decltype(typed)>;
        if constexpr (std::is_same_v<type, prompt_frame>) {
          call_->prompt(std::move(typed.voice_prompt), typed.last);
        } else if constexpr (std::is_same_v<type, interrupt_frame>) {
          // The caller stopped listening: tokens still waiting for the socket are not spoken.
          // Discarded before the call hears of it, so its next reply is not.
          sender_.discard_unsent();
          call_->interrupt(std::move(typed.utterance_until_interrupt));
        } else if constexpr (std::is_same_v<type, dtmf_frame>) {
          call_->dtmf(std::move(typed.digit));
        } else if constexpr (std::is_same_v<type, info_frame>) {
          spdlog::debug("relay {}: info {}={}", call_sid_, typed.name, typed.value);
        } else if constexpr (std::is_same_v<type, error_frame>) {
          spdlog::warn("relay {}: Twilio reports an error: {}", call_sid_, typed.description);
          call_->relay_error(std::move(typed.description));
        }
      },
      std::move(frame));
}

void relay_session::count_bad_frame(std::string_view why, std::string_view message) {
  ++bad_in_a_row_;
  spdlog::warn("relay {}: ignoring a bad frame ({} in a row): {}: {}",
               call_sid_.empty() ? "(no setup yet)" : call_sid_, bad_in_a_row_, why,
               excerpt(message));
  if (bad_in_a_row_ >= options_.max_bad_frames_in_a_row) {
    spdlog::warn("relay {}: {} bad frames in a row, closing",
                 call_sid_.empty() ? "(no setup yet)" : call_sid_, bad_in_a_row_);
    close(close_malformed, "too many malformed messages");
  }
}

void relay_session::close(std::uint16_t code, std::string reason) {
  closed_because_ = reason;
  sender_.close(code, std::move(reason));
}

void relay_session::on_close(const websocket_close& close) {
  if (!call_) return;
  std::string reason =
      close.cause == websocket_close_cause::handler_closed && !closed_because_.empty()
          ? closed_because_
          : std::string(to_string(close.cause));
  spdlog::debug("relay {}: closed ({} {}), hanging up: {}", call_sid_, close.code, close.reason,
                reason);
  call_->hang_up(std::move(reason));
  call_.reset();
}

void relay_session::say(std::string token, bool last) {
  sender_.send_droppable(text_frame(token, last));
}

void relay_session::end_session(std::string handoff_data_json) {
  sender_.send_text(end_frame_with(std::move(handoff_data_json)));
}

}  // namespace salon::net
