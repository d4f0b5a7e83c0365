#include "conversation/utterance.hpp"

#include <algorithm>

namespace salon::conversation {

std::string_view to_string(intent i) noexcept {
  switch (i) {
    case intent::book:
      return "book";
    case intent::reschedule:
      return "reschedule";
    case intent::cancel:
      return "cancel";
    case intent::prices:
      return "prices";
    case intent::hours:
      return "hours";
    case intent::location:
      return "location";
    case intent::stylists:
      return "stylists";
    case intent::shop_info:
      return "shop_info";
    case intent::human:
      return "human";
    case intent::goodbye:
      return "goodbye";
    case intent::unknown:
      break;
  }
  return "unknown";
}

bool utterance::has(intent i) const noexcept {
  return std::find(intents.begin(), intents.end(), i) != intents.end();
}

bool utterance::understood() const noexcept {
  return !intents.empty() || !when.empty() || !catalog.services.empty() ||
         !catalog.not_services.empty() || !catalog.ambiguous_variants.empty() ||
         !catalog.stylists.empty() || catalog.any_stylist ||
         catalog.variant_hint != service_variant::none || name.has_value() ||
         reply != answer::none || choice != 0 || greeting || thanks || later || earlier;
}

}  // namespace salon::conversation
