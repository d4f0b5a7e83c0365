#pragma once

#include <caf/actor.hpp>
#include <memory>

#include "actors/call_types.hpp"

namespace salon::actors {

struct runtime_stats;

struct call_environment {
  caf::actor directory;
  caf::actor call_log;
  runtime_stats* stats = nullptr;
  caf::actor broadcaster{};  // live dashboards (WS /ops); may be null
};

// One actor per live call, created at the relay's `setup`. Finds the shop, runs the
// conversation session, speaks through `line`, asks its shop actor to book, cancel and
// reschedule, keeps the transcript, and on hang-up settles the call (outcome, intents,
// sentiment, turns, transcript, duration) into the call log.
//   (prompt_atom, std::string text, bool last)   (dtmf_atom, std::string digit)
//   (interrupt_atom, std::string heard)          (relay_error_atom, std::string description)
//   (hang_up_atom, std::string reason)           -> settles and quits
caf::actor spawn_call(caf::actor_system& system, relay_setup setup, std::shared_ptr<call_line> line,
                      call_environment environment);

// The live_call handle the relay session holds: forwards to the call actor; hangs up when the
// last copy goes without having done so.
std::shared_ptr<live_call> make_live_call(caf::actor call);

}  // namespace salon::actors
