#include "actors/failure_error.hpp"

#include <caf/atom.hpp>
#include <caf/make_message.hpp>
#include <caf/sec.hpp>

namespace salon::actors {
namespace {
constexpr auto category = caf::atom("salon");
}

caf::error make_error(failure f, std::string context) {
  if (context.empty()) return caf::error(static_cast<std::uint8_t>(f), category);
  return caf::error(static_cast<std::uint8_t>(f), category, caf::make_message(std::move(context)));
}

std::optional<failure> failure_of(const caf::error& e) {
  if (e.category() != category) return std::nullopt;
  return static_cast<failure>(e.code());
}

failure classify(const caf::error& e) {
  if (auto ours = failure_of(e)) return *ours;
  if (e == caf::sec::request_timeout) return failure::timeout;
  return failure::internal;
}

}  // namespace salon::actors
