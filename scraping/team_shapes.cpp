#include "scraping/team_shapes.hpp"

#include <algorithm>
#include <array>
#include <cctype>

#include "scraping/price_parser.hpp"
#include "scraping/text_cleaning.hpp"

namespace salon::scraping {
namespace {

constexpr std::size_t max_bio_bytes = 800;

constexpr std::array<std::string_view, 47> role_words = {
    "stylist",      "stylists",      "hairstylist",  "hairdresser", "colorist",   "colourist",
    "barber",       "owner",         "co-owner",     "founder",     "co-founder", "manager",
    "specialist",   "artist",        "educator",     "assistant",   "apprentice", "esthetician",
    "aesthetician", "cosmetologist", "therapist",    "technician",  "tech",       "receptionist",
    "director",     "coordinator",   "designer",     "master",      "senior",     "junior",
    "lead",         "creative",      "extensionist", "braider",     "loctician",  "trichologist",
    "makeup",       "lash",          "brow",         "massage",     "nail",       "partner",
    "proprietor",   "expert",        "associate",    "ambassador",  "concierge"};

// Words in headings and labels that are not part of a person's name.
constexpr std::array<std::string_view, 52> not_name_words = {
    "team",     "our",     "meet",        "the",        "staff",    "services", "service", "about",
    "contact",  "hours",   "book",        "booking",    "prices",   "price",    "menu",    "salon",
    "hair",     "welcome", "gallery",     "home",       "and",      "with",     "cuts",    "cut",
    "color",    "colour",  "location",    "us",         "reviews",  "careers",  "blog",    "faq",
    "policies", "studio",  "appointment", "treatments", "specials", "gift",     "cards",   "shop",
    "products", "news",    "love",        "your",       "again",    "now",      "online",  "call",
    "visit",    "find",    "follow",      "instagram"};

// Lower-case particles inside names: "Ana de la Cruz".
constexpr std::array<std::string_view, 12> name_particles = {"de", "da", "di", "del", "van", "von",
                                                             "la", "le", "du", "dos", "das", "bin"};

template <std::size_t N>
bool contains(const std::array<std::string_view, N>& words, std::string_view word) {
  return std::find(words.begin(), words.end(), word) != words.end();
}

std::vector<std::string> words_of(std::string_view text) {
  std::vector<std::string> words;
  std::size_t start = 0;
  while (start < text.size()) {
    const auto end = std::min(text.find(' ', start), text.size());
    if (end > start) words.emplace_back(text.substr(start, end - start));
    start = end + 1;
  }
  return words;
}

bool has_role_word(std::string_view text) {
  const std::string lower = lower_ascii(text);
  for (const auto word : role_words) {
    if (contains_word(lower, word)) return true;
  }
  return false;
}

bool role_class(const std::string& classes) {
  for (const std::string_view word :
       {"role", "title", "position", "job", "designation", "subtitle", "occupation"}) {
    if (classes.find(word) != std::string::npos) return true;
  }
  return false;
}

bool team_class(const std::string& classes) {
  for (const std::string_view word : {"team", "staff", "stylist", "member", "artist", "person",
                                      "people", "bio", "profile", "crew"}) {
    if (classes.find(word) != std::string::npos) return true;
  }
  return false;
}

bool role_block(const text_block& block) {
  if (block.text.find('\n') != std::string::npos) return false;
  if (role_class(block.classes) && block.text.size() <= 80 && !find_price(block.text)) return true;
  return looks_like_role(block.text);
}

std::string trim_item(std::string_view item) {
  std::string cleaned = clean_name(item);
  while (!cleaned.empty() && (cleaned.back() == '.' || cleaned.back() == '!')) cleaned.pop_back();
  return cleaned;
}

// "a, b and c" → {a, b, c}. In a bare list a lone "and" shares the noun of the longer side:
// "Wavy and men's curly cuts" → {"Wavy cuts", "men's curly cuts"}.
std::vector<std::string> split_list(std::string_view phrase, bool after_trigger) {
  std::vector<std::string> items;
  const auto parts = split_any(phrase, {", ", "; ", " / "});
  const bool had_commas = parts.size() > 1;
  for (const auto& part : parts) {
    std::string_view piece = part;
    if (piece.substr(0, 4) == "and ") piece.remove_prefix(4);
    const auto joined = split_any(piece, {" and ", " & ", " or "});
    if (joined.size() != 2) {
      items.push_back(trim_item(piece));
      continue;
    }
    const bool left_single = joined[0].find(' ') == std::string::npos;
    const auto noun_at = joined[1].find_last_of(' ');
    if (!after_trigger && !had_commas && left_single && noun_at != std::string::npos) {
      items.push_back(trim_item(joined[0] + joined[1].substr(noun_at)));
      items.push_back(trim_item(joined[1]));
      continue;
    }
    for (const auto& item : joined) items.push_back(trim_item(item));
  }
  items.erase(
      std::remove_if(items.begin(), items.end(),
                     [](const std::string& item) { return item.empty() || item.size() > 60; }),
      items.end());
  return items;
}

void add_person(findings& out, professional_finding person) {
  if (person.specialties.empty()) person.specialties = specialties_from_bio(person.bio);
  out.professionals.push_back(std::move(person));
}

// "Maria Santos – Owner", "Kenji Watanabe, Senior Stylist", "Leilani | Stylist".
std::optional<professional_finding> person_on_one_line(std::string_view line) {
  for (const std::string_view separator :
       {" \xE2\x80\x93 ", " \xE2\x80\x94 ", " - ", " | ", ", ", ": "}) {
    const auto at = line.find(separator);
    if (at == std::string_view::npos) continue;
    const std::string name = clean_name(line.substr(0, at));
    const std::string role = clean_name(line.substr(at + separator.size()));
    if (looks_like_person_name(name) && name.find(' ') != std::string::npos &&
        looks_like_role(role)) {
      professional_finding person;
      person.name = name;
      person.role = role;
      return person;
    }
  }
  return std::nullopt;
}

}  // namespace

bool looks_like_person_name(std::string_view text) {
  if (text.empty() || text.size() > 40) return false;
  const auto words = words_of(text);
  if (words.empty() || words.size() > 4) return false;
  for (const auto& word : words) {
    const auto first = static_cast<unsigned char>(word.front());
    const std::string lower = lower_ascii(word);
    if (contains(name_particles, lower) && &word != &words.front()) continue;
    if (contains(not_name_words, lower) || contains(role_words, lower)) return false;
    if (std::any_of(word.begin(), word.end(),
                    [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; })) {
      return false;
    }
    for (const char c : word) {
      const auto byte = static_cast<unsigned char>(c);
      const bool allowed =
          std::isalpha(byte) != 0 || byte >= 0x80 || c == '-' || c == '\'' || c == '.';
      if (!allowed) return false;
    }
    const bool capitalised = std::isupper(first) != 0 || first >= 0xC3;
    if (!capitalised) return false;
  }
  return true;
}

bool looks_like_role(std::string_view text) {
  if (text.empty() || text.size() > 80 || text.find('\n') != std::string_view::npos) return false;
  if (find_price(text)) return false;
  const auto words = words_of(text);
  if (words.size() > 8) return false;
  if (text.back() == '.' && words.size() > 5) return false;
  return has_role_word(text);
}

std::vector<std::string> specialties_from_bio(std::string_view bio) {
  const std::string lower = lower_ascii(bio);
  static constexpr std::array<std::string_view, 19> triggers = {
      "specializes in",  "specialises in", "specializing in",     "specialising in",
      "specialize in",   "specialise in",  "specialties include", "specialties are",
      "specialties:",    "specialty:",     "specialty is",        "expert in",
      "experience with", "experience in",  "passion for",         "passionate about",
      "known for",       "focuses on",     "focusing on"};
  for (const auto trigger : triggers) {
    const auto at = lower.find(trigger);
    if (at == std::string::npos) continue;
    const std::size_t start = at + trigger.size();
    auto end = lower.find_first_of(".;!\n", start);
    if (end == std::string::npos) end = lower.size();
    return split_list(bio.substr(start, end - start), true);
  }
  // A short bio without a verb is itself the list: "Blowouts, updos and kids' cuts."
  const auto words = words_of(lower);
  static constexpr std::array<std::string_view, 14> verbs = {
      "is",    "are",    "has",    "have", "was", "were", "does",
      "loves", "joined", "brings", "i",    "she", "he",   "they"};
  if (words.empty() || words.size() > 8) return {};
  for (const auto& word : words) {
    if (contains(verbs, std::string_view(word))) return {};
  }
  return split_list(bio, false);
}

void find_professionals(const page_content& page, const std::string& page_url, findings& out) {
  const auto& blocks = page.blocks;
  for (std::size_t i = 0; i < blocks.size(); ++i) {
    const text_block& block = blocks[i];
    if (block.in_navigation || block.tag == "tr") continue;
    const bool multi_line = block.text.find('\n') != std::string::npos;
    if (multi_line) {
      // "Maria Santos\nOwner\nBio..." in one block.
      const auto lines = split_any(block.text, {"\n"});
      if (lines.size() >= 2 && looks_like_person_name(clean_name(lines[0])) &&
          looks_like_role(lines[1])) {
        professional_finding person;
        person.name = clean_name(lines[0]);
        person.role = clean_name(lines[1]);
        for (std::size_t line = 2; line < lines.size(); ++line) {
          person.bio += (person.bio.empty() ? "" : " ") + lines[line];
        }
        person.source_urls.push_back(page_url);
        add_person(out, std::move(person));
        continue;
      }
      for (const auto& line : lines) {
        if (auto person = person_on_one_line(line)) {
          person->source_urls.push_back(page_url);
          add_person(out, std::move(*person));
        }
      }
      continue;
    }
    const std::string name = clean_name(block.text);
    const bool single_word = name.find(' ') == std::string::npos;
    if (looks_like_person_name(name) && i + 1 < blocks.size()) {
      const text_block& next = blocks[i + 1];
      const bool same_card =
          next.parent_id == block.parent_id || next.parent_id == block.element_id;
      const bool hinted = team_class(block.classes) || team_class(next.classes);
      if ((same_card || hinted) && (!single_word || hinted || block.heading_level > 0) &&
          role_block(next)) {
        professional_finding person;
        person.name = name;
        person.role = clean_name(next.text);
        std::size_t j = i + 2;
        for (; j < blocks.size(); ++j) {
          const text_block& bio = blocks[j];
          if (bio.heading_level > 0 || bio.tag == "tr" || bio.parent_id != block.parent_id) break;
          if (looks_like_person_name(clean_name(bio.text)) && j + 1 < blocks.size() &&
              role_block(blocks[j + 1])) {
            break;
          }
          if (person.bio.size() + bio.text.size() > max_bio_bytes) break;
          person.bio += (person.bio.empty() ? "" : " ") + bio.text;
        }
        person.source_urls.push_back(page_url);
        add_person(out, std::move(person));
        i = j - 1;
        continue;
      }
    }
    if (auto person = person_on_one_line(block.text)) {
      person->source_urls.push_back(page_url);
      add_person(out, std::move(*person));
    }
  }
}

}  // namespace salon::scraping
