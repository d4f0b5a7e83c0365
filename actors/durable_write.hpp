#pragma once

#include <optional>
#include <string>
#include <variant>

#include "db/records.hpp"

namespace salon::actors {

// A write the server has accepted and must never lose: the call log's entries, and booking
// requests taken while the database could not confirm them (stored as pending appointments).
using durable_write =
    std::variant<db::call_started, db::call_settlement, db::call_status_update, db::appointment>;

// One line of JSON for the spool, and back. decode gives nullopt for a line it cannot read.
std::string encode(const durable_write& write);
std::optional<durable_write> decode(std::string_view line);

}  // namespace salon::actors
