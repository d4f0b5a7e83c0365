-- What a shop sells and who works there, plus the raw findings of the website scraper.

-- The bookable catalog. Ids are text so operators and the admin API can use readable ids
-- ("svc_123"); generated ones look the same.
create table services (
  id text primary key default ('svc_' || replace(gen_random_uuid()::text, '-', ''))
    check (id ~ '^[A-Za-z0-9_-]{1,64}$'),
  shop_id uuid not null references profiles (id) on delete cascade,
  name text not null check (btrim(name) <> '' and char_length(name) <= 200),
  category text,
  description text,
  -- Other words callers use for it ("trim", "blow dry").
  synonyms text[] not null default '{}',
  duration_minutes integer not null check (duration_minutes between 1 and 1440),
  -- Null when the salon publishes no price for it.
  price_cents bigint check (price_cents >= 0),
  -- Set for ranges ("$180 - $260").
  price_max_cents bigint check (price_max_cents >= price_cents),
  -- True for "from $250" prices.
  price_is_from boolean not null default false,
  active boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check (price_max_cents is null or price_cents is not null)
);

-- One service per name and shop, so re-running a setup updates instead of duplicating.
create unique index services_shop_name_key on services (shop_id, lower(name));

create trigger services_set_updated_at before update on services
  for each row execute function salon_touch_updated_at();

-- What the scraper read, as written, one row per finding of the latest scrape.
create table scraped_services (
  id bigint generated always as identity primary key,
  shop_id uuid not null references profiles (id) on delete cascade,
  name text not null,
  category text,
  description text,
  price_text text,
  price_cents bigint check (price_cents >= 0),
  price_max_cents bigint check (price_max_cents >= price_cents),
  price_is_from boolean not null default false,
  duration_minutes integer check (duration_minutes > 0),
  source_url text,
  scraped_at timestamptz not null default now()
);

create index scraped_services_shop_idx on scraped_services (shop_id);

-- The shop's staff: found by the scraper or entered by hand. A stylist's name is the resource
-- their appointments are booked on.
create table scraped_professionals (
  id uuid primary key default gen_random_uuid(),
  shop_id uuid not null references profiles (id) on delete cascade,
  name text not null check (btrim(name) <> '' and char_length(name) <= 200),
  role text,
  bio text,
  -- Names of the services they do, as the website says; empty means every service.
  service_names text[] not null default '{}',
  -- Weekdays (0 = Sunday .. 6 = Saturday) they do not work although the shop is open.
  days_off smallint[] not null default '{}' check (days_off <@ '{0,1,2,3,4,5,6}'::smallint[]),
  active boolean not null default true,
  source_url text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create unique index scraped_professionals_shop_name_key
  on scraped_professionals (shop_id, lower(name));

create trigger scraped_professionals_set_updated_at before update on scraped_professionals
  for each row execute function salon_touch_updated_at();

-- Facts the receptionist answers from: parking, cancellation, payment, walk_ins, ...
create table salon_static_data (
  shop_id uuid not null references profiles (id) on delete cascade,
  key text not null check (key ~ '^[a-z][a-z0-9_]{0,63}$'),
  value text not null check (char_length(value) <= 4000),
  source text,
  updated_at timestamptz not null default now(),
  primary key (shop_id, key)
);

create trigger salon_static_data_set_updated_at before update on salon_static_data
  for each row execute function salon_touch_updated_at();
