#include "scraping/contact_parser.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <vector>

#include "scraping/text_cleaning.hpp"

namespace salon::scraping {
namespace {

bool is_digit(char c) {
  return std::isdigit(static_cast<unsigned char>(c)) != 0;
}
bool is_alpha(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) != 0;
}
bool is_upper(char c) {
  return std::isupper(static_cast<unsigned char>(c)) != 0;
}
bool is_alnum(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0;
}

struct country_name {
  std::string_view code;                  // ISO 3166 alpha-2
  std::array<std::string_view, 6> names;  // as name_key spells them, alpha-3 code among them
};

// Every country whose time zone shop setup can tell (net/shop_from_website.cpp), by its English
// name, its own name and its ISO 3166 alpha-3 code.
constexpr std::array<country_name, 36> country_names{{
    {"US", {"us", "usa", "u s", "u s a", "united states", "united states of america"}},
    {"CA", {"canada", "can"}},
    {"AU", {"australia", "aus", "commonwealth of australia"}},
    {"GB", {"united kingdom", "uk", "gbr", "great britain", "england", "scotland"}},
    {"AE", {"united arab emirates", "are", "uae", "u a e"}},
    {"AT", {"austria", "aut", "osterreich"}},
    {"BE", {"belgium", "bel", "belgique", "belgie", "belgien"}},
    {"BR", {"brazil", "bra", "brasil"}},
    {"CH", {"switzerland", "che", "schweiz", "suisse", "svizzera"}},
    {"CZ", {"czechia", "cze", "czech republic", "cesko", "ceska republika"}},
    {"DE", {"germany", "deu", "deutschland", "federal republic of germany"}},
    {"DK", {"denmark", "dnk", "danmark"}},
    {"ES", {"spain", "esp", "espana"}},
    {"FI", {"finland", "fin", "suomi"}},
    {"FR", {"france", "fra", "french republic"}},
    {"GR", {"greece", "grc", "hellas", "ellada"}},
    {"HK", {"hong kong", "hkg", "hong kong sar", "hong kong sar china"}},
    {"IE", {"ireland", "irl", "eire", "republic of ireland"}},
    {"IL", {"israel", "isr"}},
    {"IN", {"india", "ind", "bharat"}},
    {"IT", {"italy", "ita", "italia"}},
    {"JP", {"japan", "jpn", "nippon", "nihon"}},
    {"KR", {"south korea", "kor", "korea", "republic of korea", "korea republic of"}},
    {"MX", {"mexico", "mex", "estados unidos mexicanos"}},
    {"NL", {"netherlands", "nld", "the netherlands", "nederland", "holland"}},
    {"NO", {"norway", "nor", "norge", "noreg"}},
    {"NZ", {"new zealand", "nzl", "aotearoa"}},
    {"PH", {"philippines", "phl", "the philippines", "pilipinas"}},
    {"PL", {"poland", "pol", "polska"}},
    {"PR", {"puerto rico", "pri"}},
    {"PT", {"portugal", "prt"}},
    {"SE", {"sweden", "swe", "sverige"}},
    {"SG", {"singapore", "sgp"}},
    {"ZA", {"south africa", "zaf", "rsa"}},
    {"GU", {"guam", "gum"}},
    {"IS", {"iceland", "isl"}},
}};

struct region {
  std::string_view code;
  std::string_view name;
  std::string_view country;
};

constexpr std::array<region, 64> regions = {{
    {"AL", "Alabama", "US"},
    {"AK", "Alaska", "US"},
    {"AZ", "Arizona", "US"},
    {"AR", "Arkansas", "US"},
    {"CA", "California", "US"},
    {"CO", "Colorado", "US"},
    {"CT", "Connecticut", "US"},
    {"DE", "Delaware", "US"},
    {"FL", "Florida", "US"},
    {"GA", "Georgia", "US"},
    {"HI", "Hawaii", "US"},
    {"ID", "Idaho", "US"},
    {"IL", "Illinois", "US"},
    {"IN", "Indiana", "US"},
    {"IA", "Iowa", "US"},
    {"KS", "Kansas", "US"},
    {"KY", "Kentucky", "US"},
    {"LA", "Louisiana", "US"},
    {"ME", "Maine", "US"},
    {"MD", "Maryland", "US"},
    {"MA", "Massachusetts", "US"},
    {"MI", "Michigan", "US"},
    {"MN", "Minnesota", "US"},
    {"MS", "Mississippi", "US"},
    {"MO", "Missouri", "US"},
    {"MT", "Montana", "US"},
    {"NE", "Nebraska", "US"},
    {"NV", "Nevada", "US"},
    {"NH", "New Hampshire", "US"},
    {"NJ", "New Jersey", "US"},
    {"NM", "New Mexico", "US"},
    {"NY", "New York", "US"},
    {"NC", "North Carolina", "US"},
    {"ND", "North Dakota", "US"},
    {"OH", "Ohio", "US"},
    {"OK", "Oklahoma", "US"},
    {"OR", "Oregon", "US"},
    {"PA", "Pennsylvania", "US"},
    {"RI", "Rhode Island", "US"},
    {"SC", "South Carolina", "US"},
    {"SD", "South Dakota", "US"},
    {"TN", "Tennessee", "US"},
    {"TX", "Texas", "US"},
    {"UT", "Utah", "US"},
    {"VT", "Vermont", "US"},
    {"VA", "Virginia", "US"},
    {"WA", "Washington", "US"},
    {"WV", "West Virginia", "US"},
    {"WI", "Wisconsin", "US"},
    {"WY", "Wyoming", "US"},
    {"DC", "District of Columbia", "US"},
    {"PR", "Puerto Rico", "US"},
    {"AB", "Alberta", "CA"},
    {"BC", "British Columbia", "CA"},
    {"MB", "Manitoba", "CA"},
    {"NB", "New Brunswick", "CA"},
    {"NL", "Newfoundland and Labrador", "CA"},
    {"NS", "Nova Scotia", "CA"},
    {"ON", "Ontario", "CA"},
    {"PE", "Prince Edward Island", "CA"},
    {"QC", "Quebec", "CA"},
    {"SK", "Saskatchewan", "CA"},
    {"NT", "Northwest Territories", "CA"},
    {"YT", "Yukon", "CA"},
}};

const region* find_region(std::string_view text) {
  for (const auto& candidate : regions) {
    if (candidate.code == text || candidate.name == text) return &candidate;
  }
  return nullptr;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == ',' || text.front() == '\n')) {
    text.remove_prefix(1);
  }
  while (!text.empty() &&
         (text.back() == ' ' || text.back() == ',' || text.back() == '\n' || text.back() == '.')) {
    text.remove_suffix(1);
  }
  return text;
}

// Length of a postal code at `at`: US "78704" / "78704-1234", Canadian "M5V 2T6".
std::size_t postal_code_length(std::string_view text, std::size_t at, std::string_view country) {
  const auto digit = [&](std::size_t i) { return i < text.size() && is_digit(text[i]); };
  const auto upper = [&](std::size_t i) { return i < text.size() && is_upper(text[i]); };
  const auto boundary = [&](std::size_t i) { return i >= text.size() || !is_alnum(text[i]); };
  if (country == "US") {
    for (std::size_t i = 0; i < 5; ++i) {
      if (!digit(at + i)) return 0;
    }
    if (at + 5 < text.size() && text[at + 5] == '-' && digit(at + 6) && digit(at + 7) &&
        digit(at + 8) && digit(at + 9) && boundary(at + 10)) {
      return 10;
    }
    return boundary(at + 5) ? 5 : 0;
  }
  const std::size_t gap = at + 3 < text.size() && text[at + 3] == ' ' ? 1 : 0;
  const bool ok = upper(at) && digit(at + 1) && upper(at + 2) && digit(at + 3 + gap) &&
                  upper(at + 4 + gap) && digit(at + 5 + gap) && boundary(at + 6 + gap);
  return ok ? 6 + gap : 0;
}

// The street part: the last comma- or line-separated pieces before the city that start with a
// house number, cut at a sentence break ("…studio. 1201 S Lamar Blvd" → "1201 S Lamar Blvd").
std::string street_before(std::string_view before_city) {
  std::vector<std::string_view> pieces;
  std::size_t end = before_city.size();
  while (end > 0 && pieces.size() < 3) {
    const auto cut = before_city.find_last_of(",\n", end - 1);
    const std::size_t start = cut == std::string_view::npos ? 0 : cut + 1;
    pieces.insert(pieces.begin(), before_city.substr(start, end - start));
    if (cut == std::string_view::npos) break;
    end = cut;
  }
  for (std::size_t first = pieces.size(); first-- > 0;) {
    std::string_view piece = trim(pieces[first]);
    const auto sentence = piece.rfind(". ");
    if (sentence != std::string_view::npos) piece = trim(piece.substr(sentence + 1));
    const auto colon = piece.rfind(": ");
    if (colon != std::string_view::npos) piece = trim(piece.substr(colon + 1));
    if (!piece.empty() && !is_digit(piece.front())) {
      // "Find us at 215 Queen St W": the street starts at a number followed by a capitalised word.
      for (std::size_t at = 1; at + 2 < piece.size(); ++at) {
        if (!is_digit(piece[at]) || piece[at - 1] != ' ') continue;
        std::size_t after = at;
        while (after < piece.size() && is_alnum(piece[after])) ++after;
        if (after + 1 < piece.size() && piece[after] == ' ' && is_upper(piece[after + 1])) {
          piece = piece.substr(at);
          break;
        }
      }
    }
    const bool numbered = !piece.empty() && is_digit(piece.front());
    const bool box = lower_ascii(piece.substr(0, 6)) == "po box" ||
                     lower_ascii(piece.substr(0, 8)) == "p.o. box";
    if (!numbered && !box) continue;
    std::string street(piece);
    for (std::size_t next = first + 1; next < pieces.size(); ++next) {
      const std::string_view rest = trim(pieces[next]);
      if (!rest.empty()) street += ", " + std::string(rest);
    }
    const std::size_t words =
        static_cast<std::size_t>(std::count(street.begin(), street.end(), ' '));
    if (words <= 10) return street;
  }
  return {};
}

bool plausible_city(std::string_view city) {
  if (city.empty() || city.size() > 40 || !is_upper(city.front())) return false;
  int words = 1;
  for (const char c : city) {
    if (c == ' ') ++words;
    if (is_digit(c)) return false;
  }
  return words <= 4;
}

}  // namespace

std::optional<postal_address> find_postal_address(std::string_view text) {
  for (std::size_t at = 0; at + 2 < text.size(); ++at) {
    if (!is_upper(text[at]) || (at > 0 && is_alnum(text[at - 1]))) continue;
    std::size_t end = at;
    while (end < text.size() && end - at < 30 && (is_alpha(text[end]) || text[end] == ' ')) ++end;
    // Try the longest run of words first ("New York"), then shorter ones.
    std::string_view run = text.substr(at, end - at);
    while (!run.empty()) {
      const std::string_view name = trim(run);
      const region* found = name.size() >= 2 ? find_region(name) : nullptr;
      if (found) {
        std::size_t code_at = at + run.size();
        while (code_at < text.size() && text[code_at] == ' ') ++code_at;
        const std::size_t length = postal_code_length(text, code_at, found->country);
        std::size_t separator = at;
        while (separator > 0 && text[separator - 1] == ' ') --separator;
        if (length > 0 && separator > 0 &&
            (text[separator - 1] == ',' || text[separator - 1] == '\n')) {
          const std::string_view before = text.substr(0, separator - 1);
          const auto city_cut = before.find_last_of(",\n");
          const std::string_view city =
              trim(before.substr(city_cut == std::string_view::npos ? 0 : city_cut + 1));
          postal_address address;
          address.region = std::string(found->code);
          address.postal_code = std::string(text.substr(code_at, length));
          address.country = std::string(found->country);
          if (plausible_city(city)) {
            address.city = std::string(city);
            if (city_cut != std::string_view::npos) {
              address.street = street_before(before.substr(0, city_cut));
            }
          } else {
            address.street = street_before(before);
          }
          if (!address.city.empty() || !address.street.empty()) return address;
        }
      }
      const auto space = run.find_last_of(' ');
      if (space == std::string_view::npos) break;
      run = run.substr(0, space);
    }
  }
  return std::nullopt;
}

std::optional<telephone_match> find_telephone(std::string_view text) {
  for (std::size_t at = 0; at < text.size(); ++at) {
    const char c = text[at];
    if (!is_digit(c) && c != '(' && c != '+') continue;
    if (at > 0 && (is_alnum(text[at - 1]) || text[at - 1] == '-' || text[at - 1] == '.')) continue;
    const bool international = c == '+';
    std::optional<telephone_match> longest;
    std::size_t digits = 0;
    std::size_t separators = 0;
    for (std::size_t end = at; end < text.size() && digits < 16; ++end) {
      const char d = text[end];
      if (!is_digit(d)) {
        const bool separator =
            d == ' ' || d == '-' || d == '.' || d == '(' || d == ')' || (d == '+' && end == at);
        if (!separator || ++separators > 2) break;
        continue;
      }
      ++digits;
      separators = 0;
      const bool group_ends = end + 1 >= text.size() || !is_digit(text[end + 1]);
      if (!group_ends) continue;
      if (end + 1 < text.size() && is_alpha(text[end + 1])) break;
      std::string written(text.substr(at, end + 1 - at));
      if (written.front() == '(' && written.find(')') == std::string::npos) continue;
      const std::string e164 = telephone_e164(written);
      if (e164.empty()) continue;
      longest = telephone_match{written, e164};
      if (!international) break;  // a national number is complete at its tenth digit
    }
    if (longest) return longest;
  }
  return std::nullopt;
}

std::string telephone_e164(std::string_view text) {
  std::string_view rest = text;
  if (lower_ascii(rest.substr(0, 4)) == "tel:") rest.remove_prefix(4);
  while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
  const bool international = !rest.empty() && rest.front() == '+';
  std::string digits;
  for (const char c : rest) {
    if (is_digit(c)) {
      digits.push_back(c);
    } else if (c != ' ' && c != '-' && c != '.' && c != '(' && c != ')' && c != '+' && c != '/') {
      return {};
    }
  }
  const auto nanp = [](const std::string& ten) {
    return ten.size() == 10 && ten[0] >= '2' && ten[3] >= '2';
  };
  if (digits.size() == 11 && digits[0] == '1' && nanp(digits.substr(1))) return "+" + digits;
  if (!international && nanp(digits)) return "+1" + digits;
  if (international && digits.size() >= 8 && digits.size() <= 15 && digits[0] != '0' &&
      digits[0] != '1') {
    return "+" + digits;
  }
  return {};
}

std::string normalize_country(std::string_view country) {
  const std::string key = name_key(country);
  for (const auto& [code, names] : country_names) {
    // Unused slots of `names` are empty: an empty key matches no country.
    if (!key.empty() && std::find(names.begin(), names.end(), key) != names.end()) {
      return std::string(code);
    }
  }
  if (country.size() == 2 && is_alpha(country[0]) && is_alpha(country[1])) {
    return std::string{static_cast<char>(std::toupper(static_cast<unsigned char>(country[0]))),
                       static_cast<char>(std::toupper(static_cast<unsigned char>(country[1])))};
  }
  return std::string(trim(country));
}

std::string region_code(std::string_view region_text) {
  const std::string_view name = trim(region_text);
  if (const region* found = find_region(name)) return std::string(found->code);
  if (name.size() == 2) {
    const std::string upper{static_cast<char>(std::toupper(static_cast<unsigned char>(name[0]))),
                            static_cast<char>(std::toupper(static_cast<unsigned char>(name[1])))};
    if (find_region(upper)) return upper;
  }
  return std::string(name);
}

std::string region_country(std::string_view code) {
  const region* found = find_region(trim(code));
  return found ? std::string(found->country) : std::string{};
}

}  // namespace salon::scraping
