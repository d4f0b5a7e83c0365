#include "actors/failure.hpp"

namespace salon::actors {

std::string to_string(failure f) {
  switch (f) {
    case failure::shop_not_found:
      return "shop_not_found";
    case failure::database_unavailable:
      return "database_unavailable";
    case failure::database_error:
      return "database_error";
    case failure::overloaded:
      return "overloaded";
    case failure::timeout:
      return "timeout";
    case failure::shutting_down:
      return "shutting_down";
    case failure::internal:
      return "internal";
  }
  return "unknown";
}

}  // namespace salon::actors
