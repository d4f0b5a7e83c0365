#pragma once

#include <string>
#include <vector>

#include "db/records.hpp"

namespace salon::net {

// GET /shop/{location_id}/config: the shop as the API shows it (JSON text).
std::string shop_config_json(const db::shop& shop, const std::vector<std::string>& phone_numbers);

// GET /shops: {"shops": [...]}.
std::string shop_list_json(const std::vector<db::shop_summary>& shops);

}  // namespace salon::net
