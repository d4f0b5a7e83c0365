#pragma once

// Every SQL statement the connection runs, side by side. Each is prepared once per connection
// (or sent unprepared through a transaction-mode pooler, see connection_options).
//
// Conventions: parameters carry explicit casts so prepared statements get fixed types; times go
// in as timestamptz text and come out as microseconds since the epoch; arrays go in and come out
// as JSON text.

namespace salon::db::statements {

struct statement {
  const char* name;
  const char* sql;
};

#define SALON_EPOCH_US(column) "(extract(epoch from " column ") * 1000000)::bigint"

inline constexpr statement ping{"ping", "select 1"};

inline constexpr statement list_shops{"list_shops", R"sql(
select p.id, p.location_id, p.business_name, p.phone_number, si.timezone,
       (select count(*) from services s where s.shop_id = p.id and s.active),
       (select count(*) from scraped_professionals sp where sp.shop_id = p.id and sp.active)
from profiles p
left join salon_info si on si.shop_id = p.id
order by p.location_id)sql"};

inline constexpr statement shop_by_location{"shop_by_location", R"sql(
select p.id, p.location_id, p.business_name, p.phone_number, p.website,
       )sql" SALON_EPOCH_US("p.created_at") ", " SALON_EPOCH_US("p.updated_at") R"sql(,
       si.shop_id is not null, si.timezone, si.address, si.region, si.country,
       si.opening_hours::text, to_json(si.closed_dates)::text, si.greeting, si.forward_phone,
       si.chairs, si.slot_minutes, si.min_notice_minutes, si.max_days_ahead
from profiles p
left join salon_info si on si.shop_id = p.id
where p.location_id = $1::integer)sql"};

inline constexpr statement shop_services{"shop_services", R"sql(
select id, name, category, description, to_json(synonyms)::text, duration_minutes, price_cents,
       price_max_cents, price_is_from
from services
where shop_id = $1::uuid and active
order by category nulls last, lower(name))sql"};

inline constexpr statement shop_stylists{"shop_stylists", R"sql(
select id, name, role, bio, to_json(service_names)::text, to_json(days_off)::text, source_url
from scraped_professionals
where shop_id = $1::uuid and active
order by lower(name))sql"};

inline constexpr statement shop_facts{"shop_facts", R"sql(
select key, value, source from salon_static_data where shop_id = $1::uuid order by key)sql"};

inline constexpr statement phone_routes{"phone_routes", R"sql(
select phone_number, location_id from profiles where phone_number is not null
order by location_id)sql"};

inline constexpr statement location_of_shop{"location_of_shop", R"sql(
select location_id from profiles where id = $1::uuid)sql"};

inline constexpr statement appointment_book{"appointment_book", R"sql(
select id, resource, )sql" SALON_EPOCH_US("starts_at") ", " SALON_EPOCH_US("ends_at") R"sql(
from appointments
where shop_id = $1::uuid and status in ('booked', 'completed')
  and starts_at < $3::timestamptz and ends_at > $2::timestamptz
order by starts_at, resource)sql"};

// ---- saving a shop --------------------------------------------------------------------------

inline constexpr statement phone_owner{"phone_owner", R"sql(
select location_id from profiles where phone_number = $1::text and location_id <> $2::integer)sql"};

inline constexpr statement upsert_profile{"upsert_profile", R"sql(
insert into profiles (location_id, business_name, phone_number, website)
values ($1::integer, $2::text, $3::text, $4::text)
on conflict (location_id) do update
  set business_name = excluded.business_name, phone_number = excluded.phone_number,
      website = excluded.website
returning id, xmax = 0)sql"};

inline constexpr statement upsert_salon_info{"upsert_salon_info", R"sql(
insert into salon_info (shop_id, timezone, address, region, country, opening_hours, closed_dates,
                        greeting, forward_phone, chairs, slot_minutes, min_notice_minutes,
                        max_days_ahead)
values ($1::uuid, $2::text, $3::text, $4::text, $5::text, $6::jsonb,
        array(select jsonb_array_elements_text($7::jsonb)::date), $8::text, $9::text,
        $10::integer, $11::integer, $12::integer, $13::integer)
on conflict (shop_id) do update
  set timezone = excluded.timezone, address = excluded.address, region = excluded.region,
      country = excluded.country, opening_hours = excluded.opening_hours,
      closed_dates = excluded.closed_dates, greeting = excluded.greeting,
      forward_phone = excluded.forward_phone, chairs = excluded.chairs,
      slot_minutes = excluded.slot_minutes, min_notice_minutes = excluded.min_notice_minutes,
      max_days_ahead = excluded.max_days_ahead)sql"};

inline constexpr statement update_service_by_id{"update_service_by_id", R"sql(
update services
set name = $3::text, category = $4::text, description = $5::text,
    synonyms = array(select jsonb_array_elements_text($6::jsonb)), duration_minutes = $7::integer,
    price_cents = $8::bigint, price_max_cents = $9::bigint, price_is_from = $10::boolean,
    active = true
where id = $1::text and shop_id = $2::uuid
returning id)sql"};

inline constexpr statement upsert_service_by_name{"upsert_service_by_name", R"sql(
insert into services (id, shop_id, name, category, description, synonyms, duration_minutes,
                      price_cents, price_max_cents, price_is_from)
values (coalesce($1::text, 'svc_' || replace(gen_random_uuid()::text, '-', '')), $2::uuid,
        $3::text, $4::text, $5::text, array(select jsonb_array_elements_text($6::jsonb)),
        $7::integer, $8::bigint, $9::bigint, $10::boolean)
on conflict (shop_id, lower(name)) do update
  set name = excluded.name, category = excluded.category, description = excluded.description,
      synonyms = excluded.synonyms, duration_minutes = excluded.duration_minutes,
      price_cents = excluded.price_cents, price_max_cents = excluded.price_max_cents,
      price_is_from = excluded.price_is_from, active = true
returning id)sql"};

// Services stay (appointments point at them); ones the shop no longer offers go inactive.
inline constexpr statement retire_other_services{"retire_other_services", R"sql(
update services set active = false
where shop_id = $1::uuid and active
  and id <> all(array(select jsonb_array_elements_text($2::jsonb))))sql"};

inline constexpr statement update_stylist_by_id{"update_stylist_by_id", R"sql(
update scraped_professionals
set name = $3::text, role = $4::text, bio = $5::text,
    service_names = array(select jsonb_array_elements_text($6::jsonb)),
    days_off = array(select jsonb_array_elements_text($7::jsonb)::smallint), active = true,
    source_url = $8::text
where id = $1::uuid and shop_id = $2::uuid
returning id)sql"};

inline constexpr statement upsert_stylist_by_name{"upsert_stylist_by_name", R"sql(
insert into scraped_professionals (id, shop_id, name, role, bio, service_names, days_off,
                                   source_url)
values (coalesce($1::uuid, gen_random_uuid()), $2::uuid, $3::text, $4::text, $5::text,
        array(select jsonb_array_elements_text($6::jsonb)),
        array(select jsonb_array_elements_text($7::jsonb)::smallint), $8::text)
on conflict (shop_id, lower(name)) do update
  set name = excluded.name, role = excluded.role, bio = excluded.bio,
      service_names = excluded.service_names, days_off = excluded.days_off, active = true,
      source_url = excluded.source_url
returning id)sql"};

inline constexpr statement retire_other_stylists{"retire_other_stylists", R"sql(
update scraped_professionals set active = false
where shop_id = $1::uuid and active
  and id <> all(array(select jsonb_array_elements_text($2::jsonb)::uuid)))sql"};

inline constexpr statement upsert_fact{"upsert_fact", R"sql(
insert into salon_static_data (shop_id, key, value, source)
values ($1::uuid, $2::text, $3::text, $4::text)
on conflict (shop_id, key) do update set value = excluded.value, source = excluded.source)sql"};

inline constexpr statement delete_other_facts{"delete_other_facts", R"sql(
delete from salon_static_data
where shop_id = $1::uuid and key <> all(array(select jsonb_array_elements_text($2::jsonb))))sql"};

inline constexpr statement delete_scraped_services{"delete_scraped_services", R"sql(
delete from scraped_services where shop_id = $1::uuid)sql"};

inline constexpr statement insert_scraped_service{"insert_scraped_service", R"sql(
insert into scraped_services (shop_id, name, category, description, price_text, price_cents,
                              price_max_cents, price_is_from, duration_minutes, source_url)
values ($1::uuid, $2::text, $3::text, $4::text, $5::text, $6::bigint, $7::bigint, $8::boolean,
        $9::integer, $10::text))sql"};

// ---- calls ----------------------------------------------------------------------------------
// Every call write is an upsert on call_sid that leaves the row the same whatever order the
// writes arrive in and however often: the webhook, the call actor's settlement and Twilio's
// status callbacks race each other.

#define SALON_FINAL_STATUSES "('completed', 'busy', 'no_answer', 'failed', 'canceled')"
#define SALON_UNANSWERED_STATUSES "('busy', 'no_answer', 'failed', 'canceled')"
#define SALON_STATUS_RANK(s) "array_position(array['queued', 'ringing', 'in_progress'], " s ")"

// The call log's three writes, each over a batch: $1 is a JSON array of writes of distinct
// calls (a call may be written only once per statement; connection::write_call_log splits a
// batch into rounds). One statement per kind and batch instead of one per write: the executor's
// set-up, the checks and the round trip were most of what a write cost PostgreSQL.
inline constexpr statement record_calls_started{"record_calls_started", R"sql(
insert into calls as c (call_sid, shop_id, from_number, to_number, started_at)
select v.call_sid, v.shop_id, v.from_number, v.to_number, v.started_at
from jsonb_to_recordset($1::jsonb)
  as v(call_sid text, shop_id uuid, from_number text, to_number text, started_at timestamptz)
on conflict (call_sid) do update
  set shop_id = coalesce(c.shop_id, excluded.shop_id),
      from_number = coalesce(c.from_number, excluded.from_number),
      to_number = coalesce(c.to_number, excluded.to_number),
      started_at = least(c.started_at, excluded.started_at))sql"};

// A call Twilio never connected, or that the caller left without a word, is missed; a booking
// or a hand-off that did happen stays.
inline constexpr statement settle_calls{"settle_calls", R"sql(
insert into calls as c (call_sid, shop_id, outcome, primary_intent, intents, sentiment_score,
                        sentiment_label, turns, caller_spoke, transcript, handoff_reason,
                        started_at, ended_at, duration_seconds, settled_at)
select v.call_sid, v.shop_id, v.outcome, v.primary_intent,
       array(select jsonb_array_elements_text(v.intents)), v.sentiment_score, v.sentiment_label,
       v.turns, v.caller_spoke, v.transcript, v.handoff_reason, v.started_at, v.ended_at,
       greatest(0, round(extract(epoch from v.ended_at - v.started_at)))::integer, now()
from jsonb_to_recordset($1::jsonb)
  as v(call_sid text, shop_id uuid, outcome text, primary_intent text, intents jsonb,
       sentiment_score real, sentiment_label text, turns integer, caller_spoke boolean,
       transcript jsonb, handoff_reason text, started_at timestamptz, ended_at timestamptz)
on conflict (call_sid) do update
  set shop_id = coalesce(c.shop_id, excluded.shop_id),
      outcome = case
        when c.status in )sql" SALON_UNANSWERED_STATUSES R"sql(
             and excluded.outcome not in ('booked', 'transferred') then 'missed'
        when c.outcome = 'booked' then 'booked'
        else excluded.outcome end,
      primary_intent = excluded.primary_intent, intents = excluded.intents,
      sentiment_score = excluded.sentiment_score, sentiment_label = excluded.sentiment_label,
      turns = excluded.turns, caller_spoke = c.caller_spoke or excluded.caller_spoke,
      transcript = excluded.transcript, handoff_reason = excluded.handoff_reason,
      started_at = least(c.started_at, excluded.started_at),
      ended_at = coalesce(c.ended_at, excluded.ended_at),
      duration_seconds = coalesce(c.duration_seconds, greatest(0, round(extract(epoch from
          excluded.ended_at - least(c.started_at, excluded.started_at))))::integer),
      settled_at = excluded.settled_at)sql"};

// Applies each status callback unless its call already has a final status, or the callback is
// older (by SequenceNumber, else by status order) than the one applied. Returns the SIDs of the
// calls it applied to.
inline constexpr statement apply_status_callbacks{"apply_status_callbacks",
                                                  R"sql(
insert into calls as c (call_sid, from_number, to_number, status, status_sequence, started_at,
                        ended_at, duration_seconds, outcome)
select v.call_sid, v.from_number, v.to_number, v.status, v.sequence,
       v.at - make_interval(secs => coalesce(v.duration, 0)),
       case when v.status in )sql" SALON_FINAL_STATUSES R"sql( then v.at end,
       case when v.status in )sql" SALON_FINAL_STATUSES R"sql( then v.duration end,
       case when v.status in )sql" SALON_FINAL_STATUSES R"sql( then 'missed' end
from jsonb_to_recordset($1::jsonb)
  as v(call_sid text, status text, sequence integer, duration integer, at timestamptz,
       from_number text, to_number text)
on conflict (call_sid) do update
  set status = excluded.status,
      status_sequence = coalesce(excluded.status_sequence, c.status_sequence),
      from_number = coalesce(c.from_number, excluded.from_number),
      to_number = coalesce(c.to_number, excluded.to_number),
      ended_at = coalesce(excluded.ended_at, c.ended_at),
      duration_seconds = case
        when excluded.status in )sql" SALON_FINAL_STATUSES R"sql(
        then coalesce(excluded.duration_seconds, c.duration_seconds,
                      greatest(0, round(extract(epoch from excluded.ended_at - c.started_at)))::integer)
        else c.duration_seconds end,
      outcome = case
        when excluded.status in )sql" SALON_UNANSWERED_STATUSES R"sql(
        then case when c.outcome in ('booked', 'transferred') then c.outcome else 'missed' end
        when excluded.status = 'completed' and c.outcome is null
        -- A call that never settled (its server was killed) but left a booking request spoke.
        then case when c.caller_spoke or exists (select 1 from appointments a
                                                 where a.call_sid = c.call_sid)
             then 'inquiry' else 'missed' end
        else c.outcome end
  where c.status not in )sql" SALON_FINAL_STATUSES R"sql(
    and (excluded.status in )sql" SALON_FINAL_STATUSES R"sql(
         or (case when excluded.status_sequence is not null and c.status_sequence is not null
                  then excluded.status_sequence > c.status_sequence
                  else )sql" SALON_STATUS_RANK("excluded.status") " > " SALON_STATUS_RANK(
                                                      "c.status") R"sql( end
             and )sql" SALON_STATUS_RANK("excluded.status") " >= " SALON_STATUS_RANK("c.status") R"sql())
returning c.call_sid)sql"};

inline constexpr statement load_call{"load_call", R"sql(
select id, call_sid, shop_id, from_number, to_number, status, status_sequence,
       )sql" SALON_EPOCH_US("started_at") ", " SALON_EPOCH_US("ended_at") R"sql(,
       duration_seconds, outcome, primary_intent, to_json(intents)::text, sentiment_score,
       sentiment_label, turns, caller_spoke, transcript::text, handoff_reason
from calls where call_sid = $1::text)sql"};

// ---- appointments ---------------------------------------------------------------------------

#define SALON_APPOINTMENT_COLUMNS                                                    \
  "id, shop_id, call_sid, customer_name, customer_phone, service_id, service_name, " \
  "resource, " SALON_EPOCH_US("starts_at") ", " SALON_EPOCH_US(                      \
      "ends_at") ", status, estimated_revenue_cents, source, notes"

// An appointment may name a call whose record is still on its way (call-log writes are batched);
// a stub row keeps the link, and the call's own writes fill it in.
inline constexpr statement ensure_call{"ensure_call", R"sql(
insert into calls (call_sid, shop_id) values ($1::text, $2::uuid)
on conflict (call_sid) do nothing)sql"};

// Bookings of one stylist (or chair) take turns. Without this, racing inserts into the exclusion
// constraint's index wait on each other's speculative insertions and PostgreSQL aborts one as a
// deadlock; with it, the second finds the first's row and gets the exclusion violation.
inline constexpr statement lock_schedule{"lock_schedule", R"sql(
select pg_advisory_xact_lock(hashtextextended($1::text || '/' || $2::text, 0)))sql"};

inline constexpr statement lock_schedule_of_appointment{"lock_schedule_of_appointment", R"sql(
select pg_advisory_xact_lock(hashtextextended(shop_id::text || '/' || coalesce($2::text, resource), 0))
from appointments where id = $1::uuid)sql"};

inline constexpr statement insert_appointment{"insert_appointment", R"sql(
insert into appointments (id, shop_id, call_sid, customer_name, customer_phone, service_id,
                          service_name, resource, starts_at, ends_at, status,
                          estimated_revenue_cents, source, notes)
values ($1::uuid, $2::uuid, $3::text, $4::text, $5::text, $6::text, $7::text, $8::text,
        $9::timestamptz, $10::timestamptz, $11::text, $12::bigint, $13::text, $14::text)
on conflict (id) do nothing
returning id)sql"};

inline constexpr statement mark_call_booked{"mark_call_booked", R"sql(
update calls set outcome = 'booked'
where call_sid = $1::text and outcome is distinct from 'booked')sql"};

inline constexpr statement find_conflict{"find_conflict", R"sql(
select id, resource, )sql" SALON_EPOCH_US("starts_at") ", " SALON_EPOCH_US("ends_at") R"sql(
from appointments
where shop_id = $1::uuid and resource = $2::text and status in ('booked', 'completed')
  and tstzrange(starts_at, ends_at, '[)') && tstzrange($3::timestamptz, $4::timestamptz, '[)')
  and id is distinct from $5::uuid
order by starts_at
limit 1)sql"};

inline constexpr statement cancel_appointment{"cancel_appointment", R"sql(
update appointments set status = 'cancelled', cancelled_at = now()
where id = $1::uuid and status in ('booked', 'pending')
returning id)sql"};

inline constexpr statement reschedule_appointment{"reschedule_appointment", R"sql(
update appointments
set starts_at = $2::timestamptz, ends_at = $3::timestamptz, resource = coalesce($4::text, resource)
where id = $1::uuid and status = 'booked'
returning id)sql"};

inline constexpr statement load_appointment{"load_appointment",
                                            "select " SALON_APPOINTMENT_COLUMNS
                                            " from appointments where id = $1::uuid"};

inline constexpr statement customer_appointments{"customer_appointments",
                                                 "select " SALON_APPOINTMENT_COLUMNS R"sql(
from appointments
where shop_id = $1::uuid and customer_phone = $2::text and status in ('booked', 'pending')
  and ends_at > $3::timestamptz
order by starts_at)sql"};

inline constexpr statement call_appointments{"call_appointments",
                                             "select " SALON_APPOINTMENT_COLUMNS R"sql(
from appointments
where shop_id = $1::uuid and call_sid = $2::text and status in ('booked', 'completed')
order by created_at, id)sql"};

inline constexpr statement announce_shop_change{"announce_shop_change", R"sql(
select pg_notify('salon_shop_changed',
                 json_build_object('location_id', $1::integer, 'shop_id', $2::text)::text))sql"};

// Cluster events (ops feed) for the other nodes; `channel` is a plain identifier of ours.
// Payloads as a JSON array of strings: a batch is one round trip.
inline constexpr statement notify{"notify", R"sql(
select pg_notify($1::text, payload) from jsonb_array_elements_text($2::jsonb) as payload)sql"};

inline constexpr statement fold_daily_stats{"fold_daily_stats", "select salon_fold_daily_stats()"};

// ---- analytics -------------------------------------------------------------------------------

inline constexpr statement shop_of_location{"shop_of_location", R"sql(
select id from profiles where location_id = $1::integer)sql"};

inline constexpr statement salon_kpis{"salon_kpis", R"sql(
select salon_id, timezone, first_day::text, last_day::text, total_calls, calls_answered,
       calls_booked, calls_inquiry, calls_missed, calls_transferred, calls_in_progress,
       after_hours_captured, conversion_rate::float8, appointments_booked,
       revenue_recovered_cents, avg_duration_seconds::float8, avg_sentiment::float8
from get_salon_kpis($1::uuid, $2::integer))sql"};

inline constexpr statement calls_timeseries{"calls_timeseries", R"sql(
select date::text, total, answered, booked, inquiry, missed, transferred, in_progress,
       after_hours_captured
from get_calls_timeseries($1::uuid, $2::integer))sql"};

inline constexpr statement salons_overview{
    "salons_overview",
    R"sql(
select salon_id, location_id, salon_name, phone, timezone, )sql" SALON_EPOCH_US(
        "created_at") R"sql(, calls_today, total_calls, calls_answered, calls_booked, calls_inquiry,
       calls_missed, calls_transferred, calls_in_progress, conversion_rate::float8,
       appointments_booked, revenue_recovered_cents, )sql" SALON_EPOCH_US("last_call_at") R"sql(
from get_all_salons_overview())sql"};

inline constexpr statement platform_totals{"platform_totals", R"sql(
select total_salons, active_salons, calls_today, total_calls, calls_answered, calls_booked,
       calls_inquiry, calls_missed, calls_transferred, calls_in_progress,
       conversion_rate::float8, appointments_booked, revenue_recovered_cents, period_days
from get_platform_metrics())sql"};

inline constexpr statement shops_today{"shops_today", R"sql(
select p.location_id, p.id::text, p.business_name, k.total_calls, k.calls_answered,
       k.calls_booked, k.appointments_booked, k.revenue_recovered_cents
from profiles p
cross join lateral get_salon_kpis(p.id, 1) k
order by p.location_id)sql"};

#undef SALON_APPOINTMENT_COLUMNS
#undef SALON_STATUS_RANK
#undef SALON_UNANSWERED_STATUSES
#undef SALON_FINAL_STATUSES
#undef SALON_EPOCH_US

inline constexpr statement all[] = {
    ping,
    list_shops,
    shop_by_location,
    shop_services,
    shop_stylists,
    shop_facts,
    phone_routes,
    location_of_shop,
    appointment_book,
    phone_owner,
    upsert_profile,
    upsert_salon_info,
    update_service_by_id,
    upsert_service_by_name,
    retire_other_services,
    update_stylist_by_id,
    upsert_stylist_by_name,
    retire_other_stylists,
    upsert_fact,
    delete_other_facts,
    delete_scraped_services,
    insert_scraped_service,
    record_calls_started,
    settle_calls,
    apply_status_callbacks,
    load_call,
    ensure_call,
    lock_schedule,
    lock_schedule_of_appointment,
    insert_appointment,
    mark_call_booked,
    find_conflict,
    cancel_appointment,
    reschedule_appointment,
    load_appointment,
    customer_appointments,
    call_appointments,
    announce_shop_change,
    notify,
    fold_daily_stats,
    shop_of_location,
    salon_kpis,
    calls_timeseries,
    salons_overview,
    platform_totals,
    shops_today,
};

}  // namespace salon::db::statements
