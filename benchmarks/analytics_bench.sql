-- Times the analytics functions (db/migrations/0007_analytics.sql, as 0008-0013 changed them)
-- on 1,000,000 calls across 1,000 shops. Run by benchmarks/analytics_benchmark.sh on a scratch database that has every
-- migration applied; it prints one NOTICE line per measurement.
--
-- The data: a year of history. Shops in eight time zones (half-hour offsets and both
-- hemispheres' daylight saving included); calls spread over the last 365 days with busier and
-- quieter shops (shop i gets calls in proportion to 1 + i mod 7); outcomes 25 % booked,
-- 40 % inquiry, 20 % missed, 14.9 % transferred, 0.1 % still live; one appointment per booked
-- call. Calls and appointments are loaded in bulk and their daily tallies counted afterwards.
-- Timing is server-side (clock_timestamp() around each call), so it leaves out the client
-- round trip.

\set ON_ERROR_STOP on
set client_min_messages = notice;

\echo generating 1000 shops, 1000000 calls and their appointments ...
\timing on

insert into profiles (location_id, business_name, phone_number)
select i, 'Bench Salon ' || i, '+1808' || lpad(i::text, 7, '0')
from generate_series(1, 1000) as i;

insert into salon_info (shop_id, timezone, opening_hours)
select p.id,
       (array['Pacific/Honolulu', 'America/Los_Angeles', 'America/Chicago', 'America/New_York',
              'Europe/London', 'Asia/Kolkata', 'Australia/Sydney', 'Pacific/Kiritimati'])
         [p.location_id % 8 + 1],
       '{"tue": {"open": "09:00", "close": "19:00"}, "wed": {"open": "09:00", "close": "19:00"},
         "thu": {"open": "09:00", "close": "19:00"}, "fri": {"open": "09:00", "close": "19:00"},
         "sat": {"open": "09:00", "close": "17:00"}}'
from profiles p;

-- Bulk loading counts afterwards, in one pass per shop, instead of row by row; the write cost of
-- the tally triggers is measured separately below.
alter table calls disable trigger calls_count_insert;
alter table appointments disable trigger appointments_count_insert;

-- Weights 1..7 per shop: shop i holds 1 + i mod 7 of the numbered tickets a call draws from.
create temporary table bench_tickets as
select row_number() over (order by p.location_id, copy) as ticket, p.id as shop
from profiles p cross join lateral generate_series(1, 1 + p.location_id % 7) as copy;

insert into calls (call_sid, shop_id, status, started_at, ended_at, duration_seconds, outcome,
                   caller_spoke, sentiment_score)
select 'CABENCH' || x.g, t.shop,
       case when x.outcome is null then 'in_progress' else 'completed' end,
       x.started_at,
       case when x.outcome is not null then x.started_at + interval '3 minutes' end,
       case when x.outcome is not null then 180 end,
       x.outcome, x.outcome is distinct from 'missed', 0.2
from (
  select g, 1 + floor(random() * (select count(*) from bench_tickets))::bigint as ticket,
         now() - random() * interval '365 days' as started_at,
         case when r < 0.25 then 'booked' when r < 0.65 then 'inquiry'
              when r < 0.85 then 'missed' when r < 0.999 then 'transferred' end as outcome
  from generate_series(1, 1000000) as g
  cross join lateral (select random() + g * 0 as r) as draw
) as x
join bench_tickets t on t.ticket = x.ticket;

-- One appointment per booked call, each on its own resource so none overlaps.
insert into appointments (shop_id, call_sid, service_name, resource, starts_at, ends_at,
                          estimated_revenue_cents, created_at)
select c.shop_id, c.call_sid, 'Haircut', c.call_sid, c.started_at + interval '2 days',
       c.started_at + interval '2 days 1 hour', 4000 + (abs(hashtext(c.call_sid)) % 200) * 100,
       c.started_at + interval '3 minutes'
from calls c
where c.outcome = 'booked';

alter table calls enable trigger calls_count_insert;
alter table appointments enable trigger appointments_count_insert;
select count(salon_recount_daily_stats(p.id)) as shops_counted from profiles p;

vacuum analyze profiles;
vacuum analyze salon_info;
vacuum analyze calls;
vacuum analyze appointments;
vacuum analyze call_daily_stats;
\timing off

select count(*) as calls, count(distinct shop_id) as shops,
       count(*) filter (where started_at >= now() - interval '30 days') as calls_last_30_days
from calls;
select count(*) as appointments from appointments;
select count(*) as tally_rows from call_daily_stats;
\! uptime

-- CPU time this backend has used, in ms (Linux /proc, USER_HZ 100; superuser only); null where
-- it cannot be read. The machine may be shared: wall time then includes waiting for a core,
-- CPU time does not.
create function pg_temp.cpu_ms() returns double precision
language plpgsql as $$
declare
  fields text[];
begin
  fields := string_to_array(split_part(pg_read_file('/proc/self/stat'), ') ', 2), ' ');
  return (fields[12]::bigint + fields[13]::bigint) * 10.0;  -- utime + stime, in ticks
exception
  when others then
    return null;
end
$$;

-- What the tallies cost a writer: 5,000 calls inserted with the tally trigger, then 5,000
-- without, one transaction each as the call log writes them (commits without waiting for the
-- disk, so the difference is the trigger's own work).
set synchronous_commit = off;
do $$
declare
  shop uuid;
  started timestamptz;
  cpu_before double precision;
  wall_with double precision;
  wall_without double precision;
  cpu_with double precision;
  cpu_without double precision;
begin
  select id into shop from profiles where location_id = 7;
  started := clock_timestamp();
  cpu_before := pg_temp.cpu_ms();
  for i in 1 .. 5000 loop
    insert into calls (call_sid, shop_id, started_at, outcome)
    values ('CAWRITEA' || i, shop, now() - i * interval '1 minute', 'inquiry');
    commit;
  end loop;
  wall_with := extract(epoch from clock_timestamp() - started) * 1e6 / 5000;
  cpu_with := (pg_temp.cpu_ms() - cpu_before) * 1000 / 5000;
  alter table calls disable trigger calls_count_insert;
  commit;
  started := clock_timestamp();
  cpu_before := pg_temp.cpu_ms();
  for i in 1 .. 5000 loop
    insert into calls (call_sid, shop_id, started_at, outcome)
    values ('CAWRITEB' || i, shop, now() - i * interval '1 minute', 'inquiry');
    commit;
  end loop;
  wall_without := extract(epoch from clock_timestamp() - started) * 1e6 / 5000;
  cpu_without := (pg_temp.cpu_ms() - cpu_before) * 1000 / 5000;
  alter table calls disable trigger calls_count_delete;
  delete from calls where call_sid like 'CAWRITEB%';
  alter table calls enable trigger calls_count_delete;
  alter table calls enable trigger calls_count_insert;
  delete from calls where call_sid like 'CAWRITEA%';
  raise notice 'bench call insert | wall % us with the tally, % us without | cpu % us with, % us without',
    round(wall_with::numeric), round(wall_without::numeric),
    coalesce(round(cpu_with::numeric)::text, '?'), coalesce(round(cpu_without::numeric)::text, '?');
end
$$;
reset synchronous_commit;
vacuum analyze call_daily_stats;

-- The tallies agree with the rows they count.
select count(*) as shops_whose_tally_disagrees
from profiles p
cross join lateral (select count(*) as calls, count(*) filter (where outcome = 'booked') as booked
                    from calls c where c.shop_id = p.id) as raw
cross join lateral (select coalesce(sum(calls), 0) as calls, coalesce(sum(booked), 0) as booked
                    from call_daily_stats s where s.shop_id = p.id) as tally
where raw.calls <> tally.calls or raw.booked <> tally.booked;

-- runs: each function is called this many times after one warm-up call; the per-shop functions
-- take a different shop each time.
create function pg_temp.bench(label text, sql_text text, runs integer) returns void
language plpgsql as $$
declare
  times double precision[] := '{}';
  started timestamptz;
  cpu_before double precision;
  shop uuid;
  shops uuid[];
begin
  select array_agg(id order by random()) into shops from profiles;
  execute format(sql_text, shops[1]);
  cpu_before := pg_temp.cpu_ms();
  for i in 1 .. runs loop
    shop := shops[i % array_length(shops, 1) + 1];
    started := clock_timestamp();
    execute format(sql_text, shop);
    times := times || extract(epoch from clock_timestamp() - started) * 1000;
  end loop;
  select array_agg(t order by t) into times from unnest(times) as t;
  raise notice 'bench % | runs % | wall median % ms, p90 % ms, max % ms | cpu % ms per call',
    label, runs, round(times[(runs + 1) / 2]::numeric, 2),
    round(times[ceil(runs * 0.9)::integer]::numeric, 2), round(times[runs]::numeric, 2),
    coalesce(round(((pg_temp.cpu_ms() - cpu_before) / runs)::numeric, 2)::text, '?');
end
$$;

select pg_temp.bench('get_salon_kpis(shop, 30)',
                     'select * from get_salon_kpis(%L, 30)', 200);
select pg_temp.bench('get_salon_kpis(shop, 365)',
                     'select * from get_salon_kpis(%L, 365)', 200);
select pg_temp.bench('get_calls_timeseries(shop, 30)',
                     'select * from get_calls_timeseries(%L, 30)', 200);
select pg_temp.bench('get_calls_timeseries(shop, 365)',
                     'select * from get_calls_timeseries(%L, 365)', 200);
select pg_temp.bench('get_platform_metrics()', 'select * from get_platform_metrics()', 50);
select pg_temp.bench('get_all_salons_overview()', 'select * from get_all_salons_overview()', 50);

-- The plans, for the record (one shop, one run each).
\echo
\echo plans:
select id as bench_shop from profiles where location_id = 500 \gset
explain (analyze, buffers, costs off, timing off, summary on)
select * from get_salon_kpis(:'bench_shop', 365);
explain (analyze, buffers, costs off, timing off, summary on)
select * from get_all_salons_overview();
explain (analyze, buffers, costs off, timing off, summary on)
select * from get_platform_metrics();
