#!/bin/sh
# dialbench dataplane, a short run on net_ring: exits 0, its last line is the dataplane JSON
# with its seven worker rows (five relay/transcode rows, relay_vclock and relay_recorded), each having relayed packets (packets and mpps above 0) and lost none, the transcode_jb row and the three mix rows, and
# both transcoding ratios measured (above 0). Needs root for DPDK's EAL: skipped (77) otherwise.
#   dialbench_dataplane_smoke.sh DIALBENCH
set -u
bench=$1
if [ "$(id -u)" != 0 ]; then echo "SKIPPED: not root (DPDK EAL needs root)"; exit 77; fi
out=$(mktemp) || exit 1
trap 'rm -f "$out"' EXIT

"$bench" dataplane --backend dpdk --legs 64 --transcode-legs 4 --seconds 0.2 --json >"$out" || {
  echo "dialbench dataplane: exit status $?"; cat "$out"; exit 1; }
cat "$out"
json=$(tail -n 1 "$out")
case $json in
  '{"bench":"dataplane","backend":"dpdk",'*) ;;
  *) echo "last line is not the dataplane JSON: $json"; exit 1 ;;
esac
echo "$json" | awk '
  function each(key, test,    s, v, n) {
    s = $0; n = 0
    while (match(s, "\"" key "\":[-0-9.eE+]+")) {
      v = substr(s, RSTART + length(key) + 3, RLENGTH - length(key) - 3) + 0
      if (test == "pos" && v <= 0) { print key " " v " <= 0"; bad = 1 }
      if (test == "zero" && v != 0) { print key " " v " != 0"; bad = 1 }
      s = substr(s, RSTART + RLENGTH); n++
    }
    return n
  }
  {
    # 7 worker rows (packets, mpps, lost), the transcode_jb row (packets), 3 mix rows
    if (gsub(/"name":/, "&") != 11) { print "expected 11 rows"; bad = 1 }
    if (each("packets", "pos") != 8) { print "packets missing"; bad = 1 }
    if (each("mpps", "pos") != 7) { print "mpps missing"; bad = 1 }
    if (each("lost", "zero") != 7) { print "lost missing"; bad = 1 }
    if (each("g729_codec_ratio", "pos") != 1) { print "no G.729 ratio"; bad = 1 }
    if (each("opus_codec_ratio", "pos") != 1) { print "no Opus ratio"; bad = 1 }
  }
  END { exit bad }'
