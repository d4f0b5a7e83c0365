#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "conversation/shop_snapshot.hpp"
#include "conversation/token.hpp"

namespace salon::conversation {

enum class service_variant { none, women, men, kids };

// The services and stylists the caller named in one utterance, as indexes into the snapshot.
struct catalog_mentions {
  std::vector<std::size_t> services;
  // Services ruled out ("not a trim, a color").
  std::vector<std::size_t> not_services;
  // A mention that fits several men's/women's/kids' variants and nothing said which.
  std::vector<std::size_t> ambiguous_variants;
  std::vector<std::size_t> stylists;
  std::vector<std::size_t> not_stylists;
  bool any_stylist = false;
  service_variant variant_hint = service_variant::none;
};

// The shop's catalog prepared for matching what callers say: synonyms, plurals, possessives,
// men's/women's/kids' variants, and mis-heard words by edit distance and sound-alike keys.
// Built once per snapshot; matching does not allocate per service.
class catalog_index {
 public:
  explicit catalog_index(const shop_snapshot& shop);

  // Finds services and stylists among the tokens not yet used; marks the tokens it takes.
  catalog_mentions match(const std::vector<token>& tokens, std::vector<bool>& used) const;

  // True for words the matcher knows as part of a service or stylist name.
  bool is_catalog_word(std::string_view word) const;

  // Folds synonyms and plurals to one form: "trims" -> "haircut", "dye" -> "color".
  static std::string_view canonical_word(std::string_view word);
  static service_variant variant_of_word(std::string_view word);

  service_variant variant(std::size_t service) const { return services_[service].variant; }

 private:
  struct indexed_service {
    std::vector<std::vector<std::string>> phrases;  // name and synonyms, canonical words
    std::vector<std::string> keys;                  // distinct words of the phrases
    service_variant variant = service_variant::none;
  };
  struct indexed_stylist {
    std::vector<std::string> names;  // full name words, lower case
  };
  struct fuzzy_word {
    std::string word;
    std::string key;
  };

  std::string_view correct(std::string_view word) const;
  std::size_t best_service(const std::vector<std::string_view>& words, service_variant hint,
                           std::vector<std::size_t>& ambiguous) const;

  std::vector<indexed_service> services_;
  std::vector<indexed_stylist> stylists_;
  // Looked up by string_view without building a string.
  struct word_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept {
      return std::hash<std::string_view>{}(s);
    }
  };
  using word_map =
      std::unordered_map<std::string, std::vector<std::size_t>, word_hash, std::equal_to<>>;

  word_map service_by_word_;
  word_map stylist_by_word_;
  std::vector<fuzzy_word> fuzzy_words_;
};

}  // namespace salon::conversation
