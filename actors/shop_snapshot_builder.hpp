#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "conversation/shop_snapshot.hpp"
#include "db/records.hpp"

namespace salon::actors {

// The receptionist's view of a shop: its stored configuration plus its appointment book.
conversation::shop_snapshot build_snapshot(const db::shop& shop,
                                           const std::vector<db::booked_slot>& book,
                                           const std::string& default_time_zone);

// The conversation names chairs "chair 2"; the database books them as "2".
std::string database_resource(std::string_view conversation_resource);

conversation::booked_interval to_interval(const db::booked_slot& slot);

}  // namespace salon::actors
