-- salon_is_after_hours (0007) compared times through text-to-time casts, which are only stable:
-- PostgreSQL then cannot inline the function and plans its body again on every call, which was
-- most of what counting a call cost (about 400 of 600 microseconds of CPU). The same rule with
-- immutable arithmetic on minutes is inlined into the tally triggers and functions.

-- Minutes after midnight of an "HH:MM" clock time ("24:00" is 1440).
create function salon_minute_of(clock text) returns integer
language sql immutable as $$
  select split_part(clock, ':', 1)::integer * 60 + split_part(clock, ':', 2)::integer
$$;

-- Unchanged in meaning: outside the day's opening hours (open <= t < close, to the minute) or
-- on a closed date; never when the hours are unknown (null).
create or replace function salon_is_after_hours(local_time timestamp, hours jsonb,
                                                closed_dates date[])
returns boolean
language sql immutable as $$
  select hours is not null
     and (local_time::date = any(coalesce(closed_dates, '{}'))
          or coalesce(jsonb_typeof(hours -> salon_weekday_key(local_time)), 'null') <> 'object'
          or extract(hour from local_time)::integer * 60 + extract(minute from local_time)::integer
             not between salon_minute_of(hours -> salon_weekday_key(local_time) ->> 'open')
                     and salon_minute_of(hours -> salon_weekday_key(local_time) ->> 'close') - 1)
$$;
