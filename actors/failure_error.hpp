#pragma once

// Converts between actor failures and caf::error (category "salon"); for actors/ .cpp files.

#include <caf/error.hpp>
#include <optional>
#include <string>

#include "actors/failure.hpp"

namespace salon::actors {

caf::error make_error(failure f, std::string context = {});

// The failure an error carries, or nullopt when it is not one of ours (e.g. a CAF timeout).
std::optional<failure> failure_of(const caf::error& e);

// Our failures, and CAF's request timeouts mapped to failure::timeout.
failure classify(const caf::error& e);

}  // namespace salon::actors
