"""Evaluate matching on the labelled set: prints the confusion matrix, precision and
recall of opening a case, entity accuracy, and every account it got wrong.

    python benchmarks/matching_eval.py [--verbose]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from crawler.district.profile import load_profile
from crawler.district.registry import load_registry
from crawler.sample import PROFILE, REGISTRY
from matching import Matcher
from tests.matching.labelled import confusion_table, load, score


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument(
        "--verbose", "-v", action="store_true", help="print the explanation of every error"
    )
    args = ap.parse_args()
    profile = load_profile(PROFILE)
    matcher = Matcher(profile, load_registry(REGISTRY, profile).rows)
    rows = load()
    t = time.perf_counter()
    results = matcher.assess_many(r.candidate for r in rows)
    dt = time.perf_counter() - t
    s = score(rows, results)
    print(f"{len(rows)} labelled accounts, assessed in {dt * 1000:.0f} ms\n")
    print(confusion_table(s.confusion))
    print(
        f"\ncases (unregistered + impersonation): precision {s.precision:.3f}  recall {s.recall:.3f}"
    )
    print(f"entity accuracy where the classification is right: {s.entity_accuracy:.3f}")
    if s.wrong:
        print(f"\n{len(s.wrong)} differences:")
    for row, res in s.wrong:
        c = row.candidate
        print(
            f"  line {row.line}: {c.platform} @{c.handle} '{c.display_name}': expected {row.expected}/{row.entity}, "
            f"got {res.classification}/{res.entity} ({res.confidence})"
        )
        if args.verbose:
            for lv in res.explanation:
                print(f"      {lv.weight:+.1f} {lv.label}")


if __name__ == "__main__":
    main()
