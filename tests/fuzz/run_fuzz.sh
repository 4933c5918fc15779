#!/bin/sh
# run_fuzz.sh FUZZER CORPUS ARTIFACT_DIR [libFuzzer options...]
# Runs a libFuzzer target over a copy of its seed corpus, so the inputs it adds land in a
# temporary directory and the repository is never modified. A crash input is kept in
# ARTIFACT_DIR (in the build tree) for reproduction: FUZZER ARTIFACT_DIR/crash-...
set -eu
fuzzer=$1
corpus=$2
artifacts=$3
shift 3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$corpus"/* "$work"/
mkdir -p "$artifacts"
"$fuzzer" -artifact_prefix="$artifacts/" -print_final_stats=1 "$@" "$work"
