#include "scraping/detail_shapes.hpp"

#include <algorithm>
#include <array>
#include <unordered_set>
#include <vector>

#include "scraping/contact_parser.hpp"
#include "scraping/hours_parser.hpp"
#include "scraping/site_url.hpp"
#include "scraping/text_cleaning.hpp"

namespace salon::scraping {
namespace {

constexpr std::size_t max_fact_sentence_bytes = 400;

struct fact_rule {
  std::string_view key;
  std::array<std::string_view, 12> phrases;
};

// First matching rule wins: "Walk-ins welcome; call us to book" is about walk-ins.
constexpr std::array<fact_rule, 7> fact_rules = {{
    {"cancellation",
     {"cancel", "cancellation", "cancellations", "no-show", "no-shows", "no show", "reschedule",
      "rescheduled", "late arrival", "minutes late", "hour notice", "hours notice"}},
    {"walk_ins",
     {"walk-in", "walk-ins", "walk in", "walk ins", "walkins", "", "", "", "", "", "", ""}},
    {"parking",
     {"parking", "park in", "park on", "park behind", "park at", "garage", "valet", "validated",
      "validation", "", "", ""}},
    {"payment",
     {"cash", "credit card", "credit cards", "debit", "visa", "mastercard", "amex", "apple pay",
      "venmo", "zelle", "we accept", "payment"}},
    {"booking",
     {"appointment", "appointments", "book", "booking", "deposit", "reserve", "reservation",
      "reservations", "schedule", "", "", ""}},
    {"pricing",
     {"prices vary", "price varies", "prices depend", "price depends", "subject to change",
      "final price", "prices may", "pricing may", "starting prices", "prices are starting",
      "prices for", "consultation"}},
    {"accessibility",
     {"wheelchair", "accessible", "accessibility", "ada", "elevator", "", "", "", "", "", "", ""}},
}};

bool is_home_page(const std::string& page_url) {
  const auto parts = parse_url(page_url);
  if (!parts) return false;
  const std::string path = lower_ascii(parts->path);
  return path.empty() || path == "/" || path == "/index.html" || path == "/index.htm" ||
         path == "/index.php" || path == "/home" || path == "/home/";
}

// The salon's name from a <title>: "Curl & Co. – Curly hair specialists" → "Curl & Co.";
// "Services & Prices - Studio Nine" → "Studio Nine".
std::string name_from_title(const std::string& title, bool home_page) {
  auto segments = split_any(title, {" | ", " \xE2\x80\x93 ", " \xE2\x80\x94 ", " - ",
                                    " :: ", " \xC2\xB7 ", " \xE2\x80\xA2 ", " : "});
  static constexpr std::array<std::string_view, 17> generic = {"home",
                                                               "welcome",
                                                               "homepage",
                                                               "index",
                                                               "services",
                                                               "about us",
                                                               "about",
                                                               "contact",
                                                               "contact us",
                                                               "menu",
                                                               "prices",
                                                               "our team",
                                                               "untitled",
                                                               "coming soon",
                                                               "home page",
                                                               "under construction",
                                                               "website coming soon"};
  segments.erase(std::remove_if(segments.begin(), segments.end(),
                                [](const std::string& segment) {
                                  const std::string key = name_key(segment);
                                  return std::find(generic.begin(), generic.end(), key) !=
                                         generic.end();
                                }),
                 segments.end());
  if (segments.empty()) return {};
  if (home_page) return segments.front();
  if (segments.size() < 2) return {};
  return segments.back();
}

void find_business_name(const page_content& page, const std::string& page_url, findings& out) {
  if (out.business_name_evidence >= evidence::page_markup) return;
  if (!page.site_name.empty()) {
    out.business_name = page.site_name;
    out.business_name_evidence = evidence::page_markup;
  } else if (!page.site_title.empty()) {
    out.business_name = page.site_title;
    out.business_name_evidence = evidence::page_markup;
  } else if (out.business_name_evidence < evidence::page_title) {
    const std::string name = name_from_title(page.title, is_home_page(page_url));
    if (!name.empty()) {
      out.business_name = name;
      out.business_name_evidence = evidence::page_title;
    }
  }
}

void find_telephone_number(const page_content& page, findings& out) {
  if (out.telephone_evidence >= evidence::page_markup) return;
  for (const auto& link : page.telephone_links) {
    const std::string number = collapse_spaces(link.substr(4));
    const std::string e164 = telephone_e164(number);
    if (e164.empty()) continue;
    out.telephone = number;
    out.telephone_e164 = e164;
    out.telephone_evidence = evidence::page_markup;
    return;
  }
  if (out.telephone_evidence >= evidence::page_text) return;
  for (const auto& block : page.blocks) {
    if (const auto found = find_telephone(block.text)) {
      out.telephone = found->text;
      out.telephone_e164 = found->e164;
      out.telephone_evidence = evidence::page_text;
      return;
    }
  }
}

void find_address(const page_content& page, findings& out) {
  if (out.address_evidence >= evidence::page_text) return;
  // Blocks marked as an address first, then the rest in reading order.
  std::vector<std::size_t> order;
  for (std::size_t i = 0; i < page.blocks.size(); ++i) {
    const auto& block = page.blocks[i];
    if (block.tag == "address" || block.classes.find("address") != std::string::npos) {
      order.push_back(i);
    }
  }
  for (std::size_t i = 0; i < page.blocks.size(); ++i) order.push_back(i);
  for (const std::size_t i : order) {
    const auto& block = page.blocks[i];
    auto found = find_postal_address(block.text);
    if (!found) continue;
    if (found->street.empty() && i > 0) {
      // "<p>3579 Waialae Ave</p><p>Honolulu, HI 96816</p>"
      const std::string& before = page.blocks[i - 1].text;
      if (!before.empty() && std::isdigit(static_cast<unsigned char>(before.front())) != 0 &&
          before.size() <= 80 && before.find('\n') == std::string::npos) {
        found->street = clean_name(before);
      }
    }
    out.address = *found;
    out.address_evidence = evidence::page_text;
    return;
  }
}

// Hours from each run of blocks between headings; the section naming the most days wins and
// the others fill in days it does not mention.
void find_hours(const page_content& page, findings& out) {
  if (out.hours_evidence >= evidence::page_text) return;
  std::vector<weekly_hours> sections;
  std::string section;
  const auto close_section = [&] {
    if (section.empty()) return;
    weekly_hours hours = parse_opening_hours_text(section);
    if (!hours.empty()) sections.push_back(hours);
    section.clear();
  };
  for (const auto& block : page.blocks) {
    if (block.in_navigation) continue;
    if (block.heading_level > 0 && block.tag != "caption") close_section();
    section += block.tag == "tr" ? [&] {
      std::string row;
      for (const auto& cell : block.cells) row += cell + " ";
      return row;
    }()
                                 : block.text;
    section += "\n";
  }
  close_section();
  if (sections.empty()) return;
  std::stable_sort(
      sections.begin(), sections.end(),
      [](const weekly_hours& a, const weekly_hours& b) { return a.known_days() > b.known_days(); });
  weekly_hours merged = sections.front();
  for (std::size_t i = 1; i < sections.size(); ++i) {
    for (std::size_t day = 0; day < 7; ++day) {
      if (!merged.days[day]) merged.days[day] = sections[i].days[day];
    }
  }
  out.hours = merged;
  out.hours_evidence = evidence::page_text;
}

void find_facts(const page_content& page, const std::string& page_url, findings& out) {
  std::unordered_set<std::string> seen;
  for (const auto& fact : out.facts) seen.insert(name_key(fact.text));
  for (const auto& block : page.blocks) {
    if (block.in_navigation || block.heading_level > 0 || block.tag == "tr") continue;
    for (const auto& sentence : split_sentences(block.text)) {
      if (sentence.size() > max_fact_sentence_bytes) continue;
      const std::string key = fact_key(sentence);
      if (key.empty()) continue;
      if (!seen.insert(name_key(sentence)).second) continue;
      out.facts.push_back(salon_fact{key, sentence, page_url});
    }
  }
}

}  // namespace

std::string fact_key(std::string_view sentence) {
  const std::string lower = lower_ascii(sentence);
  if (std::count(lower.begin(), lower.end(), ' ') < 2) return {};
  for (const auto& rule : fact_rules) {
    for (const auto phrase : rule.phrases) {
      if (!phrase.empty() && contains_word(lower, phrase)) return std::string(rule.key);
    }
  }
  return {};
}

void find_salon_details(const page_content& page, const std::string& page_url, findings& out) {
  find_business_name(page, page_url, out);
  find_telephone_number(page, out);
  find_address(page, out);
  find_hours(page, out);
  find_facts(page, page_url, out);
}

}  // namespace salon::scraping
