#pragma once

#include <string_view>

#include "conversation/catalog_index.hpp"
#include "conversation/shop_clock.hpp"
#include "conversation/shop_snapshot.hpp"
#include "conversation/utterance.hpp"

namespace salon::conversation {

// Understands one caller utterance as speech-to-text delivers it: intents, service, stylist,
// day and time, name, yes or no, a pick among offered times, sentiment. Deterministic; never
// throws for any input text.
utterance analyze(const shop_snapshot& shop, const catalog_index& catalog, std::string_view text,
                  local_moment now, expectation expect = expectation::none);

}  // namespace salon::conversation
