#pragma once

#include <vector>

#include "conversation/shop_clock.hpp"
#include "conversation/token.hpp"
#include "conversation/when_request.hpp"

namespace salon::conversation {

// Reads the date and time expressions of one utterance ("next friday at half past two", "the 3rd
// after 5", "tomorrow morning") relative to the shop's local now. Marks the tokens it used in
// `used` (same length as tokens) so later extractors skip them. A later mention overrides an
// earlier one ("tuesday, i mean thursday"); a mention after "not" is ignored ("not 3, 4").
when_request parse_when(const std::vector<token>& tokens, std::vector<bool>& used,
                        local_moment now);

}  // namespace salon::conversation
