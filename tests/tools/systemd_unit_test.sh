#!/bin/sh
# The appliance's install and systemd unit (issue 10): `cmake --install` puts the binaries, the
# default configuration and tools/systemd/dialcored.service under a prefix; the unit, pointed at
# that prefix, passes `systemd-analyze verify`, and its ExecStartPre (the --check) accepts the
# installed configuration. Skipped (77) where systemd-analyze is missing (minimal containers).
set -eu
build_dir=$1
command -v systemd-analyze >/dev/null 2>&1 || { echo "skip: no systemd-analyze"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
prefix=$tmp/prefix
cmake --install "$build_dir" --prefix "$prefix" >"$tmp/install.log"
for f in bin/dialcored bin/dialctl bin/dialbench share/dialcore/dialcore.yaml \
         lib/systemd/system/dialcored.service; do
  [ -e "$prefix/$f" ] || { echo "not installed: $f"; cat "$tmp/install.log"; exit 1; }
done
unit=$tmp/dialcored.service
sed -e "s|/usr/local/bin/|$prefix/bin/|g" \
    -e "s|/etc/dialcore/dialcore.yaml|$prefix/share/dialcore/dialcore.yaml|g" \
    "$prefix/lib/systemd/system/dialcored.service" >"$unit"
grep -q "^ExecStart=$prefix/bin/dialcored --config " "$unit" || { echo "ExecStart not rewritten"; exit 1; }
# verify prints every problem (unknown keys, bad values, missing executables) and exits non-zero.
out=$(systemd-analyze verify "$unit" 2>&1) || { echo "$out"; exit 1; }
if [ -n "$out" ]; then echo "systemd-analyze verify: $out"; exit 1; fi
# The signals the unit relies on are the ones dialcored handles (daemon/run.cpp).
grep -q '^KillSignal=SIGTERM$' "$unit" && grep -q '^ExecReload=/bin/kill -HUP \$MAINPID$' "$unit" \
  || { echo "unit signals changed"; exit 1; }
pre=$(sed -n 's/^ExecStartPre=//p' "$unit")
# shellcheck disable=SC2086  # the unit's command line, split as systemd splits it
$pre
echo "ok: installed under $prefix and verified"
