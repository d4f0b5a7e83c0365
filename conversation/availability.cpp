#include "conversation/availability.hpp"

#include <algorithm>
#include <cctype>

namespace salon::conversation {

namespace {

std::string resource_key(std::string_view name) {
  std::string out;
  for (char c : name) {
    out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  if (out.starts_with("chair ")) out.erase(0, 6);
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

}  // namespace

availability::availability(const shop_snapshot& shop)
    : clock_(shop.time_zone),
      hours_(shop.hours),
      services_(shop.services),
      stylists_(shop.stylists) {
  for (const auto& d : shop.closed_dates) {
    if (d.ok()) closed_.push_back(std::chrono::local_days{d});
  }
  std::sort(closed_.begin(), closed_.end());
  // Hours that make no sense count as closed rather than as a 0-minute day.
  for (auto& h : hours_) {
    if (h && (h->closes <= h->opens || h->opens.count() < 0 || h->closes.count() > 24 * 60)) {
      h.reset();
    }
  }
  if (stylists_.empty()) {
    const int chairs = std::clamp(shop.chair_count, 1, 64);
    for (int c = 1; c <= chairs; ++c) {
      std::string name{"chair "};
      name += std::to_string(c);
      resources_.push_back({name, resource_key(name), {}, std::nullopt, {}});
    }
  } else {
    for (std::size_t s = 0; s < stylists_.size(); ++s) {
      resources_.push_back({stylists_[s].name,
                            resource_key(stylists_[s].name),
                            resource_key(stylists_[s].id),
                            s,
                            {}});
    }
  }
  replace_bookings(shop.booked);
}

void availability::replace_bookings(const std::vector<booked_interval>& booked) {
  for (auto& r : resources_) r.busy.clear();
  for (const auto& b : booked) {
    if (b.end <= b.start) continue;
    if (const auto r = resource_of(b.resource)) resources_[*r].busy.push_back({b.start, b.end});
  }
  for (auto& r : resources_) {
    std::sort(r.busy.begin(), r.busy.end(),
              [](const span& a, const span& b) { return a.start < b.start; });
  }
}

std::optional<std::size_t> availability::resource_of(const std::string& name) const {
  const std::string key = resource_key(name);
  for (std::size_t r = 0; r < resources_.size(); ++r) {
    if (resources_[r].key == key ||
        (!resources_[r].id_key.empty() && resources_[r].id_key == key)) {
      return r;
    }
  }
  // A stylist's first name alone ("Maria").
  for (std::size_t r = 0; r < resources_.size(); ++r) {
    const auto& full = resources_[r].key;
    if (resources_[r].stylist && full.size() > key.size() && full.starts_with(key) &&
        full[key.size()] == ' ') {
      return r;
    }
  }
  return std::nullopt;
}

std::optional<opening_hours> availability::hours_on(std::chrono::local_days day) const {
  if (std::binary_search(closed_.begin(), closed_.end(), day)) return std::nullopt;
  return hours_[std::chrono::weekday{day}.c_encoding()];
}

std::optional<opening_hours> availability::widest_hours() const {
  std::optional<opening_hours> out;
  for (const auto& h : hours_) {
    if (!h) continue;
    if (!out) {
      out = h;
    } else {
      out->opens = std::min(out->opens, h->opens);
      out->closes = std::max(out->closes, h->closes);
    }
  }
  return out;
}

std::chrono::minutes availability::duration_of(const std::vector<std::string>& ids) const {
  std::chrono::minutes total{0};
  for (const auto& id : ids) {
    for (const auto& s : services_) {
      if (s.id == id) total += std::chrono::minutes{std::max(s.duration_minutes, 0)};
    }
  }
  // A catalog without durations still books something sensible.
  return total.count() > 0 ? total : std::chrono::minutes{30};
}

bool availability::does_all(std::size_t stylist, const std::vector<std::string>& ids) const {
  if (stylist >= stylists_.size()) return false;
  const auto& does = stylists_[stylist].service_ids;
  if (does.empty()) return true;
  return std::all_of(ids.begin(), ids.end(), [&does](const std::string& id) {
    return std::find(does.begin(), does.end(), id) != does.end();
  });
}

bool availability::works_on(std::size_t stylist, std::chrono::local_days day) const {
  if (stylist >= stylists_.size() || !hours_on(day)) return false;
  const unsigned wd = std::chrono::weekday{day}.c_encoding();
  const auto& off = stylists_[stylist].days_off;
  return std::find(off.begin(), off.end(), wd) == off.end();
}

bool availability::is_free(const resource& r, std::size_t index, span s, const extra_rules& rules,
                           std::size_t& cursor, std::chrono::sys_seconds& blocked_until) const {
  // Bookings on one resource never overlap (the database forbids it), so sorted by start they are
  // sorted by end too. Starts are tried in increasing order, so the cursor only moves forward past
  // bookings that end before this start.
  while (cursor < r.busy.size() && r.busy[cursor].end <= s.start) ++cursor;
  for (std::size_t k = cursor; k < r.busy.size() && r.busy[k].start < s.end; ++k) {
    const auto& b = r.busy[k];
    if (rules.ignore && rules.ignore->first == index && b.start == rules.ignore->second.start &&
        b.end == rules.ignore->second.end) {
      continue;
    }
    // No start before this booking ends can work on this resource.
    blocked_until = b.end;
    return false;
  }
  for (const auto& [taken_index, t] : rules.taken) {
    if (taken_index == index && t.start < s.end && s.start < t.end) {
      blocked_until = t.end;
      return false;
    }
  }
  return true;
}

std::vector<free_slot> availability::find(const slot_query& q) const {
  std::vector<free_slot> out;
  if (q.max_slots == 0 || q.to <= q.from || services_.empty() || resources_.empty()) return out;
  for (const auto& id : q.service_ids) {
    if (std::none_of(services_.begin(), services_.end(),
                     [&id](const shop_service& s) { return s.id == id; })) {
      return out;
    }
  }
  if (q.service_ids.empty()) return out;
  const auto length = duration_of(q.service_ids);
  const auto step = q.step.count() > 0 ? q.step : std::chrono::minutes{15};

  std::optional<std::size_t> wanted;
  if (q.stylist) {
    wanted = resource_of(*q.stylist);
    if (!wanted) return out;
  }
  std::vector<std::size_t> candidates;
  for (std::size_t r = 0; r < resources_.size(); ++r) {
    const auto& res = resources_[r];
    if (res.stylist) {
      if (!does_all(*res.stylist, q.service_ids)) continue;
      if (wanted && *wanted != r) continue;
    }
    candidates.push_back(r);
  }
  if (candidates.empty()) return out;
  extra_rules rules;
  if (q.ignore) {
    if (const auto r = resource_of(q.ignore->resource)) {
      rules.ignore = std::make_pair(*r, span{q.ignore->start, q.ignore->end});
    }
  }
  for (const auto& t : q.also_taken) {
    if (const auto r = resource_of(t.resource)) rules.taken.emplace_back(*r, span{t.start, t.end});
  }

  const auto earliest = std::max(q.from, q.now);
  const auto first_day = clock_.to_local(earliest).day;
  const auto last_day = clock_.to_local(q.to).day;
  std::vector<std::size_t> working;
  std::vector<std::size_t> cursors;
  for (auto day = first_day; day <= last_day && out.size() < q.max_slots;
       day += std::chrono::days{1}) {
    const auto hours = hours_on(day);
    if (!hours) continue;
    const int open = static_cast<int>(hours->opens.count());
    const int close = static_cast<int>(hours->closes.count());
    const auto open_sys = clock_.to_sys(day, hours->opens);
    const auto close_sys = clock_.to_sys(day, hours->closes);
    // When the day's offset does not change between opening and closing, minutes map linearly.
    const bool linear = close_sys - open_sys == std::chrono::minutes{close - open};
    // Who works this day, decided once per day rather than per start time.
    working.clear();
    cursors.clear();
    for (std::size_t r : candidates) {
      const auto& res = resources_[r];
      if (res.stylist && !works_on(*res.stylist, day)) continue;
      working.push_back(r);
      cursors.push_back(static_cast<std::size_t>(
          std::partition_point(res.busy.begin(), res.busy.end(),
                               [&open_sys](const span& b) { return b.end <= open_sys; }) -
          res.busy.begin()));
    }
    if (working.empty()) continue;
    for (int m = open; m + length.count() <= close && out.size() < q.max_slots;
         m += static_cast<int>(step.count())) {
      if (m < q.start_within.from || m >= q.start_within.to) continue;
      const auto start = linear ? open_sys + std::chrono::minutes{m - open}
                                : clock_.to_sys(day, std::chrono::minutes{m});
      if (start < earliest || start >= q.to) continue;
      const span s{start, start + length};
      auto retry_at = std::chrono::sys_seconds::max();
      bool found = false;
      for (std::size_t w = 0; w < working.size(); ++w) {
        const std::size_t r = working[w];
        const auto& res = resources_[r];
        auto blocked_until = start;
        if (!is_free(res, r, s, rules, cursors[w], blocked_until)) {
          retry_at = std::min(retry_at, blocked_until);
          continue;
        }
        out.push_back({s.start, s.end, res.name, res.stylist});
        found = true;
        break;
      }
      // Everyone is busy: jump to the first step at which someone's booking has ended.
      if (!found && linear && retry_at != std::chrono::sys_seconds::max() && retry_at > start) {
        const int ready =
            open +
            static_cast<int>(std::chrono::ceil<std::chrono::minutes>(retry_at - open_sys).count());
        const int step_min = static_cast<int>(step.count());
        const int aligned = open + (ready - open + step_min - 1) / step_min * step_min;
        m = std::max(m, aligned - step_min);
      }
    }
  }
  return out;
}

std::vector<free_slot> find_free_slots(const shop_snapshot& shop, const slot_query& query) {
  return availability{shop}.find(query);
}

}  // namespace salon::conversation
