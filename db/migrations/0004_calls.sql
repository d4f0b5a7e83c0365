-- One row per phone call, keyed by Twilio's call SID. Every write is an upsert on call_sid, so
-- the webhook, the status callbacks and the call's final record can arrive in any order and
-- more than once.
create table calls (
  id uuid primary key default gen_random_uuid(),
  call_sid text not null unique check (call_sid ~ '^[A-Za-z0-9]{2,64}$'),
  -- Null while no shop claims the dialled number.
  shop_id uuid references profiles (id) on delete set null,
  from_number text check (char_length(from_number) <= 64),
  to_number text check (char_length(to_number) <= 64),
  -- Twilio's call status with underscores: in-progress is stored as in_progress.
  status text not null default 'in_progress' check (status in
    ('queued', 'ringing', 'in_progress', 'completed', 'busy', 'no_answer', 'failed', 'canceled')),
  -- SequenceNumber of the last status callback applied; out-of-order callbacks are ignored.
  status_sequence integer check (status_sequence >= 0),
  started_at timestamptz not null default now(),
  ended_at timestamptz,
  duration_seconds integer check (duration_seconds >= 0),
  -- Null while the call is live.
  outcome text check (outcome in ('booked', 'inquiry', 'missed', 'transferred')),
  primary_intent text,
  intents text[] not null default '{}',
  sentiment_score real check (sentiment_score between -1 and 1),
  sentiment_label text check (sentiment_label in ('positive', 'neutral', 'negative')),
  turns integer not null default 0 check (turns >= 0),
  -- Whether the caller said anything: a completed call where they never did counts as missed.
  caller_spoke boolean not null default false,
  -- [{"at": "...", "speaker": "caller" | "receptionist", "text": "..."}, ...]
  transcript jsonb not null default '[]' check (jsonb_typeof(transcript) = 'array'),
  handoff_reason text,
  settled_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

-- Analytics: a shop's calls over time, and the platform's calls over time.
create index calls_shop_started_idx on calls (shop_id, started_at);
create index calls_started_idx on calls (started_at);

create trigger calls_set_updated_at before update on calls
  for each row execute function salon_touch_updated_at();
