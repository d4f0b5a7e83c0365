#pragma once

#include <string>
#include <string_view>

namespace salon::conversation {

// Edit distance with adjacent transpositions (optimal string alignment). Stops early and returns
// limit + 1 once the distance is known to exceed `limit`.
int edit_distance(std::string_view a, std::string_view b, int limit) noexcept;

// A sound-alike key for English words, in the spirit of Metaphone: "balayage" and "ballyage"
// share "blj", "keratin" and "care a tin" share "krtn". Input is lower-case ASCII.
std::string phonetic_key(std::string_view word);

}  // namespace salon::conversation
