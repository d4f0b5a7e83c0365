-- get_all_salons_overview() and get_platform_metrics() (0009) were SQL functions with a
-- search_path setting, which PostgreSQL cannot inline: it planned their query again on every
-- call, about a tenth of what a call cost. The same queries in PL/pgSQL keep their plan for the
-- session. Results are unchanged.

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
language plpgsql stable security invoker set search_path = public as $$
#variable_conflict use_column
begin
  return query
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
  order by p.location_id;
end
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
language plpgsql stable security invoker set search_path = public as $$
#variable_conflict use_column
begin
  return query
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
  from tally t;
end
$$;
