#!/usr/bin/env python3
"""Per eval and function, the geometric mean over workloads of one tool's median time over
another's, from two `run.sh --full --log DIR` folders, as a Markdown table.

    gradbench/table.py OURS_DIR MANUAL_DIR

A workload that failed, was invalid or has no timing in either log is left out and counted.
"""
import json
import math
import statistics
import sys
from pathlib import Path


def medians(path):
    msgs, resps, valid = {}, {}, {}
    for line in open(path):
        o = json.loads(line)
        if "message" in o:
            m = o["message"]
            msgs[m["id"]] = m
            if m.get("kind") == "analysis":
                valid[m["of"]] = m.get("valid")
        elif "response" in o:
            resps[o["response"]["id"]] = o["response"]
    out = {}
    for i, m in msgs.items():
        if m.get("kind") != "evaluate":
            continue
        r = resps.get(i, {})
        ts = [t["nanoseconds"] for t in r.get("timings") or [] if t["name"] == "evaluate"]
        if r.get("success") and valid.get(i) is not False and ts:
            out[(m["function"], m.get("description", ""))] = statistics.median(ts)
    return out


def main():
    ours_dir, ref_dir = Path(sys.argv[1]), Path(sys.argv[2])
    print("| eval | function | workloads | ours / manual (geometric mean) | slowest workload |")
    print("|---|---|---|---|---|")
    for ours_log in sorted(ours_dir.glob("*.jsonl")):
        ref_log = ref_dir / ours_log.name
        if not ref_log.exists():
            continue
        ours, ref = medians(ours_log), medians(ref_log)
        functions = sorted({f for f, _ in ours})
        for function in functions:
            keys = [k for k in ours if k[0] == function and k in ref and ref[k] > 0]
            if not keys:
                continue
            ratios = [ours[k] / ref[k] for k in keys]
            geo = math.exp(sum(math.log(r) for r in ratios) / len(ratios))
            worst = max(zip(ratios, keys))
            print(f"| {ours_log.stem} | {function} | {len(keys)} | {geo:.2f} | {worst[0]:.2f} ({worst[1][1]}) |")


if __name__ == "__main__":
    main()
