#!/usr/bin/env python3
"""The AMD causality check of shared/corpus/README.md: every file cut at decision_ms + 20 ms must
give the same RESULT. Usage:
  dialbench amd DIR/*.wav > amd.tsv
  bench/dsp/amd_cut_check.py --dialbench build/bin/dialbench amd.tsv
Prints each file whose answer changed and ends with one JSON line {"files", "changed"}."""
import argparse, json, os, subprocess, sys, tempfile, wave


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dialbench", required=True)
    ap.add_argument("results", help="dialbench amd output: FILE<TAB>RESULT<TAB>decision_ms")
    a = ap.parse_args()
    rows = [l.rstrip("\n").split("\t") for l in open(a.results) if l.strip()]
    with tempfile.TemporaryDirectory() as tmp:
        cut_of = {}
        for path, _, ms in rows:
            with wave.open(path, "rb") as w:
                rate, width, ch = w.getframerate(), w.getsampwidth(), w.getnchannels()
                frames = w.readframes(w.getnframes())
            keep = min(len(frames), (int(ms) + 20) * rate // 1000 * width * ch)
            out = os.path.join(tmp, os.path.basename(path))
            with wave.open(out, "wb") as w:
                w.setnchannels(ch); w.setsampwidth(width); w.setframerate(rate)
                w.writeframes(frames[:keep])
            cut_of[out] = path
        got = subprocess.run([a.dialbench, "amd", *cut_of], capture_output=True, text=True,
                             check=True).stdout
        again = {cut_of[l.split("\t")[0]]: l.split("\t")[1] for l in got.splitlines() if l}
    changed = 0
    for path, result, ms in rows:
        if again.get(path) != result:
            changed += 1
            print(f"{path}: {result} at {ms} ms, cut copy says {again.get(path)}")
    print(json.dumps({"files": len(rows), "changed": changed}))
    return 1 if changed else 0


if __name__ == "__main__":
    sys.exit(main())
