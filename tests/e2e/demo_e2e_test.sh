#!/usr/bin/env bash
# The end-to-end acceptance of issue 10 through the real thing: tools/demo (dialcored, the
# carrier and agent simulators, leads, a predictive campaign with AMD, recording and masked
# payments) in a private network namespace, then tools/demo_check on the store, the recordings
# and the simulators' summaries. MODE graceful: a stop with calls finished and agents wrapped;
# MODE crash: kill -9 of dialcored mid-campaign, a restart, recovery.
#   demo_e2e_test.sh SOURCE_DIR BUILD_BIN MODE
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
extra=()
[ "$mode" = crash ] && extra+=(--crash)
# The demo finds its binaries under build/bin: point it at this build's.
export DIALCORE_DEMO_BIN=$bin
unshare -n bash -c 'ip link set lo up && exec "$0" "$@"' "$src/tools/demo" --no-setup \
  --minutes 1 --agents 4 --leads 150 --seed 11 --dir "$run/run" --check "${extra[@]}"
