#pragma once

// The messages actors exchange. Atoms are at most 10 characters (CAF 0.17).

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/atom.hpp>
#include <caf/fwd.hpp>
#include <functional>

#include "actors/durable_write.hpp"
#include "actors/ops_event.hpp"
#include "actors/ops_subscriber.hpp"
#include "conversation/reply.hpp"
#include "conversation/shop_snapshot.hpp"
#include "db/records.hpp"

namespace salon::db {
class connection;
}

namespace salon::actors {

// A unit of blocking database work, run by one pool worker on its own connection. The result
// travels back to the requester as the message the function returns.
using database_job = std::function<caf::message(db::connection&)>;

using run_job_atom = caf::atom_constant<caf::atom("run_job")>;
using worker_idle_atom = caf::atom_constant<caf::atom("idle")>;

using write_atom = caf::atom_constant<caf::atom("write")>;
using accepted_atom = caf::atom_constant<caf::atom("accepted")>;
using flush_atom = caf::atom_constant<caf::atom("flush")>;
using replay_atom = caf::atom_constant<caf::atom("replay")>;

using route_atom = caf::atom_constant<caf::atom("route")>;
using shop_atom = caf::atom_constant<caf::atom("shop")>;
using config_atom = caf::atom_constant<caf::atom("config")>;
using snapshot_atom = caf::atom_constant<caf::atom("snapshot")>;
using book_atom = caf::atom_constant<caf::atom("book")>;
using cancel_atom = caf::atom_constant<caf::atom("cancel")>;
using reschedule_atom = caf::atom_constant<caf::atom("resched")>;
using lookup_atom = caf::atom_constant<caf::atom("lookup")>;
using prompt_atom = caf::atom_constant<caf::atom("prompt")>;
using dtmf_atom = caf::atom_constant<caf::atom("dtmf")>;
using interrupt_atom = caf::atom_constant<caf::atom("interrupt")>;
using relay_error_atom = caf::atom_constant<caf::atom("relay_err")>;
using hang_up_atom = caf::atom_constant<caf::atom("hang_up")>;
using reload_atom = caf::atom_constant<caf::atom("reload")>;
using map_phone_atom = caf::atom_constant<caf::atom("map_phone")>;
using ops_publish_atom = caf::atom_constant<caf::atom("ops_pub")>;
using ops_subscribe_atom = caf::atom_constant<caf::atom("ops_sub")>;
using ops_unsubscribe_atom = caf::atom_constant<caf::atom("ops_unsub")>;
using ops_count_atom = caf::atom_constant<caf::atom("ops_count")>;

// A booking the call actor (or the admin API) asks its shop actor for.
struct booking_request {
  conversation::book_action action;
  std::string call_sid;
  db::appointment_source source = db::appointment_source::phone;
};

struct reschedule_request {
  conversation::reschedule_action action;
  std::string call_sid;
};

using shared_snapshot = std::shared_ptr<const conversation::shop_snapshot>;

}  // namespace salon::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(salon::actors::database_job)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(salon::db::shop)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::optional<salon::db::shop>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<salon::db::shop_summary>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<salon::db::phone_route>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(salon::actors::durable_write)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(salon::actors::booking_request)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(salon::actors::reschedule_request)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(salon::actors::shared_snapshot)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(salon::conversation::action_result)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(salon::conversation::change_status)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<salon::conversation::upcoming_appointment>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<salon::db::booked_slot>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<salon::db::appointment>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(salon::db::booking_outcome)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(salon::db::cancel_result)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(salon::actors::ops_event)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(salon::actors::ops_filter)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::shared_ptr<salon::actors::ops_subscriber>)
