#pragma once

// Shop setup's decisions, as pure functions: what a setup request and a website's findings make
// of a shop (and what stays as it was).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "db/records.hpp"
#include "scraping/findings.hpp"

namespace salon::net {

// POST /shop/setup, validated.
struct shop_setup_request {
  int location_id = 0;
  std::string phone_number;  // E.164
  std::string website_url;   // http(s)
  std::string business_name;
  std::optional<std::string> time_zone;  // IANA name
  std::optional<std::string> forward_phone;
};

struct shop_plan {
  db::shop record;                           // for db::connection::save_shop
  std::vector<db::scraped_service> scraped;  // the raw findings, for scraped_services
  // Where the time zone came from: "request", "address", "existing" or "default".
  std::string time_zone_source;
  // Decisions the operator should know about ("no services found on the website: the catalog
  // was kept", "3 services had no duration: 60 minutes assumed").
  std::vector<std::string> notes;
};

// Minutes a service gets when the website gives no duration.
inline constexpr int assumed_duration_minutes = 60;

// The shop to store. What the website says replaces what was stored (services and stylists it
// no longer lists go inactive); what it does not say at all (no services, no hours, no address
// found) stays as `existing` has it. Facts are replaced key by key, so facts entered by hand
// under other keys survive. The time zone: the request's, else one inferred from the address,
// else the existing one, else `default_time_zone`.
shop_plan plan_shop(const shop_setup_request& request, const scraping::findings& found,
                    const std::optional<db::shop>& existing, const std::string& default_time_zone);

// The IANA time zone of an address: US states, Canadian provinces, Australian states and
// territories, and countries with one zone (or one zone most people live in). `region` is a
// state or province code ("TX", "ON"); `country` ISO 3166 alpha-2 or alpha-3, or a name
// scraping::normalize_country knows ("Germany"), empty when unknown (a US state code is then
// assumed, then a Canadian one). Empty when it cannot tell.
std::optional<std::string> time_zone_for(std::string_view region, std::string_view country);

}  // namespace salon::net
