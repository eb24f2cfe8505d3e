"""The ethnicity pay gap: mean and median, per band, by quartile, and how much is the ladder.

Definitions (the EHRC's, used by NHS Providers' 2024 guide to ethnicity pay gap reporting):

    mean gap   = (mean White hourly pay - mean BME hourly pay) / mean White hourly pay,
    median gap = the same with medians.

Gaps are fractions of White pay (0.16 is 16%); above 0, BME staff are paid less. Staff of
unknown ethnicity are left out of every gap and counted. The **decomposition** splits the mean
gap into the part explained by the band mix and the part within bands:

    m*                 = sum over bands of (White share of White staff in the band)
                         x (BME mean pay in the band)   -- BME staff reweighted to White's mix,
    explained_by_bands = (m* - m_BME) / m_White,
    within_bands       = (m_White - m*) / m_White,

so ``explained_by_bands + within_bands = mean gap`` exactly.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources

import numpy as np
import pandas as pd

from wres_core.bands import AFC_BANDS, band_label
from wres_core.formatting import format_share

#: The bundled Agenda for Change pay-scale table used for the estimated gap.
AFC_PAY_TABLE = "afc_pay_points_2024.csv"
AFC_PAY_YEAR = "2024/25"
#: Standard AfC full-time hours: 37.5 a week, 52.143 weeks a year.
ANNUAL_HOURS = 37.5 * 365 / 7

TARGET_RATIO = 1.25
DEFAULT_BOOTSTRAP = 1000
DEFAULT_SEED = 20240331
#: Resampled values held in memory at once by the bootstrap (rows x resamples).
_BOOTSTRAP_BLOCK = 4_000_000


@dataclass(frozen=True)
class BandGap:
    band: str
    white_n: int
    bme_n: int
    white_mean: float
    bme_mean: float
    mean_gap: float
    white_median: float
    bme_median: float
    median_gap: float


@dataclass(frozen=True)
class QuartileShare:
    quartile: int          # 1 = lowest paid quarter of staff, 4 = highest
    staff: int
    bme: int
    bme_share: float
    low_pay: float
    high_pay: float


@dataclass(frozen=True)
class BottleneckEffect:
    """What the gap would be if one band step's ratio were 1.25 (the reweighting)."""

    stage_id: str
    label: str
    lower_band: str
    upper_band: str
    ratio: float            # the step's ratio from the pay file's own counts
    moved: float            # BME staff moved from the lower to the upper band
    gap_after: float        # the mean gap after the move
    fall: float             # mean gap now minus gap_after (fraction of White pay)
    assumption: str


@dataclass(frozen=True)
class PayGapResult:
    """The pay gap of one trust and year."""

    estimate: bool          # True: implied by AfC pay points, not from a pay column
    basis: str              # where the pay came from, said in words
    white_n: int
    bme_n: int
    unknown_n: int
    white_mean: float
    bme_mean: float
    white_median: float
    bme_median: float
    mean_gap: float
    median_gap: float
    mean_ci: tuple[float, float]
    median_ci: tuple[float, float]
    level: float
    n_bootstrap: int
    seed: int
    explained_by_bands: float
    within_bands: float
    by_band: tuple[BandGap, ...]
    quartiles: tuple[QuartileShare, ...]
    bottleneck: BottleneckEffect | None
    sentence: str
    note: str

    def confidence_interval(self) -> tuple[float, float]:
        return self.mean_ci


def _gap(white: float, bme: float) -> float:
    return (white - bme) / white if white > 0 else math.nan


def bootstrap_gaps(white_pay: np.ndarray, bme_pay: np.ndarray, *, n_bootstrap: int,
                   seed: int, level: float) -> tuple[tuple[float, float], tuple[float, float]]:
    """Percentile bootstrap intervals of the mean and median gaps (seeded, reproducible).

    Each resample draws White and BME staff separately, with replacement, keeping each
    group's size (a stratified bootstrap); the interval is the ``(1 - level) / 2`` and
    ``(1 + level) / 2`` quantiles of the resampled gaps. Resamples are drawn in blocks, so
    memory stays bounded for a large trust.
    """
    rng = np.random.default_rng(seed)
    mean_gaps, median_gaps = [], []
    per_block = max(1, _BOOTSTRAP_BLOCK // max(len(white_pay) + len(bme_pay), 1))
    done = 0
    while done < n_bootstrap:
        block = min(per_block, n_bootstrap - done)
        white = white_pay[rng.integers(0, len(white_pay), size=(block, len(white_pay)))]
        bme = bme_pay[rng.integers(0, len(bme_pay), size=(block, len(bme_pay)))]
        white_mean, bme_mean = white.mean(axis=1), bme.mean(axis=1)
        white_median, bme_median = np.median(white, axis=1), np.median(bme, axis=1)
        mean_gaps.append((white_mean - bme_mean) / white_mean)
        median_gaps.append((white_median - bme_median) / white_median)
        done += block
    tails = [(1 - level) / 2, (1 + level) / 2]
    mean_ci = np.quantile(np.concatenate(mean_gaps), tails)
    median_ci = np.quantile(np.concatenate(median_gaps), tails)
    return (float(mean_ci[0]), float(mean_ci[1])), (float(median_ci[0]), float(median_ci[1]))


def _by_band(staff: pd.DataFrame) -> tuple[BandGap, ...]:
    rows = []
    for band, group in staff.groupby("band", observed=True, sort=True):
        white = group.loc[group["ethnicity"] == "White", "hourly_pay"].to_numpy(float)
        bme = group.loc[group["ethnicity"] == "BME", "hourly_pay"].to_numpy(float)
        white_mean = white.mean() if len(white) else math.nan
        bme_mean = bme.mean() if len(bme) else math.nan
        white_median = float(np.median(white)) if len(white) else math.nan
        bme_median = float(np.median(bme)) if len(bme) else math.nan
        rows.append(BandGap(str(band), len(white), len(bme), float(white_mean),
                            float(bme_mean), _gap(white_mean, bme_mean), white_median,
                            bme_median, _gap(white_median, bme_median)))
    return tuple(rows)


def _quartiles(staff: pd.DataFrame) -> tuple[QuartileShare, ...]:
    """Staff ranked by pay and cut into four groups of equal size (as in gender pay gap
    reporting); ties at a cut are split by file order (stable sort)."""
    order = np.argsort(staff["hourly_pay"].to_numpy(float), kind="stable")
    pay = staff["hourly_pay"].to_numpy(float)[order]
    bme = (staff["ethnicity"].to_numpy(object) == "BME")[order]
    out = []
    for i, part in enumerate(np.array_split(np.arange(len(order)), 4), start=1):
        if len(part) == 0:
            out.append(QuartileShare(i, 0, 0, math.nan, math.nan, math.nan))
            continue
        out.append(QuartileShare(i, len(part), int(bme[part].sum()),
                                 float(bme[part].mean()), float(pay[part].min()),
                                 float(pay[part].max())))
    return tuple(out)


def reweighted_bme_mean(staff: pd.DataFrame) -> tuple[float, list[str]]:
    """m*: the BME mean pay if BME staff had White staff's band mix, and notes.

    A band with White staff but no BME staff has no BME mean: the band's White mean stands in
    for it (BME staff moved into the band are assumed paid as White staff there), said in a
    note.
    """
    white = staff[staff["ethnicity"] == "White"]
    bme = staff[staff["ethnicity"] == "BME"]
    white_share = white.groupby("band", observed=True).size() / len(white)
    bme_mean = bme.groupby("band", observed=True)["hourly_pay"].mean()
    white_mean = white.groupby("band", observed=True)["hourly_pay"].mean()
    missing = [str(b) for b in white_share.index if b not in bme_mean.index]
    means = bme_mean.reindex(white_share.index).fillna(white_mean)
    notes = []
    if missing:
        notes.append(f"no BME staff in {', '.join(band_label(b) for b in missing)}: the "
                     "White mean there stands in for the BME mean in the decomposition")
    return float((white_share * means).sum()), notes


def _step_counts(staff: pd.DataFrame, lower: str, upper: str) -> dict[str, int]:
    counts = staff.groupby(["band", "ethnicity"], observed=True).size()
    groups = {"white": "White", "bme": "BME"}
    return {f"{key}_{end}": int(counts.get((band, group), 0))
            for key, group in groups.items() for end, band in (("from", lower), ("to", upper))}


def bottleneck_effect(staff: pd.DataFrame, mean_gap: float, stage_id: str, label: str,
                      target: float = TARGET_RATIO) -> BottleneckEffect | None:
    """The mean gap if the band step ``stage_id`` (``"band:7-8a"``) had ratio ``target``.

    **Reweighting.** With the pay file's own counts at the two bands (W_from, W_to, B_from,
    B_to), the step's ratio is (W_to / W_from) / (B_to / B_from). Move k BME staff from the
    lower band to the upper one until the ratio is ``target``, holding every other count
    fixed (White staff, BME staff in other bands, the BME total):

        (B_to + k) / (B_from - k) = r,  r = (W_to / W_from) / target,
        k = (r B_from - B_to) / (1 + r).

    Each person moved is paid the BME mean of the upper band instead of that of the lower
    band (the White mean of the upper band if it has no BME staff). The gap after is
    (m_White - m_BME') / m_White with m_BME' = m_BME + k (upper mean - lower mean) / N_BME.
    A step already at or below ``target`` gives k = 0 and no fall.

    Returns None when the step's bands are not in the file or a group is empty there.
    """
    lower, _, upper = stage_id.removeprefix("band:").partition("-")
    if not upper:
        return None
    counts = _step_counts(staff, lower, upper)
    if min(counts.values()) <= 0:
        return None
    white_from, white_to = counts["white_from"], counts["white_to"]
    bme_from, bme_to = counts["bme_from"], counts["bme_to"]
    ratio = (white_to / white_from) / (bme_to / bme_from)
    r = (white_to / white_from) / target
    moved = max(0.0, (r * bme_from - bme_to) / (1 + r))
    bme = staff[staff["ethnicity"] == "BME"]
    white = staff[staff["ethnicity"] == "White"]
    bme_band_mean = bme.groupby("band", observed=True)["hourly_pay"].mean()
    upper_mean = float(bme_band_mean.get(upper, white.loc[white["band"] == upper,
                                                          "hourly_pay"].mean()))
    lower_mean = float(bme_band_mean.get(lower))
    white_mean = float(white["hourly_pay"].mean())
    bme_mean_after = float(bme["hourly_pay"].mean()) + moved * (upper_mean - lower_mean) / len(
        bme)
    gap_after = _gap(white_mean, bme_mean_after)
    assumption = (f"moves about {moved:.0f} BME staff from {band_label(lower)} to "
                  f"{band_label(upper)} (bringing that step's ratio from {ratio:.2f} to "
                  f"{target:.2f}), each paid the BME average of {band_label(upper)} "
                  f"instead of {band_label(lower)}; White staff, BME staff in other bands and "
                  "the number of BME staff are unchanged")
    return BottleneckEffect(stage_id, label, lower, upper, float(ratio), float(moved),
                            float(gap_after), float(mean_gap - gap_after), assumption)


def pay_gap(staff: pd.DataFrame, *, level: float = 0.95, n_bootstrap: int = DEFAULT_BOOTSTRAP,
            seed: int = DEFAULT_SEED, bottleneck: tuple[str, str] | None = None,
            estimate: bool = False, basis: str = "hourly pay in the file") -> PayGapResult:
    """The ethnicity pay gap of one trust and year from one row per member of staff.

    ``staff`` has ``band`` (AfC band or grade, text), ``ethnicity`` (White / BME / Unknown)
    and ``hourly_pay`` (pounds, > 0). ``bottleneck`` is ``(stage_id, label)`` of the band step
    to test with :func:`bottleneck_effect`. ``estimate`` marks a gap implied by AfC pay
    points (:func:`afc_implied_staff`) rather than actual pay.

    Mean and median gaps, (White - BME) / White; a seeded percentile bootstrap interval for
    each (:func:`bootstrap_gaps`); the same per band; the BME share of each pay quartile; and
    the decomposition of the module docstring.

    Raises ``ValueError`` when there are no White or no BME staff with pay.
    """
    known = staff[staff["ethnicity"].isin(["White", "BME"])].reset_index(drop=True)
    unknown_n = int(len(staff) - len(known))
    white_pay = known.loc[known["ethnicity"] == "White", "hourly_pay"].to_numpy(float)
    bme_pay = known.loc[known["ethnicity"] == "BME", "hourly_pay"].to_numpy(float)
    if not len(white_pay) or not len(bme_pay):
        raise ValueError("A pay gap needs White and BME staff with pay; found "
                         f"{len(white_pay)} White and {len(bme_pay)} BME.")
    white_mean, bme_mean = float(white_pay.mean()), float(bme_pay.mean())
    white_median, bme_median = float(np.median(white_pay)), float(np.median(bme_pay))
    mean_gap, median_gap = _gap(white_mean, bme_mean), _gap(white_median, bme_median)
    mean_ci, median_ci = bootstrap_gaps(white_pay, bme_pay, n_bootstrap=n_bootstrap,
                                        seed=seed, level=level)
    m_star, notes = reweighted_bme_mean(known)
    explained = (m_star - bme_mean) / white_mean
    within = (white_mean - m_star) / white_mean
    effect = bottleneck_effect(known, mean_gap, *bottleneck) if bottleneck else None
    if unknown_n:
        notes.append(f"{unknown_n:,} staff of unknown ethnicity left out")
    if estimate:
        notes.insert(0, f"estimate: each member of staff is given the average of their band's "
                     f"Agenda for Change {AFC_PAY_YEAR} pay points; real pay differs (time "
                     "on the band, supplements, medical and VSM pay are not included)")
    result = PayGapResult(
        estimate=estimate, basis=basis, white_n=len(white_pay), bme_n=len(bme_pay),
        unknown_n=unknown_n, white_mean=white_mean, bme_mean=bme_mean,
        white_median=white_median, bme_median=bme_median, mean_gap=mean_gap,
        median_gap=median_gap, mean_ci=mean_ci, median_ci=median_ci, level=level,
        n_bootstrap=n_bootstrap, seed=seed, explained_by_bands=float(explained),
        within_bands=float(within), by_band=_by_band(known), quartiles=_quartiles(known),
        bottleneck=effect, sentence="", note="; ".join(notes))
    return _with_sentence(result)


def _with_sentence(result: PayGapResult) -> PayGapResult:
    kind = "estimated " if result.estimate else ""
    level = f"{result.level * 100:g}%"
    text = (f"The {kind}mean ethnicity pay gap is {format_share(result.mean_gap)} of White "
            f"hourly pay ({level} CI {format_share(result.mean_ci[0])} to "
            f"{format_share(result.mean_ci[1])}); the median gap is "
            f"{format_share(result.median_gap)}. Of the mean gap, "
            f"{format_share(result.explained_by_bands)} is explained by the band mix"
            + (" (BME staff more often in lower-paid bands and grades)"
               if result.explained_by_bands > 0 else "")
            + f" and {format_share(result.within_bands)} arises within bands.")
    if result.bottleneck is not None:
        effect = result.bottleneck
        if abs(effect.fall) < 0.0005:
            text += (f" If the bottleneck step ({effect.label}) had a ratio of "
                     f"{TARGET_RATIO:.2f}, the mean gap would hardly change.")
        else:
            text += (f" If the bottleneck step ({effect.label}) had a ratio of "
                     f"{TARGET_RATIO:.2f}, the mean gap would be about "
                     f"{format_share(effect.gap_after, 2)} instead of "
                     f"{format_share(result.mean_gap, 2)} (a fall of "
                     f"{effect.fall * 100:.1f} percentage points).")
    return replace(result, sentence=text)


@lru_cache(maxsize=1)
def afc_pay_points() -> pd.DataFrame:
    """The bundled AfC 2024/25 pay points (``band, point, annual_pay, confirmed``)."""
    text = resources.files("wres_core.data").joinpath(AFC_PAY_TABLE).read_text("utf-8")
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    header, *rows = (line.split(",") for line in lines)
    table = pd.DataFrame(rows, columns=header)
    table["annual_pay"] = table["annual_pay"].astype(int)
    return table


def afc_band_hourly_pay() -> pd.Series:
    """Each AfC band's average pay point as an hourly rate (annual / (37.5 x 52.143))."""
    points = afc_pay_points()
    return points.groupby("band")["annual_pay"].mean() / ANNUAL_HOURS


def afc_implied_staff(workforce: pd.DataFrame) -> pd.DataFrame:
    """One row per member of staff, paid the average of their band's AfC pay points.

    ``workforce``: clean workforce rows (``band, ethnicity, headcount``) of one trust and
    year. Bands without pay points (VSM, medical grades) are left out, and so are staff
    groups other than AfC bands; the result's ``attrs["left_out"]`` counts them.
    """
    pay = afc_band_hourly_pay()
    bands = workforce["band"].astype(str)
    on_afc = bands.isin(pay.index) & bands.isin(AFC_BANDS)
    rows = workforce[on_afc]
    counts = rows["headcount"].to_numpy(np.int64)
    staff = pd.DataFrame({
        "band": np.repeat(rows["band"].astype(str).to_numpy(), counts),
        "ethnicity": np.repeat(rows["ethnicity"].astype(str).to_numpy(), counts),
        "hourly_pay": np.repeat(pay.reindex(rows["band"].astype(str)).to_numpy(), counts),
    })
    staff.attrs["left_out"] = int(workforce.loc[~on_afc, "headcount"].sum())
    return staff


def gap_verdict(mean_gap: float) -> str:
    """Plain words for a gap's sign: BME staff paid less, more or the same on average."""
    if math.isnan(mean_gap):
        return "not defined"
    if mean_gap > 0:
        return "BME staff paid less"
    return "BME staff paid more" if mean_gap < 0 else "no gap"


__all__ = ["AFC_PAY_YEAR", "BandGap", "BottleneckEffect", "PayGapResult", "QuartileShare",
           "afc_band_hourly_pay", "afc_implied_staff", "afc_pay_points", "bootstrap_gaps",
           "bottleneck_effect", "gap_verdict", "pay_gap",
           "reweighted_bme_mean"]
