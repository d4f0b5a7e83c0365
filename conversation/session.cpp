#include "conversation/session.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <map>
#include <optional>
#include <utility>

#include "conversation/availability.hpp"
#include "conversation/catalog_index.hpp"
#include "conversation/sentiment.hpp"
#include "conversation/shop_clock.hpp"
#include "conversation/speech.hpp"
#include "conversation/token.hpp"
#include "conversation/utterance_analyzer.hpp"

namespace salon::conversation {

namespace {

using std::chrono::days;
using std::chrono::local_days;
using std::chrono::minutes;
using std::chrono::sys_seconds;

// How far ahead the receptionist looks for free time.
constexpr int search_days = 14;
constexpr int not_understood_limit = 3;

// The shop's data and the indexes built from it, shared by every turn of a call.
struct shop_model {
  std::shared_ptr<const shop_snapshot> shop;
  catalog_index catalog;
  availability book;

  explicit shop_model(std::shared_ptr<const shop_snapshot> s)
      : shop(s ? std::move(s) : std::make_shared<const shop_snapshot>()),
        catalog(*shop),
        book(*shop) {}
};

enum class step {
  open,
  ask_service,
  ask_variant,
  ask_when,
  ask_day,
  offer,
  ask_name,
  confirm,
  wait_booking,
  anything_else,
  offer_booking,
  wait_lookup,
  choose_appointment,
  confirm_cancel,
  wait_change,
  offer_person,
  ended,
};

enum class flow { none, booking, cancel, reschedule };

bool starts_with_vowel_sound(std::string_view s) {
  return !s.empty() && (s.front() == 'a' || s.front() == 'e' || s.front() == 'i' ||
                        s.front() == 'o' || s.front() == 'u');
}

std::string lower(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  return out;
}

std::string first_name(std::string_view full) {
  const auto space = full.find(' ');
  return std::string{full.substr(0, space)};
}

std::string iso_date(local_days d) {
  const std::chrono::year_month_day ymd{d};
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

std::string iso_clock(int minute_of_day) {
  minute_of_day = std::clamp(minute_of_day, 0, 24 * 60 - 1);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02d:%02d", minute_of_day / 60, minute_of_day % 60);
  return buf;
}

}  // namespace

struct session::state {
  std::shared_ptr<const shop_model> model;
  std::string phone;
  sys_seconds call_start;

  step at = step::open;
  // Where to return when the caller declines the offer of a person.
  step at_before_person = step::open;
  flow current = flow::none;
  std::vector<std::string> services;  // ids
  // The one service whose price was just told ("how much is a women's cut?"), so that "can I
  // book one?" books it; the readback lets the caller correct it.
  std::optional<std::string> quoted_service;
  std::vector<std::string> variant_choices;  // ids of men's/women's/kids' options to pick from
  std::optional<std::string> stylist_id;
  bool any_stylist = false;
  when_request when;
  std::optional<std::string> name;
  int name_attempts = 0;
  std::vector<free_slot> offers;
  bool offers_heard = true;
  std::optional<free_slot> chosen;
  bool readback_heard = true;
  std::string readback_key;
  std::vector<booked_interval> lost;
  std::vector<upcoming_appointment> appointments;
  std::optional<upcoming_appointment> target;
  int not_understood = 0;
  std::string tail;
  // The instant of the turn being handled; nothing before it is ever offered.
  sys_seconds now_sys{};

  // Reply variety.
  std::map<std::string, unsigned, std::less<>> variant_counter;
  std::vector<std::string> last_sentences;

  // Summary.
  std::vector<intent> intents;
  double sentiment_sum = 0.0;
  int sentiment_count = 0;
  int turns = 0;
  bool spoke = false;
  bool transferred = false;
  bool callback_promised = false;
  std::optional<booked_appointment> appointment;

  state(std::shared_ptr<const shop_snapshot> shop, std::string caller, sys_seconds start)
      : model(std::make_shared<const shop_model>(std::move(shop))),
        phone(std::move(caller)),
        call_start(start) {}

  const shop_snapshot& shop() const { return *model->shop; }
  const availability& book() const { return model->book; }
  const shop_clock& clock() const { return model->book.clock(); }

  // ---- lookups ----

  const shop_service* service_by_id(std::string_view id) const {
    for (const auto& s : shop().services) {
      if (s.id == id) return &s;
    }
    return nullptr;
  }

  std::optional<std::size_t> stylist_by_id(std::string_view id) const {
    for (std::size_t s = 0; s < shop().stylists.size(); ++s) {
      if (shop().stylists[s].id == id) return s;
    }
    return std::nullopt;
  }

  std::optional<std::size_t> stylist_by_name(std::string_view name) const {
    const std::string key = lower(name);
    for (std::size_t s = 0; s < shop().stylists.size(); ++s) {
      const std::string full = lower(shop().stylists[s].name);
      if (full == key || lower(first_name(full)) == key || lower(shop().stylists[s].id) == key) {
        return s;
      }
    }
    return std::nullopt;
  }

  std::vector<const shop_service*> chosen_services() const {
    std::vector<const shop_service*> out;
    for (const auto& id : services) {
      if (const auto* s = service_by_id(id)) out.push_back(s);
    }
    return out;
  }

  std::string services_phrase(const std::vector<std::string>& ids, bool article) const {
    std::vector<std::string> names;
    for (const auto& id : ids) {
      if (const auto* s = service_by_id(id)) names.push_back(spoken_service(s->name));
    }
    if (names.empty()) return "appointment";
    std::string out = say_list(names);
    if (article) out = (starts_with_vowel_sound(out) ? "an " : "a ") + out;
    return out;
  }

  std::string resource_phrase(const free_slot& slot) const {
    if (!slot.stylist) return {};
    return " with " + first_name(shop().stylists[*slot.stylist].name);
  }

  std::int64_t price_of(const std::vector<std::string>& ids) const {
    std::int64_t total = 0;
    for (const auto& id : ids) {
      if (const auto* s = service_by_id(id)) total += s->price_cents;
    }
    return total;
  }

  // ---- wording ----

  // Picks one of several phrasings in turn, never the sentence said in the previous reply.
  std::string vary(std::string_view key, std::initializer_list<std::string_view> options) {
    auto found = variant_counter.find(key);
    if (found == variant_counter.end()) found = variant_counter.emplace(std::string{key}, 0u).first;
    auto& n = found->second;
    const std::size_t count = options.size();
    for (std::size_t attempt = 0; attempt < count; ++attempt) {
      const std::string candidate{*(options.begin() + (n + attempt) % count)};
      if (std::find(last_sentences.begin(), last_sentences.end(), candidate) ==
          last_sentences.end()) {
        n = static_cast<unsigned>((n + attempt + 1) % count);
        return candidate;
      }
    }
    ++n;
    return std::string{*options.begin()};
  }

  reply finish(reply r) {
    last_sentences = r.sentences;
    return r;
  }

  expectation expected() const {
    switch (at) {
      case step::ask_service:
        return expectation::service;
      case step::ask_variant:
        return expectation::variant;
      case step::ask_when:
      case step::ask_day:
        return expectation::when;
      case step::ask_name:
        return expectation::name;
      case step::offer:
      case step::choose_appointment:
        return expectation::choice;
      case step::confirm:
      case step::confirm_cancel:
      case step::offer_booking:
      case step::anything_else:
      case step::offer_person:
        return expectation::yes_no;
      default:
        return expectation::none;
    }
  }

  // ---- turn entry points ----

  reply on_prompt(std::string_view text, sys_seconds now) {
    if (at == step::ended) return {};
    now_sys = now;
    ++turns;
    const auto local = clock().to_local(now);
    std::string combined;
    if (!tail.empty()) {
      combined = tail + " ";
      tail.clear();
    }
    combined.append(text.substr(0, std::min(text.size(), max_utterance_bytes)));
    const utterance u = analyze(shop(), model->catalog, combined, local, expected());
    if (u.word_count == 0) return finish(not_understood_reply(true));
    spoke = true;
    for (auto i : u.intents) {
      if (std::find(intents.begin(), intents.end(), i) == intents.end()) intents.push_back(i);
    }
    if (u.sentiment != 0.0) {
      sentiment_sum += u.sentiment;
      ++sentiment_count;
    }
    keep_dangling_tail(text);
    return finish(respond(u, local));
  }

  reply on_dtmf(std::string_view digits, sys_seconds now) {
    if (at == step::ended) return {};
    now_sys = now;
    const auto local = clock().to_local(now);
    char d = '\0';
    for (char c : digits) {
      if ((c >= '0' && c <= '9') || c == '*' || c == '#') {
        d = c;
        break;
      }
    }
    if (d == '\0') return finish(not_understood_reply(true));
    ++turns;
    spoke = true;
    if (d == '0') {
      note_intent(intent::human);
      return finish(hand_off("caller pressed 0"));
    }
    utterance u;
    u.word_count = 1;
    if (d == '1') u.reply = answer::yes;
    if (d == '2') u.reply = answer::no;
    if (d == '*' || d == '#') {
      reply r;
      r.sentences.push_back("Sure, let me repeat that.");
      reprompt(r);
      return finish(std::move(r));
    }
    if (u.reply == answer::none) {
      return finish(not_understood_reply(false));
    }
    return finish(respond(u, local));
  }

  reply on_interrupt(std::string_view heard) {
    const std::string h = lower(heard);
    if (at == step::confirm && !readback_key.empty()) {
      readback_heard = h.find(lower(readback_key)) != std::string::npos;
    }
    if (at == step::offer && !offers.empty()) {
      std::vector<free_slot> kept;
      for (const auto& o : offers) {
        const auto m = clock().to_local(o.start);
        if (h.find(lower(say_clock(static_cast<int>(m.minute_of_day.count())))) !=
            std::string::npos) {
          kept.push_back(o);
        }
      }
      offers_heard = !kept.empty();
      if (!kept.empty()) offers = std::move(kept);
    }
    return {};
  }

  reply on_result(const action_result& result, sys_seconds now) {
    now_sys = now;
    const auto local = clock().to_local(now);
    return finish(std::visit([&](const auto& r) { return handle_result(r, local); }, result));
  }

  // ---- results ----

  reply handle_result(const booking_confirmed& r, const local_moment&) {
    reply out;
    if (!chosen) return out;
    appointment =
        booked_appointment{r.appointment_id, services,           chosen->resource,  chosen->start,
                           chosen->end,      price_of(services), name.value_or(""), false};
    const auto when_local = clock().to_local(chosen->start);
    const std::string who = name ? ", " + first_name(*name) : std::string{};
    out.sentences.push_back(vary("booked", {"You're all set", "You're booked", "All done"}) + who +
                            ".");
    out.sentences.push_back("We'll see you at " + say_moment(when_local) + ".");
    out.sentences.push_back(vary("anything_else", {"Is there anything else I can help you with?",
                                                   "Can I help you with anything else?"}));
    current = flow::none;
    at = step::anything_else;
    return out;
  }

  reply handle_result(const booking_taken&, const local_moment& now) {
    reply out;
    if (!chosen) return out;
    lost.push_back({chosen->resource, chosen->start, chosen->end});
    out.sentences.push_back(vary("taken_apology", {"I'm sorry, someone just took that time.",
                                                   "I'm sorry, that time was just booked."}));
    const auto target_time = chosen->start;
    chosen.reset();
    offer_nearest(out, target_time, clock().to_local(target_time).day, now);
    return out;
  }

  reply handle_result(const booking_unavailable&, const local_moment&) {
    reply out;
    callback_promised = true;
    out.sentences.push_back("I'm sorry, I can't reach our booking system right now.");
    out.sentences.push_back("Someone from " + shop().name + " will call you back at this number " +
                            "to confirm your appointment.");
    out.sentences.push_back("Is there anything else I can help you with?");
    current = flow::none;
    at = step::anything_else;
    return out;
  }

  reply handle_result(const appointments_found& r, const local_moment& now) {
    reply out;
    appointments.clear();
    for (const auto& a : r.appointments) {
      if (a.start >= clock().to_sys(now.day, now.minute_of_day)) appointments.push_back(a);
    }
    std::sort(appointments.begin(), appointments.end(),
              [](const auto& a, const auto& b) { return a.start < b.start; });
    if (appointments.empty()) {
      out.sentences.push_back(
          "I couldn't find an upcoming appointment for the number you're calling from.");
      out.sentences.push_back("Would you like to book a new appointment?");
      current = flow::none;
      at = step::offer_booking;
      return out;
    }
    if (appointments.size() == 1) {
      select_appointment(out, appointments.front(), now);
      return out;
    }
    std::vector<std::string> described;
    for (std::size_t i = 0; i < appointments.size() && i < 3; ++i) {
      described.push_back(describe(appointments[i]));
    }
    out.sentences.push_back("I see " + std::to_string(appointments.size()) +
                            " upcoming appointments: " + say_list(described) + ".");
    out.sentences.push_back(current == flow::cancel ? "Which one would you like to cancel?"
                                                    : "Which one would you like to move?");
    at = step::choose_appointment;
    return out;
  }

  reply handle_result(const cancellation_done& r, const local_moment&) {
    reply out;
    if (r.status == change_status::done) {
      out.sentences.push_back("Your appointment is cancelled.");
      out.sentences.push_back("Would you like to book another time?");
      at = step::offer_booking;
    } else {
      callback_promised = true;
      out.sentences.push_back("I'm sorry, I couldn't cancel it right now.");
      out.sentences.push_back("Someone from the salon will call you back to take care of it.");
      out.sentences.push_back("Is there anything else I can help you with?");
      at = step::anything_else;
    }
    current = flow::none;
    target.reset();
    return out;
  }

  reply handle_result(const reschedule_done& r, const local_moment& now) {
    reply out;
    if (r.status == change_status::done && chosen && target) {
      appointment =
          booked_appointment{target->id,  target->service_ids, chosen->resource,  chosen->start,
                             chosen->end, price_of(services),  name.value_or(""), true};
      out.sentences.push_back("Done. Your appointment is now at " +
                              say_moment(clock().to_local(chosen->start)) + ".");
      out.sentences.push_back("Is there anything else I can help you with?");
      current = flow::none;
      at = step::anything_else;
      return out;
    }
    if (r.status == change_status::taken && chosen) {
      lost.push_back({chosen->resource, chosen->start, chosen->end});
      out.sentences.push_back("I'm sorry, someone just took that time.");
      const auto t = chosen->start;
      chosen.reset();
      offer_nearest(out, t, clock().to_local(t).day, now);
      return out;
    }
    callback_promised = true;
    out.sentences.push_back("I'm sorry, I couldn't change it right now.");
    out.sentences.push_back("Someone from the salon will call you back to move it.");
    out.sentences.push_back("Is there anything else I can help you with?");
    current = flow::none;
    at = step::anything_else;
    return out;
  }

  // ---- the dialog ----

  void note_intent(intent i) {
    if (std::find(intents.begin(), intents.end(), i) == intents.end()) intents.push_back(i);
  }

  // A prompt cut off after "at" or "with" continues in the next one.
  void keep_dangling_tail(std::string_view text) {
    // The last word, lower case, without trailing punctuation.
    std::size_t end = text.size();
    while (end > 0 && !std::isalnum(static_cast<unsigned char>(text[end - 1]))) --end;
    std::size_t begin = end;
    while (begin > 0 && std::isalpha(static_cast<unsigned char>(text[begin - 1]))) --begin;
    if (begin == end || end - begin > 8) return;
    std::string last;
    for (std::size_t i = begin; i < end; ++i) {
      last.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(text[i]))));
    }
    static constexpr std::string_view dangling[] = {
        "at", "with", "on",  "for", "around", "about", "after", "before", "the",
        "a",  "an",   "and", "by",  "to",     "my",    "is",    "next",   "this"};
    for (auto d : dangling) {
      if (last == d) {
        tail = last;
        return;
      }
    }
  }

  bool booking_info(const utterance& u) const {
    const auto& c = u.catalog;
    return !c.services.empty() || !c.not_services.empty() || !c.ambiguous_variants.empty() ||
           !c.stylists.empty() || c.any_stylist || !u.when.empty() || u.later || u.earlier;
  }

  bool asks_question(const utterance& u) const {
    return u.has(intent::prices) || u.has(intent::hours) || u.has(intent::location) ||
           u.has(intent::stylists) || u.has(intent::shop_info);
  }

  reply respond(const utterance& u, const local_moment& now) {
    if (u.has(intent::human) && (u.primary() == intent::human || u.intents.size() == 1)) {
      return hand_off("caller asked for a person");
    }
    if (at == step::offer_person) {
      if (u.reply == answer::yes) return hand_off("caller was not understood");
      if (u.reply == answer::no) {
        not_understood = 0;
        reply r;
        r.sentences.push_back("Okay, let's try again.");
        at = current == flow::none ? step::open : at_before_person;
        reprompt(r);
        return r;
      }
    }
    const bool leaving = u.primary() == intent::goodbye ||
                         (at == step::anything_else && (u.reply == answer::no || u.thanks) &&
                          !booking_info(u) && !asks_question(u) && !u.has(intent::book) &&
                          !u.has(intent::cancel) && !u.has(intent::reschedule));
    if (leaving) return goodbye();

    if (u.name) name = u.name;
    auto r = handle_step(u, now);
    if (r) {
      not_understood = 0;
    } else {
      r = handle_intents(u, now);
    }
    if (u.sentiment <= -0.4) {
      r->sentences.insert(r->sentences.begin(),
                          vary("empathy", {"I'm sorry to hear that.", "I'm sorry about that."}));
    }
    return std::move(*r);
  }

  std::optional<reply> handle_step(const utterance& u, const local_moment& now) {
    switch (at) {
      case step::confirm: {
        if (booking_info(u) &&
            (u.when.has_day() || u.when.has_time() || !u.catalog.services.empty() ||
             !u.catalog.stylists.empty() || !u.catalog.not_services.empty())) {
          return continue_booking(u, now);
        }
        if (u.reply == answer::yes) {
          if (!readback_heard) {
            reply r;
            r.sentences.push_back("Let me repeat that so you hear it all.");
            readback(r);
            return r;
          }
          return commit(now);
        }
        if (u.reply == answer::no) {
          reply r;
          chosen.reset();
          offers.clear();
          r.sentences.push_back("No problem.");
          r.sentences.push_back(
              "What would you like to change: the day, the time, or the service?");
          at = step::ask_when;
          return r;
        }
        return std::nullopt;
      }
      case step::offer: {
        if (u.choice != 0 && !offers.empty()) {
          const int n = static_cast<int>(offers.size());
          const int pick = u.choice < 0 ? n - 1 : u.choice - 1;
          if (pick >= 0 && pick < n) return take_offer(offers[static_cast<std::size_t>(pick)], now);
        }
        if (u.when.at && !u.when.after && !u.when.before) {
          for (const auto& o : offers) {
            const auto m = clock().to_local(o.start);
            const int minute = resolve_minute_of_day(*u.when.at, book().hours_on(m.day));
            const bool same_day = !u.when.day || *u.when.day == m.day;
            if (same_day && minute == m.minute_of_day.count()) return take_offer(o, now);
          }
        }
        if ((u.later || u.earlier) && !offers.empty() && u.when.empty()) {
          return shift_offers(u.later, now);
        }
        if (booking_info(u)) return continue_booking(u, now);
        if (u.reply == answer::yes && !offers.empty()) {
          if (!offers_heard) {
            reply r;
            offers_heard = true;
            r.sentences.push_back("Sorry, let me give you the times again.");
            say_offers(r);
            return r;
          }
          return take_offer(offers.front(), now);
        }
        if (u.reply == answer::no) {
          reply r;
          offers.clear();
          when = when_request{};
          r.sentences.push_back(
              vary("other_time", {"Okay. What other day or time would work for you?",
                                  "No problem. When else would suit you?"}));
          at = step::ask_when;
          return r;
        }
        return std::nullopt;
      }
      case step::ask_name: {
        if (u.name) return continue_booking(u, now);
        if (booking_info(u) || asks_question(u)) return std::nullopt;
        ++name_attempts;
        if (name_attempts >= 2) {
          // The booking matters more than the name; the phone number identifies the caller.
          name = std::string{};
          reply r;
          readback(r);
          return r;
        }
        reply r;
        r.sentences.push_back(
            "Sorry, I didn't get your name. Could you say your first and last name?");
        return r;
      }
      case step::ask_variant: {
        if (u.catalog.variant_hint != service_variant::none && u.catalog.services.empty()) {
          for (const auto& id : variant_choices) {
            for (std::size_t s = 0; s < shop().services.size(); ++s) {
              if (shop().services[s].id == id &&
                  model->catalog.variant(s) == u.catalog.variant_hint) {
                if (std::find(services.begin(), services.end(), id) == services.end()) {
                  services.push_back(id);
                }
                variant_choices.clear();
                return advance(now);
              }
            }
          }
        }
        return std::nullopt;
      }
      case step::offer_booking: {
        if (u.reply == answer::yes && !booking_info(u) && !asks_question(u)) {
          current = flow::booking;
          return advance(now);
        }
        if (u.reply == answer::no && !booking_info(u) && !asks_question(u)) {
          reply r;
          r.sentences.push_back(vary("no_problem", {"No problem.", "Okay."}));
          r.sentences.push_back(
              vary("anything_else", {"Is there anything else I can help you with?",
                                     "Can I help you with anything else?"}));
          at = step::anything_else;
          return r;
        }
        return std::nullopt;
      }
      case step::anything_else: {
        if (u.reply == answer::yes && !booking_info(u) && !asks_question(u) && u.intents.empty()) {
          reply r;
          r.sentences.push_back("Sure, what can I help you with?");
          at = step::open;
          return r;
        }
        return std::nullopt;
      }
      case step::choose_appointment: {
        std::optional<upcoming_appointment> pick;
        if (u.choice != 0) {
          const int n = static_cast<int>(appointments.size());
          const int i = u.choice < 0 ? n - 1 : u.choice - 1;
          if (i >= 0 && i < n) pick = appointments[static_cast<std::size_t>(i)];
        }
        if (!pick && u.when.day) {
          for (const auto& a : appointments) {
            if (clock().to_local(a.start).day == *u.when.day) {
              pick = a;
              break;
            }
          }
        }
        if (!pick && !u.catalog.services.empty()) {
          const auto& wanted = shop().services[u.catalog.services.front()].id;
          for (const auto& a : appointments) {
            if (std::find(a.service_ids.begin(), a.service_ids.end(), wanted) !=
                a.service_ids.end()) {
              pick = a;
              break;
            }
          }
        }
        if (!pick) return std::nullopt;
        reply r;
        select_appointment(r, *pick, now);
        return r;
      }
      case step::confirm_cancel: {
        if (u.reply == answer::yes && target) {
          reply r;
          r.sentences.push_back(vary(
              "cancelling", {"Okay, cancelling it now.", "Alright, I'm cancelling that for you."}));
          r.actions.push_back(cancel_action{target->id});
          at = step::wait_change;
          return r;
        }
        if (u.reply == answer::no) {
          reply r;
          r.sentences.push_back("Okay, I'll leave it as it is.");
          r.sentences.push_back("Is there anything else I can help you with?");
          current = flow::none;
          target.reset();
          at = step::anything_else;
          return r;
        }
        return std::nullopt;
      }
      case step::wait_booking:
      case step::wait_lookup:
      case step::wait_change: {
        reply r;
        r.sentences.push_back("One moment please, I'm still working on that.");
        return r;
      }
      default:
        return std::nullopt;
    }
  }

  reply handle_intents(const utterance& u, const local_moment& now) {
    reply r;
    if (u.has(intent::reschedule) || u.has(intent::cancel)) {
      const bool move = u.has(intent::reschedule);
      current = move ? flow::reschedule : flow::cancel;
      when = when_request{};
      if (move) when.merge(u.when);
      chosen.reset();
      offers.clear();
      r.sentences.push_back(vary("lookup", {"Sure, let me look up your appointment.",
                                            "Okay, let me find your appointment."}));
      r.actions.push_back(lookup_appointments_action{phone});
      at = step::wait_lookup;
      not_understood = 0;
      return r;
    }
    const bool question = asks_question(u);
    if (question) answer_questions(r, u, now);
    const bool wants_booking =
        u.has(intent::book) ||
        (booking_info(u) && !question &&
         (current == flow::booking || current == flow::reschedule || at == step::open ||
          at == step::ask_service || at == step::ask_when || at == step::ask_day ||
          at == step::offer_booking || at == step::anything_else || at == step::ask_variant)) ||
        (current == flow::booking && (u.when.has_day() || u.when.has_time()) && !question);
    if (wants_booking) {
      if (current != flow::reschedule) current = flow::booking;
      not_understood = 0;
      auto more = continue_booking(u, now);
      r.sentences.insert(r.sentences.end(), more.sentences.begin(), more.sentences.end());
      r.actions.insert(r.actions.end(), more.actions.begin(), more.actions.end());
      return r;
    }
    if (question) {
      not_understood = 0;
      if (current == flow::booking || current == flow::reschedule) {
        reprompt(r);
      } else {
        r.sentences.push_back(vary("offer_booking", {"Would you like to book an appointment?",
                                                     "Can I book an appointment for you?"}));
        at = step::offer_booking;
      }
      return r;
    }
    if (u.name && current == flow::none) {
      r.sentences.push_back("Thanks, " + first_name(*u.name) + ". How can I help you today?");
      not_understood = 0;
      return r;
    }
    // A name given while the booking waits for something else is kept (respond() did), not
    // taken for a misunderstanding.
    if (u.name && !first_name(*u.name).empty()) {
      r.sentences.push_back("Thanks, " + first_name(*u.name) + ".");
      not_understood = 0;
      reprompt(r);
      return r;
    }
    if (u.greeting || (u.reply != answer::none && at == step::open)) {
      r.sentences.push_back(
          vary("greet_back", {"Hi! How can I help you today?", "Hello! What can I do for you?"}));
      not_understood = 0;
      return r;
    }
    if (u.thanks) {
      r.sentences.push_back("You're welcome!");
      r.sentences.push_back("Is there anything else I can help you with?");
      at = step::anything_else;
      not_understood = 0;
      return r;
    }
    if (u.understood() && u.reply != answer::none) {
      // A yes or no that fits nothing pending: restate where we are.
      not_understood = 0;
      reprompt(r);
      return r;
    }
    return not_understood_reply(false);
  }

  reply not_understood_reply(bool silent) {
    reply r;
    ++not_understood;
    if (not_understood >= not_understood_limit) {
      r.sentences.push_back("I'm sorry, I'm having trouble understanding.");
      r.sentences.push_back("Would you like me to connect you with someone at the salon?");
      if (at != step::offer_person) at_before_person = at;
      at = step::offer_person;
      return r;
    }
    r.sentences.push_back(
        silent ? vary("silence", {"Sorry, I didn't hear anything.", "Sorry, I didn't catch that."})
               : vary("not_understood",
                      {"Sorry, I didn't quite get that.", "I'm sorry, I didn't understand."}));
    reprompt(r);
    return r;
  }

  reply hand_off(std::string reason) {
    reply r;
    transferred = true;
    note_intent(intent::human);
    r.sentences.push_back(
        vary("hand_off", {"Of course, let me connect you with someone from the salon.",
                          "Sure, I'll transfer you to a member of our team."}));
    r.actions.push_back(hand_off_action{std::move(reason)});
    at = step::ended;
    return r;
  }

  reply goodbye() {
    reply r;
    note_intent(intent::goodbye);
    r.sentences.push_back(vary("goodbye", {"Thanks for calling " + shop().name + ". Goodbye!",
                                           "Thank you for calling. Have a great day!"}));
    r.actions.push_back(end_call_action{"caller said goodbye"});
    at = step::ended;
    return r;
  }

  // Re-asks whatever is pending.
  void reprompt(reply& r) {
    switch (at) {
      case step::ask_service:
        r.sentences.push_back("What service would you like to book?");
        return;
      case step::ask_variant:
        ask_variant_question(r);
        return;
      case step::ask_when:
        r.sentences.push_back("What day and time would work for you?");
        return;
      case step::ask_day:
        r.sentences.push_back("What day would you like to come in?");
        return;
      case step::offer:
        say_offers(r);
        return;
      case step::ask_name:
        r.sentences.push_back("Can I get your name for the booking?");
        return;
      case step::confirm:
        readback(r);
        return;
      case step::offer_booking:
        r.sentences.push_back("Would you like to book an appointment?");
        return;
      case step::anything_else:
        r.sentences.push_back("Is there anything else I can help you with?");
        return;
      case step::choose_appointment:
        r.sentences.push_back("Which appointment do you mean?");
        return;
      case step::confirm_cancel:
        r.sentences.push_back("Should I cancel it? Please say yes or no.");
        return;
      case step::offer_person:
        r.sentences.push_back("Would you like me to connect you with someone at the salon?");
        return;
      default:
        break;
    }
    r.sentences.push_back(
        "You can book, change or cancel an appointment, or ask about our "
        "services, prices and hours. How can I help?");
  }

  // ---- questions ----

  void answer_questions(reply& r, const utterance& u, const local_moment& now) {
    if (u.has(intent::prices)) answer_prices(r, u);
    if (u.has(intent::hours)) answer_hours(r, u, now);
    if (u.has(intent::location)) answer_location(r, u);
    if (u.has(intent::stylists)) answer_stylists(r, u);
    if (u.has(intent::shop_info) && !u.has(intent::location)) answer_fact(r, u.fact);
  }

  void answer_prices(reply& r, const utterance& u) {
    const auto& services_all = shop().services;
    if (services_all.empty()) {
      r.sentences.push_back("I don't have our service menu on hand right now.");
      return;
    }
    std::vector<std::size_t> asked = u.catalog.services;
    for (auto s : u.catalog.ambiguous_variants) asked.push_back(s);
    // "how much is it" in the middle of a booking is about the booking's services.
    if (asked.empty() && !u.asks_menu) {
      for (const auto& id : active_services()) {
        for (std::size_t k = 0; k < services_all.size(); ++k) {
          if (services_all[k].id == id) asked.push_back(k);
        }
      }
    }
    if (asked.empty()) {
      if (services_all.size() <= 8) {
        std::vector<std::string> names;
        for (const auto& s : services_all) names.push_back(spoken_service(s.name));
        r.sentences.push_back("We offer " + say_list(names) + ".");
      } else {
        std::vector<std::string> categories;
        for (const auto& s : services_all) {
          const std::string c = lower(s.category.empty() ? s.name : s.category);
          if (std::find(categories.begin(), categories.end(), c) == categories.end()) {
            categories.push_back(c);
          }
        }
        if (categories.size() > 6) categories.resize(6);
        r.sentences.push_back("We offer " + say_list(categories) + ".");
      }
      if (!u.asks_menu) r.sentences.push_back("Which service would you like a price for?");
      return;
    }
    quoted_service.reset();
    if (asked.size() == 1) quoted_service = services_all[asked.front()].id;
    for (std::size_t i = 0; i < asked.size() && i < 4; ++i) {
      const auto& s = services_all[asked[i]];
      std::string name = spoken_service(s.name);
      name.front() = static_cast<char>(std::toupper(static_cast<unsigned char>(name.front())));
      std::string price = say_price(s);
      std::string sentence;
      if (s.from_price) {
        sentence = name + " starts at " + say_money(s.price_cents);
      } else if (s.max_price_cents && *s.max_price_cents > s.price_cents) {
        sentence = name + " ranges from " + say_money(s.price_cents) + " to " +
                   say_money(*s.max_price_cents);
      } else {
        sentence = name + " is " + price;
      }
      if (s.duration_minutes > 0)
        sentence += " and takes about " + say_duration(s.duration_minutes);
      r.sentences.push_back(sentence + ".");
    }
  }

  void answer_hours(reply& r, const utterance& u, const local_moment& now) {
    const auto& hours = shop().hours;
    if (std::none_of(hours.begin(), hours.end(), [](const auto& h) { return h.has_value(); })) {
      r.sentences.push_back("I don't have our opening hours on hand, I'm sorry.");
      return;
    }
    if (u.when.day) {
      const auto day = *u.when.day;
      const auto h = book().hours_on(day);
      const std::string_view wd = weekday_name(std::chrono::weekday{day}.c_encoding());
      const bool today = day == now.day;
      const std::string on = today ? std::string{"today"} : "on " + std::string{wd};
      if (!h) {
        if (!hours[std::chrono::weekday{day}.c_encoding()]) {
          r.sentences.push_back("Sorry, we're closed on " + std::string{wd} + "s.");
        } else {
          r.sentences.push_back("Sorry, we're closed on " + say_date(day) + ".");
        }
        return;
      }
      const std::string opens = say_clock(static_cast<int>(h->opens.count()));
      const std::string closes = say_clock(static_cast<int>(h->closes.count()));
      std::string s;
      if (u.asks_closing && !u.asks_opening) {
        s = (today ? "Today" : "On " + std::string{wd}) + " we close at " + closes + ".";
      } else if (u.asks_opening && !u.asks_closing && !has_is_open(u)) {
        s = (today ? "Today" : "On " + std::string{wd}) + " we open at " + opens + ".";
      } else {
        s = "Yes, " + on + " we're open from " + opens + " to " + closes + ".";
      }
      r.sentences.push_back(s);
      return;
    }
    r.sentences.push_back(week_hours());
  }

  static bool has_is_open(const utterance& u) { return u.asks_opening && u.asks_closing; }

  std::string week_hours() const {
    // Monday first, the way people say it; runs of equal hours are joined.
    const auto& hours = shop().hours;
    std::vector<std::string> parts;
    std::vector<std::string> closed;
    unsigned i = 0;
    while (i < 7) {
      const unsigned d = (i + 1) % 7;
      const auto& h = hours[d];
      if (!h) {
        closed.push_back(std::string{weekday_name(d)});
        ++i;
        continue;
      }
      unsigned j = i + 1;
      while (j < 7) {
        const auto& n = hours[(j + 1) % 7];
        if (!n || n->opens != h->opens || n->closes != h->closes) break;
        ++j;
      }
      const std::string first{weekday_name(d)};
      const std::string last{weekday_name(j % 7)};
      std::string days_said = j - i == 1   ? first
                              : j - i == 2 ? first + " and " + last
                                           : first + " through " + last;
      parts.push_back(days_said + " from " + say_clock(static_cast<int>(h->opens.count())) +
                      " to " + say_clock(static_cast<int>(h->closes.count())));
      i = j;
    }
    std::string s = "We're open " + say_list(parts) + ".";
    if (!closed.empty()) s += " We're closed " + say_list(closed) + ".";
    return s;
  }

  void answer_location(reply& r, const utterance& u) {
    if (u.fact == "parking") {
      answer_fact(r, "parking");
      return;
    }
    if (shop().address.empty()) {
      r.sentences.push_back("I don't have our address on hand, I'm sorry.");
    } else {
      r.sentences.push_back("We're at " + shop().address + ".");
    }
    if (const auto it = shop().facts.find("parking");
        it != shop().facts.end() && (u.fact == "parking")) {
      r.sentences.push_back(it->second);
    }
  }

  void answer_fact(reply& r, const std::string& fact) {
    if (const auto it = shop().facts.find(fact); !fact.empty() && it != shop().facts.end()) {
      r.sentences.push_back(it->second);
      return;
    }
    r.sentences.push_back("I'm not sure about that, but the team at the salon can tell you.");
  }

  void answer_stylists(reply& r, const utterance& u) {
    const auto& stylists = shop().stylists;
    if (stylists.empty()) {
      r.sentences.push_back("Any of our stylists can take care of you.");
      return;
    }
    if (!u.catalog.stylists.empty()) {
      const std::size_t s = u.catalog.stylists.front();
      const std::string who = first_name(stylists[s].name);
      if (u.when.day) {
        const auto day = *u.when.day;
        const auto h = book().hours_on(day);
        if (!h) {
          r.sentences.push_back("We're closed on " + say_date(day) + ", so " + who + " isn't in.");
        } else if (!book().works_on(s, day)) {
          r.sentences.push_back("No, " + who + " isn't in on " + say_date(day) + ".");
        } else {
          r.sentences.push_back("Yes, " + who + " is in on " + say_date(day) + ", from " +
                                say_clock(static_cast<int>(h->opens.count())) + " to " +
                                say_clock(static_cast<int>(h->closes.count())) + ".");
        }
        return;
      }
      std::string role = stylists[s].role.empty() ? "one of our stylists" : lower(stylists[s].role);
      r.sentences.push_back(stylists[s].name + " is our " + role + ".");
      return;
    }
    std::vector<std::size_t> asked = u.catalog.services;
    for (auto s : u.catalog.ambiguous_variants) asked.push_back(s);
    if (!asked.empty()) {
      const std::vector<std::string> ids{shop().services[asked.front()].id};
      std::vector<std::string> names;
      for (std::size_t s = 0; s < stylists.size(); ++s) {
        if (book().does_all(s, ids)) names.push_back(first_name(stylists[s].name));
      }
      const std::string service = spoken_service(shop().services[asked.front()].name);
      if (names.empty()) {
        r.sentences.push_back("I'm not sure who does " + service + " right now.");
      } else if (names.size() == 1) {
        r.sentences.push_back(names.front() + " does " + service + ".");
      } else {
        r.sentences.push_back(say_list(names) + " all do " + service + ".");
      }
      return;
    }
    std::vector<std::string> team;
    for (const auto& s : stylists) {
      team.push_back(first_name(s.name) + (s.role.empty() ? "" : ", " + lower(s.role)));
    }
    r.sentences.push_back("Our team is " + say_list(team) + ".");
  }

  // ---- booking ----

  // Applies what the caller said to the booking and moves it forward.
  reply continue_booking(const utterance& u, const local_moment& now) {
    const auto& c = u.catalog;
    bool changed = false;
    if (current == flow::none) current = flow::booking;
    if (current == flow::booking) {
      for (auto s : c.not_services) {
        const auto& id = shop().services[s].id;
        const auto it = std::find(services.begin(), services.end(), id);
        if (it != services.end()) {
          services.erase(it);
          changed = true;
        }
      }
      if (!c.services.empty()) {
        std::vector<std::string> ids;
        for (auto s : c.services) ids.push_back(shop().services[s].id);
        if (u.addition && !services.empty()) {
          for (auto& id : ids) {
            if (std::find(services.begin(), services.end(), id) == services.end()) {
              services.push_back(id);
            }
          }
        } else if (ids != services) {
          services = ids;
        }
        changed = true;
        variant_choices.clear();
      }
      if (!c.ambiguous_variants.empty()) {
        variant_choices.clear();
        for (auto s : c.ambiguous_variants) variant_choices.push_back(shop().services[s].id);
        if (!u.addition && c.services.empty()) services.clear();
        changed = true;
      }
    }
    if (!c.stylists.empty()) {
      stylist_id = shop().stylists[c.stylists.front()].id;
      any_stylist = false;
      changed = true;
    } else if (c.any_stylist) {
      stylist_id.reset();
      any_stylist = true;
      changed = true;
    }
    if (stylist_id && !c.not_stylists.empty()) {
      for (auto s : c.not_stylists) {
        if (shop().stylists[s].id == *stylist_id) {
          stylist_id.reset();
          changed = true;
        }
      }
    }
    if (!u.when.empty()) {
      when.merge(u.when);
      changed = true;
    }
    if (u.later || u.earlier) {
      if (!offers.empty() && u.when.empty()) return shift_offers(u.later, now);
    }
    if (changed) {
      chosen.reset();
      offers.clear();
      readback_heard = true;
    }
    return advance(now);
  }

  void ask_variant_question(reply& r) {
    std::vector<std::string> names;
    for (const auto& id : variant_choices) {
      if (const auto* s = service_by_id(id)) names.push_back(spoken_service(s->name));
    }
    r.sentences.push_back("Is that a " + say_list(names, "or") + "?");
  }

  std::vector<std::string> active_services() const {
    if (current == flow::reschedule && target) return target->service_ids;
    return services;
  }

  std::optional<std::string> active_stylist() const {
    if (current == flow::reschedule && target && !stylist_id) {
      if (const auto s = stylist_by_name(target->stylist)) return shop().stylists[*s].id;
      return std::nullopt;
    }
    return stylist_id;
  }

  slot_query base_query(const local_moment& now) const {
    slot_query q;
    q.service_ids = active_services();
    q.stylist = active_stylist();
    q.now = std::max(now_sys, clock().to_sys(now.day, now.minute_of_day));
    q.also_taken = lost;
    if (current == flow::reschedule && target) {
      q.ignore = booked_interval{target->stylist, target->start, target->end};
    }
    return q;
  }

  reply advance(const local_moment& now) {
    reply r;
    if (shop().services.empty()) {
      r.sentences.push_back("I'm sorry, I can't book appointments over the phone right now.");
      r.sentences.push_back("Would you like me to connect you with someone at the salon?");
      at_before_person = step::open;
      at = step::offer_person;
      return r;
    }
    if (current == flow::booking) {
      if (!variant_choices.empty()) {
        ask_variant_question(r);
        at = step::ask_variant;
        return r;
      }
      if (services.empty() && quoted_service) services.push_back(*quoted_service);
      if (services.empty()) {
        r.sentences.push_back(vary("ask_service", {"What service would you like to book?",
                                                   "Sure. What would you like to have done?"}));
        at = step::ask_service;
        return r;
      }
    }
    // A stylist who does not do the service: say so and book whoever does.
    if (const auto wanted = active_stylist(); wanted && current == flow::booking) {
      const auto s = stylist_by_id(*wanted);
      if (s && !book().does_all(*s, services)) {
        std::vector<std::string> others;
        for (std::size_t k = 0; k < shop().stylists.size(); ++k) {
          if (book().does_all(k, services)) others.push_back(first_name(shop().stylists[k].name));
        }
        std::string sentence = first_name(shop().stylists[*s].name) + " doesn't do " +
                               services_phrase(services, false);
        sentence += others.empty()
                        ? "."
                        : ", but " + say_list(others) + (others.size() == 1 ? " does." : " do.");
        r.sentences.push_back(sentence);
        stylist_id.reset();
      }
    }
    if (chosen) {
      if (current == flow::booking && !name) {
        r.sentences.push_back(vary("ask_name", {"Can I get your name for the booking?",
                                                "And what name should I put it under?"}));
        at = step::ask_name;
        return r;
      }
      readback(r);
      return r;
    }
    if (when.empty()) {
      if (current == flow::reschedule && target) {
        r.sentences.push_back("What day and time would you like instead?");
      } else {
        r.sentences.push_back(vary("ask_when", {"What day and time would work for you?",
                                                "When would you like to come in?"}));
      }
      at = step::ask_when;
      return r;
    }
    if (when.at && !when.day && !when.earliest) {
      // "at 3" alone: today if it is still ahead and open, otherwise ask for the day.
      const auto h = book().hours_on(now.day);
      const int m = resolve_minute_of_day(*when.at, h);
      if (h && m > now.minute_of_day.count() && m >= h->opens.count() && m < h->closes.count()) {
        when.day = now.day;
      } else {
        r.sentences.push_back("What day would you like to come in at " +
                              say_clock(resolve_minute_of_day(*when.at, book().widest_hours())) +
                              "?");
        at = step::ask_day;
        return r;
      }
    }
    if (when.at && when.day) {
      exact_time(r, now);
    } else {
      open_search(r, now);
    }
    return r;
  }

  // The caller named a time: book it if free, otherwise say why and offer the nearest two.
  void exact_time(reply& r, const local_moment& now) {
    auto day = *when.day;
    const auto last = when.last_day.value_or(day);
    // "this weekend at 10": the first day of the span that is open.
    for (auto d = day; d <= last; d += days{1}) {
      if (book().hours_on(d)) {
        day = d;
        break;
      }
    }
    const auto hours = book().hours_on(day);
    const int minute = resolve_minute_of_day(*when.at, hours);
    const auto target_time = clock().to_sys(day, minutes{minute});
    const auto length = book().duration_of(active_services());
    const std::string asked = say_clock(minute) + " on " + say_date(day);
    if (!hours) {
      r.sentences.push_back("Sorry, we're closed on " + say_date(day) + ".");
      offer_nearest(r, target_time, day, now);
      return;
    }
    if (minute < hours->opens.count() || minute >= hours->closes.count()) {
      r.sentences.push_back(
          "On " + std::string{weekday_name(std::chrono::weekday{day}.c_encoding())} +
          " we're open from " + say_clock(static_cast<int>(hours->opens.count())) + " to " +
          say_clock(static_cast<int>(hours->closes.count())) + ".");
      offer_nearest(r, target_time, day, now);
      return;
    }
    if (minute + length.count() > hours->closes.count()) {
      r.sentences.push_back("That would run past our closing time of " +
                            say_clock(static_cast<int>(hours->closes.count())) + ".");
      offer_nearest(r, target_time, day, now);
      return;
    }
    if (target_time < now_sys) {
      r.sentences.push_back(asked + " has already passed.");
      offer_nearest(r, target_time, day, now);
      return;
    }
    auto q = base_query(now);
    if (when.around) {
      q.from = target_time - minutes{60};
      q.to = target_time + minutes{61};
      q.max_slots = 16;
      auto slots = book().find(q);
      if (!slots.empty()) {
        std::stable_sort(slots.begin(), slots.end(), [&](const auto& a, const auto& b) {
          return std::chrono::abs(a.start - target_time) < std::chrono::abs(b.start - target_time);
        });
        offers = {slots.front()};
        if (slots.front().start == target_time) {
          take_chosen(r, slots.front(), now);
        } else {
          if (slots.size() > 1) offers.push_back(slots[1]);
          std::sort(offers.begin(), offers.end(),
                    [](const auto& a, const auto& b) { return a.start < b.start; });
          offers_heard = true;
          say_offers(r);
          at = step::offer;
        }
        return;
      }
    } else {
      q.from = target_time;
      q.to = target_time + std::chrono::seconds{1};
      q.max_slots = 1;
      const auto slots = book().find(q);
      if (!slots.empty()) {
        take_chosen(r, slots.front(), now);
        return;
      }
    }
    r.sentences.push_back(
        vary("taken", {asked + " is already taken.", "I'm sorry, " + asked + " is booked."}));
    offer_nearest(r, target_time, day, now);
  }

  // Offers the two free starts nearest to `target_time` on `day`, then the earliest after it.
  void offer_nearest(reply& r, sys_seconds target_time, local_days day, const local_moment& now) {
    auto q = base_query(now);
    q.from = clock().to_sys(day, minutes{0});
    q.to = clock().to_sys(day + days{1}, minutes{0});
    q.max_slots = 96;
    const auto free_that_day = book().find(q);
    // One just before and one just after the asked time; two on one side when the other has none.
    std::vector<free_slot> same_day;
    const auto after = std::find_if(free_that_day.begin(), free_that_day.end(),
                                    [&](const free_slot& s) { return s.start >= target_time; });
    if (after != free_that_day.begin()) same_day.push_back(*(after - 1));
    if (after != free_that_day.end()) same_day.push_back(*after);
    if (same_day.size() < 2) {
      std::vector<free_slot> rest = free_that_day;
      std::stable_sort(rest.begin(), rest.end(), [&](const auto& a, const auto& b) {
        return std::chrono::abs(a.start - target_time) < std::chrono::abs(b.start - target_time);
      });
      for (const auto& s : rest) {
        if (same_day.size() >= 2) break;
        if (std::find(same_day.begin(), same_day.end(), s) == same_day.end()) same_day.push_back(s);
      }
    }
    if (same_day.size() < 2) {
      q.from = clock().to_sys(day + days{1}, minutes{0});
      q.to = clock().to_sys(day + days{search_days + 1}, minutes{0});
      q.max_slots = 2 - same_day.size();
      const auto later = book().find(q);
      same_day.insert(same_day.end(), later.begin(), later.end());
    }
    std::sort(same_day.begin(), same_day.end(),
              [](const auto& a, const auto& b) { return a.start < b.start; });
    present_offers(r, std::move(same_day));
  }

  void open_search(reply& r, const local_moment& now) {
    auto q = base_query(now);
    const auto first = when.day.value_or(now.day);
    const auto last = when.last_day.value_or(when.day ? *when.day : now.day + days{search_days});
    q.from = clock().to_sys(first, minutes{0});
    q.to = clock().to_sys(last + days{1}, minutes{0});
    q.start_within = span_of(when.part);
    const auto widest = when.day ? book().hours_on(*when.day) : book().widest_hours();
    if (when.after) {
      q.start_within.from =
          std::max(q.start_within.from, resolve_minute_of_day(*when.after, widest));
    }
    if (when.before) {
      q.start_within.to = std::min(q.start_within.to, resolve_minute_of_day(*when.before, widest));
    }
    q.max_slots = 2;
    auto slots = book().find(q);
    if (slots.empty() && when.day) {
      if (!when.last_day && !book().hours_on(*when.day)) {
        r.sentences.push_back("Sorry, we're closed on " + say_date(*when.day) + ".");
      } else {
        r.sentences.push_back("I don't have anything open " + describe_request() + ".");
      }
      q.from = clock().to_sys(last + days{1}, minutes{0});
      q.to = clock().to_sys(last + days{search_days + 1}, minutes{0});
      slots = book().find(q);
      if (slots.empty()) {
        q.start_within = minute_span{};
        slots = book().find(q);
      }
    } else if (slots.empty() && (when.part != part_of_day::none || when.after || when.before)) {
      r.sentences.push_back("I don't have anything open " + describe_request() +
                            " in the next two weeks.");
      q.start_within = minute_span{};
      slots = book().find(q);
    }
    present_offers(r, std::move(slots));
  }

  std::string describe_request() const {
    std::string s;
    switch (when.part) {
      case part_of_day::morning:
        s = "in the morning";
        break;
      case part_of_day::afternoon:
        s = "in the afternoon";
        break;
      case part_of_day::evening:
        s = "in the evening";
        break;
      case part_of_day::none:
        break;
    }
    if (when.after) {
      s += (s.empty() ? "" : " ") + std::string{"after "} +
           say_clock(resolve_minute_of_day(*when.after, book().widest_hours()));
    }
    if (when.before) {
      s += (s.empty() ? "" : " ") + std::string{"before "} +
           say_clock(resolve_minute_of_day(*when.before, book().widest_hours()));
    }
    if (when.day) {
      if (when.last_day && *when.last_day != *when.day) {
        s += (s.empty() ? "" : " ") + std::string{"between "} + say_date(*when.day) + " and " +
             say_date(*when.last_day);
      } else {
        s += (s.empty() ? "" : " ") + std::string{"on "} + say_date(*when.day);
      }
    }
    return s.empty() ? "then" : s;
  }

  void present_offers(reply& r, std::vector<free_slot> slots) {
    if (slots.empty()) {
      r.sentences.push_back("I'm sorry, I don't see any openings in the next two weeks.");
      r.sentences.push_back("Would you like me to connect you with someone at the salon?");
      at_before_person = step::ask_when;
      at = step::offer_person;
      offers.clear();
      return;
    }
    offers = std::move(slots);
    offers_heard = true;
    say_offers(r);
    at = step::offer;
  }

  void say_offers(reply& r) {
    if (offers.empty()) {
      r.sentences.push_back("What day and time would work for you?");
      return;
    }
    const auto a = clock().to_local(offers.front().start);
    const std::string stylist_note =
        stylist_id && offers.front().stylist ? resource_phrase(offers.front()) : std::string{};
    if (offers.size() == 1) {
      r.sentences.push_back("The closest I have is " + say_moment(a) + stylist_note + ".");
      r.sentences.push_back("Does that work for you?");
      return;
    }
    const auto b = clock().to_local(offers[1].start);
    const std::string a_clock = say_clock(static_cast<int>(a.minute_of_day.count()));
    const std::string b_clock = say_clock(static_cast<int>(b.minute_of_day.count()));
    if (a.day == b.day) {
      r.sentences.push_back(vary(
          "offer_same_day",
          {"I have " + a_clock + " or " + b_clock + " on " + say_date(a.day) + stylist_note + ".",
           "I can do " + a_clock + " or " + b_clock + " on " + say_date(a.day) + stylist_note +
               "."}));
    } else {
      r.sentences.push_back("I have " + say_moment(a) + " or " + say_moment(b) + stylist_note +
                            ".");
    }
    r.sentences.push_back(vary("which", {"Which would you prefer?", "Which one works better?"}));
  }

  reply shift_offers(bool later, const local_moment& now) {
    reply r;
    auto q = base_query(now);
    if (later) {
      q.from = offers.back().start + std::chrono::seconds{1};
      q.to = q.from + days{search_days};
    } else {
      const auto day = clock().to_local(offers.front().start).day;
      q.from = clock().to_sys(day, minutes{0});
      q.to = offers.front().start;
    }
    q.max_slots = 2;
    auto slots = book().find(q);
    if (slots.empty()) {
      r.sentences.push_back(later ? "I don't have anything later than that."
                                  : "I don't have anything earlier than that.");
      say_offers(r);
      return r;
    }
    present_offers(r, std::move(slots));
    return r;
  }

  reply take_offer(const free_slot& slot, const local_moment& now) {
    reply r;
    take_chosen(r, slot, now);
    return r;
  }

  void take_chosen(reply& r, const free_slot& slot, const local_moment& now) {
    chosen = slot;
    offers.clear();
    const auto m = clock().to_local(slot.start);
    when.day = m.day;
    when.last_day.reset();
    when.at = clock_time{static_cast<int>(m.minute_of_day.count() / 60),
                         static_cast<int>(m.minute_of_day.count() % 60), meridiem::unknown};
    when.around = false;
    when.after.reset();
    when.before.reset();
    when.part = part_of_day::none;
    when.earliest = false;
    when.anytime = false;
    auto more = advance(now);
    r.sentences.insert(r.sentences.end(), more.sentences.begin(), more.sentences.end());
  }

  void readback(reply& r) {
    if (!chosen) return;
    const auto m = clock().to_local(chosen->start);
    readback_key = say_clock(static_cast<int>(m.minute_of_day.count()));
    readback_heard = true;
    if (current == flow::reschedule && target) {
      r.sentences.push_back("To confirm, I'll move your " +
                            services_phrase(target->service_ids, false) + resource_phrase(*chosen) +
                            " to " + say_moment(m) + ".");
      r.sentences.push_back("Shall I go ahead?");
      at = step::confirm;
      return;
    }
    const auto list = chosen_services();
    r.sentences.push_back(vary("readback", {"Just to confirm: ", "Let me read that back: "}) +
                          services_phrase(services, true) + resource_phrase(*chosen) + " at " +
                          say_moment(m) + ".");
    std::string price = say_total_price(list);
    r.sentences.push_back(price.starts_with("from") ? "The price starts " + price + "."
                                                    : "The price is " + price + ".");
    r.sentences.push_back(name && !name->empty()
                              ? "Shall I book that for " + first_name(*name) + "?"
                              : "Shall I book that?");
    at = step::confirm;
  }

  reply commit(const local_moment&) {
    reply r;
    if (!chosen) return r;
    if (current == flow::reschedule && target) {
      r.sentences.push_back("Great, moving it now.");
      r.actions.push_back(
          reschedule_action{target->id, chosen->resource, chosen->start, chosen->end});
      at = step::wait_change;
      return r;
    }
    book_action a;
    a.service_ids = services;
    if (chosen->stylist) a.stylist_id = shop().stylists[*chosen->stylist].id;
    a.resource = chosen->resource;
    a.any_stylist = !stylist_id.has_value();
    a.start = chosen->start;
    a.end = chosen->end;
    a.customer_name = name.value_or("");
    a.phone = phone;
    a.price_cents = price_of(services);
    r.sentences.push_back(
        vary("booking_now", {"Great, booking that now.", "Perfect, one moment while I book it."}));
    r.actions.push_back(std::move(a));
    at = step::wait_booking;
    return r;
  }

  std::string describe(const upcoming_appointment& a) const {
    std::string s = services_phrase(a.service_ids, true);
    if (!a.stylist.empty() && stylist_by_name(a.stylist)) s += " with " + first_name(a.stylist);
    return s + " at " + say_moment(clock().to_local(a.start));
  }

  void select_appointment(reply& r, const upcoming_appointment& a, const local_moment& now) {
    target = a;
    if (current == flow::cancel) {
      r.sentences.push_back("I see " + describe(a) + ".");
      r.sentences.push_back("Would you like me to cancel it?");
      at = step::confirm_cancel;
      return;
    }
    services = a.service_ids;
    r.sentences.push_back("I see " + describe(a) + ".");
    auto more = advance(now);
    r.sentences.insert(r.sentences.end(), more.sentences.begin(), more.sentences.end());
  }

  // ---- summary ----

  call_summary make_summary() const {
    call_summary s;
    s.intents = intents;
    constexpr intent order[] = {
        intent::reschedule, intent::cancel,   intent::book,     intent::human,     intent::prices,
        intent::hours,      intent::stylists, intent::location, intent::shop_info, intent::goodbye};
    for (auto i : order) {
      if (std::find(intents.begin(), intents.end(), i) != intents.end()) {
        s.primary_intent = i;
        break;
      }
    }
    s.sentiment = sentiment_count == 0 ? 0.0 : sentiment_sum / sentiment_count;
    s.sentiment_label = std::string{sentiment_label(s.sentiment)};
    if (appointment) {
      s.outcome = call_outcome::booked;
    } else if (transferred) {
      s.outcome = call_outcome::transferred;
    } else if (spoke) {
      s.outcome = call_outcome::inquiry;
    } else {
      s.outcome = call_outcome::missed;
    }
    s.appointment = appointment;
    s.turns = turns;
    const auto ids = appointment ? appointment->service_ids : active_services();
    if (!ids.empty()) {
      s.slots["service"] = services_phrase(ids, false);
      std::string joined;
      for (const auto& id : ids) joined += (joined.empty() ? "" : ",") + id;
      s.slots["service_ids"] = joined;
    }
    if (appointment) {
      const auto m = clock().to_local(appointment->start);
      s.slots["date"] = iso_date(m.day);
      s.slots["time"] = iso_clock(static_cast<int>(m.minute_of_day.count()));
      s.slots["stylist"] = appointment->resource;
      s.slots["appointment_id"] = appointment->appointment_id;
    } else if (chosen) {
      const auto m = clock().to_local(chosen->start);
      s.slots["date"] = iso_date(m.day);
      s.slots["time"] = iso_clock(static_cast<int>(m.minute_of_day.count()));
      s.slots["stylist"] = chosen->resource;
    } else {
      if (when.day) s.slots["date"] = iso_date(*when.day);
      if (when.at) {
        const auto h = when.day ? book().hours_on(*when.day) : book().widest_hours();
        s.slots["time"] = iso_clock(resolve_minute_of_day(*when.at, h));
      }
      if (stylist_id) {
        if (const auto st = stylist_by_id(*stylist_id))
          s.slots["stylist"] = shop().stylists[*st].name;
      }
    }
    if (any_stylist && !s.slots.contains("stylist")) s.slots["stylist"] = "any";
    if (name && !name->empty()) s.slots["name"] = *name;
    if (!phone.empty()) s.slots["phone"] = phone;
    if (callback_promised) s.slots["callback"] = "promised";
    if (target) s.slots["appointment_id"] = target->id;
    return s;
  }
};

session::session(std::shared_ptr<const shop_snapshot> shop, std::string caller_phone,
                 sys_seconds call_start)
    : state_(std::make_unique<state>(std::move(shop), std::move(caller_phone), call_start)) {}

session::~session() = default;
session::session(const session& other) : state_(std::make_unique<state>(*other.state_)) {}
session& session::operator=(const session& other) {
  if (this != &other) state_ = std::make_unique<state>(*other.state_);
  return *this;
}
session::session(session&&) noexcept = default;
session& session::operator=(session&&) noexcept = default;

namespace {

reply apology() {
  reply r;
  r.sentences.push_back("I'm sorry, something went wrong on my end.");
  r.sentences.push_back("Let me connect you with someone from the salon.");
  r.actions.push_back(hand_off_action{"internal error"});
  return r;
}

}  // namespace

reply session::greeting() const {
  reply r;
  r.sentences.push_back(call_greeting(state_->shop().greeting, state_->shop().name));
  return r;
}

reply session::prompt(std::string_view text, sys_seconds now) noexcept {
  try {
    return state_->on_prompt(text, now);
  } catch (...) {
    state_->transferred = true;
    state_->at = step::ended;
    return apology();
  }
}

reply session::dtmf(std::string_view digits, sys_seconds now) noexcept {
  try {
    return state_->on_dtmf(digits, now);
  } catch (...) {
    state_->transferred = true;
    state_->at = step::ended;
    return apology();
  }
}

reply session::interrupt(std::string_view heard, sys_seconds) noexcept {
  try {
    return state_->on_interrupt(heard);
  } catch (...) {
    return {};
  }
}

reply session::result(const action_result& outcome, sys_seconds now) noexcept {
  try {
    return state_->on_result(outcome, now);
  } catch (...) {
    state_->transferred = true;
    state_->at = step::ended;
    return apology();
  }
}

call_summary session::summary() const {
  return state_->make_summary();
}

bool session::ended() const noexcept {
  return state_->at == step::ended;
}

void session::replace_bookings(std::vector<booked_interval> booked) {
  auto snapshot = std::make_shared<shop_snapshot>(*state_->model->shop);
  snapshot->booked = std::move(booked);
  auto model = std::make_shared<shop_model>(*state_->model);
  model->shop = snapshot;
  model->book.replace_bookings(snapshot->booked);
  state_->model = std::move(model);
  // Slots lost to other callers are in the fresh book now.
  state_->lost.clear();
}

void session::replace_snapshot(std::shared_ptr<const shop_snapshot> shop) {
  state_->model = std::make_shared<const shop_model>(std::move(shop));
  state_->lost.clear();
}

}  // namespace salon::conversation
