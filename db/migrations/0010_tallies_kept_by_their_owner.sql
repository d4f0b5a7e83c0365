-- The tally triggers of 0007 ran with the rights of whoever wrote calls, appointments or
-- salon_info. On Supabase the dashboard writes some of those rows itself (an appointment marked
-- completed) as the `authenticated` role, whose policies rightly give it no write access to
-- call_daily_stats: its write then failed on the tally. The triggers now keep the tallies with
-- the rights of their owner (the server's role), whatever role wrote the row; search_path is
-- fixed so that nobody's own objects can stand in for ours. Reading call_daily_stats stays
-- subject to row level security (0007: enabled, no policy).
alter function salon_count_call() security definer set search_path = public, pg_temp;
alter function salon_count_appointment() security definer set search_path = public, pg_temp;
alter function salon_recount_after_calendar_change() security definer
  set search_path = public, pg_temp;
