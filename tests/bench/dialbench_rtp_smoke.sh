#!/bin/sh
# dialbench rtp, a short run: exits 0, its last line is the rtp JSON with one entry per relay
# asked for, each measured (no "error"), each with loss_pct below MAX_LOSS_PCT and a positive
# cpu_us_per_packet; with both relays, the CPU ratio is a number.
#   dialbench_rtp_smoke.sh DIALBENCH RELAY(dialcore|rtpengine|both) MAX_LOSS_PCT
set -u
bench=$1
relay=$2
max_loss=$3
out=$(mktemp) || exit 1
trap 'rm -f "$out"' EXIT

"$bench" rtp --relay "$relay" --calls 20 --seconds 2 --json >"$out" || {
  echo "dialbench rtp --relay $relay: exit status $?"; cat "$out"; exit 1; }
cat "$out"
json=$(tail -n 1 "$out")
case $json in
  '{"bench":"rtp","calls":20,'*) ;;
  *) echo "last line is not the rtp JSON: $json"; exit 1 ;;
esac
case $json in *'"error"'*) echo "a relay did not run"; exit 1 ;; esac
expected=1
[ "$relay" = both ] && expected=2
# One "name" per relay; every loss_pct under the bound, every cpu_us_per_packet above 0.
echo "$json" | awk -v want="$expected" -v max="$max_loss" '
  {
    n = gsub(/"name":/, "&")
    if (n != want) { print "relays: " n ", expected " want; bad = 1 }
    s = $0
    while (match(s, /"loss_pct":[-0-9.eE+]+/)) {
      v = substr(s, RSTART + 11, RLENGTH - 11) + 0
      if (v >= max) { print "loss_pct " v " >= " max; bad = 1 }
      s = substr(s, RSTART + RLENGTH); losses++
    }
    s = $0
    while (match(s, /"cpu_us_per_packet":[-0-9.eE+]+/)) {
      v = substr(s, RSTART + 20, RLENGTH - 20) + 0
      if (v <= 0) { print "cpu_us_per_packet " v " <= 0"; bad = 1 }
      s = substr(s, RSTART + RLENGTH); cpus++
    }
    if (losses != want || cpus != want) { print "missing loss_pct or cpu_us_per_packet"; bad = 1 }
    if (want == 2 && $0 !~ /"cpu_ratio_dialcore_vs_rtpengine":[0-9]/) {
      print "no CPU ratio"; bad = 1
    }
  }
  END { exit bad }'
