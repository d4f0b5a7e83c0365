#include "scraping/findings_merge.hpp"

#include <algorithm>
#include <unordered_map>

#include "scraping/text_cleaning.hpp"

namespace salon::scraping {
namespace {

constexpr std::size_t max_fact_bytes = 4000;

std::vector<std::string> key_words(std::string_view key) {
  std::vector<std::string> words;
  std::size_t start = 0;
  while (start < key.size()) {
    const auto end = std::min(key.find(' ', start), key.size());
    if (end > start) words.emplace_back(key.substr(start, end - start));
    start = end + 1;
  }
  return words;
}

void add_sources(std::vector<std::string>& into, const std::vector<std::string>& more) {
  for (const auto& url : more) {
    if (std::find(into.begin(), into.end(), url) == into.end()) into.push_back(url);
  }
}

void merge_service(service_finding& into, const service_finding& other) {
  if (into.category.empty()) into.category = other.category;
  if (into.description.empty()) into.description = other.description;
  if (!into.price_cents && other.price_cents) {
    into.price_cents = other.price_cents;
    into.price_max_cents = other.price_max_cents;
    into.price_is_from = other.price_is_from;
    into.currency = other.currency;
    into.price_text = other.price_text;
  } else if (into.price_cents && other.price_cents && *into.price_cents == *other.price_cents) {
    if (!into.price_max_cents && other.price_max_cents)
      into.price_max_cents = other.price_max_cents;
    into.price_is_from = into.price_is_from || other.price_is_from;
  }
  if (into.price_text.empty()) into.price_text = other.price_text;
  if (!into.duration_minutes) into.duration_minutes = other.duration_minutes;
  add_sources(into.source_urls, other.source_urls);
}

void add_unique(std::vector<std::string>& into, const std::vector<std::string>& more) {
  for (const auto& item : more) {
    const std::string key = name_key(item);
    const bool known = std::any_of(into.begin(), into.end(),
                                   [&](const std::string& have) { return name_key(have) == key; });
    if (!known) into.push_back(item);
  }
}

void merge_professional(professional_finding& into, const professional_finding& other) {
  if (other.name.size() > into.name.size()) into.name = other.name;  // "Maria" → "Maria Santos"
  if (into.role.empty()) into.role = other.role;
  if (into.bio.empty()) into.bio = other.bio;
  add_unique(into.specialties, other.specialties);
  add_unique(into.service_names, other.service_names);
  add_sources(into.source_urls, other.source_urls);
}

// The same person: the same name, or a first name alone that fits exactly one full name.
professional_finding* find_person(std::vector<professional_finding>& people,
                                  const professional_finding& person) {
  const std::string key = name_key(person.name);
  for (auto& known : people) {
    if (name_key(known.name) == key) return &known;
  }
  const auto first_word = [](const std::string& full) { return full.substr(0, full.find(' ')); };
  professional_finding* match = nullptr;
  int matches = 0;
  for (auto& known : people) {
    const std::string known_key = name_key(known.name);
    const bool one_is_first_name =
        (key.find(' ') == std::string::npos && first_word(known_key) == key) ||
        (known_key.find(' ') == std::string::npos && first_word(key) == known_key);
    if (one_is_first_name) {
      match = &known;
      ++matches;
    }
  }
  return matches == 1 ? match : nullptr;
}

void merge_address(findings& into, const findings& page) {
  if (page.address.empty()) return;
  if (page.address_evidence > into.address_evidence) {
    postal_address older = into.address;
    into.address = page.address;
    into.address_evidence = page.address_evidence;
    if (into.address.country.empty() && older.postal_code == into.address.postal_code) {
      into.address.country = older.country;
    }
    return;
  }
  // Fill the parts a weaker or equal source adds to the same place.
  const bool same_place = into.address.postal_code == page.address.postal_code ||
                          into.address.city == page.address.city;
  if (!same_place) return;
  postal_address& address = into.address;
  if (address.street.empty()) address.street = page.address.street;
  if (address.city.empty()) address.city = page.address.city;
  if (address.region.empty()) address.region = page.address.region;
  if (address.postal_code.empty()) address.postal_code = page.address.postal_code;
  if (address.country.empty()) address.country = page.address.country;
}

void merge_hours(findings& into, const findings& page) {
  if (page.hours.empty()) return;
  if (page.hours_evidence > into.hours_evidence) {
    const weekly_hours older = into.hours;
    into.hours = page.hours;
    into.hours_evidence = page.hours_evidence;
    for (std::size_t day = 0; day < 7; ++day) {
      if (!into.hours.days[day]) into.hours.days[day] = older.days[day];
    }
    return;
  }
  for (std::size_t day = 0; day < 7; ++day) {
    if (!into.hours.days[day]) into.hours.days[day] = page.hours.days[day];
  }
}

void merge_fact(std::vector<salon_fact>& facts, const salon_fact& fact) {
  for (auto& known : facts) {
    if (known.key != fact.key) continue;
    if (name_key(known.text).find(name_key(fact.text)) != std::string::npos) return;
    if (known.text.size() + 1 + fact.text.size() > max_fact_bytes) return;
    known.text += " " + fact.text;
    return;
  }
  facts.push_back(fact);
}

// Service names whose every word appears in the specialty; the most specific ones win
// ("men's curly cuts" → "Men's Curly Cut", not also "Curly Cut").
std::vector<std::string> services_for(const std::string& specialty,
                                      const std::vector<service_finding>& services) {
  const auto wanted = key_words(service_key(specialty));
  std::vector<std::string> names;
  std::size_t best = 0;
  for (const auto& service : services) {
    const auto words = key_words(service_key(service.name));
    if (words.empty()) continue;
    const bool contained = std::all_of(words.begin(), words.end(), [&](const std::string& word) {
      return std::find(wanted.begin(), wanted.end(), word) != wanted.end();
    });
    if (!contained || words.size() < best) continue;
    if (words.size() > best) {
      names.clear();
      best = words.size();
    }
    names.push_back(service.name);
  }
  return names;
}

}  // namespace

std::string service_key(std::string_view name) {
  std::string key;
  for (auto word : key_words(name_key(name))) {
    if (word.size() > 3 && word.back() == 's' && word[word.size() - 2] != 's') word.pop_back();
    if (!key.empty()) key.push_back(' ');
    key += word;
  }
  return key;
}

void merge_findings(findings& into, const findings& page) {
  if (page.business_name_evidence > into.business_name_evidence && !page.business_name.empty()) {
    into.business_name = page.business_name;
    into.business_name_evidence = page.business_name_evidence;
  }
  if (page.telephone_evidence > into.telephone_evidence && !page.telephone.empty()) {
    into.telephone = page.telephone;
    into.telephone_e164 = page.telephone_e164;
    into.telephone_evidence = page.telephone_evidence;
  }
  merge_address(into, page);
  merge_hours(into, page);
  // Keys of what is known, so a page with thousands of entries merges in linear time.
  std::unordered_map<std::string, std::size_t> service_at;
  for (std::size_t i = 0; i < into.services.size(); ++i) {
    service_at.emplace(service_key(into.services[i].name), i);
  }
  for (const auto& service : page.services) {
    const auto [known, added] = service_at.emplace(service_key(service.name), into.services.size());
    if (added) {
      into.services.push_back(service);
    } else {
      merge_service(into.services[known->second], service);
    }
  }
  for (const auto& person : page.professionals) {
    if (professional_finding* known = find_person(into.professionals, person)) {
      merge_professional(*known, person);
    } else {
      into.professionals.push_back(person);
    }
  }
  for (const auto& fact : page.facts) merge_fact(into.facts, fact);
}

void finish_site_findings(findings& site) {
  if (!site.hours.empty()) {
    for (auto& day : site.hours.days) {
      if (!day) day = day_hours{true, 0, 0};
    }
  }
  for (auto& person : site.professionals) {
    for (const auto& specialty : person.specialties) {
      add_unique(person.service_names, services_for(specialty, site.services));
    }
  }
}

std::vector<std::string> missing_findings(const findings& site) {
  std::vector<std::string> missing;
  if (site.services.empty()) missing.emplace_back("no services found on any page");
  const bool priced =
      std::any_of(site.services.begin(), site.services.end(),
                  [](const service_finding& s) { return s.price_cents.has_value(); });
  if (!priced) missing.emplace_back("no prices found on any page");
  const bool timed =
      std::any_of(site.services.begin(), site.services.end(),
                  [](const service_finding& s) { return s.duration_minutes.has_value(); });
  if (!site.services.empty() && !timed)
    missing.emplace_back("no service durations found on any page");
  if (site.hours.empty()) missing.emplace_back("no opening hours found");
  if (site.address.empty()) missing.emplace_back("no address found");
  if (site.telephone.empty()) missing.emplace_back("no telephone number found");
  if (site.professionals.empty()) missing.emplace_back("no stylists found");
  if (site.business_name.empty()) missing.emplace_back("no business name found");
  return missing;
}

}  // namespace salon::scraping
