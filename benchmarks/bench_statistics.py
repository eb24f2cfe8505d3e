"""Benchmark: wres_core.statistics.disparity_statistics against a loop of scipy calls.

Run from the repository root:

    python benchmarks/bench_statistics.py [--tables 20000] [--naive 400] [--seed 20240331]

It generates realistic stage tables (seeded): a national file of about 215 trusts x 5 years,
with band-to-band and tier stages for up to 5 comparisons (all BME staff, then Asian, Black,
Mixed and Other staff separately), where upper bands such as 8d, 9 and VSM hold a handful of
BME staff. It then times

* one vectorised ``disparity_statistics("odds", ...)`` call with the default ``ci_method``
  ("auto": exact where small) and one with ``ci_method="exact"`` for every table,
* a naive loop of ``scipy.stats.contingency.odds_ratio(kind="conditional")`` +
  ``.confidence_interval()`` + ``scipy.stats.fisher_exact`` over a random subset of the same
  tables, extrapolated to all of them (stated in the output),
* 1,000 large tables (supports of thousands) with ``ci_method="exact"``,
* a recruitment (relative risk) batch,

and prints the times, the speed-up and the peak memory of the vectorised call (tracemalloc,
measured in a separate run because tracing slows allocation). Nothing is asserted.
"""

from __future__ import annotations

import argparse
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from wres_core.statistics import disparity_statistics

BANDS = ("1", "2", "3", "4", "5", "6", "7", "8a", "8b", "8c", "8d", "9", "VSM")
#: Share of a typical trust's AfC staff in each band (bands 5 and 6 largest; VSM ~0.2%).
BAND_SHARE = np.array([0.01, 0.11, 0.12, 0.10, 0.22, 0.19, 0.13, 0.055, 0.03, 0.015,
                       0.008, 0.004, 0.002])
#: BME representation in each band relative to the trust's overall BME share: the WRES
#: pattern of good representation in bands 5-6 and few BME staff in senior bands.
BME_RELATIVE = np.array([1.0, 1.0, 0.9, 0.9, 1.35, 1.2, 0.85, 0.65, 0.55, 0.45, 0.4, 0.35, 0.3])
#: Shares of the BME total by detailed group (Asian, Black, Mixed, Other).
DETAILED_SHARE = np.array([0.52, 0.30, 0.09, 0.09])
#: Tiers: lower = bands 1-5, middle = 6-7, upper = 8a-VSM.
TIERS = ((0, 5), (5, 7), (7, 13))


def national_tables(seed: int, trusts: int = 215, years: int = 5) -> dict[str, np.ndarray]:
    """Odds-kind stage tables of a synthetic national file: band and tier stages."""
    rng = np.random.default_rng(seed)
    white_to, white_from, bme_to, bme_from = [], [], [], []
    for _ in range(trusts):
        size = rng.lognormal(np.log(4500), 0.6)
        bme_share = rng.uniform(0.04, 0.55)
        for _ in range(years):
            expected = size * BAND_SHARE
            bme_rate = np.clip(bme_share * BME_RELATIVE, 0.0, 0.95)
            white = rng.poisson(expected * (1 - bme_rate))
            bme = rng.poisson(expected * bme_rate)
            groups = [bme] + list(rng.multinomial(bme, DETAILED_SHARE).T)
            for group in groups:
                # Band-to-band stages: from band i (lower) to band i+1 (upper).
                white_from.append(white[:-1])
                white_to.append(white[1:])
                bme_from.append(group[:-1])
                bme_to.append(group[1:])
                # Tier stages: lower->middle, middle->upper, lower->upper.
                w_tier = np.array([white[a:b].sum() for a, b in TIERS])
                b_tier = np.array([group[a:b].sum() for a, b in TIERS])
                white_from.append(w_tier[[0, 1, 0]])
                white_to.append(w_tier[[1, 2, 2]])
                bme_from.append(b_tier[[0, 1, 0]])
                bme_to.append(b_tier[[1, 2, 2]])
    tables = {name: np.concatenate(values) for name, values in (
        ("white_to", white_to), ("white_from", white_from),
        ("bme_to", bme_to), ("bme_from", bme_from))}
    # Keep stages with both groups present (empty groups have no statistics to time).
    keep = ((tables["white_to"] + tables["white_from"] > 0)
            & (tables["bme_to"] + tables["bme_from"] > 0))
    return {name: values[keep] for name, values in tables.items()}


def recruitment_tables(seed: int, count: int) -> dict[str, np.ndarray]:
    """Risk-kind tables: applied -> shortlisted and shortlisted -> appointed."""
    rng = np.random.default_rng(seed + 1)
    white_from = rng.poisson(rng.lognormal(np.log(300), 1.0, count)) + 1
    bme_from = rng.poisson(white_from * rng.uniform(0.05, 1.5, count)) + 1
    rate = rng.uniform(0.05, 0.5, count)
    white_to = rng.binomial(white_from, rate)
    bme_to = rng.binomial(bme_from, rate * rng.uniform(0.5, 1.1, count))
    return {"white_to": white_to, "white_from": white_from, "bme_to": bme_to,
            "bme_from": bme_from}


def large_tables(seed: int, count: int) -> dict[str, np.ndarray]:
    """Whole-region aggregates: every cell in the thousands (supports 2,000 to 20,000)."""
    rng = np.random.default_rng(seed + 2)
    white_from = rng.integers(5_000, 40_000, count)
    bme_from = rng.integers(2_000, 20_000, count)
    white_to = (white_from * rng.uniform(0.3, 0.9, count)).astype(np.int64)
    bme_to = (bme_from * rng.uniform(0.2, 0.8, count)).astype(np.int64)
    return {"white_to": white_to, "white_from": white_from, "bme_to": bme_to,
            "bme_from": bme_from}


def best_time(function, repeats: int = 3) -> float:
    """Best of ``repeats`` wall-clock times, in seconds."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def naive_loop(tables: dict[str, np.ndarray], rows: np.ndarray) -> None:
    """One scipy odds_ratio + confidence_interval + fisher_exact per table."""
    from scipy.stats import fisher_exact
    from scipy.stats.contingency import odds_ratio

    for i in rows:
        table = [[tables["white_to"][i], tables["white_from"][i]],
                 [tables["bme_to"][i], tables["bme_from"][i]]]
        odds_ratio(table, kind="conditional").confidence_interval(0.95)
        fisher_exact(table)


def peak_memory_mb(function) -> float:
    tracemalloc.start()
    function()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tables", type=int, default=20_000)
    parser.add_argument("--naive", type=int, default=400,
                        help="tables in the timed scipy loop (extrapolated to --tables)")
    parser.add_argument("--seed", type=int, default=20240331)
    args = parser.parse_args()

    national = national_tables(args.seed)
    rng = np.random.default_rng(args.seed)
    chosen = rng.choice(len(national["white_to"]), size=args.tables, replace=False)
    tables = {name: values[chosen] for name, values in national.items()}

    def auto() -> None:
        disparity_statistics("odds", **tables)

    def exact() -> None:
        disparity_statistics("odds", **tables, ci_method="exact")

    estimates = disparity_statistics("odds", **tables)
    small = float(np.mean(estimates.small_counts))
    zero = float(np.mean(estimates.zero_cell))
    support = np.minimum.reduce([
        tables["white_to"] + tables["white_from"], tables["bme_to"] + tables["bme_from"],
        tables["white_to"] + tables["bme_to"], tables["white_from"] + tables["bme_from"]])
    print(f"National file: {len(national['white_to']):,} odds tables generated "
          f"(215 trusts x 5 years x 15 stages x 5 comparisons, empty groups dropped); "
          f"timing {args.tables:,} of them.")
    print(f"  small tables (exact interval + Fisher): {small:.0%}; zero cell: {zero:.0%}; "
          f"support size median {np.median(support + 1):.0f}, max {support.max() + 1:,}")

    auto_time = best_time(auto)
    exact_time = best_time(exact)
    n = f"{args.tables:,}"
    print(f"disparity_statistics, ci_method='auto' : {auto_time:7.3f} s for {n} tables")
    print(f"disparity_statistics, ci_method='exact': {exact_time:7.3f} s for {n} tables "
          f"(exact interval and Fisher for every table)")

    subset = rng.choice(args.tables, size=min(args.naive, args.tables), replace=False)
    naive_time = best_time(lambda: naive_loop(tables, subset), repeats=1)
    naive_total = naive_time * args.tables / len(subset)
    print(f"naive scipy loop (odds_ratio conditional CI + fisher_exact): {naive_time:.2f} s for "
          f"{len(subset)} random tables -> extrapolated {naive_total:.1f} s for "
          f"{args.tables:,}")
    print(f"  speed-up: {naive_total / auto_time:.0f}x over 'auto' (which does exact work only "
          f"for small tables), {naive_total / exact_time:.0f}x over 'exact' (same work as the "
          f"loop)")

    big = large_tables(args.seed, 1000)
    big_support = np.minimum.reduce([big["white_to"] + big["white_from"],
                                     big["bme_to"] + big["bme_from"],
                                     big["white_to"] + big["bme_to"],
                                     big["white_from"] + big["bme_from"]])
    big_time = best_time(lambda: disparity_statistics("odds", **big, ci_method="exact"))
    print(f"large tables: 1,000 with supports {big_support.min():,}-{big_support.max():,} "
          f"(median {np.median(big_support):,.0f}), ci_method='exact': {big_time:.3f} s")

    recruitment = recruitment_tables(args.seed, args.tables)
    risk_time = best_time(lambda: disparity_statistics("risk", **recruitment))
    risk_exact_time = best_time(
        lambda: disparity_statistics("risk", **recruitment, ci_method="exact"))
    print(f"recruitment (risk) batch of {args.tables:,}: auto {risk_time:.3f} s, "
          f"exact {risk_exact_time:.3f} s")

    print(f"peak traced memory: auto {peak_memory_mb(auto):.1f} MB, "
          f"exact {peak_memory_mb(exact):.1f} MB")


if __name__ == "__main__":
    main()
