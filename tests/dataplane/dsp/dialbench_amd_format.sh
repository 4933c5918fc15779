#!/bin/sh
# dialbench amd on fixtures: exactly one FILE<TAB>RESULT<TAB>decision_ms line per file on
# stdout, FILE echoed as given, exit status 0 (the corpus contract, shared/corpus/README.md);
# an unreadable file still gets its line.
#   dialbench_amd_format.sh DIALBENCH FIXTURE_DIR
set -u
bench=$1
dir=$2
out=$("$bench" amd "$dir/amd-dev-0118.wav" "$dir/amd-dev-0041.wav" "$dir/no-such-file.wav" \
      2>/dev/null) || { echo "exit status $?"; exit 1; }
printf '%s\n' "$out" | awk -F'\t' -v d="$dir" '
  NR == 1 && !($1 == d "/amd-dev-0118.wav" && $2 == "HUMAN" && $3 ~ /^[0-9]+$/) { bad = 1 }
  NR == 2 && !($1 == d "/amd-dev-0041.wav" && $2 == "FAX" && $3 ~ /^[0-9]+$/) { bad = 1 }
  NR == 3 && !($1 == d "/no-such-file.wav" && $2 == "NOTSURE" && $3 == "0") { bad = 1 }
  NF != 3 { bad = 1 }
  END { exit bad || NR != 3 }' || { echo "stdout wrong:"; printf '%s\n' "$out"; exit 1; }
# --events goes to stderr only.
[ "$("$bench" amd --events "$dir/amd-dev-0118.wav" 2>/dev/null | wc -l)" = 1 ] || exit 1
"$bench" amd --events "$dir/amd-dev-0118.wav" 2>&1 >/dev/null | grep -q "decision HUMAN greeting-then-pause" || exit 1
echo ok
