#!/usr/bin/env bash
# Reproduces one recorded run of the live-calls load benchmark (docs/benchmarks.md): a private
# PostgreSQL (scripts/postgres), `salon-phone migrate` and `seed-demo`, the Release server on
# loopback with a Twilio auth token and an admin key, then benchmarks/load_generator against it,
# which checks the calls table at the end. Builds nothing; says what to build when it is missing.
#
#   benchmarks/load_benchmark.sh <run>
#
#   trial        500 calls, 250 at once, 3 turns, 500 ms think: a quick look
#   live-calls   10,000 calls on the line at once (12,000 calls, 3 turns, 15 s think)
#   turns        2,000 turns/s offered (2,100 at once, 5 turns, 1 s think, 30,000 calls)
#   dashboards   `turns` with 200 dashboards on WS /ops, each checked for every event
#   turns-1000   1,000 turns/s (1,050 at once, 5 turns, 1 s think, 9,000 calls)
#   dashboards-1000  `turns-1000` with 200 dashboards
#   outage       500 turns/s (500 at once, 5 turns, 1 s think, 10,000 calls, about 100 s) with
#                PostgreSQL stopped for 30 s in the middle (from 30 s to 60 s)
#
# Environment: SALON_BENCH_BUILD (default build-bench), SALON_BENCH_PG_PORT (55452),
# SALON_BENCH_PORT (the server's port, 18452), SALON_BENCH_LOG_LEVEL (warn), SALON_BENCH_NICE
# (-10: PostgreSQL, the server and the generator run ahead of other work on a shared machine, such
# as other people's compilers; needs root, ignored otherwise), SALON_BENCH_REALTIME (10: the
# server runs with --realtime-priority 10 and the generator, standing in for Twilio's machines,
# under `chrt -r 10`; 0: both under the normal scheduler; needs root, 0 otherwise). The
# generator's output is also written to $SALON_BENCH_BUILD/load-<run>-<time>.log.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${SALON_BENCH_BUILD:-$root/build-bench}
pg_port=${SALON_BENCH_PG_PORT:-55452}
port=${SALON_BENCH_PORT:-18452}
log_level=${SALON_BENCH_LOG_LEVEL:-warn}
priority=${SALON_BENCH_NICE:--10}
realtime=${SALON_BENCH_REALTIME:-10}
if [[ $(id -u) -ne 0 ]]; then
  priority=0
  realtime=0
fi
# The generator shares the server's two cores; with real-time priority for the server, it gets
# the same, as Twilio's machines would not wait behind the server's database.
generator_launch=()
if ((realtime > 0)); then generator_launch=(chrt -r "$realtime"); fi
run=${1:-}
salon=$build/bin/salon-phone
generator=$build/bin/load_generator
to=+18084826296 # the demo salon of seed-demo

case "$run" in
  trial) load=(--calls 500 --concurrency 250 --turns 3 --think-ms 500 --ramp-ms 2000 ${SALON_BENCH_TRIAL_ARGS:-}) ;;
  live-calls) load=(--calls 12000 --concurrency 10000 --turns 3 --think-ms 15000 --ramp-ms 30000) ;;
  turns | dashboards)
    load=(--calls 30000 --concurrency 2100 --turns 5 --think-ms 1000 --ramp-ms 5000)
    ;;
  turns-1000 | dashboards-1000)
    load=(--calls 9000 --concurrency 1050 --turns 5 --think-ms 1000 --ramp-ms 5000)
    ;;
  outage)
    # The spool replays after the outage: give the records up to 10 minutes to settle.
    load=(--calls 10000 --concurrency 500 --turns 5 --think-ms 1000 --ramp-ms 5000
      --verify-timeout-s 600)
    ;;
  *)
    sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//' >&2
    exit 2
    ;;
esac
if [[ "$run" == dashboards* ]]; then load+=(--dashboards 200); fi

if [[ ! -x "$salon" || ! -x "$generator" ]]; then
  cat >&2 <<EOF
$0: $salon or $generator is missing; build them first:
  cmake -S $root -B $build -G Ninja -DCMAKE_BUILD_TYPE=Release -DSALON_BUILD_BENCHMARKS=ON -DSALON_BUILD_TESTS=OFF
  ninja -C $build salon-phone load_generator
EOF
  exit 2
fi

# Each of the 10,000 calls holds a socket in the server and one in the generator.
ulimit -n "$(ulimit -Hn)"
if (($(ulimit -n) < 12000)); then
  echo "$0: open files limit $(ulimit -n) is too low for 10,000 calls (raise the hard limit)" >&2
  exit 2
fi

scratch=$(mktemp -d /tmp/salon-load-bench.XXXXXX)
chmod 755 "$scratch"
server_pid=""
outage_pid=""
cleanup() {
  if [[ -n "$outage_pid" ]]; then kill "$outage_pid" 2>/dev/null || true; fi
  if [[ -n "$server_pid" ]]; then
    kill -TERM "$server_pid" 2>/dev/null || true
    # A server still writing a backlog to PostgreSQL may take long to stop; it is not measured.
    for _ in $(seq 1 300); do
      kill -0 "$server_pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$server_pid" 2>/dev/null; then
      echo "$0: the server did not stop within 30 s; killed" >&2
      kill -KILL "$server_pid" 2>/dev/null || true
    fi
    wait "$server_pid" 2>/dev/null || true
  fi
  "$root/scripts/postgres" stop "$scratch/postgres" >/dev/null 2>&1 || true
  rm -rf "$scratch"
}
trap cleanup EXIT

# PostgreSQL's postmaster and its processes; backends forked later inherit the priority.
prioritize_postgres() {
  local postmaster
  postmaster=$(head -1 "$scratch/postgres/postmaster.pid")
  renice -n "$priority" -p "$postmaster" $(pgrep -P "$postmaster") >/dev/null
}

database_url=$("$root/scripts/postgres" start "$scratch/postgres" "$pg_port")
prioritize_postgres
export DATABASE_URL=$database_url
"$salon" migrate >"$scratch/setup.log" 2>&1
"$salon" seed-demo >>"$scratch/setup.log" 2>&1

# Signed webhooks and an admin key, as in production; the server logs warnings and errors only
# (an info line per call costs the same core the calls need).
export TWILIO_AUTH_TOKEN=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
export ADMIN_API_KEY=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
export PUBLIC_BASE_URL=http://127.0.0.1:$port
nice -n "$priority" "$salon" serve --port "$port" --bind-address 127.0.0.1 --max-concurrent-calls 12000 \
  --spool-dir "$scratch/spool" --log-level "$log_level" --realtime-priority "$realtime" \
  >"$scratch/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do
  if curl -sf "http://127.0.0.1:$port/health" >/dev/null; then break; fi
  sleep 0.1
done
curl -sf "http://127.0.0.1:$port/health" >/dev/null || {
  echo "$0: the server did not come up" >&2
  cat "$scratch/server.log" >&2
  exit 1
}

if [[ "$run" == outage ]]; then
  (
    sleep 30
    echo "outage: stopping PostgreSQL at $(date +%T)"
    "$root/scripts/postgres" stop "$scratch/postgres"
    sleep 30
    echo "outage: starting PostgreSQL at $(date +%T)"
    "$root/scripts/postgres" start "$scratch/postgres" "$pg_port" >/dev/null
    prioritize_postgres
  ) &
  outage_pid=$!
fi

out=$build/load-$run-$(date +%Y%m%d-%H%M%S).log
{
  echo "run: $run; $(nproc) x $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)," \
    "$(free -g | awk '/^Mem:/ {print $2}') GiB RAM; server log level $log_level; nice $priority;" \
    "real-time priority $realtime"
  echo "uptime before: $(uptime)"
  status=0
  "${generator_launch[@]}" nice -n "$priority" "$generator" --url "http://127.0.0.1:$port" --to "$to" --server-pid "$server_pid" \
    --database-url "$database_url" "${load[@]}" || status=$?
  echo "uptime after: $(uptime)"
  echo "server warnings and errors: $(grep -ciE 'warn|error' "$scratch/server.log" || true)"
  { grep -iE 'warn|error' "$scratch/server.log" || true; } | cut -c1-200 | sort | uniq -c |
    sort -rn | head -5
  exit $status
} 2>&1 | tee "$out"
