#!/bin/sh
# Per-file AMD results over a grid of the late-correction thresholds, in six conditions
# (clean, G.729, 20/10 dB SNR, both), for bench/dsp/amd_late_cv.py:
#   bench/dsp/amd_late_grid.sh build/bin/dialbench OUTDIR [CORPUS_DIR]
# Writes OUTDIR/<condition>.txt lines: gap_ms<TAB>speech_ms<TAB>FILE<TAB>RESULT<TAB>decision_ms.
set -eu
bench=$1; out=$2; corpus=${3:-/work/shared/corpus/amd-dev}
mkdir -p "$out"
for c in clean g729 snr20 snr10 g729snr20 g729snr10; do
  case $c in
    clean) o="";; g729) o="--g729";; snr20) o="--snr-db 20";; snr10) o="--snr-db 10";;
    g729snr20) o="--g729 --snr-db 20";; g729snr10) o="--g729 --snr-db 10";;
  esac
  : > "$out/$c.txt"
  for g in 1600 1700 1800 1900 2000 2100 2200; do
    for l in 100 200 300 400 500 600; do
      # shellcheck disable=SC2086
      "$bench" amd $o --late-gap-ms $g --late-speech-ms $l "$corpus"/*.wav |
        awk -v g=$g -v l=$l '{print g "\t" l "\t" $0}' >> "$out/$c.txt"
    done
  done
done
