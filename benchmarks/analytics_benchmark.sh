#!/usr/bin/env bash
# Times the analytics functions (get_salon_kpis, get_calls_timeseries, get_platform_metrics,
# get_all_salons_overview) on 1,000,000 calls across 1,000 shops; target: under 50 ms each.
#
#   benchmarks/analytics_benchmark.sh [server_url]
#
# server_url: a PostgreSQL server URL whose user may create databases (default:
# $SALON_TEST_DATABASE_URL; without either, a private server is started with scripts/postgres
# and stopped again). A scratch database with a random name is created there, migrated with
# db/migrations/*.sql, filled by benchmarks/analytics_bench.sql and dropped at the end.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
server_url=${1:-${SALON_TEST_DATABASE_URL:-}}
scratch_dir=""

cleanup() {
  if [[ -n "${database:-}" && -n "$server_url" ]]; then
    psql -q "$server_url" -c "drop database if exists $database with (force)" >/dev/null 2>&1 || true
  fi
  if [[ -n "$scratch_dir" ]]; then
    "$root/scripts/postgres" stop "$scratch_dir/postgres" >/dev/null 2>&1 || true
    rm -rf "$scratch_dir"
  fi
}
trap cleanup EXIT

if [[ -z "$server_url" ]]; then
  scratch_dir=$(mktemp -d /tmp/salon-analytics-bench.XXXXXX)
  chmod 755 "$scratch_dir"
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  server_url=$("$root/scripts/postgres" start "$scratch_dir/postgres" "$port")
fi

# The URL with its database path replaced (postgresql://user@host:port/name?params).
url_for() {
  python3 - "$1" "$2" <<'EOF'
import sys, urllib.parse
url, name = sys.argv[1], sys.argv[2]
parts = urllib.parse.urlsplit(url)
print(urllib.parse.urlunsplit(parts._replace(path="/" + name)))
EOF
}

database="salon_analytics_bench_$RANDOM$RANDOM"
psql -q "$server_url" -c "create database $database" >/dev/null
database_url=$(url_for "$server_url" "$database")

echo "analytics benchmark: migrating $database"
for file in "$root"/db/migrations/*.sql; do
  psql -q -v ON_ERROR_STOP=1 "$database_url" --single-transaction -f "$file" >/dev/null
done

psql -v ON_ERROR_STOP=1 -X "$database_url" -f "$root/benchmarks/analytics_bench.sql" 2>&1 |
  sed -e 's/^psql:[^ ]* NOTICE:  /  /'
