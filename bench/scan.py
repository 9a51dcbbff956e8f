"""Benchmark of the sensitive-data scanner: quality per type and throughput.

    python bench/scan.py [--docs N] [--seed S] [--repeat R] [--errors K]

Quality on the labelled synthetic corpus of ``bench/corpus.py``:

* identifiers: a prediction is a true positive only on an exact match of type, start and end;
  every other prediction of that type is a false positive, every unmatched gold span a false
  negative;
* special categories: a prediction is a true positive when it overlaps a gold span of the same
  category (the gold span is the planted phrase, which may hold more than one term); a gold
  span is recalled when some prediction of its category overlaps it.

Throughput: each ticket is scanned on its own (as intake does), timed over the whole corpus
in CPU time of this process (one core; robust when the machine is shared), median of
``--repeat`` runs, in MB/s of UTF-8 input. The baseline is a plain ``re`` scanner
with naive patterns (digit runs, e-mail shapes), no checks, over the same tickets in the same
run; the ratio says what the verification and special-category pass cost.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from corpus import Doc, generate  # noqa: E402
from varna.domain.scan import IDENTIFIER_TYPES, SPECIAL_CATEGORIES, scan  # noqa: E402

TARGETS = {
    "id_recall": 0.99,
    "id_precision": 0.97,
    "sp_recall": 0.95,
    "sp_precision": 0.9,
    "mbps": 5.0,
}

_BASELINE = re.compile(r"\+?\d[\d -]{4,}\d|[\w.+-]+@[\w-]+\.[\w.-]+")


def baseline(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in _BASELINE.finditer(text)]


def evaluate(docs: list[Doc], show: int) -> tuple[dict[str, Counter[str]], list[str]]:
    stats: dict[str, Counter[str]] = {}
    errors: list[str] = []
    for d in docs:
        pred = [(f.type, f.start, f.end) for f in scan(d.text)]
        gold = d.spans
        gold_set = set(gold)
        for t, s, e in pred:
            c = stats.setdefault(t, Counter())
            if t.startswith("special:"):
                ok = any(gt == t and s < ge and gs < e for gt, gs, ge in gold)
            else:
                ok = (t, s, e) in gold_set
            c["tp_pred" if ok else "fp"] += 1
            if not ok and len(errors) < show:
                errors.append(f"FP {t:18} {d.text[max(0, s - 25) : s]!r} [{d.text[s:e]!r}]")
        for t, s, e in gold:
            c = stats.setdefault(t, Counter())
            if t.startswith("special:"):
                ok = any(pt == t and s < pe and ps < e for pt, ps, pe in pred)
            else:
                ok = (t, s, e) in pred
            c["tp_gold" if ok else "fn"] += 1
            if not ok and len(errors) < show:
                errors.append(f"FN {t:18} {d.text[max(0, s - 25) : s]!r} [{d.text[s:e]!r}]")
    return stats, errors


def throughput(docs: list[Doc], fn: object, repeat: int) -> float:
    texts = [d.text for d in docs]
    size = sum(len(t.encode()) for t in texts) / 1e6
    times = []
    for _ in range(repeat):
        t0 = time.process_time()
        for t in texts:
            fn(t)  # type: ignore[operator]
        times.append(time.process_time() - t0)
    return size / statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=5000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--errors", type=int, default=0, help="print up to K misses and false hits")
    args = ap.parse_args(argv)

    docs = generate(args.docs, args.seed)
    size = sum(len(d.text.encode()) for d in docs)
    print(f"corpus: {len(docs)} tickets, {size / 1e6:.2f} MB, seed {args.seed}")
    scan(docs[0].text)  # compile patterns, load lexicon outside the timing
    stats, errors = evaluate(docs, args.errors)

    ok = True
    print(f"{'type':28} {'gold':>6} {'pred':>6} {'prec':>7} {'recall':>7}")
    order = list(IDENTIFIER_TYPES) + ["special:" + c for c in SPECIAL_CATEGORIES]
    for t in order + sorted(set(stats) - set(order)):
        c = stats.get(t)
        if not c:
            continue
        npred = c["tp_pred"] + c["fp"]
        ngold = c["tp_gold"] + c["fn"]
        prec = c["tp_pred"] / npred if npred else 1.0
        rec = c["tp_gold"] / ngold if ngold else 1.0
        special = t.startswith("special:")
        want_p = TARGETS["sp_precision" if special else "id_precision"]
        want_r = TARGETS["sp_recall" if special else "id_recall"]
        flag = "" if prec >= want_p and rec >= want_r else "  <-- below target"
        ok = ok and not flag
        print(f"{t:28} {ngold:6d} {npred:6d} {prec:7.4f} {rec:7.4f}{flag}")
    sp = Counter[str]()
    for t, c in stats.items():
        if t.startswith("special:"):
            sp.update(c)
    if sp:
        p = sp["tp_pred"] / max(1, sp["tp_pred"] + sp["fp"])
        r = sp["tp_gold"] / max(1, sp["tp_gold"] + sp["fn"])
        print(
            f"{'special (all categories)':28} {sp['tp_gold'] + sp['fn']:6d} "
            f"{sp['tp_pred'] + sp['fp']:6d} {p:7.4f} {r:7.4f}"
        )
    for line in errors:
        print(line)

    mbps = throughput(docs, scan, args.repeat)
    base = throughput(docs, baseline, args.repeat)
    print(
        f"throughput: {mbps:.2f} MB/s (median of {args.repeat}); naive re baseline "
        f"{base:.2f} MB/s; ratio {mbps / base:.3f}"
    )
    if mbps < TARGETS["mbps"]:
        ok = False
        print("throughput below target")
    print("targets: met" if ok else "targets: NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
