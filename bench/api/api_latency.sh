#!/usr/bin/env bash
# Admin API latency under a steady load of mixed reads (issue 6: p99 <= 10 ms at 500 req/s).
# Starts a real dialcored on a temp directory (kernel-chosen port), imports N agents and a few
# teams through dialctl, then drives wrk (Debian `wrk`, tools/setup) at a paced rate: each of 20
# connections waits about 20/RATE seconds between requests (wrk's delay()), so the offered load is
# about RATE/s. Reads: agent pages, quick search, one agent, teams, health, cycling.
#   bench/api/api_latency.sh [--build DIR] [--rate 500] [--seconds 20] [--agents 1000] [--json]
# Prints wrk's table and a summary; with --json ends with ONE JSON line of figures. Numbers on a
# shared 2-core machine are noisy: run it more than once and quote the median.
set -euo pipefail

build=build rate=500 seconds=20 agents=1000 json=0 conns=20
while [ $# -gt 0 ]; do
  case "$1" in
    --build) build=$2; shift 2 ;;
    --rate) rate=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --agents) agents=$2; shift 2 ;;
    --json) json=1; shift ;;
    -h|--help) sed -n 2,10p "$0"; exit 0 ;;
    *) echo "api_latency.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
command -v wrk >/dev/null || { echo "api_latency.sh: wrk is missing (tools/setup installs it)" >&2; exit 2; }

dir=$(mktemp -d /tmp/dialcore-apibench-XXXXXX)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$dir"; }
trap cleanup EXIT
token=bench-admin-token-0123456789
cat > "$dir/dialcore.yaml" <<YAML
data_dir: $dir/data
api:
  listen: 127.0.0.1:0
  admin_token: "$token"
pause_reasons:
  - {code: auto, name: Auto Pause, auto_pause: true}
teams:
  - {id: sales, name: Sales}
YAML
"$build/bin/dialcored" --config "$dir/dialcore.yaml" > "$dir/out" 2> "$dir/err" &
pid=$!
for _ in $(seq 100); do grep -q "api listening" "$dir/out" 2>/dev/null && break; sleep 0.1; done
addr=$(sed -n 's/^api listening on //p' "$dir/out")
[ -n "$addr" ] || { echo "api_latency.sh: dialcored did not start" >&2; cat "$dir/err" >&2; exit 1; }
export DIALCORE_API="http://$addr" DIALCORE_TOKEN=$token

{ echo "username,first_name,last_name,connection_mode,teams"
  for i in $(seq "$agents"); do echo "agent$i,First$i,Last$i,call_in,Sales"; done; } > "$dir/agents.csv"
"$build/bin/dialctl" agents import "$dir/agents.csv" > /dev/null 2>&1

# Each connection: one request, then a pause; the pause leaves ~2 ms for the request itself.
delay_ms=$(( conns * 1000 / rate - 2 ))
[ "$delay_ms" -ge 0 ] || delay_ms=0
cat > "$dir/mixed.lua" <<LUA
local paths = {"/api/v1/agents?limit=20", "/api/v1/agents?q=agent1&limit=20", "/api/v1/agents/7",
               "/api/v1/teams", "/api/v1/health", "/api/v1/agents?last_name=Last9&limit=20"}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1], {["Authorization"] = "Bearer $token"})
end
delay = function() return $delay_ms end
done = function(summary, latency, requests)
  io.write(string.format("FIGURES %d %d %.3f %.3f %.3f %.3f %d\n", summary.requests,
    summary.duration, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    latency:percentile(99.9) / 1000, latency.max / 1000,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.timeout))
end
LUA
wrk -t2 -c"$conns" -d"${seconds}s" --latency -s "$dir/mixed.lua" "http://$addr" > "$dir/wrk.txt"
read -r _ requests duration_us p50 p99 p999 max errors < <(grep '^FIGURES' "$dir/wrk.txt")
achieved=$(awk -v r="$requests" -v d="$duration_us" 'BEGIN { printf "%.0f", r / (d / 1e6) }')
grep -v '^FIGURES' "$dir/wrk.txt"
echo
printf '%-28s %s\n' "target rate (req/s)" "$rate" "achieved rate (req/s)" "$achieved" \
  "agents in the store" "$agents" "p50 latency (ms)" "$p50" "p99 latency (ms)" "$p99" \
  "p99.9 latency (ms)" "$p999" "max latency (ms)" "$max" "errors (non-2xx, socket)" "$errors"
if [ "$json" = 1 ]; then
  printf '{"bench":"api_latency","target_rps":%s,"achieved_rps":%s,"agents":%s,"p50_ms":%s,"p99_ms":%s,"p999_ms":%s,"max_ms":%s,"errors":%s}\n' \
    "$rate" "$achieved" "$agents" "$p50" "$p99" "$p999" "$max" "$errors"
fi
