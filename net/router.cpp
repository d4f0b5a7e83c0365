#include "net/router.hpp"

#include <algorithm>
#include <set>
#include <stdexcept>

namespace salon::net {

namespace {

// "/shop/1/config" -> {"shop", "1", "config"}; "/" -> {""}; "/shops/" -> {"shops", ""}.
std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> parts;
  path.remove_prefix(1);
  while (true) {
    auto slash = path.find('/');
    parts.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return parts;
}

}  // namespace

std::vector<router::segment> router::parse_pattern(std::string_view pattern) {
  if (pattern.empty() || pattern.front() != '/') {
    throw std::invalid_argument{"route pattern must start with '/': " + std::string{pattern}};
  }
  std::vector<segment> segments;
  std::set<std::string, std::less<>> names;
  for (auto part : split_path(pattern)) {
    bool opens = part.find('{') != std::string_view::npos;
    bool closes = part.find('}') != std::string_view::npos;
    if (!opens && !closes) {
      segments.push_back({std::string{part}, false});
      continue;
    }
    auto name = part.size() >= 2 ? part.substr(1, part.size() - 2) : std::string_view{};
    if (part.front() != '{' || part.back() != '}' || name.empty() ||
        name.find_first_of("{}") != std::string_view::npos) {
      throw std::invalid_argument{"malformed parameter segment in route pattern: " +
                                  std::string{pattern}};
    }
    if (!names.emplace(name).second) {
      throw std::invalid_argument{"repeated parameter in route pattern: " + std::string{pattern}};
    }
    segments.push_back({std::string{name}, true});
  }
  return segments;
}

bool router::same_shape(const std::vector<segment>& a, const std::vector<segment>& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](const auto& x, const auto& y) {
    return x.is_param == y.is_param && (x.is_param || x.text == y.text);
  });
}

void router::insert(route entry) {
  for (const auto& existing : routes_) {
    if (existing.method == entry.method && same_shape(existing.segments, entry.segments)) {
      throw std::invalid_argument{"route registered twice: " + entry.name};
    }
  }
  routes_.push_back(std::move(entry));
}

void router::add(std::string method, std::string_view pattern, std::string route_name,
                 http_handler handler) {
  if (method.empty()) throw std::invalid_argument{"route without a method: " + route_name};
  if (!handler) throw std::invalid_argument{"route without a handler: " + route_name};
  insert(
      {std::move(method), parse_pattern(pattern), std::move(route_name), std::move(handler), {}});
}

void router::add_websocket(std::string_view pattern, std::string route_name,
                           websocket_upgrade_handler handler) {
  if (!handler) throw std::invalid_argument{"route without a handler: " + route_name};
  insert({{}, parse_pattern(pattern), std::move(route_name), {}, std::move(handler)});
}

route_match router::match(std::string_view method, std::string_view path) const {
  route_match result;
  if (path.empty() || path.front() != '/') return result;
  auto parts = split_path(path);
  std::vector<std::string> decoded;
  decoded.reserve(parts.size());
  for (auto part : parts) decoded.push_back(percent_decode(part, false));

  // Literal segments win over parameters, earliest segment first: /shop/new beats /shop/{id}.
  auto more_specific = [](const route& a, const route& b) {
    for (std::size_t i = 0; i < a.segments.size(); ++i) {
      if (a.segments[i].is_param != b.segments[i].is_param) return !a.segments[i].is_param;
    }
    return false;
  };
  auto fits = [&](const route& candidate) {
    if (candidate.segments.size() != decoded.size()) return false;
    for (std::size_t i = 0; i < decoded.size(); ++i) {
      const auto& seg = candidate.segments[i];
      if (seg.is_param ? decoded[i].empty() : seg.text != decoded[i]) return false;
    }
    return true;
  };

  const route* best = nullptr;
  const route* websocket_route = nullptr;
  std::set<std::string, std::less<>> allowed;
  for (const auto& candidate : routes_) {
    if (!fits(candidate)) continue;
    if (candidate.method.empty()) {
      websocket_route = &candidate;
      continue;
    }
    if (candidate.method != method) {
      allowed.insert(candidate.method);
      continue;
    }
    if (!best || more_specific(candidate, *best)) best = &candidate;
  }

  if (!best) {
    if (!allowed.empty()) {
      result.status = route_status::method_not_allowed;
      for (const auto& name : allowed) {
        if (!result.allow.empty()) result.allow += ", ";
        result.allow += name;
      }
    } else if (websocket_route) {
      result.status = route_status::upgrade_required;
      result.route_name = websocket_route->name;
    }
    return result;
  }
  result.status = route_status::found;
  result.route_name = best->name;
  result.handler = &best->handler;
  for (std::size_t i = 0; i < decoded.size(); ++i) {
    if (best->segments[i].is_param) result.path_params[best->segments[i].text] = decoded[i];
  }
  return result;
}

route_match router::match_websocket(std::string_view path) const {
  route_match result;
  if (path.empty() || path.front() != '/') return result;
  auto parts = split_path(path);
  for (const auto& candidate : routes_) {
    if (!candidate.method.empty() || candidate.segments.size() != parts.size()) continue;
    std::map<std::string, std::string> params;
    bool fits = true;
    for (std::size_t i = 0; i < parts.size() && fits; ++i) {
      auto value = percent_decode(parts[i], false);
      const auto& seg = candidate.segments[i];
      if (seg.is_param) {
        fits = !value.empty();
        params[seg.text] = std::move(value);
      } else {
        fits = seg.text == value;
      }
    }
    if (fits) {
      result.status = route_status::found;
      result.route_name = candidate.name;
      result.upgrade = &candidate.upgrade;
      result.path_params = std::move(params);
      return result;
    }
  }
  return result;
}

}  // namespace salon::net
