#!/bin/sh
# dialbench sip, three short runs (a smoke test, not a measurement): 20 calls/s for 3 s with the
# sipp-pair baseline, then 100 concurrent calls held together, then 40 held calls whose peers are
# all killed (--cut-s): the reaper must leave nothing. Each must exit 0 and end with the
# sip JSON line, parsed: every call ok at sipp and in the B2BUA, 0 failed, 0 media legs / calls
# / SIP handles left, the RTP sample's legs all received packets (as root), CPU per call measured.
# Exits 77 (skipped) without sipp or python3.
#   dialbench_sip_smoke.sh DIALBENCH
set -u
bench=$1
command -v sipp >/dev/null 2>&1 || { echo "SKIP: no sipp (tools/setup installs sip-tester)"; exit 77; }
command -v python3 >/dev/null 2>&1 || { echo "SKIP: no python3"; exit 77; }
out=$(mktemp) || exit 1
trap 'rm -f "$out"' EXIT

check() {  # MODE EXPECTED_CALLS EXPECTED_PEAK
  tail -n 1 "$out" | python3 -c '
import json, sys
mode, calls, peak = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
f = json.loads(sys.stdin.read())
bad = []
def want(cond, what):
    if not cond: bad.append(what)
want(f.get("bench") == "sip" and f.get("mode") == mode, "bench/mode")
want(f["calls_ok"] == calls, "calls_ok %d != %d" % (f["calls_ok"], calls))
want(f["uas_ok"] == calls, "uas_ok %d != %d" % (f["uas_ok"], calls))
for k in ("calls_failed", "uas_failed", "b2bua_failed", "teardown_errors", "sip_refused",
          "sip_events_lost", "media_commands_failed", "legs_left", "calls_left",
          "sip_handles_left", "timed_out"):
    want(f[k] == 0, "%s = %s" % (k, f[k]))
for k in ("b2bua_incoming", "b2bua_bridged", "b2bua_ended_ok", "sip_incoming", "sip_dialled"):
    want(f[k] == calls, "%s %d != %d" % (k, f[k], calls))
want(f["peak_calls"] >= peak, "peak_calls %d < %d" % (f["peak_calls"], peak))
want(f["peak_legs"] >= 2 * peak, "peak_legs %d < %d" % (f["peak_legs"], 2 * peak))
if f["rtp_sample"] > 0:  # 0 when not root: sipp plays pcaps through a raw socket
    want(f["rtp_sample_checked"] > 0, "no RTP sample call checked")
    want(f["rtp_sample_ok"] == f["rtp_sample_checked"], "RTP sample legs without packets")
want(f["control_us_per_call"] > 0 and f["sip_us_per_call"] > 0, "CPU per call not measured")
want(f["ok"] is True, "ok is not true")
if bad:
    print("dialbench sip " + mode + ": " + "; ".join(bad))
    sys.exit(1)
' "$@"
}

"$bench" sip --cps 20 --seconds 3 --rtp-sample 3 --json >"$out" 2>&1 || {
  echo "dialbench sip (rate): exit status $?"; cat "$out"; exit 1; }
cat "$out"
check cps 60 1 || exit 1
tail -n 1 "$out" | grep -q '"cpu_ratio_b2bua_vs_sipp_pair":[0-9]' || { echo "no baseline ratio"; exit 1; }

"$bench" sip --concurrent 100 --cps 50 --hold-s 5 --rtp-sample 3 --no-baseline --json \
  >"$out" 2>&1 || { echo "dialbench sip (concurrent): exit status $?"; cat "$out"; exit 1; }
cat "$out"
check concurrent 100 100 || exit 1

# Peers vanish: 40 calls held, every sipp killed at 3 s; the reaper (probe after 4 s of
# silence, T1 50 ms) must leave no call, leg or handle behind.
"$bench" sip --concurrent 40 --cps 40 --hold-s 30 --cut-s 3 --session-s 8 --t1-ms 50 \
  --rtp-sample 0 --json >"$out" 2>&1 || { echo "dialbench sip (cut): exit status $?"; cat "$out"; exit 1; }
cat "$out"
tail -n 1 "$out" | python3 -c '
import json, sys
f = json.loads(sys.stdin.read())
bad = [k for k in ("legs_left", "calls_left", "sip_handles_left") if f[k] != 0]
if f["calls_at_cut"] != 40: bad.append("calls_at_cut %d != 40" % f["calls_at_cut"])
if not f["reap_s"] >= 0: bad.append("reap_s %s" % f["reap_s"])
if f["sip_reaped"] == 0: bad.append("nothing reaped")
if f["ok"] is not True: bad.append("ok is not true")
if bad:
    print("dialbench sip (cut): " + "; ".join(bad))
    sys.exit(1)
' || exit 1
echo "dialbench sip: smoke passed"
