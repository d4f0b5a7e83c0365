-- A busy shop's tally row was updated for every call write (three per call). Each update left a
-- dead row version and, with the covering index, a dead index entry, and the next writer's
-- search for an unlocked row of its (shop, day) walked all of them: at 370 calls/s for one shop
-- PostgreSQL spent most of a core there, and a write grew slower the longer the day went on.
-- A write now appends its share as a new row, which costs the same at any hour, and
-- salon_fold_daily_stats() (the server calls it every few seconds) adds each (shop, day)'s rows
-- up into one. Readers already add up all rows of a (shop, day); their numbers are unchanged.

create or replace function salon_add_to_daily_stats(shop uuid, on_day date,
                                                    delta call_daily_stats)
returns void
language plpgsql as $$
begin
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
end
$$;

-- The highest tally row id the last fold had seen. Only a (shop, day) with a row above it can
-- have more than one row, so a fold reads the rows appended since, not a year of every shop's
-- tallies (365,000 rows on 1,000 shops: 0.2-0.4 s a fold when it read them all).
create table call_daily_stats_fold_mark (
  only_row boolean primary key default true check (only_row),
  last_id bigint not null default 0
);
-- Rows stored before this migration were updated in place, one per (shop, day): nothing to fold.
insert into call_daily_stats_fold_mark (last_id) select coalesce(max(id), 0) from call_daily_stats;
-- Like every table in public (0006): closed to Supabase's Data API roles.
alter table call_daily_stats_fold_mark enable row level security;

-- Replaces the rows of every (shop, day) that got a row since the last fold and has several with
-- one row of their sums, and returns how many rows it removed. Safe beside writers: they only
-- insert, and a row this statement cannot see yet is left alone (its (shop, day) is folded with
-- the next row it gets; readers add up all rows anyway). Safe beside itself on other nodes: one
-- runs at a time, the others return 0. A shop being recounted is skipped: the recount holds its
-- lock exclusively, and waiting for it could deadlock on the rows both delete.
create function salon_fold_daily_stats() returns bigint
language plpgsql as $$
declare
  mark bigint;
  shop uuid;
  days date[];
  removed bigint := 0;
  gone bigint;
begin
  if not pg_try_advisory_xact_lock(hashtext('call_daily_stats_fold'), 0) then
    return 0;
  end if;
  select m.last_id into mark from call_daily_stats_fold_mark m;
  for shop, days in
    select fresh.shop_id, array_agg(fresh.day)
    from (select distinct t.shop_id, t.day from call_daily_stats t where t.id > mark) fresh
    where (select count(*) from call_daily_stats a
           where a.shop_id = fresh.shop_id and a.day = fresh.day) > 1
    group by fresh.shop_id
    order by fresh.shop_id
  loop
    continue when not pg_try_advisory_xact_lock_shared(hashtext('call_daily_stats'),
                                                        hashtext(shop::text));
    -- Only the rows this statement removed are summed, so a row another transaction removed
    -- first (a recount that just finished) is not counted twice.
    with removed_rows as (
      delete from call_daily_stats t
      where t.shop_id = shop and t.day = any(days)
      returning t.*
    ), summed as (
      insert into call_daily_stats (shop_id, day, calls, booked, inquiry, missed, transferred,
                                    in_progress, after_hours, timed_calls, timed_seconds,
                                    scored_calls, sentiment_sum, appointments, revenue_cents,
                                    last_call_at)
      select r.shop_id, r.day, sum(r.calls), sum(r.booked), sum(r.inquiry), sum(r.missed),
             sum(r.transferred), sum(r.in_progress), sum(r.after_hours), sum(r.timed_calls),
             sum(r.timed_seconds), sum(r.scored_calls), sum(r.sentiment_sum),
             sum(r.appointments), sum(r.revenue_cents), max(r.last_call_at)
      from removed_rows r
      group by r.shop_id, r.day
      returning 1
    )
    select count(*) into gone from removed_rows;
    removed := removed + gone;
  end loop;
  -- Past the rows this fold wrote itself, which are one per (shop, day) already.
  update call_daily_stats_fold_mark
  set last_id = coalesce((select max(t.id) from call_daily_stats t), last_id);
  return removed;
end
$$;
