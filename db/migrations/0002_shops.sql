-- A shop is one salon location: its profile (identity, public phone number) and its salon_info
-- (how it runs: time zone, hours, hand-off number, booking rules).

create table profiles (
  id uuid primary key default gen_random_uuid(),
  location_id integer not null unique check (location_id > 0),
  business_name text not null check (btrim(business_name) <> '' and char_length(business_name) <= 200),
  -- The number callers dial; routes Twilio's "To" to this shop. Unique so a call has one home.
  phone_number text unique check (salon_is_e164(phone_number)),
  website text check (website ~* '^https?://'),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create trigger profiles_set_updated_at before update on profiles
  for each row execute function salon_touch_updated_at();

-- Opening hours: one entry per weekday key (mon..sun), either null (closed) or
-- {"open": "HH:MM", "close": "HH:MM"} in the shop's local time, open before close.
-- A missing weekday is closed too.
create function salon_is_valid_opening_hours(hours jsonb) returns boolean
language plpgsql immutable as $$
declare
  day text;
  span jsonb;
begin
  if hours is null or jsonb_typeof(hours) <> 'object' then
    return false;
  end if;
  for day, span in select key, value from jsonb_each(hours) loop
    if day not in ('mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun') then
      return false;
    end if;
    continue when jsonb_typeof(span) = 'null';
    if jsonb_typeof(span) <> 'object'
       or coalesce(span ->> 'open', '') !~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'
       or coalesce(span ->> 'close', '') !~ '^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$'
       or (span ->> 'open') >= (span ->> 'close') then
      return false;
    end if;
  end loop;
  return true;
end
$$;

create table salon_info (
  shop_id uuid primary key references profiles (id) on delete cascade,
  timezone text not null check (salon_is_known_time_zone(timezone)),
  -- One line, as the receptionist reads it out: "3579 Waialae Ave, Honolulu, HI 96816".
  address text,
  region text,
  country text check (country ~ '^[A-Z]{2}$'),
  opening_hours jsonb not null default '{}' check (salon_is_valid_opening_hours(opening_hours)),
  -- Holidays and other days the shop is closed although its weekday is open.
  closed_dates date[] not null default '{}',
  greeting text check (char_length(greeting) <= 1000),
  -- Where a caller goes when they ask for a person.
  forward_phone text check (salon_is_e164(forward_phone)),
  -- Used as bookable resources when the shop lists no stylists.
  chairs integer not null default 1 check (chairs between 1 and 100),
  -- Booking rules: granularity of offered start times, shortest notice, furthest day ahead.
  slot_minutes integer not null default 15 check (slot_minutes between 5 and 240),
  min_notice_minutes integer not null default 60 check (min_notice_minutes between 0 and 10080),
  max_days_ahead integer not null default 60 check (max_days_ahead between 1 and 365),
  updated_at timestamptz not null default now()
);

create trigger salon_info_set_updated_at before update on salon_info
  for each row execute function salon_touch_updated_at();
