#!/bin/sh
# dialbench dataplane --workers 2, briefly: exits 0, its last line is the runtime JSON with four
# rows (two workers on each backend), every worker relayed packets on both backends, and both
# ratios are measured. Needs root for DPDK's EAL: skipped (77) otherwise.
#   dialbench_dataplane_workers_smoke.sh DIALBENCH
set -u
bench=$1
if [ "$(id -u)" != 0 ]; then echo "SKIPPED: not root (DPDK EAL needs root)"; exit 77; fi
out=$(mktemp) || exit 1
trap 'rm -f "$out"' EXIT
"$bench" dataplane --backend dpdk --workers 2 --legs 40 --seconds 0.3 --json >"$out" || {
  echo "dialbench dataplane --workers: exit status $?"; cat "$out"; exit 1; }
cat "$out"
json=$(tail -n 1 "$out")
case $json in
  '{"bench":"dataplane","backend":"dpdk","mode":"runtime",'*) ;;
  *) echo "last line is not the runtime JSON: $json"; exit 1 ;;
esac
echo "$json" | awk '
  function each(key, test,    s, v, n) {
    s = $0; n = 0
    while (match(s, "\"" key "\":[-0-9.eE+]+")) {
      v = substr(s, RSTART + length(key) + 3, RLENGTH - length(key) - 3) + 0
      if (test == "pos" && v <= 0) { print key " " v " <= 0"; bad = 1 }
      s = substr(s, RSTART + RLENGTH); n++
    }
    return n
  }
  {
    if (each("packets", "pos") != 4) { print "expected 4 rows with packets"; bad = 1 }
    if (each("dpdk_socket_pps_ratio", "pos") != 1) { print "no pps ratio"; bad = 1 }
    if (each("dpdk_socket_cpu_ratio", "pos") != 1) { print "no CPU ratio"; bad = 1 }
  }
  END { exit bad }'
