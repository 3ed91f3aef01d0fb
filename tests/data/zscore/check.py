#!/usr/bin/env python3
"""An independent computation of the z-score method (docs/scoring.md), for
the expectations of tests/test_zscore.c: Python's exact Fractions, and
MPFR's two roundings (the ratio V/v to 128 bits, then its square root to 128
bits, each to nearest, ties to even) done by hand with integers (math.isqrt),
so that nothing here shares code with merit or MPFR.

    python3 tests/data/zscore/check.py proposals/mfg-2026
prints each proposal's criterion aggregates and total (exact and to two
places) for the call's counted reviews."""
import math
import sys
import xml.etree.ElementTree as ET
from fractions import Fraction as F
from pathlib import Path

PREC, MIN_SCORES = 128, 3
NS = "{urn:merit:1}"


def round_q(q, p=PREC):
    """q > 0 rounded to p significant bits, to nearest, ties to even."""
    e = p - 1 - (q.numerator.bit_length() - q.denominator.bit_length())
    while q * F(2) ** e >= 2 ** p:
        e -= 1
    while q * F(2) ** e < 2 ** (p - 1):
        e += 1
    m = q * F(2) ** e
    f = math.floor(m)
    r = m - f
    if r > F(1, 2) or (r == F(1, 2) and f % 2 == 1):
        f += 1
    return F(f) / F(2) ** e


def sqrt_round(d, p=PREC):
    """sqrt(d), d > 0, rounded to p significant bits, to nearest, ties to even."""
    e = (p - 1) - (d.numerator.bit_length() - d.denominator.bit_length()) // 2
    while True:
        x = d * F(4) ** e
        f = math.isqrt(math.floor(x))  # floor(sqrt(x))
        if f >= 2 ** p:
            e -= 1
        elif f < 2 ** (p - 1):
            e += 1
        else:
            break
    half = F(f) ** 2 + f + F(1, 4)  # (f + 1/2)^2
    if x > half or (x == half and f % 2 == 1):
        f += 1
    return F(f) / F(2) ** e


def factor(panel_var, var):
    return sqrt_round(round_q(panel_var / var))


def moments(xs):
    n = len(xs)
    m = sum(xs, F(0)) / n
    return m, sum(((x - m) ** 2 for x in xs), F(0)) / n


def zscore(scores):
    """scores: list of (reviewer, key, value) counted scores of one criterion;
    returns {key: x'} and the per-reviewer (count, mean, var, factor, kept)."""
    pm, pv = moments([x for _, _, x in scores])
    by = {}
    for j, _, x in scores:
        by.setdefault(j, []).append(x)
    info = {}
    for j, xs in by.items():
        m, v = moments(xs)
        if len(xs) < MIN_SCORES:
            info[j] = (len(xs), m, v, F(1), "few-scores")
        elif v == 0:
            info[j] = (len(xs), m, v, F(1), "no-spread")
        elif pv == 0:
            info[j] = (len(xs), m, v, F(1), "panel-no-spread")
        else:
            info[j] = (len(xs), m, v, factor(pv, v), None)
    out = {}
    for j, k, x in scores:
        n, m, v, r, kept = info[j]
        out[k] = x if kept else pm + (x - m) * r
    return out, info, (pm, pv)


def main(calldir):
    calldir = Path(calldir)
    call = ET.parse(calldir / "call.xml").getroot()
    rubric = ET.parse(Path(__file__).resolve().parents[3] / "rubrics" /
                      (call.find(NS + "rubric").get("name") + ".xml")).getroot()
    crits = [(c.get("id"), F(c.get("weight")))
             for c in rubric.find(NS + "criteria").iter(NS + "criterion")]
    conflicts = {(c.get("reviewer"), c.get("proposal")) for c in call.iter(NS + "conflict")}
    reviews = []  # (reviewer, proposal, {criterion: value})
    for f in sorted((calldir / "reviews").glob("*.xml")):
        sheet = ET.parse(f).getroot()
        j = sheet.get("reviewer")
        for rv in sheet.iter(NS + "review"):
            p = rv.get("proposal")
            if (j, p) in conflicts:
                continue
            reviews.append((j, p, {s.get("criterion"): F(s.get("value"))
                                   for s in rv.iter(NS + "score")}))
    agg = {}
    for c, _ in crits:
        scores = [(j, (j, p), sc[c]) for j, p, sc in reviews if c in sc]
        out, _, _ = zscore(scores)
        per = {}
        for (j, p), x in out.items():
            per.setdefault(p, []).append(x)
        for p, xs in per.items():
            agg[(p, c)] = sum(xs, F(0)) / len(xs)
    for p in sorted({p for _, p, _ in reviews}):
        if not all((p, c) in agg for c, _ in crits):
            continue
        total = sum((w * agg[(p, c)] for c, w in crits), F(0))
        print(p, f"{float(total):.2f}", " ".join(f"{float(agg[(p, c)]):.2f}" for c, _ in crits))
        print("  exact", total)


if __name__ == "__main__":
    main(sys.argv[1])
