// One turn of the receptionist on a realistic shop: 30 services, 6 stylists, 500 booked
// intervals over the coming three weeks. Each measured turn runs on a fresh copy of a session
// prepared up to that point; only the turn itself is timed (manual time).
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdint>
#include <ctime>
#include <memory>
#include <string>

#include "conversation/catalog_index.hpp"
#include "conversation/session.hpp"
#include "conversation/shop_clock.hpp"
#include "conversation/utterance_analyzer.hpp"

namespace {

using namespace salon::conversation;
using std::chrono::minutes;

// 2026-12-01 10:00 in Honolulu (UTC-10).
const std::chrono::sys_seconds call_start =
    std::chrono::sys_days{std::chrono::year{2026} / 12 / 1} + std::chrono::hours{20};

std::string service_id(int i) {
  std::string id{"s"};
  id += std::to_string(i);
  return id;
}

std::shared_ptr<const shop_snapshot> realistic_shop(bool fragmented) {
  auto shop = std::make_shared<shop_snapshot>();
  shop->name = "Studio Nine Hair & Color";
  shop->time_zone = "Pacific/Honolulu";
  shop->address = "3579 Waialae Ave, Honolulu";
  for (unsigned d = 2; d <= 5; ++d) shop->hours[d] = opening_hours{minutes{540}, minutes{1080}};
  shop->hours[6] = opening_hours{minutes{480}, minutes{960}};
  const char* names[] = {"Women's Haircut",
                         "Men's Haircut",
                         "Kids' Cut",
                         "Blowout",
                         "Single Process Color",
                         "Balayage",
                         "Keratin Smoothing Treatment",
                         "Full Highlights",
                         "Partial Highlights",
                         "Root Touch Up",
                         "Toner",
                         "Gloss",
                         "Deep Conditioning",
                         "Scalp Treatment",
                         "Updo",
                         "Bridal Updo",
                         "Beard Trim",
                         "Hot Shave",
                         "Perm",
                         "Color Correction",
                         "Bang Trim",
                         "Olaplex Treatment",
                         "Hair Extensions",
                         "Braids",
                         "Men's Color",
                         "Ombre",
                         "Lowlights",
                         "Curly Cut",
                         "Silk Press",
                         "Wash and Style"};
  for (int i = 0; i < 30; ++i) {
    shop_service s;
    s.id = service_id(i);
    s.name = names[i];
    s.category = i < 3 ? "haircuts" : i < 13 ? "color" : "styling";
    s.duration_minutes = 30 + 15 * (i % 6);
    s.price_cents = 3000 + 1000 * i;
    if (i % 7 == 5) s.max_price_cents = s.price_cents + 8000;
    s.from_price = i % 11 == 6;
    shop->services.push_back(std::move(s));
  }
  shop->services[0].synonyms = {"ladies cut"};
  shop->services[3].synonyms = {"blow dry"};
  shop->services[4].synonyms = {"color", "dye"};
  const char* stylists[] = {"Maria Santos", "Kenji Watanabe", "Leilani Kahale",
                            "Noa Akana",    "Sam Rivera",     "Iris Chen"};
  for (int i = 0; i < 6; ++i) {
    shop_stylist st;
    st.id = stylists[i];
    st.name = stylists[i];
    st.role = "Stylist";
    // Everyone does the cuts; the colorists (even indexes) also do color.
    for (int k = 0; k < 30; ++k) {
      if (k < 4 || k >= 13 || i % 2 == 0) st.service_ids.push_back(service_id(k));
    }
    shop->stylists.push_back(std::move(st));
  }
  // 500 bookings over the coming three weeks. `fragmented` books every other hour of every
  // stylist (nothing longer than an hour ever fits: the worst case for the search); otherwise
  // bookings of 30 to 120 minutes with gaps of 0 to 90 minutes, from a fixed pseudo-random
  // sequence.
  const shop_clock clock{shop->time_zone};
  const auto first_day = clock.to_local(call_start).day;
  std::uint32_t seed = 12345;
  const auto next = [&seed](std::uint32_t n) {
    seed = seed * 1664525u + 1013904223u;
    return (seed >> 16) % n;
  };
  int made = 0;
  for (int day = 0; day < 21 && made < 500; ++day) {
    const auto d = first_day + std::chrono::days{day};
    const auto h = shop->hours[std::chrono::weekday{d}.c_encoding()];
    if (!h) continue;
    for (int st = 0; st < 6 && made < 500; ++st) {
      int m = static_cast<int>(h->opens.count());
      if (fragmented) m += 60 * ((st + day) % 2);
      while (made < 500) {
        const int gap = fragmented ? 0 : 15 * static_cast<int>(next(7));
        const int length = fragmented ? 60 : 30 + 15 * static_cast<int>(next(7));
        m += gap;
        if (m + length > h->closes.count()) break;
        const auto start = clock.to_sys(d, minutes{m});
        shop->booked.push_back({stylists[st], start, start + minutes{length}});
        ++made;
        m += length + (fragmented ? 60 : 0);
      }
    }
  }
  return shop;
}

const std::shared_ptr<const shop_snapshot>& shop() {
  static const auto s = realistic_shop(false);
  return s;
}

const std::shared_ptr<const shop_snapshot>& fragmented_shop() {
  static const auto s = realistic_shop(true);
  return s;
}

// CPU time of this thread: the machine is shared, and a turn must be judged by the work it does,
// not by how long it waited for a core.
double thread_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

void run_turn(benchmark::State& state, const session& prepared, const std::string& text) {
  const auto now = call_start + std::chrono::minutes{1};
  for (auto _ : state) {
    session s = prepared;
    const double t0 = thread_seconds();
    auto r = s.prompt(text, now);
    const double t1 = thread_seconds();
    benchmark::DoNotOptimize(r);
    state.SetIterationTime(t1 - t0);
  }
}

session fresh() {
  return session{shop(), "+18085550123", call_start};
}

void BM_turn_book_exact_time(benchmark::State& state) {
  run_turn(state, fresh(), "um hi can i get a women's haircut with kenji next friday at 3");
}

void BM_turn_book_part_of_day(benchmark::State& state) {
  run_turn(state, fresh(), "do you have anything saturday afternoon for a blowout");
}

// Nothing longer than an hour fits anywhere: the search walks three weeks three times.
void BM_turn_worst_case_search(benchmark::State& state) {
  run_turn(state, session{fragmented_shop(), "+18085550123", call_start},
           "do you have anything saturday afternoon for a blowout");
}

void BM_turn_price_question(benchmark::State& state) {
  run_turn(state, fresh(), "how much is a balayage");
}

void BM_turn_misheard_service(benchmark::State& state) {
  run_turn(state, fresh(), "i'd like a bally age on thursday after 2");
}

void BM_turn_confirm(benchmark::State& state) {
  auto s = fresh();
  s.prompt("women's haircut with kenji next friday at 3 my name is jane doe", call_start);
  run_turn(state, s, "yes");
}

void BM_turn_not_understood(benchmark::State& state) {
  run_turn(state, fresh(), "purple monkey dishwasher");
}

void BM_analyze_only(benchmark::State& state) {
  const catalog_index catalog{*shop()};
  const shop_clock clock{shop()->time_zone};
  const auto now = clock.to_local(call_start);
  for (auto _ : state) {
    auto u = analyze(*shop(), catalog,
                     "um hi can i get a women's haircut with kenji next friday at 3", now);
    benchmark::DoNotOptimize(u);
  }
}

void BM_session_start(benchmark::State& state) {
  for (auto _ : state) {
    session s{shop(), "+18085550123", call_start};
    benchmark::DoNotOptimize(s);
  }
}

BENCHMARK(BM_turn_book_exact_time)->UseManualTime();
BENCHMARK(BM_turn_book_part_of_day)->UseManualTime();
BENCHMARK(BM_turn_worst_case_search)->UseManualTime();
BENCHMARK(BM_turn_price_question)->UseManualTime();
BENCHMARK(BM_turn_misheard_service)->UseManualTime();
BENCHMARK(BM_turn_confirm)->UseManualTime();
BENCHMARK(BM_turn_not_understood)->UseManualTime();
BENCHMARK(BM_analyze_only);
BENCHMARK(BM_session_start);

}  // namespace

BENCHMARK_MAIN();
