#include "scraping/structured_data.hpp"

#include <algorithm>
#include <array>
#include <nlohmann/json.hpp>

#include "scraping/contact_parser.hpp"
#include "scraping/duration_parser.hpp"
#include "scraping/hours_parser.hpp"
#include "scraping/price_parser.hpp"
#include "scraping/text_cleaning.hpp"

namespace salon::scraping {
namespace {

using json = nlohmann::json;

constexpr int max_depth = 24;

// The plain text of a JSON-LD value: strings (entities decoded), numbers, the first element of
// an array, or the "name" / "@value" of an object.
std::string text_value(const json& value, int depth = 0) {
  if (depth > 4) return {};
  if (value.is_string())
    return collapse_spaces(decode_entities(value.get_ref<const std::string&>()));
  if (value.is_number_integer()) return std::to_string(value.get<long long>());
  if (value.is_number_float()) return value.dump();
  if (value.is_array() && !value.empty()) return text_value(value.front(), depth + 1);
  if (value.is_object()) {
    for (const char* key : {"name", "@value", "@id"}) {
      if (value.contains(key)) return text_value(value.at(key), depth + 1);
    }
  }
  return {};
}

std::string text_of(const json& object, const char* key) {
  if (!object.is_object() || !object.contains(key)) return {};
  return text_value(object.at(key));
}

// Calls visit for a value that may be one item or an array of items.
template <typename Visit>
void for_each_item(const json& value, Visit&& visit) {
  if (value.is_array()) {
    for (const auto& item : value) visit(item);
  } else if (!value.is_null()) {
    visit(value);
  }
}

std::vector<std::string> type_names(const json& node) {
  std::vector<std::string> names;
  if (!node.contains("@type")) return names;
  for_each_item(node.at("@type"), [&](const json& type) {
    if (!type.is_string()) return;
    std::string name = type.get<std::string>();
    const auto cut = name.find_last_of("/#:");
    if (cut != std::string::npos) name = name.substr(cut + 1);
    names.push_back(std::move(name));
  });
  return names;
}

bool has_type(const std::vector<std::string>& types, std::string_view wanted) {
  return std::find(types.begin(), types.end(), wanted) != types.end();
}

bool is_salon_type(const std::vector<std::string>& types) {
  static constexpr std::array<std::string_view, 9> salons = {
      "HairSalon",     "BeautySalon", "HealthAndBeautyBusiness",
      "LocalBusiness", "DaySpa",      "NailSalon",
      "BarberShop",    "Store",       "ProfessionalService"};
  for (const auto& type : types) {
    if (std::find(salons.begin(), salons.end(), type) != salons.end()) return true;
    if (type.ends_with("Salon") || type.ends_with("Spa")) return true;
  }
  return false;
}

// "$65", "$180-$260", "from $250": the price as a person would write it.
std::string price_words(const service_finding& service) {
  const auto amount_text = [&](std::int64_t cents) {
    std::string symbol = service.currency == "EUR"   ? "\u20AC"
                         : service.currency == "GBP" ? "\u00A3"
                         : service.currency == "USD" || service.currency.empty()
                             ? "$"
                             : service.currency + " ";
    std::string text = symbol + std::to_string(cents / 100);
    if (cents % 100 != 0) {
      const auto fraction = cents % 100;
      text += (fraction < 10 ? ".0" : ".") + std::to_string(fraction);
    }
    return text;
  };
  if (!service.price_cents) return {};
  std::string text = amount_text(*service.price_cents);
  if (service.price_max_cents) text += "-" + amount_text(*service.price_max_cents);
  return service.price_is_from ? "from " + text : text;
}

class structured_reader {
 public:
  structured_reader(const std::string& page_url, findings& out) : url_(page_url), out_(out) {}

  void visit(const json& node, const std::string& category, int depth) {
    if (depth > max_depth) return;
    if (node.is_array()) {
      for (const auto& item : node) visit(item, category, depth + 1);
      return;
    }
    if (!node.is_object()) return;
    if (node.contains("@graph")) visit(node.at("@graph"), category, depth + 1);
    const auto types = type_names(node);
    if (is_salon_type(types)) {
      read_business(node, depth);
    } else if (has_type(types, "Offer") || has_type(types, "AggregateOffer")) {
      read_offer(node, category);
    } else if (has_type(types, "Service") || has_type(types, "Product")) {
      read_service(node, nullptr, category);
    } else if (has_type(types, "OfferCatalog") || has_type(types, "ItemList")) {
      read_catalog(node, category, depth);
    } else if (has_type(types, "Person")) {
      read_person(node);
    } else if (has_type(types, "ListItem")) {
      if (node.contains("item")) visit(node.at("item"), category, depth + 1);
    } else {
      if (has_type(types, "Organization") && out_.business_name.empty()) {
        out_.business_name = clean_name(text_of(node, "name"));
        out_.business_name_evidence = evidence::page_markup;
      }
      for (const auto& [key, value] : node.items()) {
        if (key != "@context" && key != "@graph" && (value.is_object() || value.is_array())) {
          visit(value, category, depth + 1);
        }
      }
    }
  }

 private:
  void read_business(const json& node, int depth) {
    const std::string name = text_of(node, "name");
    if (!name.empty() && out_.business_name_evidence < evidence::structured_data) {
      out_.business_name = name;
      out_.business_name_evidence = evidence::structured_data;
    }
    const std::string telephone = text_of(node, "telephone");
    if (!telephone.empty() && out_.telephone_evidence < evidence::structured_data) {
      out_.telephone = telephone;
      out_.telephone_e164 = telephone_e164(telephone);
      out_.telephone_evidence = evidence::structured_data;
    }
    if (node.contains("address")) read_address(node.at("address"));
    if (node.contains("openingHours")) {
      for_each_item(node.at("openingHours"), [&](const json& value) {
        merge_hours(parse_schema_opening_hours(text_value(value)));
      });
    }
    if (node.contains("openingHoursSpecification")) {
      for_each_item(node.at("openingHoursSpecification"),
                    [&](const json& spec) { read_hours_specification(spec); });
    }
    for (const char* key : {"hasOfferCatalog", "makesOffer", "offers", "department",
                            "subOrganization", "mainEntity"}) {
      if (node.contains(key)) visit(node.at(key), {}, depth + 1);
    }
    for (const char* key : {"employee", "employees", "member", "members", "staff"}) {
      if (!node.contains(key)) continue;
      for_each_item(node.at(key), [&](const json& person) {
        if (person.is_object()) read_person(person);
      });
    }
  }

  void read_address(const json& value) {
    if (out_.address_evidence >= evidence::structured_data) return;
    const json& first = value.is_array() && !value.empty() ? value.front() : value;
    postal_address address;
    if (first.is_string()) {
      const std::string text = text_value(first);
      if (auto found = find_postal_address(text)) {
        address = *found;
      } else {
        address.street = text;
      }
    } else if (first.is_object()) {
      address.street = text_of(first, "streetAddress");
      address.city = text_of(first, "addressLocality");
      address.region = region_code(text_of(first, "addressRegion"));
      address.postal_code = text_of(first, "postalCode");
      address.country = normalize_country(text_of(first, "addressCountry"));
    }
    if (address.country.empty()) address.country = region_country(address.region);
    if (address.empty()) return;
    out_.address = address;
    out_.address_evidence = evidence::structured_data;
  }

  void read_hours_specification(const json& spec) {
    if (!spec.is_object() || spec.contains("validFrom") || spec.contains("validThrough")) {
      return;  // holiday exceptions, not the weekly pattern
    }
    const std::string opens_text = text_of(spec, "opens");
    const std::string closes_text = text_of(spec, "closes");
    const auto opens = parse_clock(opens_text);
    auto closes = parse_clock(closes_text);
    day_hours hours;
    if (opens_text.empty() && closes_text.empty()) {
      hours.closed = true;
    } else if (opens && closes && *opens == 0 && *closes == 0) {
      hours.closed = true;  // schema.org writes a closed day as 00:00-00:00
    } else if (opens && closes) {
      if (*closes == 23 * 60 + 59 || *closes <= *opens) *closes = 24 * 60;
      hours.opens_minute = *opens;
      hours.closes_minute = *closes;
    } else {
      return;
    }
    weekly_hours week;
    if (spec.contains("dayOfWeek")) {
      for_each_item(spec.at("dayOfWeek"), [&](const json& day) {
        if (const auto index = weekday_from_name(text_value(day), true)) {
          week.days[static_cast<std::size_t>(*index)] = hours;
        }
      });
    }
    merge_hours(week);
  }

  void merge_hours(const weekly_hours& week) {
    if (week.empty()) return;
    if (out_.hours_evidence < evidence::structured_data) {
      out_.hours = weekly_hours{};
      out_.hours_evidence = evidence::structured_data;
    }
    for (std::size_t day = 0; day < 7; ++day) {
      if (week.days[day]) out_.hours.days[day] = week.days[day];
    }
  }

  void read_catalog(const json& node, const std::string& category, int depth) {
    std::string name = text_of(node, "name");
    const std::string inner = name.empty() ? category : name;
    for (const char* key : {"itemListElement", "hasOfferCatalog", "offers"}) {
      if (node.contains(key)) visit(node.at(key), inner, depth + 1);
    }
  }

  void read_offer(const json& offer, const std::string& category) {
    if (offer.contains("itemOffered")) {
      const json& item = offer.at("itemOffered");
      if (item.is_object()) {
        read_service(item, &offer, category);
        return;
      }
      if (item.is_string()) {
        service_finding service;
        service.name = clean_name(text_value(item));
        service.category = category;
        read_price(offer, service);
        add_service(std::move(service));
        return;
      }
    }
    read_service(offer, &offer, category);
  }

  void read_service(const json& item, const json* offer, const std::string& category) {
    service_finding service;
    service.name = clean_name(text_of(item, "name"));
    service.description = text_of(item, "description");
    service.category = category.empty() ? text_of(item, "category") : category;
    if (service.category.empty()) service.category = text_of(item, "serviceType");
    for (const char* key : {"duration", "timeRequired", "estimatedDuration"}) {
      if (service.duration_minutes || !item.contains(key)) continue;
      const std::string text = text_value(item.at(key));
      service.duration_minutes = parse_iso8601_duration(text);
      if (!service.duration_minutes) {
        if (const auto found = find_duration(text)) service.duration_minutes = found->minutes;
      }
    }
    if (offer) read_price(*offer, service);
    if (!service.price_cents && item.contains("offers")) {
      const json& offers = item.at("offers");
      const json& first = offers.is_array() && !offers.empty() ? offers.front() : offers;
      if (first.is_object()) read_price(first, service);
    }
    add_service(std::move(service));
  }

  static std::optional<std::int64_t> amount(const json& object, const char* key) {
    if (!object.is_object() || !object.contains(key)) return std::nullopt;
    const json& value = object.at(key);
    if (value.is_number()) {
      const double number = value.get<double>();
      if (number < 0 || number > 1e8) return std::nullopt;
      return static_cast<std::int64_t>(number * 100 + 0.5);
    }
    return parse_amount_cents(text_value(value));
  }

  static void read_price(const json& offer, service_finding& service) {
    if (!offer.is_object()) return;
    const json* spec = nullptr;
    if (offer.contains("priceSpecification")) {
      const json& value = offer.at("priceSpecification");
      spec = value.is_array() && !value.empty() ? &value.front() : &value;
    }
    auto price = amount(offer, "price");
    if (!price && spec) price = amount(*spec, "price");
    auto low = amount(offer, "lowPrice");
    auto high = amount(offer, "highPrice");
    if (spec) {
      if (!low) low = amount(*spec, "minPrice");
      if (!high) high = amount(*spec, "maxPrice");
    }
    std::string currency = text_of(offer, "priceCurrency");
    if (currency.empty() && spec) currency = text_of(*spec, "priceCurrency");

    if (!price && !low && offer.contains("price")) {
      // Free text in a price field: "$65+", "from $250", "$150-$220".
      const std::string text = text_value(offer.at("price"));
      if (const auto found = find_price(text)) {
        service.price_cents = found->cents;
        service.price_max_cents = found->max_cents;
        service.price_is_from = found->is_from;
        service.currency = currency.empty() ? found->currency : currency;
        service.price_text = text;
      }
      return;
    }
    if (price) {
      service.price_cents = price;
    } else if (low) {
      service.price_cents = low;
    }
    if (high && service.price_cents && *high > *service.price_cents) {
      service.price_max_cents = high;
    } else if (low && !high && !price) {
      service.price_is_from = true;  // only a lower bound: "from"
    }
    if (!service.price_cents) return;
    service.currency = currency.empty() ? "USD" : currency;
    service.price_text = price_words(service);
  }

  void read_person(const json& node) {
    professional_finding person;
    person.name = clean_name(text_of(node, "name"));
    if (person.name.empty()) return;
    if (node.contains("jobTitle")) {
      std::vector<std::string> titles;
      for_each_item(node.at("jobTitle"), [&](const json& title) {
        const std::string text = text_value(title);
        if (!text.empty()) titles.push_back(text);
      });
      for (const auto& title : titles) {
        person.role += (person.role.empty() ? "" : ", ") + title;
      }
    }
    if (person.role.empty()) person.role = text_of(node, "roleName");
    person.bio = text_of(node, "description");
    if (node.contains("knowsAbout")) {
      for_each_item(node.at("knowsAbout"), [&](const json& topic) {
        const std::string text = clean_name(text_value(topic));
        if (!text.empty()) person.specialties.push_back(text);
      });
    }
    person.source_urls.push_back(url_);
    out_.professionals.push_back(std::move(person));
  }

  void add_service(service_finding service) {
    if (service.name.empty()) return;
    service.source_urls.push_back(url_);
    out_.services.push_back(std::move(service));
  }

  const std::string& url_;
  findings& out_;
};

}  // namespace

bool read_structured_data(std::string_view json_text, const std::string& page_url, findings& out) {
  const json document = json::parse(json_text, nullptr, false);
  if (document.is_discarded()) return false;
  structured_reader reader(page_url, out);
  reader.visit(document, {}, 0);
  return true;
}

}  // namespace salon::scraping
