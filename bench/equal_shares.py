"""Benchmark: the Method of Equal Shares on real elections (tests/fixtures/pabulib).

Prints, per approval election, our time for MES without completion and with add1, whether
the outcome matches pabutools 1.2.3's stored outcome, and pabutools' own time: measured in
this run when pabutools is installed (an optional, GPL research library), else the time it
took when the reference was made (``seconds`` in the reference file, all its rules).

Usage: .venv/bin/python bench/equal_shares.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from app.deliberation.interop import compute_pb
from app.deliberation.methods import Method
from app.deliberation.pabulib import read

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "pabulib"


def best_of(repeat: int, call) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    best, value = float("inf"), None
    for _ in range(repeat):
        started = time.perf_counter()
        value = call()
        best = min(best, time.perf_counter() - started)
    return best, value


def pabutools_seconds(path: Path) -> float | None:
    try:
        from pabutools.election import Cost_Sat, parse_pabulib  # type: ignore[import-not-found]
        from pabutools.rules import (  # type: ignore[import-not-found]
            exhaustion_by_budget_increase,
            method_of_equal_shares,
        )
    except ImportError:
        return None
    instance, profile = parse_pabulib(str(path))
    started = time.perf_counter()
    exhaustion_by_budget_increase(
        instance,
        profile,
        method_of_equal_shares,
        {"sat_class": Cost_Sat},
        budget_step=profile.num_ballots(),
        exhaustive_stop=False,
    )
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    reference = json.loads((FIXTURES / "reference_outputs_pabutools_1.2.3.json").read_text())
    print(
        f"{'election':<44} {'voters':>6} {'projects':>8} {'none s':>8} {'add1 s':>8}"
        f" {'match':>5} {'pabutools s':>12}"
    )
    for name, ref in sorted(reference.items()):
        if ref["vote_type"] != "approval":
            continue
        path = FIXTURES / name
        instance = read(path.read_text(encoding="utf-8-sig"))
        none_s, _ = best_of(
            args.repeat, lambda i=instance: compute_pb(i, Method.EQUAL_SHARES, "none")
        )
        add1_s, result = best_of(
            args.repeat, lambda i=instance: compute_pb(i, Method.EQUAL_SHARES, "add1")
        )
        funded = sorted(result.funded, key=lambda p: (len(p), p))  # type: ignore[attr-defined]
        match = funded == ref["mes_add1_no_exhaustive_stop"]
        theirs = pabutools_seconds(path)
        theirs_text = f"{theirs:.2f}" if theirs is not None else f"({ref['seconds']:.2f} ref)"
        print(
            f"{name[:44]:<44} {len(instance.votes):>6} {len(instance.projects):>8}"
            f" {none_s:>8.3f} {add1_s:>8.3f} {'yes' if match else 'NO':>5} {theirs_text:>12}"
        )
    small_groups(args.repeat)


def small_groups(repeat: int) -> None:
    """Workshop-sized rounds: up to 40 members and 30 proposals, a 60.000 kr. pot, in øre.

    The target is 10 ms a round. The baseline, run here on the first few rounds: add1 the
    plain way, an exact run at every step (what the sweep proves it may skip).
    """
    import random
    from fractions import Fraction

    from app.deliberation.rules.equal_shares import _run, equal_shares
    from app.deliberation.rules.outcome import Candidate
    from app.deliberation.rules.profile import Profile

    def plain(candidates: list[Candidate], ballots: list[frozenset[str]]) -> list[str]:
        profile = Profile(candidates, ballots)
        costs = {c.id: c.amount_minor for c in candidates}
        share = Fraction(60_000_00, len(ballots))
        funded = _run(candidates, profile, share)[0]
        while len(funded) < len(candidates):
            share += 100
            more = _run(candidates, profile, share)[0]
            if sum(costs[p] for p in more) > 60_000_00:
                break
            funded = more
        return funded

    for members, proposals, rounds in ((40, 30, 100), (20, 20, 100)):
        rng = random.Random(1)
        times, plain_times, ours_on_those = [], [], []
        for index in range(rounds):
            candidates = [
                Candidate(f"p{i}", rng.randint(10, 200) * 100_00, i) for i in range(proposals)
            ]
            ids = [c.id for c in candidates]
            ballots = [frozenset(rng.sample(ids, rng.randint(1, 8))) for _ in range(members)]
            seconds, outcome = best_of(
                repeat,
                lambda c=candidates, b=ballots: equal_shares(c, b, 60_000_00, unit_minor=100),
            )
            times.append(seconds * 1000)
            if index < 3:
                base, funded = best_of(1, lambda c=candidates, b=ballots: plain(c, b))
                assert funded == outcome.funded, "the sweep and the plain way disagree"  # type: ignore[attr-defined]
                plain_times.append(base)
                ours_on_those.append(seconds)
        times.sort()
        over = sum(t > 10 for t in times)
        print(
            f"workshop rounds, {members} members x {proposals} proposals, {rounds} random,"
            f" add1 in øre: median {times[rounds // 2]:.1f} ms,"
            f" p95 {times[rounds * 95 // 100]:.1f} ms, max {times[-1]:.1f} ms,"
            f" {over} of {rounds} over 10 ms"
        )
        print(
            f"  baseline, an exact run at every step, first 3 rounds:"
            f" {sum(plain_times) / 3 * 1000:.0f} ms each against ours"
            f" {sum(ours_on_those) / 3 * 1000:.1f} ms"
            f" ({sum(plain_times) / sum(ours_on_those):.0f}x)"
        )


if __name__ == "__main__":
    main()
