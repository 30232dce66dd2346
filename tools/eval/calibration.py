#!/usr/bin/env python3
"""Does a confidence threshold mean the same in every tenant? Reads `replykit eval --mode full --json` reports
(their `calibration`: at each threshold, the share of judged questions answered and the first answer's
precision; with `--out-of-scope`, the share of unanswerable questions refused) and, for a wanted precision,
picks on each collection the lowest threshold that reaches it, then shows the precision and the share answered
that threshold gives on every other collection. A calibrated confidence keeps the precision within a few points.

Usage: calibration.py [--precision 0.85] REPORT.json ...   (a report's name is its file name)
"""
import argparse
import json
import os


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--precision", type=float, default=0.85)
    parser.add_argument("reports", nargs="+")
    args = parser.parse_args()
    curves = {}
    for path in args.reports:
        report = json.load(open(path))
        if not report.get("calibration"):
            parser.error("%s: no calibration (a report of replykit eval --mode full --json)" % path)
        curves[os.path.basename(path).rsplit(".", 1)[0]] = {round(p["threshold"], 2): p for p in report["calibration"]}
    names = list(curves)
    print("Precision of the first answer (share of judged questions answered) at the threshold chosen on each "
          "collection for precision %.2f; out-of-scope refused where known." % args.precision)
    print()
    print("| chosen on | threshold | " + " | ".join(names) + " | spread |")
    print("|---|---:|" + "---:|" * len(names) + "---:|")
    for chosen in names:
        reached = [t for t, p in sorted(curves[chosen].items()) if p["precision"] >= args.precision and p["answered"] > 0]
        if not reached:
            print("| %s | never | %s |" % (chosen, " | ".join("" for _ in names)))
            continue
        threshold = reached[0]
        cells, precisions = [], []
        for name in names:
            point = curves[name][threshold]
            refused = point.get("outOfScopeRefused")
            if point["answered"] == 0:  # nothing answered: no precision to speak of
                cells.append("– (0%s)" % ("" if refused is None else ", oos %.2f" % refused))
                continue
            precisions.append(point["precision"])
            cells.append("%.3f (%.2f%s)" % (point["precision"], point["answered"],
                                          "" if refused is None else ", oos %.2f" % refused))
        print("| %s | %.2f | %s | %.3f |" % (chosen, threshold, " | ".join(cells), max(precisions) - min(precisions)))


if __name__ == "__main__":
    main()
