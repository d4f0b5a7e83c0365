-- Extensions and helpers every later migration uses.
-- Helper functions carry a salon_ prefix: on Supabase, "public" is shared with the dashboard.
--
-- btree_gist lets the appointments exclusion constraint mix equality on plain columns (shop,
-- resource) with overlap on time ranges. On Supabase, extensions live in the "extensions" schema;
-- on plain PostgreSQL they go to the default schema. gen_random_uuid() is core since PG 13.
do $$
begin
  if exists (select 1 from pg_namespace where nspname = 'extensions') then
    create extension if not exists btree_gist with schema extensions;
  else
    create extension if not exists btree_gist;
  end if;
end
$$;

-- Keeps updated_at honest without every writer having to remember it.
create function salon_touch_updated_at() returns trigger
language plpgsql as $$
begin
  new.updated_at := now();
  return new;
end
$$;

-- E.164: a plus sign and up to 15 digits, no leading zero.
create function salon_is_e164(phone text) returns boolean
language sql immutable as $$
  select phone ~ '^\+[1-9][0-9]{6,14}$'
$$;

-- True when PostgreSQL knows the IANA time zone name. Declared immutable so it can guard a
-- column; the tz database only ever grows, so a name accepted once stays valid.
create function salon_is_known_time_zone(zone text) returns boolean
language plpgsql immutable as $$
begin
  if zone is null or zone !~ '^[A-Za-z_]+(/[A-Za-z0-9_+-]+)*$' then
    return false;
  end if;
  perform timestamptz '2000-01-01 00:00:00+00' at time zone zone;
  return true;
exception
  when invalid_parameter_value then
    return false;
end
$$;
