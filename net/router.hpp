#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "net/http_types.hpp"
#include "net/websocket_handler.hpp"

namespace salon::net {

enum class route_status {
  found,
  not_found,
  method_not_allowed,  // the path exists with other methods (see route_match::allow)
  upgrade_required,    // the path is a WebSocket route and the request is no upgrade
};

struct route_match {
  route_status status = route_status::not_found;
  std::string_view route_name;  // the metrics label; points into the router
  const http_handler* handler = nullptr;
  const websocket_upgrade_handler* upgrade = nullptr;
  std::map<std::string, std::string> path_params;
  std::string allow;  // for method_not_allowed: "GET, POST"
};

// The one route table. Patterns are absolute paths whose segments are literals or `{name}`
// parameters (`/shop/{location_id}/config`); a literal segment wins over a parameter. Routes are
// added before the server starts and only read afterwards.
class router {
 public:
  // Throw std::invalid_argument for a malformed pattern or a route that is already there: both
  // are programming errors found at start-up.
  void add(std::string method, std::string_view pattern, std::string route_name,
           http_handler handler);
  void add_websocket(std::string_view pattern, std::string route_name,
                     websocket_upgrade_handler handler);

  // `path` is raw (percent-encoded) and without the query.
  route_match match(std::string_view method, std::string_view path) const;
  // Only WebSocket routes; not_found when the path has none.
  route_match match_websocket(std::string_view path) const;

 private:
  struct segment {
    std::string text;
    bool is_param = false;
  };
  struct route {
    std::string method;  // empty for a WebSocket route
    std::vector<segment> segments;
    std::string name;
    http_handler handler;
    websocket_upgrade_handler upgrade;
  };

  void insert(route entry);
  static std::vector<segment> parse_pattern(std::string_view pattern);
  static bool same_shape(const std::vector<segment>& a, const std::vector<segment>& b);

  std::vector<route> routes_;
};

}  // namespace salon::net
