#pragma once

#include <cstdint>
#include <string>

namespace salon::actors {

// Why an actor could not answer; travels as a caf::error of category "salon".
enum class failure : std::uint8_t {
  shop_not_found = 1,
  database_unavailable,
  database_error,
  overloaded,
  timeout,
  shutting_down,
  internal,
};

std::string to_string(failure f);

}  // namespace salon::actors
