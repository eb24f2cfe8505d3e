"""Peer comparison speed: every stage of one trust against all trusts of the national sample.

Target (issue 5): under 1 second, once the national results are computed (the app caches
them). Baseline, measured in the same run: the same comparison with a naive per-trust loop
that asks scipy for each trust's odds ratio or relative risk and its Woolf/Katz standard
error, table by table, before the same funnel arithmetic.

    python benchmarks/bench_peers.py [--org SYN041] [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np
from scipy.stats import contingency

# Run from anywhere: the repository root holds the package.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from wres_core.analysis import analyse_dataset
from wres_core.funnel import funnel_limits
from wres_core.ingest import load_dataset
from wres_core.peers import PeerUniverse, peer_comparison, peer_group

SAMPLE = Path(__file__).resolve().parent.parent / "sample_data"


def naive_comparison(universe: PeerUniverse, codes: tuple[str, ...], year: int,
                     org: str) -> int:
    """Per stage of the trust, per peer: scipy's estimate and standard error, then the
    funnel."""
    stages = universe.stages
    rows = stages[(stages["year"] == year) & stages["org_code"].isin(codes)]
    own = rows.loc[rows["org_code"] == org, "stage_id"]
    rows = rows[rows["stage_id"].isin(own)]
    done = 0
    for (_stage, _comparison), group in rows.groupby(["stage_id", "comparison"]):
        y, s = [], []
        for r in group.itertuples(index=False):
            if r.ratio_kind == "odds":
                table = [[r.white_to, r.white_from], [r.bme_to, r.bme_from]]
                if min(r.white_to, r.white_from, r.bme_to, r.bme_from) == 0:
                    y.append(np.nan)
                    s.append(np.nan)
                    continue
                result = contingency.odds_ratio(table, kind="sample")
                low, high = result.confidence_interval(0.95)
                y.append(np.log(result.statistic))
            else:
                if r.white_to == 0 or r.bme_to == 0:
                    y.append(np.nan)
                    s.append(np.nan)
                    continue
                result = contingency.relative_risk(r.white_to, r.white_from, r.bme_to,
                                                   r.bme_from)
                low, high = result.confidence_interval(0.95)
                y.append(np.log(result.relative_risk))
            s.append((np.log(high) - np.log(low)) / (2 * 1.959964))
        funnel_limits(np.array(y), np.array(s))
        done += 1
    return done


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--org", default="SYN041")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    data = load_dataset([SAMPLE / "national_workforce.csv", SAMPLE / "national_recruitment.csv"])
    start = time.perf_counter()
    results = analyse_dataset(data.workforce, data.recruitment)
    analyse_seconds = time.perf_counter() - start
    universe = PeerUniverse.from_results(results, synthetic=True, source="sample")
    year = results.years_for(args.org)[-1]

    times = []
    tracemalloc.start()
    for _ in range(args.repeat):
        start = time.perf_counter()
        group = peer_group(universe, args.org, year, "all")
        table = peer_comparison(universe, group)
        times.append(time.perf_counter() - start)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    start = time.perf_counter()
    naive_stages = naive_comparison(universe, group.codes, year, args.org)
    naive_seconds = time.perf_counter() - start

    ours = statistics.median(times)
    print(f"national results (once, cached by the app): {analyse_seconds:.3f} s")
    print(f"peer comparison, {args.org} {year} against all {len(group.codes)} trusts, "
          f"{len(table)} stages: median {ours:.3f} s over {args.repeat} runs "
          f"(min {min(times):.3f}, max {max(times):.3f}); target < 1 s")
    print(f"naive per-trust scipy loop, {naive_stages} stages: {naive_seconds:.3f} s")
    print(f"ratio naive / ours: {naive_seconds / ours:.1f}x")
    print(f"peak traced memory during the comparison: {peak / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
