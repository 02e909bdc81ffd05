"""Evaluate matching on the labelled sets of every invented district: prints precision and recall
of opening a case per district (one line each), then, for all districts together, the confusion
matrix, entity accuracy and every account it got wrong.

    python benchmarks/matching_eval.py [--verbose]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from matching.types import Result
from tests.matching.labelled import DISTRICTS, Row, confusion_table, score


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument(
        "--verbose", "-v", action="store_true", help="print the explanation of every error"
    )
    args = ap.parse_args()
    all_rows: list[Row] = []
    all_results: list[Result] = []
    named: list[tuple[str, Row, Result]] = []
    print(f"{'district':<30}{'accounts':>9}{'precision':>11}{'recall':>8}{'entities':>10}{'ms':>7}")
    for d in DISTRICTS:
        matcher = d.matcher()
        rows = d.rows()
        t = time.perf_counter()
        results = matcher.assess_many(r.candidate for r in rows)
        dt = time.perf_counter() - t
        s = score(rows, results)
        print(
            f"{d.name:<30}{len(rows):>9}{s.precision:>11.3f}{s.recall:>8.3f}"
            f"{s.entity_accuracy:>10.3f}{dt * 1000:>7.0f}"
        )
        all_rows += rows
        all_results += results
        named += [(d.name, row, res) for row, res in s.wrong]
    s = score(all_rows, all_results)
    print(f"{'all districts':<30}{len(all_rows):>9}{s.precision:>11.3f}{s.recall:>8.3f}")
    print(f"\n{confusion_table(s.confusion)}")
    print(
        f"\ncases (unregistered + impersonation): precision {s.precision:.3f}  recall {s.recall:.3f}"
    )
    print(f"entity accuracy where the classification is right: {s.entity_accuracy:.3f}")
    if named:
        print(f"\n{len(named)} differences:")
    for district, row, res in named:
        c = row.candidate
        print(
            f"  {district}, line {row.line}: {c.platform} @{c.handle} '{c.display_name}': "
            f"expected {row.expected}/{row.entity}, "
            f"got {res.classification}/{res.entity} ({res.confidence}, rule {res.rule})"
        )
        if args.verbose:
            for lv in res.explanation:
                print(f"      {lv.weight:+.1f} {lv.label}")


if __name__ == "__main__":
    main()
