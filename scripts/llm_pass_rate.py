#!/usr/bin/env python3
"""Candidate pass rate of the language model in `aiaccel rewrite --json` reports.

Usage: scripts/llm_pass_rate.py REPORT.json [REPORT.json ...]

Per report and model: candidates the model wrote (first answers and repairs), how many the
verifier found equivalent (accepted, not faster, or not timed), how many were accepted as
faster, and the functions the model produced an accepted rewrite for.
"""
import json
import sys

EQUIVALENT = {"equivalent", "accepted", "not_faster", "bench_failed"}


def counters():
    return {"n": 0, "eq": 0, "acc": 0, "repairs": 0, "repairs_eq": 0, "verdicts": {}, "won": []}

for path in sys.argv[1:]:
    with open(path) as f:
        report = json.load(f)
    by_model = {}
    for fn in report["functions"]:
        for c in fn["candidates"]:
            if not c["origin"].startswith("llm:"):
                continue
            m = by_model.setdefault(c["origin"], counters())
            m["n"] += 1
            eq = c["verdict"] in EQUIVALENT
            m["eq"] += eq
            m["acc"] += c["verdict"] == "accepted"
            if " repair " in c["label"]:
                m["repairs"] += 1
                m["repairs_eq"] += eq
            m["verdicts"][c["verdict"]] = m["verdicts"].get(c["verdict"], 0) + 1
        if fn["status"] == "accepted" and (fn.get("origin") or "").startswith("llm:"):
            by_model.setdefault(fn["origin"], counters())["won"].append(
                "%s %.1fx" % (fn["function"], fn.get("speedup") or 0.0))
    print(path)
    for model, m in by_model.items():
        rate = 100.0 * m["eq"] / m["n"] if m["n"] else 0.0
        print("  %s: %d candidates (%d repairs), %d verified equivalent (%.0f%%; %d of the repairs), %d accepted as faster" % (
            model, m["n"], m["repairs"], m["eq"], rate, m["repairs_eq"], m["acc"]))
        print("    verdicts: %s" % ", ".join("%s %d" % kv for kv in sorted(m["verdicts"].items())))
        print("    accepted functions: %s" % (", ".join(m["won"]) or "none"))
