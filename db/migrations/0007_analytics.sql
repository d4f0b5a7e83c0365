-- Analytics for the admin API and the salons' dashboard, callable as Supabase RPC
-- (supabase.rpc('get_salon_kpis', {p_salon_id, p_days})). Security invoker: the caller's own
-- rights and row level security apply, so the dashboard sees what its policies let it see.
--
-- Definitions, the same in every function:
-- - A shop's calls are the calls rows with its shop_id; calls no shop claimed count nowhere.
-- - A call belongs to the local day (in the shop's salon_info.timezone, UTC without one) on
--   which it started. "The last N days" are N local days: today and the N - 1 before it.
-- - answered = booked + inquiry + transferred; missed is its own outcome; a call still live (or
--   never settled) has no outcome yet and counts only in total_calls and calls_in_progress.
-- - conversion_rate = booked calls / answered calls, a fraction rounded to 4 places (0 with no
--   answered call).
-- - appointments_booked and revenue_recovered_cents: appointments created in the window that
--   hold their time (booked or completed), from the phone and the admin API alike; money is
--   estimated_revenue_cents.

-- Counting a year of a busy platform's calls row by row is too slow for a dashboard, so every
-- write to calls and appointments also adds its share to a per-shop, per-local-day tally, and
-- the functions read the tallies. A tally row is never waited for: a writer updates a row of its
-- (shop, day) that nobody else holds locked and inserts a new one when all are, so call-log
-- batches that touch shops in different orders cannot deadlock; readers add up all rows of a
-- (shop, day). The day is the call's local date in the shop's time zone at the time of writing;
-- when the time zone, opening hours or closed dates change, the shop's tallies are rebuilt.
create table call_daily_stats (
  id bigint generated always as identity primary key,
  shop_id uuid not null references profiles (id) on delete cascade,
  day date not null,
  calls integer not null default 0,
  booked integer not null default 0,
  inquiry integer not null default 0,
  missed integer not null default 0,
  transferred integer not null default 0,
  in_progress integer not null default 0,
  after_hours integer not null default 0,
  -- Answered calls with a known duration: their count and total seconds.
  timed_calls integer not null default 0,
  timed_seconds bigint not null default 0,
  -- Calls with a sentiment score: their count and the scores' sum.
  scored_calls integer not null default 0,
  sentiment_sum double precision not null default 0,
  -- Appointments made that day that hold their time (booked, completed) and their revenue.
  appointments integer not null default 0,
  revenue_cents bigint not null default 0
);

-- Covering, so a window of days is read from the index alone: the overview reads 30 days of
-- every shop. (Updates are then never HOT; a tally update costs one more index entry.)
create index call_daily_stats_shop_day_idx on call_daily_stats (shop_id, day)
  include (calls, booked, inquiry, missed, transferred, in_progress, after_hours, timed_calls,
           timed_seconds, scored_calls, sentiment_sum, appointments, revenue_cents);

-- Like every table in public (0006): closed to Supabase's Data API roles until the dashboard
-- adds a policy (the same as its policy on calls).
alter table call_daily_stats enable row level security;

-- The shop's time zone, opening hours and closed dates as the tallies use them; UTC and no
-- hours without a salon_info row.
create function salon_shop_calendar(shop uuid, out zone text, out hours jsonb,
                                    out closed date[])
language plpgsql stable as $$
begin
  select si.timezone, si.opening_hours, si.closed_dates into zone, hours, closed
  from salon_info si
  where si.shop_id = shop;
  zone := coalesce(zone, 'UTC');
  closed := coalesce(closed, '{}');
end
$$;

-- The opening_hours key of a local moment's weekday ('sun' .. 'sat').
create function salon_weekday_key(local_time timestamp) returns text
language sql immutable as $$
  select (array['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'])
           [extract(dow from local_time)::integer + 1]
$$;

-- Whether a moment of local wall time lies outside the opening hours (see
-- salon_is_valid_opening_hours) or on a closed date. Null hours (unknown): never.
create function salon_is_after_hours(local_time timestamp, hours jsonb, closed_dates date[])
returns boolean
language sql immutable as $$
  select hours is not null
     and (local_time::date = any(coalesce(closed_dates, '{}'))
          or coalesce(jsonb_typeof(hours -> salon_weekday_key(local_time)), 'null') <> 'object'
          or local_time::time < (hours -> salon_weekday_key(local_time) ->> 'open')::time
          or local_time::time >= (hours -> salon_weekday_key(local_time) ->> 'close')::time)
$$;

-- Adds one delta to the shop's tally of a day, without waiting for another writer.
create function salon_add_to_daily_stats(shop uuid, on_day date, delta call_daily_stats)
returns void
language plpgsql as $$
begin
  update call_daily_stats s
  set calls = s.calls + delta.calls, booked = s.booked + delta.booked,
      inquiry = s.inquiry + delta.inquiry, missed = s.missed + delta.missed,
      transferred = s.transferred + delta.transferred,
      in_progress = s.in_progress + delta.in_progress,
      after_hours = s.after_hours + delta.after_hours,
      timed_calls = s.timed_calls + delta.timed_calls,
      timed_seconds = s.timed_seconds + delta.timed_seconds,
      scored_calls = s.scored_calls + delta.scored_calls,
      sentiment_sum = s.sentiment_sum + delta.sentiment_sum,
      appointments = s.appointments + delta.appointments,
      revenue_cents = s.revenue_cents + delta.revenue_cents
  where s.id = (select free.id from call_daily_stats free
                where free.shop_id = shop and free.day = on_day
                order by free.id limit 1
                for update skip locked);
  if not found then
    insert into call_daily_stats (shop_id, day, calls, booked, inquiry, missed, transferred,
                                  in_progress, after_hours, timed_calls, timed_seconds,
                                  scored_calls, sentiment_sum, appointments, revenue_cents)
    select shop, on_day, delta.calls, delta.booked, delta.inquiry, delta.missed,
           delta.transferred, delta.in_progress, delta.after_hours, delta.timed_calls,
           delta.timed_seconds, delta.scored_calls, delta.sentiment_sum, delta.appointments,
           delta.revenue_cents
    -- Nothing to keep for a shop being deleted (its calls lose their shop_id on the way).
    where exists (select 1 from profiles p where p.id = shop);
  end if;
end
$$;

-- What one call row adds to its day's tally (sign -1 takes it back out).
create function salon_call_delta(c calls, zone text, hours jsonb, closed date[], sign integer)
returns call_daily_stats
language plpgsql immutable as $$
declare
  answered boolean := coalesce(c.outcome in ('booked', 'inquiry', 'transferred'), false);
begin
  return row(null, c.shop_id, (c.started_at at time zone zone)::date,
             sign,
             sign * (c.outcome is not distinct from 'booked')::integer,
             sign * (c.outcome is not distinct from 'inquiry')::integer,
             sign * (c.outcome is not distinct from 'missed')::integer,
             sign * (c.outcome is not distinct from 'transferred')::integer,
             sign * (c.outcome is null)::integer,
             sign * (answered and salon_is_after_hours(c.started_at at time zone zone, hours,
                                                       closed))::integer,
             sign * (answered and c.duration_seconds is not null)::integer,
             sign * case when answered then coalesce(c.duration_seconds, 0) else 0 end,
             sign * (c.sentiment_score is not null)::integer,
             sign * coalesce(c.sentiment_score, 0),
             0, 0)::call_daily_stats;
end
$$;

create function salon_count_call() returns trigger
language plpgsql as $$
declare
  calendar record;
  delta call_daily_stats;
begin
  if tg_op <> 'INSERT' and old.shop_id is not null then
    perform pg_advisory_xact_lock_shared(hashtext('call_daily_stats'), hashtext(old.shop_id::text));
    select * into calendar from salon_shop_calendar(old.shop_id);
    delta := salon_call_delta(old, calendar.zone, calendar.hours, calendar.closed, -1);
    perform salon_add_to_daily_stats(old.shop_id, delta.day, delta);
  end if;
  if tg_op <> 'DELETE' and new.shop_id is not null then
    perform pg_advisory_xact_lock_shared(hashtext('call_daily_stats'), hashtext(new.shop_id::text));
    select * into calendar from salon_shop_calendar(new.shop_id);
    delta := salon_call_delta(new, calendar.zone, calendar.hours, calendar.closed, 1);
    perform salon_add_to_daily_stats(new.shop_id, delta.day, delta);
  end if;
  return null;
end
$$;

create trigger calls_count_insert after insert on calls
  for each row execute function salon_count_call();
create trigger calls_count_delete after delete on calls
  for each row execute function salon_count_call();
-- Status callbacks that change nothing counted (most of them) cost nothing.
create trigger calls_count_update after update on calls
  for each row
  when (old.shop_id is distinct from new.shop_id or old.started_at is distinct from new.started_at
        or old.outcome is distinct from new.outcome
        or old.duration_seconds is distinct from new.duration_seconds
        or old.sentiment_score is distinct from new.sentiment_score)
  execute function salon_count_call();

-- What one appointment adds: counted on the local day it was made, while it holds its time.
create function salon_appointment_delta(a appointments, zone text, sign integer)
returns call_daily_stats
language plpgsql immutable as $$
declare
  holds boolean := a.status in ('booked', 'completed');
begin
  return row(null, a.shop_id, (a.created_at at time zone zone)::date,
             0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
             sign * holds::integer,
             sign * case when holds then a.estimated_revenue_cents else 0 end)::call_daily_stats;
end
$$;

create function salon_count_appointment() returns trigger
language plpgsql as $$
declare
  delta call_daily_stats;
begin
  if tg_op <> 'INSERT' then
    perform pg_advisory_xact_lock_shared(hashtext('call_daily_stats'), hashtext(old.shop_id::text));
    delta := salon_appointment_delta(old, (salon_shop_calendar(old.shop_id)).zone, -1);
    if delta.appointments <> 0 then
      perform salon_add_to_daily_stats(old.shop_id, delta.day, delta);
    end if;
  end if;
  if tg_op <> 'DELETE' then
    perform pg_advisory_xact_lock_shared(hashtext('call_daily_stats'), hashtext(new.shop_id::text));
    delta := salon_appointment_delta(new, (salon_shop_calendar(new.shop_id)).zone, 1);
    if delta.appointments <> 0 then
      perform salon_add_to_daily_stats(new.shop_id, delta.day, delta);
    end if;
  end if;
  return null;
end
$$;

create trigger appointments_count_insert after insert on appointments
  for each row execute function salon_count_appointment();
create trigger appointments_count_delete after delete on appointments
  for each row execute function salon_count_appointment();
create trigger appointments_count_update after update on appointments
  for each row
  when (old.shop_id is distinct from new.shop_id or old.created_at is distinct from new.created_at
        or old.status is distinct from new.status
        or old.estimated_revenue_cents is distinct from new.estimated_revenue_cents)
  execute function salon_count_appointment();

-- Recounts a shop's tallies from its calls and appointments. Waits for the shop's writers in
-- flight and holds new ones back until the end of the transaction (so nothing is counted
-- twice or lost).
create function salon_recount_daily_stats(shop uuid) returns void
language plpgsql as $$
declare
  calendar record;
begin
  perform pg_advisory_xact_lock(hashtext('call_daily_stats'), hashtext(shop::text));
  delete from call_daily_stats s where s.shop_id = shop;
  -- A shop being deleted (salon_info goes with its profile) keeps no tallies.
  if not exists (select 1 from profiles p where p.id = shop) then
    return;
  end if;
  select * into calendar from salon_shop_calendar(shop);
  insert into call_daily_stats (shop_id, day, calls, booked, inquiry, missed, transferred,
                                in_progress, after_hours, timed_calls, timed_seconds,
                                scored_calls, sentiment_sum, appointments, revenue_cents)
  select shop, d.day, sum(d.calls), sum(d.booked), sum(d.inquiry), sum(d.missed),
         sum(d.transferred), sum(d.in_progress), sum(d.after_hours), sum(d.timed_calls),
         sum(d.timed_seconds), sum(d.scored_calls), sum(d.sentiment_sum), sum(d.appointments),
         sum(d.revenue_cents)
  from (select delta.* from calls c
        cross join lateral salon_call_delta(c, calendar.zone, calendar.hours, calendar.closed, 1)
          as delta
        where c.shop_id = shop
        union all
        select delta.* from appointments a
        cross join lateral salon_appointment_delta(a, calendar.zone, 1) as delta
        where a.shop_id = shop) as d
  group by d.day;
end
$$;

create function salon_recount_after_calendar_change() returns trigger
language plpgsql as $$
begin
  perform salon_recount_daily_stats(case when tg_op = 'DELETE' then old.shop_id
                                         else new.shop_id end);
  return null;
end
$$;

create trigger salon_info_recount_insert after insert on salon_info
  for each row execute function salon_recount_after_calendar_change();
create trigger salon_info_recount_delete after delete on salon_info
  for each row execute function salon_recount_after_calendar_change();
create trigger salon_info_recount_update after update on salon_info
  for each row
  when (old.timezone is distinct from new.timezone
        or old.opening_hours is distinct from new.opening_hours
        or old.closed_dates is distinct from new.closed_dates)
  execute function salon_recount_after_calendar_change();

-- Tallies of what is already stored (a database migrated with calls in it).
select salon_recount_daily_stats(p.id) from profiles p;

-- Raises invalid_parameter_value (22023) unless days is 1..365.
create function salon_check_days(days integer) returns void
language plpgsql immutable as $$
begin
  if days is null or days < 1 or days > 365 then
    raise exception 'days must be between 1 and 365, got %', coalesce(days::text, 'null')
      using errcode = 'invalid_parameter_value';
  end if;
end
$$;

-- KPIs of one shop over its last p_days local days. No row when the shop does not exist.
create function get_salon_kpis(p_salon_id uuid, p_days integer default 30)
returns table (
  salon_id uuid,
  timezone text,
  first_day date,
  last_day date,
  total_calls bigint,
  calls_answered bigint,
  calls_booked bigint,
  calls_inquiry bigint,
  calls_missed bigint,
  calls_transferred bigint,
  calls_in_progress bigint,
  after_hours_captured bigint,
  conversion_rate numeric,
  appointments_booked bigint,
  revenue_recovered_cents bigint,
  avg_duration_seconds numeric,
  avg_sentiment numeric
)
language plpgsql stable security invoker set search_path = public as $$
#variable_conflict use_column
declare
  zone text;
  today date;
begin
  perform salon_check_days(p_days);
  select (salon_shop_calendar(p.id)).zone into zone from profiles p where p.id = p_salon_id;
  if not found then
    return;
  end if;
  today := (now() at time zone zone)::date;
  return query
  select p_salon_id, zone, today - (p_days - 1), today,
         t.calls, t.booked + t.inquiry + t.transferred, t.booked, t.inquiry, t.missed,
         t.transferred, t.in_progress, t.after_hours,
         case when t.booked + t.inquiry + t.transferred > 0
              then round(t.booked::numeric / (t.booked + t.inquiry + t.transferred), 4)
              else 0 end,
         t.appointments, t.revenue_cents,
         case when t.timed_calls > 0 then round(t.timed_seconds::numeric / t.timed_calls, 1) end,
         case when t.scored_calls > 0 then round((t.sentiment_sum / t.scored_calls)::numeric, 3)
         end
  from (select coalesce(sum(s.calls), 0)::bigint as calls,
               coalesce(sum(s.booked), 0)::bigint as booked,
               coalesce(sum(s.inquiry), 0)::bigint as inquiry,
               coalesce(sum(s.missed), 0)::bigint as missed,
               coalesce(sum(s.transferred), 0)::bigint as transferred,
               coalesce(sum(s.in_progress), 0)::bigint as in_progress,
               coalesce(sum(s.after_hours), 0)::bigint as after_hours,
               coalesce(sum(s.timed_calls), 0)::bigint as timed_calls,
               coalesce(sum(s.timed_seconds), 0)::bigint as timed_seconds,
               coalesce(sum(s.scored_calls), 0)::bigint as scored_calls,
               coalesce(sum(s.sentiment_sum), 0) as sentiment_sum,
               coalesce(sum(s.appointments), 0)::bigint as appointments,
               coalesce(sum(s.revenue_cents), 0)::bigint as revenue_cents
        from call_daily_stats s
        where s.shop_id = p_salon_id and s.day between today - (p_days - 1) and today) as t;
end
$$;

-- One row per local day of the shop's last p_days days, oldest first, every day present (zeros
-- included). No rows when the shop does not exist.
create function get_calls_timeseries(p_salon_id uuid, p_days integer default 30)
returns table (
  date date,
  total bigint,
  booked bigint,
  inquiry bigint,
  missed bigint,
  transferred bigint,
  in_progress bigint,
  answered bigint,
  after_hours_captured bigint
)
language plpgsql stable security invoker set search_path = public as $$
#variable_conflict use_column
declare
  zone text;
  today date;
begin
  perform salon_check_days(p_days);
  select (salon_shop_calendar(p.id)).zone into zone from profiles p where p.id = p_salon_id;
  if not found then
    return;
  end if;
  today := (now() at time zone zone)::date;
  return query
  with tally as (
    select s.day, sum(s.calls) as calls, sum(s.booked) as booked, sum(s.inquiry) as inquiry,
           sum(s.missed) as missed, sum(s.transferred) as transferred,
           sum(s.in_progress) as in_progress, sum(s.after_hours) as after_hours
    from call_daily_stats s
    where s.shop_id = p_salon_id and s.day between today - (p_days - 1) and today
    group by s.day
  )
  select d.day, coalesce(t.calls, 0)::bigint, coalesce(t.booked, 0)::bigint,
         coalesce(t.inquiry, 0)::bigint, coalesce(t.missed, 0)::bigint,
         coalesce(t.transferred, 0)::bigint, coalesce(t.in_progress, 0)::bigint,
         coalesce(t.booked + t.inquiry + t.transferred, 0)::bigint,
         coalesce(t.after_hours, 0)::bigint
  from (select today - i as day from generate_series(p_days - 1, 0, -1) as i) as d
  left join tally t on t.day = d.day
  order by d.day;
end
$$;

-- One row per shop, by location: its last 30 local days as get_salon_kpis(shop, 30) counts
-- them, its calls since local midnight, and when its last call ever started.
create function get_all_salons_overview()
returns table (
  salon_id uuid,
  location_id integer,
  salon_name text,
  phone text,
  timezone text,
  created_at timestamptz,
  calls_today bigint,
  total_calls bigint,
  calls_answered bigint,
  calls_booked bigint,
  calls_inquiry bigint,
  calls_missed bigint,
  calls_transferred bigint,
  calls_in_progress bigint,
  conversion_rate numeric,
  appointments_booked bigint,
  revenue_recovered_cents bigint,
  last_call_at timestamptz
)
language sql stable security invoker set search_path = public as $$
  -- Materialized: each shop's today is worked out once, not once per tally row.
  with shops as materialized (
    select p.id, p.location_id, p.business_name, p.phone_number, p.created_at, z.zone,
           (now() at time zone z.zone)::date as today
    from profiles p
    left join salon_info si on si.shop_id = p.id
    cross join lateral (select coalesce(si.timezone, 'UTC') as zone) as z
  )
  select s.id, s.location_id, s.business_name, s.phone_number, s.zone, s.created_at,
         t.today, t.calls, t.booked + t.inquiry + t.transferred, t.booked, t.inquiry, t.missed,
         t.transferred, t.in_progress,
         case when t.booked + t.inquiry + t.transferred > 0
              then round(t.booked::numeric / (t.booked + t.inquiry + t.transferred), 4)
              else 0 end,
         t.appointments, t.revenue_cents,
         (select max(c.started_at) from calls c where c.shop_id = s.id)
  from shops s
  cross join lateral (
    select coalesce(sum(d.calls) filter (where d.day = s.today), 0)::bigint as today,
           coalesce(sum(d.calls), 0)::bigint as calls,
           coalesce(sum(d.booked), 0)::bigint as booked,
           coalesce(sum(d.inquiry), 0)::bigint as inquiry,
           coalesce(sum(d.missed), 0)::bigint as missed,
           coalesce(sum(d.transferred), 0)::bigint as transferred,
           coalesce(sum(d.in_progress), 0)::bigint as in_progress,
           coalesce(sum(d.appointments), 0)::bigint as appointments,
           coalesce(sum(d.revenue_cents), 0)::bigint as revenue_cents
    from call_daily_stats d
    where d.shop_id = s.id and d.day between s.today - 29 and s.today
  ) as t
  order by s.location_id
$$;

-- The platform: every shop's last 30 local days added up (the sum of get_all_salons_overview()),
-- shops, and shops with at least one call in their window.
create function get_platform_metrics()
returns table (
  total_salons bigint,
  active_salons bigint,
  calls_today bigint,
  total_calls bigint,
  calls_answered bigint,
  calls_booked bigint,
  calls_inquiry bigint,
  calls_missed bigint,
  calls_transferred bigint,
  calls_in_progress bigint,
  conversion_rate numeric,
  appointments_booked bigint,
  revenue_recovered_cents bigint,
  period_days integer
)
language sql stable security invoker set search_path = public as $$
  with shops as materialized (
    select p.id, (now() at time zone coalesce(si.timezone, 'UTC'))::date as today
    from profiles p
    left join salon_info si on si.shop_id = p.id
  ), per_shop as (
    select t.*
    from shops s
    cross join lateral (
      select coalesce(sum(d.calls) filter (where d.day = s.today), 0) as today,
             coalesce(sum(d.calls), 0) as calls, coalesce(sum(d.booked), 0) as booked,
             coalesce(sum(d.inquiry), 0) as inquiry, coalesce(sum(d.missed), 0) as missed,
             coalesce(sum(d.transferred), 0) as transferred,
             coalesce(sum(d.in_progress), 0) as in_progress,
             coalesce(sum(d.appointments), 0) as appointments,
             coalesce(sum(d.revenue_cents), 0) as revenue_cents
      from call_daily_stats d
      where d.shop_id = s.id and d.day between s.today - 29 and s.today
    ) as t
  ), tally as (
    select count(*) as salons, count(*) filter (where calls > 0) as active,
           coalesce(sum(today), 0)::bigint as today, coalesce(sum(calls), 0)::bigint as calls,
           coalesce(sum(booked), 0)::bigint as booked,
           coalesce(sum(inquiry), 0)::bigint as inquiry,
           coalesce(sum(missed), 0)::bigint as missed,
           coalesce(sum(transferred), 0)::bigint as transferred,
           coalesce(sum(in_progress), 0)::bigint as in_progress,
           coalesce(sum(appointments), 0)::bigint as appointments,
           coalesce(sum(revenue_cents), 0)::bigint as revenue_cents
    from per_shop
  )
  select t.salons, t.active, t.today, t.calls, t.booked + t.inquiry + t.transferred, t.booked,
         t.inquiry, t.missed, t.transferred, t.in_progress,
         case when t.booked + t.inquiry + t.transferred > 0
              then round(t.booked::numeric / (t.booked + t.inquiry + t.transferred), 4)
              else 0 end,
         t.appointments, t.revenue_cents, 30
  from tally t
$$;
