#!/bin/sh
# dialbench dtmf mask on a fixture, per the corpus contract (shared/corpus/README.md): stdout is
# exactly the captured digits, OUT is 8 kHz mono 16-bit, and multimon-ng (the decoder the corpus
# scorer uses) finds no key in OUT, for every fill. The judge can fail: multimon-ng must find
# every key in IN. Needs sox and multimon-ng (Debian packages sox, multimon-ng).
#   dialbench_dtmf_mask.sh DIALBENCH IN.wav DIGITS
set -u
bench=$1
in=$2
digits=$3
for tool in sox multimon-ng; do
  command -v "$tool" >/dev/null 2>&1 || { echo "$tool not installed (Debian package $tool)"; exit 1; }
done
work=$(mktemp -d) || exit 1
trap 'rm -rf "$work"' EXIT

decode() {  # the keys multimon-ng hears in a WAV file, as the scorer runs it
  sox -D -V1 "$1" -t raw -e signed-integer -b 16 -r 22050 -c 1 - |
    multimon-ng -q -t raw -a DTMF - 2>/dev/null | sed -n 's/^DTMF: *//p' | tr -d '\n'
}

heard=$(decode "$in")
if [ "$heard" != "$digits" ]; then
  echo "multimon-ng hears '$heard' in the input, expected '$digits': the check cannot be trusted"
  exit 1
fi
status=0
for fill in noise silence tone; do
  out="$work/out-$fill.wav"
  captured=$("$bench" dtmf mask --fill "$fill" "$in" "$out" 2>"$work/err") || {
    echo "fill $fill: exit status $?"; cat "$work/err"; status=1; continue; }
  if [ "$captured" != "$digits" ]; then
    echo "fill $fill: stdout '$captured', expected '$digits'"; status=1
  fi
  format=$(sox --i -r "$out")/$(sox --i -c "$out")/$(sox --i -b "$out")
  if [ "$format" != "8000/1/16" ]; then
    echo "fill $fill: output is rate/channels/bits $format, expected 8000/1/16"; status=1
  fi
  left=$(decode "$out")
  if [ -n "$left" ]; then
    echo "fill $fill: multimon-ng still hears '$left' in the output"; status=1
  fi
done
[ $status -eq 0 ] && echo ok
exit $status
