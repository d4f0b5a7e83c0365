-- A change to a call took its old share out of the tallies and put its new share in as two
-- rows, each after its own calendar lookup. Nearly every change (a settlement, a status
-- callback) keeps the call's shop and local day, so the two shares now go in as one row of their
-- sum, with one lock and one calendar lookup: three rows a call instead of five, and the tally
-- trigger was a third of PostgreSQL's time at 390 calls/s (docs/benchmarks.md, fourth round).
-- A call that moves to another shop or day still takes its share out of the one and into the
-- other. The sums, and so every number read, are unchanged.

create or replace function salon_count_call() returns trigger
language plpgsql security definer set search_path = public, pg_temp as $$
declare
  calendar record;
  gone call_daily_stats;
  came call_daily_stats;
  counted_before boolean := tg_op <> 'INSERT' and old.shop_id is not null;
  counted_after boolean := tg_op <> 'DELETE' and new.shop_id is not null;
begin
  if counted_before then
    perform pg_advisory_xact_lock_shared(hashtext('call_daily_stats'), hashtext(old.shop_id::text));
    select * into calendar from salon_shop_calendar(old.shop_id);
    gone := salon_call_delta(old, calendar.zone, calendar.hours, calendar.closed, -1);
  end if;
  if counted_after then
    if not counted_before or new.shop_id <> old.shop_id then
      perform pg_advisory_xact_lock_shared(hashtext('call_daily_stats'),
                                           hashtext(new.shop_id::text));
      select * into calendar from salon_shop_calendar(new.shop_id);
    end if;
    came := salon_call_delta(new, calendar.zone, calendar.hours, calendar.closed, 1);
  end if;
  if counted_before and counted_after and gone.shop_id = came.shop_id and gone.day = came.day then
    came.calls := came.calls + gone.calls;
    came.booked := came.booked + gone.booked;
    came.inquiry := came.inquiry + gone.inquiry;
    came.missed := came.missed + gone.missed;
    came.transferred := came.transferred + gone.transferred;
    came.in_progress := came.in_progress + gone.in_progress;
    came.after_hours := came.after_hours + gone.after_hours;
    came.timed_calls := came.timed_calls + gone.timed_calls;
    came.timed_seconds := came.timed_seconds + gone.timed_seconds;
    came.scored_calls := came.scored_calls + gone.scored_calls;
    came.sentiment_sum := came.sentiment_sum + gone.sentiment_sum;
    perform salon_add_to_daily_stats(came.shop_id, came.day, came);
    return null;
  end if;
  if counted_before then
    perform salon_add_to_daily_stats(gone.shop_id, gone.day, gone);
  end if;
  if counted_after then
    perform salon_add_to_daily_stats(came.shop_id, came.day, came);
  end if;
  return null;
end
$$;

-- A tally row gets its id when it is inserted but is seen only once its transaction commits, so
-- a fold could move its mark past a row still being written, which then waited for the next row
-- of its (shop, day) to be folded (readers add every row up, so no number was wrong). A fold
-- now also looks at the 10,000 rows below its mark (about 8 s of a busy node's writes; an
-- index range, a few milliseconds), which catches a row that committed late.
create or replace function salon_fold_daily_stats() returns bigint
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
    from (select distinct t.shop_id, t.day from call_daily_stats t where t.id > mark - 10000) fresh
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
