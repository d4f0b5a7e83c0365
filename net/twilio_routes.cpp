#include "net/twilio_routes.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <variant>

#include "actors/runtime.hpp"
#include "net/api_error.hpp"
#include "net/deadline_queue.hpp"
#include "net/form_data.hpp"
#include "net/relay_session.hpp"
#include "net/router.hpp"
#include "net/twilio_signature.hpp"
#include "net/twilio_webhooks.hpp"
#include "net/twiml.hpp"

namespace salon::net {
namespace {

constexpr std::string_view signature_header = "X-Twilio-Signature";
constexpr std::size_t max_form_fields = 512;

struct twilio_state {
  explicit twilio_state(twilio_context c)
      : context{c}, deadlines{std::make_shared<deadline_queue>()} {}

  twilio_context context;
  // Sessions hold it weakly: the routes own it, and it goes with the server.
  std::shared_ptr<deadline_queue> deadlines;
};

using shared_state = std::shared_ptr<const twilio_state>;

http_response twiml_response(std::string body) {
  return {200, "text/xml", std::move(body), {}};
}

bool is_form(const http_request& request) {
  auto type = request.header("Content-Type");
  if (!type) return true;  // Twilio always sends it; a bare body is read as a form anyway
  constexpr std::string_view form_type = "application/x-www-form-urlencoded";
  auto media = type->substr(0, type->find(';'));
  while (!media.empty() && (media.back() == ' ' || media.back() == '\t')) media.remove_suffix(1);
  return media.size() == form_type.size() &&
         std::equal(media.begin(), media.end(), form_type.begin(), [](char a, char b) {
           return std::tolower(static_cast<unsigned char>(a)) == b;
         });
}

// The form of a Twilio webhook, once it parses and its signature holds; otherwise the refusal
// has been sent and logged.
std::optional<form_data> accept_form(const twilio_context& context, std::string_view route,
                                     const http_request& request, const responder& respond) {
  if (!is_form(request)) {
    spdlog::warn("twilio {}: refused a {} body from {}", route,
                 request.header("Content-Type").value_or(""), request.remote_address);
    respond.send(error_response(api_error_kind::bad_request,
                                "expected an application/x-www-form-urlencoded body"));
    return std::nullopt;
  }
  auto parsed = form_data::parse(request.body, {context.settings.max_body_bytes, max_form_fields});
  if (auto* error = std::get_if<form_error>(&parsed)) {
    spdlog::warn("twilio {}: malformed form from {}: {}", route, request.remote_address,
                 error->message());
    respond.send(
        error_response(api_error_kind::bad_request, "malformed form: " + error->message()));
    return std::nullopt;
  }
  auto form = std::get<form_data>(std::move(parsed));
  const auto& token = context.settings.twilio_auth_token;
  if (!token.empty()) {
    auto url = requested_url(public_origin(context.settings.public_base_url, request), request);
    auto check = check_form_request(token, url, form.fields(),
                                    request.header(signature_header).value_or(""));
    if (check != signature_check::valid) {
      spdlog::warn("twilio {}: refused a request from {} for {}: {}", route, request.remote_address,
                   url, to_string(check));
      respond.send(error_response(api_error_kind::forbidden,
                                  "X-Twilio-Signature: " + std::string(to_string(check))));
      return std::nullopt;
    }
  }
  return form;
}

// Answers `fallback` if nothing else has been answered by the deadline.
void answer_by_deadline(const twilio_state& state, const responder& respond, std::string_view route,
                        std::string call_sid, std::string fallback) {
  state.deadlines->schedule(
      deadline_queue::clock::now() + state.context.answer_timeout,
      [respond, route, call_sid = std::move(call_sid), fallback = std::move(fallback)] {
        // Nearly always answered long before: only a request still waiting gets the apology.
        if (!respond.sent() && respond.send(twiml_response(fallback))) {
          spdlog::error("twilio {}: call {}: no answer from the actors in time, apologising", route,
                        call_sid);
        }
      });
}

void refuse_content(std::string_view route, const http_request& request, const responder& respond,
                    const std::string& why) {
  spdlog::warn("twilio {}: refused a request from {}: {}", route, request.remote_address, why);
  respond.send(error_response(api_error_kind::bad_request, why));
}

void incoming_call(const shared_state& state, const http_request& request, responder respond) {
  const auto& context = state->context;
  auto form = accept_form(context, "voice", request, respond);
  if (!form) return;
  auto read = read_incoming_call(*form);
  if (auto* why = std::get_if<std::string>(&read))
    return refuse_content("voice", request, respond, *why);
  auto call = std::get<actors::incoming_call>(std::move(read));
  auto origin = public_origin(context.settings.public_base_url, request);
  auto sid = call.call_sid;
  auto* runtime = &context.runtime;
  answer_by_deadline(*state, respond, "voice", sid, apology_answer());
  context.runtime.answer_call(std::move(call), [respond, origin, runtime,
                                                sid](actors::outcome<actors::call_answer> result) {
    if (auto* failure = std::get_if<actors::failure>(&result)) {
      switch (*failure) {
        case actors::failure::shop_not_found:
          spdlog::warn("twilio voice: call {}: no shop answers the number dialled", sid);
          respond.send(twiml_response(unknown_number_answer()));
          return;
        case actors::failure::overloaded:
          spdlog::warn("twilio voice: call {}: overloaded, answering busy", sid);
          respond.send(twiml_response(busy_answer("", std::nullopt)));
          return;
        default:
          spdlog::error("twilio voice: call {}: cannot answer ({}), apologising", sid,
                        actors::to_string(*failure));
          respond.send(twiml_response(apology_answer()));
          return;
      }
    }
    const auto& answer = std::get<actors::call_answer>(result);
    // Decided when the relay would be offered, so that calls whose relays have not connected yet
    // count too.
    if (!runtime->admit_call(sid)) {
      spdlog::warn("twilio voice: call {}: {} live calls, at capacity: answering busy", sid,
                   runtime->stats().live_calls.load());
      respond.send(twiml_response(busy_answer(answer.business_name, answer.forward_phone)));
      return;
    }
    spdlog::info("twilio voice: call {} for location {}", sid, answer.location_id);
    respond.send(twiml_response(relay_answer(answer, origin)));
  });
}

void status_callback(const shared_state& state, const http_request& request, responder respond) {
  const auto& context = state->context;
  auto form = accept_form(context, "voice_status", request, respond);
  if (!form) return;
  auto now =
      std::chrono::time_point_cast<std::chrono::microseconds>(std::chrono::system_clock::now());
  auto read = read_status_callback(*form, now);
  if (auto* why = std::get_if<std::string>(&read)) {
    return refuse_content("voice_status", request, respond, *why);
  }
  auto update = std::get<db::call_status_update>(std::move(read));
  spdlog::debug("twilio status: call {} {} (sequence {})", update.call_sid,
                db::to_string(update.status),
                update.sequence_number ? std::to_string(*update.sequence_number) : "none");
  auto sid = update.call_sid;
  context.runtime.call_status(std::move(update), [respond, sid](actors::outcome<bool> result) {
    if (auto* failure = std::get_if<actors::failure>(&result)) {
      spdlog::error("twilio status: call {}: not recorded ({})", sid, actors::to_string(*failure));
      respond.send(error_response(api_error_kind::service_unavailable, "status not recorded"));
      return;
    }
    respond.send({204, "", "", {}});
  });
}

void relay_action(const shared_state& state, const http_request& request, responder respond) {
  const auto& context = state->context;
  auto form = accept_form(context, "voice_action", request, respond);
  if (!form) return;
  auto read = read_relay_session_end(*form);
  if (auto* why = std::get_if<std::string>(&read)) {
    return refuse_content("voice_action", request, respond, *why);
  }
  auto end = std::get<actors::relay_session_end>(std::move(read));
  end.to = std::string(form->first_or_empty("To"));
  spdlog::info("twilio action: call {} relay session {} after {} s", end.call_sid,
               end.session_status.empty() ? "(no status)" : end.session_status,
               form->first_or_empty("SessionDuration"));
  bool caller_left = end.session_status == "completed";
  auto sid = end.call_sid;
  answer_by_deadline(*state, respond, "voice_action", sid,
                     caller_left ? twiml::hangup() : apology_answer());
  context.runtime.relay_ended(std::move(end), [respond, sid, caller_left](
                                                  actors::outcome<actors::after_relay> result) {
    if (auto* failure = std::get_if<actors::failure>(&result)) {
      spdlog::error("twilio action: call {}: no decision ({})", sid, actors::to_string(*failure));
      respond.send(twiml_response(caller_left ? twiml::hangup() : apology_answer()));
      return;
    }
    respond.send(twiml_response(after_relay_answer(std::get<actors::after_relay>(result))));
  });
}

websocket_upgrade relay_upgrade(const shared_state& state, const http_request& request) {
  const auto& context = state->context;
  const auto& token = context.settings.twilio_auth_token;
  if (!token.empty()) {
    auto url = requested_url(
        websocket_origin(public_origin(context.settings.public_base_url, request)), request);
    auto check = check_websocket_upgrade(token, url, request.header(signature_header).value_or(""));
    if (check != signature_check::valid) {
      spdlog::warn("twilio relay: refused an upgrade from {} for {}: {}", request.remote_address,
                   url, to_string(check));
      return error_response(api_error_kind::forbidden,
                            "X-Twilio-Signature: " + std::string(to_string(check)));
    }
  }
  auto* runtime = &context.runtime;
  std::weak_ptr<deadline_queue> deadlines = state->deadlines;
  relay_session_options options;
  options.setup_timeout = context.relay_setup_timeout;
  return std::make_shared<relay_session>(
      [runtime](actors::relay_setup setup, std::shared_ptr<actors::call_line> line) {
        return runtime->start_call(std::move(setup), std::move(line));
      },
      [deadlines](std::chrono::milliseconds delay, std::function<void()> action) {
        if (auto queue = deadlines.lock()) {
          queue->schedule(deadline_queue::clock::now() + delay, std::move(action));
        }
      },
      options);
}

}  // namespace

void add_twilio_routes(router& routes, twilio_context context) {
  auto state = std::make_shared<const twilio_state>(context);
  routes.add("POST", "/voice", "voice", [state](http_request request, responder respond) {
    incoming_call(state, request, std::move(respond));
  });
  routes.add("POST", "/voice/status", "voice_status",
             [state](http_request request, responder respond) {
               status_callback(state, request, std::move(respond));
             });
  routes.add("POST", "/voice/action", "voice_action",
             [state](http_request request, responder respond) {
               relay_action(state, request, std::move(respond));
             });
  routes.add_websocket("/relay", "relay", [state](const http_request& request) {
    return relay_upgrade(state, request);
  });
}

}  // namespace salon::net
