-- get_all_salons_overview() (0007) looked up every shop's last call in calls, one index probe
-- per shop on top of the probe into its tallies: a third of its time on 1,000 shops. The tally
-- now keeps the latest start of the calls it counts, so the overview reads a shop's last call
-- from the tally rows it already reads, and probes calls only for shops without a call in their
-- window. The overview and get_platform_metrics() also shared their per-shop tally query, copied
-- out; both now read salon_recent_tallies().

alter table call_daily_stats add column last_call_at timestamptz;

-- Rebuilt to cover the new column (the overview reads it from the index alone).
drop index call_daily_stats_shop_day_idx;
create index call_daily_stats_shop_day_idx on call_daily_stats (shop_id, day)
  include (calls, booked, inquiry, missed, transferred, in_progress, after_hours, timed_calls,
           timed_seconds, scored_calls, sentiment_sum, appointments, revenue_cents,
           last_call_at);

-- The rest of 0007's tally functions, unchanged but for last_call_at: the latest start among
-- the calls a row counted. Taking a call back out (its start corrected earlier, a call moved to
-- another shop) does not lower it: finding the next latest would mean waiting for other
-- writers. salon_recount_daily_stats sets it exactly.

create or replace function salon_add_to_daily_stats(shop uuid, on_day date,
                                                    delta call_daily_stats)
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
      revenue_cents = s.revenue_cents + delta.revenue_cents,
      last_call_at = greatest(s.last_call_at, delta.last_call_at)
  where s.id = (select free.id from call_daily_stats free
                where free.shop_id = shop and free.day = on_day
                order by free.id limit 1
                for update skip locked);
  if not found then
    insert into call_daily_stats (shop_id, day, calls, booked, inquiry, missed, transferred,
                                  in_progress, after_hours, timed_calls, timed_seconds,
                                  scored_calls, sentiment_sum, appointments, revenue_cents,
                                  last_call_at)
    select shop, on_day, delta.calls, delta.booked, delta.inquiry, delta.missed,
           delta.transferred, delta.in_progress, delta.after_hours, delta.timed_calls,
           delta.timed_seconds, delta.scored_calls, delta.sentiment_sum, delta.appointments,
           delta.revenue_cents, delta.last_call_at
    -- Nothing to keep for a shop being deleted (its calls lose their shop_id on the way).
    where exists (select 1 from profiles p where p.id = shop);
  end if;
end
$$;

create or replace function salon_call_delta(c calls, zone text, hours jsonb, closed date[],
                                            sign integer)
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
             0, 0,
             case when sign > 0 then c.started_at end)::call_daily_stats;
end
$$;

create or replace function salon_appointment_delta(a appointments, zone text, sign integer)
returns call_daily_stats
language plpgsql immutable as $$
declare
  holds boolean := a.status in ('booked', 'completed');
begin
  return row(null, a.shop_id, (a.created_at at time zone zone)::date,
             0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
             sign * holds::integer,
             sign * case when holds then a.estimated_revenue_cents else 0 end,
             null)::call_daily_stats;
end
$$;

create or replace function salon_recount_daily_stats(shop uuid) returns void
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
                                scored_calls, sentiment_sum, appointments, revenue_cents,
                                last_call_at)
  select shop, d.day, sum(d.calls), sum(d.booked), sum(d.inquiry), sum(d.missed),
         sum(d.transferred), sum(d.in_progress), sum(d.after_hours), sum(d.timed_calls),
         sum(d.timed_seconds), sum(d.scored_calls), sum(d.sentiment_sum), sum(d.appointments),
         sum(d.revenue_cents), max(d.last_call_at)
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

-- Tallies with last_call_at for what is already stored.
select salon_recount_daily_stats(p.id) from profiles p;

-- Every shop with its last 30 local days added up (today and the 29 before it, in its time
-- zone), its calls today, and the latest start of a call in that window (null without one).
-- What get_all_salons_overview() and get_platform_metrics() both count; a plain SQL function so
-- that the planner inlines it into them.
create function salon_recent_tallies()
returns table (
  shop_id uuid,
  zone text,
  today date,
  calls_today bigint,
  calls bigint,
  booked bigint,
  inquiry bigint,
  missed bigint,
  transferred bigint,
  in_progress bigint,
  appointments bigint,
  revenue_cents bigint,
  last_call_at timestamptz
)
language sql stable as $$
  -- Materialized: each shop's today is worked out once, not once per tally row.
  with shops as materialized (
    select p.id, z.zone, (now() at time zone z.zone)::date as today
    from profiles p
    left join salon_info si on si.shop_id = p.id
    cross join lateral (select coalesce(si.timezone, 'UTC') as zone) as z
  )
  select s.id, s.zone, s.today, t.*
  from shops s
  cross join lateral (
    select coalesce(sum(d.calls) filter (where d.day = s.today), 0)::bigint,
           coalesce(sum(d.calls), 0)::bigint, coalesce(sum(d.booked), 0)::bigint,
           coalesce(sum(d.inquiry), 0)::bigint, coalesce(sum(d.missed), 0)::bigint,
           coalesce(sum(d.transferred), 0)::bigint, coalesce(sum(d.in_progress), 0)::bigint,
           coalesce(sum(d.appointments), 0)::bigint, coalesce(sum(d.revenue_cents), 0)::bigint,
           max(d.last_call_at)
    from call_daily_stats d
    where d.shop_id = s.id and d.day between s.today - 29 and s.today
  ) as t
$$;

create or replace function get_all_salons_overview()
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
  select p.id, p.location_id, p.business_name, p.phone_number, t.zone, p.created_at,
         t.calls_today, t.calls, t.booked + t.inquiry + t.transferred, t.booked, t.inquiry,
         t.missed, t.transferred, t.in_progress,
         case when t.booked + t.inquiry + t.transferred > 0
              then round(t.booked::numeric / (t.booked + t.inquiry + t.transferred), 4)
              else 0 end,
         t.appointments, t.revenue_cents,
         -- From the window's tallies (a call dated after the shop's today, a clock running
         -- ahead, is left out); shops without a call in 30 days look theirs up in calls.
         coalesce(t.last_call_at,
                  (select max(c.started_at) from calls c where c.shop_id = p.id))
  from salon_recent_tallies() t
  join profiles p on p.id = t.shop_id
  order by p.location_id
$$;

create or replace function get_platform_metrics()
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
  with tally as (
    select count(*) as salons, count(*) filter (where calls > 0) as active,
           coalesce(sum(calls_today), 0)::bigint as today,
           coalesce(sum(calls), 0)::bigint as calls,
           coalesce(sum(booked), 0)::bigint as booked,
           coalesce(sum(inquiry), 0)::bigint as inquiry,
           coalesce(sum(missed), 0)::bigint as missed,
           coalesce(sum(transferred), 0)::bigint as transferred,
           coalesce(sum(in_progress), 0)::bigint as in_progress,
           coalesce(sum(appointments), 0)::bigint as appointments,
           coalesce(sum(revenue_cents), 0)::bigint as revenue_cents
    from salon_recent_tallies()
  )
  select t.salons, t.active, t.today, t.calls, t.booked + t.inquiry + t.transferred, t.booked,
         t.inquiry, t.missed, t.transferred, t.in_progress,
         case when t.booked + t.inquiry + t.transferred > 0
              then round(t.booked::numeric / (t.booked + t.inquiry + t.transferred), 4)
              else 0 end,
         t.appointments, t.revenue_cents, 30
  from tally t
$$;
