-- Bookings. The exclusion constraint is the final word on double booking: two active
-- appointments of one resource (a stylist, or a chair) of one shop never overlap, whichever
-- process or node writes them.
create table appointments (
  id uuid primary key default gen_random_uuid(),
  shop_id uuid not null references profiles (id) on delete cascade,
  -- The call that made it, when it came from a call.
  call_sid text references calls (call_sid) on delete set null,
  customer_name text check (char_length(customer_name) <= 200),
  customer_phone text check (char_length(customer_phone) <= 64),
  service_id text references services (id) on delete set null,
  -- The service as it was called when booked; survives renames and deletions.
  service_name text not null check (char_length(service_name) <= 200),
  -- The stylist's name, or the chair number ("1", "2") when the shop lists no stylists.
  resource text not null check (btrim(resource) <> '' and char_length(resource) <= 200),
  starts_at timestamptz not null,
  ends_at timestamptz not null,
  -- booked and completed hold their time; pending is a request we could not confirm yet (it
  -- holds nothing until it becomes booked); cancelled and no_show free the time.
  status text not null default 'booked'
    check (status in ('booked', 'cancelled', 'completed', 'no_show', 'pending')),
  estimated_revenue_cents bigint not null default 0 check (estimated_revenue_cents >= 0),
  source text not null default 'phone' check (source in ('phone', 'admin')),
  notes text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  cancelled_at timestamptz,
  check (ends_at > starts_at and ends_at <= starts_at + interval '24 hours'),
  constraint appointments_no_overlap exclude using gist (
    shop_id with =,
    resource with =,
    tstzrange(starts_at, ends_at, '[)') with &&
  ) where (status in ('booked', 'completed'))
);

-- Analytics and the shop's appointment book: a shop's appointments by start time.
create index appointments_shop_starts_idx on appointments (shop_id, starts_at);
create index appointments_call_idx on appointments (call_sid) where call_sid is not null;

create trigger appointments_set_updated_at before update on appointments
  for each row execute function salon_touch_updated_at();
