#!/usr/bin/env bash
# The end-to-end acceptance of issue 10 through the real thing: tools/demo (dialcored, the
# carrier and agent simulators, leads, a predictive campaign with AMD, recording and masked
# payments), then tools/demo_check on the store, the recordings and the simulators' summaries.
# MODE graceful: a stop with calls finished and agents wrapped; MODE crash: kill -9 of dialcored
# mid-campaign, a restart, recovery (both in a private network namespace, on 127.0.0.1);
# MODE dpdk: graceful, dialcored's RTP on the DPDK backend (net_af_packet on a veth pair between
# two namespaces tools/demo --dpdk makes itself), the same checks plus RTP through the DPDK port
# both ways, and the namespaces and EAL's runtime directory gone afterwards.
#   demo_e2e_test.sh SOURCE_DIR BUILD_BIN MODE
# Root only: 77 (skipped) otherwise, or when tools/demo --dpdk finds no net_af_packet driver.
set -euo pipefail
src=$1
bin=$2
mode=$3
if [ "$(id -u)" != 0 ] || ! unshare -n true 2>/dev/null; then
  echo "skipped: needs root for a private network namespace"
  exit 77
fi
run=$(mktemp -d /tmp/dialcore-e2e.XXXXXX)
trap 'rm -rf "$run"' EXIT
# The demo finds its binaries under build/bin: point it at this build's.
export DIALCORE_DEMO_BIN=$bin
args=(--no-setup --minutes 1 --agents 4 --leads 150 --seed 11 --dir "$run/run" --check)
# In the ASan/UBSan build: no sanitizer report from dialcored or the simulators (the demo does
# not look at their exit status).
sanitizer_clean() {
  local hits=()
  mapfile -t hits < <(grep -l -E 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$run"/run/*.log)
  [ "${#hits[@]}" = 0 ] && return 0
  echo "FAIL: sanitizer reports in ${hits[*]}"
  grep -h -A20 -E 'Sanitizer|runtime error:' "${hits[@]}" | head -60
  exit 1
}
case "$mode" in
  graceful|crash)
    [ "$mode" = crash ] && args+=(--crash)
    unshare -n bash -c 'ip link set lo up && exec "$0" "$@"' "$src/tools/demo" "${args[@]}"
    sanitizer_clean ;;
  dpdk)
    rc=0
    "$src/tools/demo" --dpdk "${args[@]}" &
    demo=$!
    wait "$demo" || rc=$?
    [ "$rc" = 0 ] || exit "$rc"   # 77 from the demo: no DPDK af_packet here (skipped)
    sanitizer_clean
    grep -q 'backend: dpdk' "$run/run/dialcore.yaml" ||
      { echo "FAIL: the run's dialcored was not on the DPDK backend"; exit 1; }
    if ip netns list | grep -q "^dcdemo-$demo-"; then
      echo "FAIL: tools/demo left its namespaces: $(ip netns list | grep "^dcdemo-$demo-" | tr '\n' ' ')"
      exit 1
    fi
    if [ -e "/var/run/dpdk/dialcore-demo-$demo" ]; then
      echo "FAIL: EAL's runtime directory /var/run/dpdk/dialcore-demo-$demo is left"
      exit 1
    fi
    echo "ok    namespaces and EAL's runtime directory removed" ;;
  *) echo "usage: demo_e2e_test.sh SOURCE_DIR BUILD_BIN graceful|crash|dpdk" >&2; exit 2 ;;
esac
