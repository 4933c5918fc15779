#!/bin/sh
# dialbench dtmf detect on fixtures: exactly one FILE<TAB>DIGITS line per file on stdout, in the
# corpus contract's format, FILE echoed as given, exit status 0 (shared/corpus/README.md).
#   dialbench_dtmf_format.sh DIALBENCH FIXTURE_DIR
set -u
bench=$1
dir=$2
out=$("$bench" dtmf detect "$dir/dtmf-dev-valid-019.wav" "$dir/dtmf-dev-talkoff-009.wav" \
      "$dir/no-such-file.wav" 2>/dev/null) || { echo "exit status $?"; exit 1; }
expected=$(printf '%s\t%s\n%s\t\n%s\t' "$dir/dtmf-dev-valid-019.wav" "4AAA#D0D33*C296B8517" \
           "$dir/dtmf-dev-talkoff-009.wav" "$dir/no-such-file.wav")
if [ "$out" != "$expected" ]; then
  echo "stdout differs:"; printf '%s\n' "$out"; echo "expected:"; printf '%s\n' "$expected"
  exit 1
fi
# The judge can fail: a wrong format would not match (a space instead of the tab).
[ "$(printf '%s %s' a b)" != "$(printf '%s\t%s' a b)" ] || exit 1
echo ok
