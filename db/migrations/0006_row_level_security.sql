-- On Supabase every table in "public" is reachable through its REST API with the anon key.
-- Row level security without policies closes that door: only the table owner (the server, which
-- connects as the owning role) and roles with BYPASSRLS see rows. The dashboard adds its own
-- policies. On plain PostgreSQL this changes nothing for the owner.
alter table profiles enable row level security;
alter table salon_info enable row level security;
alter table services enable row level security;
alter table scraped_services enable row level security;
alter table scraped_professionals enable row level security;
alter table salon_static_data enable row level security;
alter table calls enable row level security;
alter table appointments enable row level security;
