"""Seeded synthetic WRES data: organisations, workforce, recruitment and staff-level extracts.

Everything here is invented. Organisation codes are ``SYN001``, ``SYN002``, ... (real trust
codes are three characters starting with R), names are made of invented place names plus the
organisation type and a ``(synthetic)`` suffix, and no name contains "NHS".

The generator is a small latent model, calibrated so that national and regional levels match
published WRES figures (see :data:`TARGET_BME_SHARE` and the other ``TARGET_*`` constants):

* every trust has a size, a band mix, a BME share (region + trust effect + yearly trend), a
  "ladder" (how much BME representation falls above band 5, with a trust-specific bottleneck
  step), an Unknown-ethnicity rate and a mix of detailed ethnic groups;
* recruitment counts follow from applications per head, shortlisting and appointment rates and
  trust-specific white-vs-BME relative likelihoods at each stage;
* before drawing counts, additive offsets (by region, band and year) are solved on *expected*
  counts so that the national figures, measured as ratios of summed counts, hit the targets
  whatever the number of trusts. The counts are then drawn (multinomial / binomial), so the
  measured figures differ from the targets only by sampling noise.

Random draws for a year come from their own stream, so ``generate_workforce(years=(2024,))``
equals the 2024 rows of ``generate_workforce()``. Same seed, same frames; same bytes for the
CSV files written by :func:`write_sample_data`.

Run ``python -m wres_core.synthetic [DIR]`` to regenerate the bundled ``sample_data/``.
"""

from __future__ import annotations

import io
import re
import sys
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from wres_core import schema
from wres_core.bands import AFC_BANDS, MEDICAL_GRADES

DEFAULT_SEED = 20261125
DEFAULT_N_TRUSTS = 215
DEFAULT_YEARS = (2020, 2021, 2022, 2023, 2024)
#: The year whose levels the band and regional targets describe.
REFERENCE_YEAR = 2024

REGIONS = (
    "East of England",
    "London",
    "Midlands",
    "North East and Yorkshire",
    "North West",
    "South East",
    "South West",
)
ORG_TYPES = (
    "Acute",
    "Acute specialist",
    "Ambulance",
    "Community",
    "Mental health and learning disability",
)

#: Trusts per type (rows, ORG_TYPES order) and region (columns, REGIONS order) for 215 trusts;
#: other sizes are scaled from it.
TYPE_REGION_COUNTS = np.array([
    # EoE  Lon  Mid  NEY   NW   SE   SW
    [13, 18, 22, 22, 18, 17, 12],  # Acute (122)
    [1, 5, 1, 1, 3, 1, 0],  # Acute specialist (12)
    [1, 1, 2, 2, 1, 2, 1],  # Ambulance (10)
    [3, 3, 3, 1, 2, 2, 1],  # Community (15)
    [5, 8, 11, 11, 8, 7, 6],  # Mental health and learning disability (56)
])

#: Target headcount range (2024) by type.
SIZE_RANGES = {
    "Acute": (3000, 15000),
    "Acute specialist": (1000, 5000),
    "Ambulance": (2500, 7000),
    "Community": (1000, 5000),
    "Mental health and learning disability": (1500, 8000),
}

# --- targets (published national levels; the generator is calibrated to them) ---------------

#: National BME share of staff with known ethnicity, by year.
TARGET_BME_SHARE = {2020: 0.210, 2021: 0.224, 2022: 0.242, 2023: 0.264, 2024: 0.286}

#: BME share of staff with known ethnicity in 2024 by band (AfC bands and medical grades).
#: The overall calibration by year moves all of them a little.
TARGET_BAND_SHARE = {
    "1": 0.14, "2": 0.15, "3": 0.135, "4": 0.13, "5": 0.435, "6": 0.37, "7": 0.315,
    "8a": 0.16, "8b": 0.115, "8c": 0.105, "8d": 0.105, "9": 0.115, "VSM": 0.135,
    "Consultant": 0.38, "Specialty doctor": 0.59, "Trainee doctor": 0.49, "Other medical": 0.49,
}

#: BME share of staff with known ethnicity in 2024 by region.
TARGET_REGION_SHARE = {
    "East of England": 0.29,
    "London": 0.43,
    "Midlands": 0.31,
    "North East and Yorkshire": 0.12,
    "North West": 0.23,
    "South East": 0.28,
    "South West": 0.115,
}

#: Shortlisted -> appointed relative likelihood, white vs BME (WRES indicator 2), national.
TARGET_INDICATOR2 = {2020: 1.61, 2021: 1.61, 2022: 1.54, 2023: 1.59, 2024: 1.50}
#: Applied -> shortlisted relative likelihood, white vs BME, national.
TARGET_SHORTLISTING = {2020: 1.32, 2021: 1.31, 2022: 1.29, 2023: 1.30, 2024: 1.28}

#: Relative level of indicator 2 by region (before the national calibration).
REGION_INDICATOR2 = {
    "East of England": 1.60,
    "London": 1.15,
    "Midlands": 1.50,
    "North East and Yorkshire": 1.90,
    "North West": 1.45,
    "South East": 1.55,
    "South West": 2.10,
}

#: Mean detailed-group mix among BME staff (Mixed, Asian, Black, Other).
DETAIL_MIX = {"London": (0.07, 0.38, 0.42, 0.13), "other": (0.07, 0.55, 0.25, 0.13)}

#: Applications per head of staff per year (trust mean; varies by trust, 5-12x).
APPLICATIONS_PER_HEAD = 8.0

# --- cells of the workforce table -------------------------------------------------------------

_AFC_GROUPS = ("Clinical", "Non-clinical")
CELL_GROUPS = tuple(g for g in _AFC_GROUPS for _ in AFC_BANDS) + ("Medical",) * 4
CELL_BANDS = AFC_BANDS * 2 + MEDICAL_GRADES
_N_CELLS = len(CELL_BANDS)
_BAND_NAMES = AFC_BANDS + MEDICAL_GRADES  # 17 "bands" used for calibration
_CELL_BAND_IDX = np.array([_BAND_NAMES.index(b) for b in CELL_BANDS])
_IS_MEDICAL = np.array([g == "Medical" for g in CELL_GROUPS])
_IS_VSM = np.array([b == "VSM" for b in CELL_BANDS])
_IS_CLINICAL = np.array([g == "Clinical" for g in CELL_GROUPS])

#: Workforce ethnic groups in output order (ethnicity follows from the group).
WORKFORCE_GROUPS = ("White", "Mixed", "Asian", "Black", "Other", "Unknown")
_GROUP_ETHNICITY = ("White", "BME", "BME", "BME", "BME", "Unknown")

# Share of all staff in each AfC band (VSM handled apart: 5 + 0.08% of staff per trust).
_AFC_MIX = np.array([0.003, 0.155, 0.10, 0.07, 0.20, 0.17, 0.12, 0.04, 0.017, 0.008, 0.004,
                     0.002])
_AFC_NOISE = np.array([0.8, 0.12, 0.12, 0.15, 0.1, 0.1, 0.12, 0.18, 0.3, 0.35, 0.45, 0.5])
_MEDICAL_MIX = np.array([0.40, 0.12, 0.40, 0.08])
_MEDICAL_SHARE = {"Acute": 0.14, "Acute specialist": 0.16, "Ambulance": 0.003,
                  "Community": 0.035, "Mental health and learning disability": 0.08}
_TYPE_AFC_MULT = {
    "Acute": np.ones(12),
    "Acute specialist": np.array([0.5, 0.8, 0.9, 1, 1.2, 1.1, 1.2, 1.1, 1.1, 1, 1, 1]),
    "Ambulance": np.array([0.2, 0.3, 1.6, 2.0, 1.3, 1.6, 0.6, 0.7, 0.8, 0.8, 0.8, 0.8]),
    "Community": np.array([0.3, 0.4, 1.4, 1.1, 0.9, 1.3, 1.4, 1.4, 1.2, 1, 1, 1]),
    "Mental health and learning disability":
        np.array([0.3, 0.5, 1.6, 1.0, 0.8, 1.3, 1.3, 1.5, 1.5, 1.2, 1, 1]),
}
# Share of each AfC band (and VSM) that is clinical.
_CLINICAL_SHARE = np.array([0.1, 0.55, 0.6, 0.45, 0.85, 0.85, 0.8, 0.6, 0.45, 0.35, 0.3, 0.2,
                            0.2])
# Unknown-ethnicity rate relative to the trust's rate, by band (AfC then medical grades).
_UNKNOWN_MULT = np.array([1.6, 1.4, 1.2, 1.1, 1.0, 0.9, 0.85, 0.8, 0.75, 0.7, 0.7, 0.6, 0.5,
                          1.2, 1.3, 1.4, 1.3])
# Ladder steps above band 5 (logit of BME share lost at each step): 5->6, 6->7, 7->8a, 8a->8b,
# 8b->8c, 8c->8d, 8d->9, 9->VSM. The sharpest are 7->8a and 8a->8b.
LADDER_STEPS = ("5->6", "6->7", "7->8a", "8a->8b", "8b->8c", "8c->8d", "8d->9", "9->VSM")
_STEP_SIZE = np.array([0.25, 0.27, 0.54, 0.35, 0.12, 0.09, 0.05, 0.0])
# Where a trust's extra bottleneck is, and how big.
_BOTTLENECK_PROB = np.array([0.1, 0.15, 0.35, 0.3, 0.1, 0.0, 0.0, 0.0])
_BOTTLENECK_EXTRA = 0.45
# Ladders were steeper in earlier years: the ladder is multiplied by 1 + this per year before
# the reference year.
_LADDER_TREND = 0.012
_TYPE_EFFECT = {"Acute": 0.0, "Acute specialist": 0.15, "Ambulance": -1.9, "Community": -0.1,
                "Mental health and learning disability": 0.05}
_GROUP_EFFECT = {"Clinical": 0.2, "Non-clinical": -0.3}

# Recruitment: relative rates of the detailed BME groups at each stage (1 = the BME rate).
_SHORTLIST_MOD = np.array([1.08, 1.0, 0.92, 0.97])
_APPOINT_MOD = np.array([1.15, 1.02, 0.85, 1.0])

# --- names ------------------------------------------------------------------------------------

#: Invented place names (checked against no gazetteer, but chosen to be unlike real places).
PLACE_NAMES = (
    "Corrowmere", "Quillerby", "Brindlecombe", "Farrowdene", "Wrenhallow", "Kestermoor",
    "Marrowick", "Tallowmere", "Orrindale", "Pellingwick", "Sallowbrook", "Varrowfield",
    "Dunmarrow", "Elverstone", "Gildercombe", "Hathermire", "Ivelmoor", "Larkwhistle",
    "Netherquill", "Rushmarten", "Thrumbleton", "Wickenmarsh", "Yarrowmead", "Amberquay",
    "Bellhallow", "Caddenmoor", "Droverslade", "Eskerwick", "Fennimore Cross", "Glimmerdale",
    "Hollinquay", "Inglemarsh", "Jessamy Cross", "Kittermere", "Lowenstowe", "Mistlecombe",
    "Nettlebarrow", "Oxenquay", "Plumhallow", "Quennelby", "Rookenvale", "Sparrowmere",
    "Thistlewick", "Ullerdale", "Vennicombe", "Wyvernmoor", "Asperlow", "Brackenquay",
    "Cindermoor", "Dapplewick", "Emberdale", "Foxhallow", "Greymarrow", "Hobbleton",
    "Ironmere", "Juniper Vale", "Kestlebury", "Lanternby", "Merriquay", "Norrowdale",
    "Otterquill", "Pennicombe", "Quarrendale", "Ravenstowe", "Silverquay", "Tamberlow",
    "Underquill", "Velvetmoor", "Willowquay", "Yewmarsh", "Ashquillan", "Barrowquay",
    "Coldharrow", "Duskmere", "Elderquay", "Frostwick", "Gorsemere", "Hazelquay",
    "Idlecombe", "Lindenquay", "Mossharrow", "Northquill", "Oakenmarsh", "Pebblecombe",
    "Rimewick", "Saltquill", "Tidemarrow", "Umberquay", "Wolderby", "Brambledene",
    "Copperwick", "Dovemarsh", "Fernquill", "Goldenquay", "Heronmarsh", "Kingsquill",
    "Littlemarrow", "Moorquay", "Starlingmoor", "Orchardquay", "Ravelquay", "Thornmarrow",
    "Whistlemarsh", "Cobblequay", "Bellwether Vale", "Hartsquill", "Marlequay",
    "Pipistrelle Cross",
    # A few with non-ASCII characters, as real names typed in office software have.
    "St Orrin\u2019s", "St Quillan\u2019s", "Abbot\u2019s Marrow", "Bishop\u2019s Quillerton",
    "Shepherd\u2019s Wold", "Miller\u2019s Quay", "Lis\u00e8re Vale", "St Elvara\u2019s",
)

_TYPE_SUFFIXES = {
    "Acute": ("Hospitals Trust", "University Hospitals Trust", "Teaching Hospitals Trust",
              "Healthcare Trust"),
    "Acute specialist": ("Children's Hospital Trust", "Heart and Chest Hospital Trust",
                         "Orthopaedic Hospital Trust", "Cancer Centre Trust",
                         "Eye Hospital Trust", "Women's Hospital Trust"),
    "Ambulance": ("Ambulance Service Trust",),
    "Community": ("Community Health Trust", "Community Healthcare Trust"),
    "Mental health and learning disability": (
        "Mental Health Trust", "Partnership Trust",
        "Mental Health and Learning Disability Trust"),
}
SYNTHETIC_SUFFIX = "(synthetic)"

# --- ESR labels -------------------------------------------------------------------------------

#: ESR staff group -> canonical staff group of the clean table.
ESR_STAFF_GROUPS = {
    "Nursing and Midwifery Registered": "Clinical",
    "Allied Health Professionals": "Clinical",
    "Additional Clinical Services": "Clinical",
    "Healthcare Scientists": "Clinical",
    "Add Prof Scientific and Technic": "Clinical",
    "Administrative and Clerical": "Non-clinical",
    "Estates and Ancillary": "Non-clinical",
    "Medical and Dental": "Medical",
}
_ESR_CLINICAL = tuple(k for k, v in ESR_STAFF_GROUPS.items() if v == "Clinical")
_ESR_NONCLINICAL = tuple(k for k, v in ESR_STAFF_GROUPS.items() if v == "Non-clinical")


def _esr_group_weights(group: str, band: str) -> list[tuple[str, float]]:
    if group == "Medical":
        return [("Medical and Dental", 1.0)]
    low = band in ("1", "2", "3")
    if group == "Clinical":
        weights = ((0, 0, 0.95, 0.02, 0.03) if low else (0, 0.05, 0.8, 0.05, 0.1)
                   if band == "4" else (0.65, 0.2, 0.03, 0.05, 0.07)
                   if band in ("5", "6", "7") else (0.5, 0.2, 0, 0.1, 0.2))
        return [(g, w) for g, w in zip(_ESR_CLINICAL, weights) if w > 0]
    weights = (0.5, 0.5) if band in ("1", "2") else (0.8, 0.2) if band in ("3", "4") else (
        0.95, 0.05)
    return list(zip(_ESR_NONCLINICAL, weights))


def _pay_band_labels(band: str, messy: bool) -> list[tuple[str, float]]:
    """ESR-style spellings of one canonical band; the first is the clean one."""
    if band in AFC_BANDS and band != "VSM":
        if band.startswith("8"):
            r = band[1].upper()
            clean = f"Band 8{r}"
            variants = [(clean, 0.6), (f"AfC Band 8 - Range {r}", 0.15), (f"Band 8{r.lower()}",
                        0.08), (f"Band 8 Range {r}", 0.07), (f"band 8{r.lower()} ", 0.06),
                        (f"BAND 8{r}", 0.04)]
        else:
            clean = f"Band {band}"
            variants = [(clean, 0.7), (f"AfC Band {band}", 0.12), (f"band {band}", 0.05),
                        (f"Band {band} ", 0.07), (f"BAND {band}", 0.04),
                        (f"Agenda for Change Band {band}", 0.02)]
    else:
        variants = {
            "VSM": [("Very Senior Manager", 0.6), ("VSM", 0.3), ("Very Senior Manager ", 0.1)],
            "Consultant": [("Consultant", 0.8), ("Consultant ", 0.07),
                           ("Locum Consultant", 0.08), ("CONSULTANT", 0.05)],
            "Specialty doctor": [("Specialty Doctor", 0.6), ("Associate Specialist", 0.15),
                                 ("Specialist Grade", 0.15), ("Staff Grade", 0.1)],
            "Trainee doctor": [("Trainee Doctor", 0.1), ("Foundation Year 1", 0.2),
                               ("Foundation Year 2", 0.2), ("Core Trainee", 0.2),
                               ("Registrar", 0.2), ("GP Trainee", 0.1)],
            "Other medical": [("Other Medical", 0.3), ("Clinical Fellow", 0.4),
                              ("Hospital Practitioner", 0.15), ("Clinical Assistant", 0.15)],
        }[band]
    return variants if messy else [(variants[0][0], 1.0)]


_ETHNIC_LABELS = {
    "White": [("A White - British", 0.78), ("B White - Irish", 0.025),
              ("C White - Any other White background", 0.195)],
    "Mixed": [("D Mixed - White & Black Caribbean", 0.3), ("E Mixed - White & Black African",
              0.2), ("F Mixed - White & Asian", 0.25), ("G Mixed - Any other mixed background",
              0.25)],
    "Asian": [("H Asian or Asian British - Indian", 0.55),
              ("J Asian or Asian British - Pakistani", 0.15),
              ("K Asian or Asian British - Bangladeshi", 0.05),
              ("L Asian or Asian British - Any other Asian background", 0.25)],
    "Black": [("M Black or Black British - Caribbean", 0.2),
              ("N Black or Black British - African", 0.7),
              ("P Black or Black British - Any other Black background", 0.1)],
    "Other": [("R Chinese", 0.2), ("S Any Other Ethnic Group", 0.8)],
    "Unknown": [("Z Not Stated", 1.0)],
}
# Extra labels in the messy variant: ESR sub-codes, case and spacing, free text, blanks.
_ETHNIC_MESSY = {
    "White": [("C2 White Other", 0.03), ("CP White Polish", 0.01), ("C3 White Unspecified",
              0.01), ("A WHITE - BRITISH", 0.03), ("A White - British ", 0.03),
              ("White British", 0.02)],
    "Mixed": [("GF Mixed - Other/Unspecified", 0.05), ("Mixed - White and Asian", 0.05)],
    "Asian": [("LK Asian Sri Lankan", 0.05), ("LE Asian Nepali", 0.02),
              ("H ASIAN OR ASIAN BRITISH - INDIAN", 0.03), ("Indian", 0.03)],
    "Black": [("NC Black Nigerian", 0.05), ("ND Black Ghanaian", 0.03),
              ("N Black or Black British - African ", 0.03)],
    "Other": [("SC Arab", 0.05), ("Any other ethnic group", 0.05)],
    "Unknown": [(None, 0.2), ("Not Stated", 0.1), ("Prefer not to say", 0.1),
                ("Z Not Stated ", 0.05)],
}


def _ethnic_labels(group: str, messy: bool) -> list[tuple[str | None, float]]:
    labels = list(_ETHNIC_LABELS[group])
    if messy:
        extra = _ETHNIC_MESSY[group]
        keep = 1.0 - sum(w for _, w in extra)
        labels = [(lab, w * keep) for lab, w in labels] + extra
    return labels


# --- helpers ----------------------------------------------------------------------------------


def _rng(seed: int, *keys: int) -> np.random.Generator:
    return np.random.default_rng([int(seed), *keys])


def _expit(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _logit(p: float) -> float:
    return float(np.log(p / (1.0 - p)))


def _largest_remainder(values: np.ndarray, total: int | None = None) -> np.ndarray:
    """Round non-negative ``values`` to integers that sum to ``total`` (default: their sum)."""
    values = np.asarray(values, dtype=float)
    if total is None:
        total = round(float(values.sum()))
    floor = np.floor(values).astype(int)
    short = total - floor.sum()
    if short > 0:
        order = np.argsort(-(values - floor), kind="stable")
        floor[order[:short]] += 1
    return floor


def _solve_offsets(index: np.ndarray, n_groups: int, weight: np.ndarray, logit: np.ndarray,
                   coef: np.ndarray | float, targets: np.ndarray) -> np.ndarray:
    """Offsets ``o[k]`` so that sum(w * expit(l + coef*o[index])) / sum(w) = targets[k].

    Vectorised bisection over all groups at once; groups with no weight or no target (NaN) get 0.
    """
    coef = np.broadcast_to(np.asarray(coef, dtype=float), logit.shape)
    total = np.bincount(index, weights=weight, minlength=n_groups)
    active = (total > 0) & ~np.isnan(targets)
    lo = np.full(n_groups, -12.0)
    hi = np.full(n_groups, 12.0)
    for _ in range(60):
        mid = (lo + hi) / 2
        share = np.bincount(index, weights=weight * _expit(logit + coef * mid[index]),
                            minlength=n_groups) / np.where(total > 0, total, 1)
        too_high = share > targets
        hi = np.where(too_high, mid, hi)
        lo = np.where(too_high, lo, mid)
    return np.where(active, (lo + hi) / 2, 0.0)


def _bisect(func, target: float, lo: float = -8.0, hi: float = 8.0) -> float:
    """Root of increasing ``func(x) = target`` by bisection."""
    for _ in range(60):
        mid = (lo + hi) / 2
        if func(mid) > target:
            hi = mid
        else:
            lo = mid
    return (lo + hi) / 2


def _consistent(targets: np.ndarray, weights: np.ndarray, national: float) -> np.ndarray:
    """Shift shares on the logit scale so that their weighted mean is ``national``."""
    logits = np.log(targets / (1 - targets))
    present = weights > 0
    delta = _bisect(lambda d: float((weights * _expit(logits + d))[present].sum()
                                    / weights[present].sum()), national, -4.0, 4.0)
    return _expit(logits + delta)


def _target_share(year: int) -> float:
    if year in TARGET_BME_SHARE:
        return TARGET_BME_SHARE[year]
    # Outside the published years: continue the logit-linear trend.
    years = np.array(sorted(TARGET_BME_SHARE))
    logits = np.array([_logit(TARGET_BME_SHARE[y]) for y in years])
    slope, intercept = np.polyfit(years, logits, 1)
    return float(_expit(np.array(intercept + slope * year)))


def _target_ratio(table: dict[int, float], year: int) -> float:
    return table.get(year, float(np.mean(list(table.values()))))


# --- the latent model -------------------------------------------------------------------------


@dataclass
class _Model:
    orgs: pd.DataFrame
    seed: int
    region: np.ndarray  # (T,) region index
    otype: np.ndarray  # (T,) type index
    size: np.ndarray  # (T,) target headcount in the reference year
    growth: np.ndarray  # (T,) yearly growth
    pi: np.ndarray  # (T, C) share of non-VSM staff in each cell (VSM cells 0)
    vsm: np.ndarray  # (T,) expected VSM headcount
    vsm_clinical: np.ndarray  # (T,) clinical share of VSM
    static_logit: np.ndarray  # (T, C) logit of BME share without region, band, year parts
    region_coef: np.ndarray  # (C,) weight of the region effect (1 AfC, 0.5 medical)
    ladder: np.ndarray  # (T, C) logit lost above band 5 (reference year)
    trend: np.ndarray  # (T,) trust's extra logit trend per year
    unknown: np.ndarray  # (T, C) Unknown-ethnicity rate (reference year)
    detail: np.ndarray  # (T, C, 4) Mixed/Asian/Black/Other shares among BME
    rec: dict[str, np.ndarray]
    region_offset: np.ndarray = field(default_factory=lambda: np.zeros(len(REGIONS)))
    band_offset: np.ndarray = field(default_factory=lambda: np.zeros(len(_BAND_NAMES)))
    year_cache: dict[int, dict[str, np.ndarray]] = field(default_factory=dict)

    @property
    def n(self) -> int:
        return len(self.size)

    # Expected cell headcounts, Unknown rates and BME logits for one year, before the year
    # offset; deterministic given the seed (the year's own noise stream).
    def _year_parts(self, year: int) -> dict[str, np.ndarray]:
        dy = year - REFERENCE_YEAR
        rng = _rng(self.seed, 12, year)
        noise = rng.normal(0.0, 0.05, self.n)  # trust-year wobble in BME share
        total = self.size * (1.0 + self.growth) ** dy
        expected = (total - self.vsm)[:, None] * self.pi
        expected[:, _IS_VSM & _IS_CLINICAL] = (self.vsm * self.vsm_clinical)[:, None]
        expected[:, _IS_VSM & ~_IS_CLINICAL] = (self.vsm * (1 - self.vsm_clinical))[:, None]
        unknown = np.clip(self.unknown * (1.0 + 0.06 * max(-dy, 0)), 0.0, 0.5)
        logit = (self.static_logit
                 + self.region_coef[None, :] * self.region_offset[self.region][:, None]
                 + self.band_offset[_CELL_BAND_IDX][None, :]
                 - self.ladder * (1.0 + _LADDER_TREND * max(-dy, 0))
                 + (self.trend * dy + noise)[:, None])
        return {"expected": expected, "unknown": unknown, "logit": logit,
                "rec_noise": rng.normal(0.0, 1.0, (2, self.n))}

    def year(self, year: int) -> dict[str, np.ndarray]:
        """Calibrated parameters for one year (cached)."""
        if year not in self.year_cache:
            parts = self._year_parts(year)
            weight = (parts["expected"] * (1 - parts["unknown"])).ravel()
            base = parts["logit"].ravel()
            offset = _solve_offsets(np.zeros(base.size, dtype=int), 1, weight, base, 1.0,
                                    np.array([_target_share(year)]))[0]
            parts["logit"] = parts["logit"] + offset
            parts["p_bme"] = _expit(parts["logit"])
            known = parts["expected"] * (1 - parts["unknown"])
            parts["trust_share"] = (known * parts["p_bme"]).sum(1) / known.sum(1)
            self._recruitment_rates(year, parts)
            self.year_cache[year] = parts
        return self.year_cache[year]

    def calibrate(self) -> None:
        """Solve region and band offsets on the reference year (then years solve their own)."""
        region_targets = np.array([TARGET_REGION_SHARE[r] for r in REGIONS])
        band_targets = np.array([TARGET_BAND_SHARE[b] for b in _BAND_NAMES])
        national = _target_share(REFERENCE_YEAR)
        for _ in range(8):
            parts = self._year_parts(REFERENCE_YEAR)
            weight = (parts["expected"] * (1 - parts["unknown"])).ravel()
            # Region and band targets are levels relative to each other: shift each set (on
            # the logit scale) so that, weighted by known headcount, it gives the national
            # target; then regions, bands and the year offset agree.
            region_targets = _consistent(region_targets, np.bincount(
                np.repeat(self.region, _N_CELLS), weight, len(REGIONS)), national)
            band_targets = _consistent(band_targets, np.bincount(
                np.tile(_CELL_BAND_IDX, self.n), weight, len(_BAND_NAMES)), national)
            self.region_offset = self.region_offset + _solve_offsets(
                np.repeat(self.region, _N_CELLS), len(REGIONS), weight,
                parts["logit"].ravel(), np.tile(self.region_coef, self.n), region_targets)
            parts = self._year_parts(REFERENCE_YEAR)
            self.band_offset = self.band_offset + _solve_offsets(
                np.tile(_CELL_BAND_IDX, self.n), len(_BAND_NAMES), weight,
                parts["logit"].ravel(), 1.0, band_targets)
        self.year_cache.clear()

    def _recruitment_rates(self, year: int, parts: dict[str, np.ndarray]) -> None:
        """Applicant mix and stage rates by trust and group; national ratios calibrated."""
        rec = self.rec
        z = parts["rec_noise"]
        share = np.clip(parts["trust_share"], 1e-4, 1 - 1e-4)
        q = _expit(np.log(share / (1 - share)) + rec["applicant_shift"])
        u = rec["applicant_unknown"]
        detail = rec["detail"]  # (T, 4)
        mix = np.column_stack([(1 - u) * (1 - q), ((1 - u) * q)[:, None] * detail, u])
        applied = (parts["expected"].sum(1) * rec["apps_per_head"])[:, None] * mix
        bme = slice(1, 5)

        def rates(white: np.ndarray, log_rr: np.ndarray, mod: np.ndarray,
                  unknown_mult: float) -> np.ndarray:
            r = np.empty((self.n, 6))
            r[:, 0] = white
            r[:, bme] = (white * np.exp(-log_rr))[:, None] * mod[None, :]
            r[:, 5] = white * unknown_mult
            return np.clip(r, 0.0, 0.95)

        def ratio(num_from, num_to) -> float:
            w = num_to[:, 0].sum() / num_from[:, 0].sum()
            b = num_to[:, bme].sum() / num_from[:, bme].sum()
            return w / b

        log_rr1 = rec["shortlist_rr"] + 0.05 * z[0]
        o1 = _bisect(lambda o: ratio(applied, applied * rates(
            rec["shortlist_rate"], log_rr1 + o, _SHORTLIST_MOD, 0.9)),
            _target_ratio(TARGET_SHORTLISTING, year))
        short_rate = rates(rec["shortlist_rate"], log_rr1 + o1, _SHORTLIST_MOD, 0.9)
        shortlisted = applied * short_rate
        log_rr2 = rec["appoint_rr"] + 0.07 * z[1]
        o2 = _bisect(lambda o: ratio(shortlisted, shortlisted * rates(
            rec["appoint_rate"], log_rr2 + o, _APPOINT_MOD, 1.0)),
            _target_ratio(TARGET_INDICATOR2, year))
        parts["applicant_mix"] = mix
        parts["applications"] = parts["expected"].sum(1) * rec["apps_per_head"]
        parts["shortlist_rate"] = short_rate
        parts["appoint_rate"] = rates(rec["appoint_rate"], log_rr2 + o2, _APPOINT_MOD, 1.0)
        parts["log_rr1"] = log_rr1 + o1
        parts["log_rr2"] = log_rr2 + o2


def _type_region_counts(n_trusts: int) -> np.ndarray:
    base = TYPE_REGION_COUNTS
    if n_trusts == base.sum():
        return base.copy()
    type_totals = _largest_remainder(base.sum(1) / base.sum() * n_trusts, n_trusts)
    return np.vstack([_largest_remainder(row / row.sum() * k, k)
                      for row, k in zip(base, type_totals)])


def _org_names(region: np.ndarray, otype: np.ndarray, rng: np.random.Generator) -> list[str]:
    """Invented names: each region has its own pool of places; trusts of different types in a
    region share places (as an acute and a mental health trust in one town do); when a type
    has more trusts in a region than the pool has places, pairs ("X and Y") follow."""
    n = len(region)
    places = [PLACE_NAMES[i] for i in rng.permutation(len(PLACE_NAMES))]
    counts = np.bincount(region, minlength=len(REGIONS))
    if n <= len(places):
        sizes = counts
    else:
        sizes = np.maximum(_largest_remainder(counts / n * len(places), len(places)), 1)
    starts = np.concatenate([[0], np.cumsum(sizes)])
    pools = [places[starts[r]:starts[r + 1]] or places[:1] for r in range(len(REGIONS))]
    pair_orders = [rng.permutation(len(pool) * len(pool)) for pool in pools]

    def bases(r: int):
        pool = pools[r]
        yield from pool
        k = len(pool)
        for code in pair_orders[r]:
            i, j = divmod(int(code), k)
            if i != j:
                yield f"{pool[i]} and {pool[j]}"
        number = 2
        while True:  # only for thousands of trusts
            for place in pool:
                yield f"{place} {number}"
            number += 1

    iterators: dict[tuple[int, int], object] = {}
    names = []
    for i in range(n):
        key = (int(region[i]), int(otype[i]))
        if key not in iterators:
            iterators[key] = bases(key[0])
        base = next(iterators[key])
        options = _TYPE_SUFFIXES[ORG_TYPES[key[1]]]
        names.append(f"{base} {options[rng.integers(len(options))]} {SYNTHETIC_SUFFIX}")
    return names


@lru_cache(maxsize=8)
def _model(n_trusts: int, seed: int) -> _Model:
    if int(n_trusts) < 1:
        raise ValueError(f"n_trusts must be at least 1; got {n_trusts}.")
    rng = _rng(seed, 1)
    counts = _type_region_counts(int(n_trusts))
    otype = np.repeat(np.arange(len(ORG_TYPES)), counts.sum(1))
    region = np.concatenate([np.repeat(np.arange(len(REGIONS)), row) for row in counts])
    order = rng.permutation(len(otype))
    otype, region = otype[order], region[order]
    n = len(otype)
    types = [ORG_TYPES[i] for i in otype]
    lo = np.array([SIZE_RANGES[t][0] for t in types], dtype=float)
    hi = np.array([SIZE_RANGES[t][1] for t in types], dtype=float)
    size = np.round(lo * (hi / lo) ** rng.beta(2.0, 2.0, n))
    growth = np.clip(rng.normal(0.035, 0.015, n), -0.01, 0.08)
    names = _org_names(region, otype, rng)
    width = max(3, len(str(n)))
    codes = [f"SYN{i + 1:0{width}d}" for i in range(n)]

    # Band mix.
    rng = _rng(seed, 2)
    afc = np.vstack([_AFC_MIX * _TYPE_AFC_MULT[t] for t in types])
    afc = afc * np.exp(rng.normal(0.0, 1.0, afc.shape) * _AFC_NOISE)
    afc[:, 0] *= rng.random(n) > 0.3  # band 1 closed to new entrants: absent in some trusts
    afc[:, 10] *= rng.random(n) > 0.04  # no band 8d
    afc[:, 11] *= rng.random(n) > 0.12  # no band 9
    med_share = np.array([_MEDICAL_SHARE[t] for t in types]) * np.exp(rng.normal(0, 0.12, n))
    afc = afc / afc.sum(1, keepdims=True) * (1 - med_share)[:, None]
    med = _MEDICAL_MIX * np.exp(rng.normal(0.0, 0.15, (n, 4)))
    med = med / med.sum(1, keepdims=True) * med_share[:, None]
    clin = _expit(np.log(_CLINICAL_SHARE / (1 - _CLINICAL_SHARE))[None, :]
                  + rng.normal(0.0, 0.3, (n, 13)) + 0.8 * (otype == 2)[:, None])
    pi = np.zeros((n, _N_CELLS))
    pi[:, :12] = afc * clin[:, :12]
    pi[:, 13:25] = afc * (1 - clin[:, :12])
    pi[:, 26:] = med
    vsm = 5.0 + 0.0008 * size
    vsm_clinical = clin[:, 12]

    # Ethnicity.
    rng = _rng(seed, 3)
    alpha = rng.normal(0.0, 0.35, n)
    type_eff = np.array([_TYPE_EFFECT[t] for t in types])
    group_eff = np.array([_GROUP_EFFECT.get(g, 0.0) for g in CELL_GROUPS])
    band_noise = rng.normal(0.0, 0.2, (n, len(_BAND_NAMES)))[:, _CELL_BAND_IDX]
    trust_part = alpha + type_eff
    region_coef = np.where(_IS_MEDICAL, 0.5, 1.0)
    static = region_coef[None, :] * trust_part[:, None] + group_eff[None, :] + band_noise
    multiplier = np.exp(rng.normal(0.0, 0.3, n))
    parity = rng.random(n) < 0.04
    multiplier[parity] = 0.35
    bottleneck = rng.choice(len(LADDER_STEPS), size=n, p=_BOTTLENECK_PROB)
    steps = _STEP_SIZE[None, :] * np.exp(rng.normal(0.0, 0.3, (n, len(LADDER_STEPS))))
    steps[np.arange(n), bottleneck] += _BOTTLENECK_EXTRA
    steps *= multiplier[:, None]
    cum = np.zeros((n, len(AFC_BANDS)))
    cum[:, 5:] = np.cumsum(steps, axis=1)  # bands 6.. VSM
    ladder = np.zeros((n, _N_CELLS))
    ladder[:, :13] = cum
    ladder[:, 13:26] = cum
    trend = rng.normal(0.0, 0.04, n)
    unknown_rate = 0.01 + 0.07 * rng.beta(1.3, 3.5, n)
    unknown = np.clip(unknown_rate[:, None] * _UNKNOWN_MULT[_CELL_BAND_IDX][None, :], 0, 0.5)
    means = np.array([DETAIL_MIX["London" if REGIONS[r] == "London" else "other"]
                      for r in region])
    detail_trust = np.vstack([rng.dirichlet(80 * m) for m in means])
    medical_tilt = np.array([1.0, 1.5, 0.6, 1.0])
    detail = np.repeat(detail_trust[:, None, :], _N_CELLS, axis=1)
    detail[:, _IS_MEDICAL, :] *= medical_tilt
    detail /= detail.sum(2, keepdims=True)

    # Recruitment.
    rng = _rng(seed, 4)
    region_rr = np.log(np.array([REGION_INDICATOR2[r] for r in REGIONS]))[region]
    rec = {
        "apps_per_head": np.clip(APPLICATIONS_PER_HEAD * np.exp(rng.normal(0, 0.25, n)), 5,
                                 12),
        "applicant_shift": 0.9 + rng.normal(0.0, 0.2, n),
        "applicant_unknown": 0.02 + 0.05 * rng.beta(1.5, 3.0, n),
        "detail": detail_trust,
        "shortlist_rate": 0.22 * np.exp(rng.normal(0.0, 0.2, n)),
        "appoint_rate": 0.25 * np.exp(rng.normal(0.0, 0.2, n)),
        "shortlist_rr": rng.normal(0.0, 0.12, n),
        "appoint_rr": region_rr - np.log(1.55) + rng.normal(0.0, 0.17, n),
    }

    orgs = pd.DataFrame({
        "org_code": codes,
        "org_name": names,
        "region": [REGIONS[r] for r in region],
        "org_type": types,
        "size": size.astype("int64"),
    })
    model = _Model(orgs=orgs, seed=seed, region=region, otype=otype, size=size, growth=growth,
                   pi=pi, vsm=vsm, vsm_clinical=vsm_clinical, static_logit=static,
                   region_coef=region_coef, ladder=ladder, trend=trend, unknown=unknown,
                   detail=detail, rec=rec)
    model.calibrate()
    ref = model.year(REFERENCE_YEAR)
    orgs["bme_base"] = ref["trust_share"]
    orgs["alpha"] = alpha
    orgs["ladder_multiplier"] = multiplier
    orgs["bottleneck_step"] = [LADDER_STEPS[k] for k in bottleneck]
    orgs["unknown_rate"] = unknown_rate
    orgs["growth"] = growth
    orgs["applications_per_head"] = rec["apps_per_head"]
    orgs["shortlisting_rr"] = np.exp(ref["log_rr1"])
    orgs["appointment_rr"] = np.exp(ref["log_rr2"])
    for col in ("org_code", "org_name", "region", "org_type", "bottleneck_step"):
        orgs[col] = orgs[col].astype("string")
    return model


# --- public API -------------------------------------------------------------------------------


def generate_organisations(n_trusts: int = DEFAULT_N_TRUSTS,
                           seed: int = DEFAULT_SEED) -> pd.DataFrame:
    """The invented trusts and their latent parameters.

    Columns: ``org_code``, ``org_name``, ``region``, ``org_type``, ``size`` (target headcount
    in 2024), ``bme_base`` (expected 2024 BME share of staff with known ethnicity), ``alpha``
    (trust effect on the BME logit), ``ladder_multiplier`` (how steeply BME representation falls
    above band 5; near 0.35 for the few trusts near parity), ``bottleneck_step`` (the step with
    an extra drop), ``unknown_rate``, ``growth`` (yearly), ``applications_per_head``,
    ``shortlisting_rr`` and ``appointment_rr`` (expected white-vs-BME relative likelihoods in
    2024, before sampling noise).
    """
    return _model(int(n_trusts), int(seed)).orgs.copy()


def _years(years: Iterable[int]) -> list[int]:
    out = sorted({int(y) for y in years})
    if not out:
        raise ValueError("years is empty; give at least one year, e.g. (2024,).")
    return out


def generate_workforce(n_trusts: int = DEFAULT_N_TRUSTS, years: Iterable[int] = DEFAULT_YEARS,
                       seed: int = DEFAULT_SEED) -> pd.DataFrame:
    """The clean workforce table (``schema.WORKFORCE_COLUMNS``), one row per non-zero count.

    AfC bands 1-9 and VSM come with staff group Clinical or Non-clinical, medical grades with
    staff group Medical; ethnic groups White, Mixed, Asian, Black, Other and Unknown.
    """
    model = _model(int(n_trusts), int(seed))
    frames = []
    for year in _years(years):
        parts = model.year(year)
        rng = _rng(seed, 10, year)
        n = model.n
        expected = parts["expected"]
        counts = np.zeros((n, _N_CELLS), dtype=np.int64)
        non_vsm_total = np.round(expected[:, ~_IS_VSM].sum(1)).astype(np.int64)
        pi = model.pi[:, ~_IS_VSM]
        counts[:, ~_IS_VSM] = rng.multinomial(non_vsm_total, pi / pi.sum(1, keepdims=True))
        vsm = 5 + rng.poisson(model.vsm - 5.0)
        vsm_clin = rng.binomial(vsm, model.vsm_clinical)
        counts[:, _IS_VSM & _IS_CLINICAL] = vsm_clin[:, None]
        counts[:, _IS_VSM & ~_IS_CLINICAL] = (vsm - vsm_clin)[:, None]
        p = parts["p_bme"]
        u = parts["unknown"]
        probs = np.concatenate([((1 - u) * (1 - p))[..., None],
                                ((1 - u) * p)[..., None] * model.detail, u[..., None]], axis=2)
        cells = rng.multinomial(counts, probs)  # (T, C, 6)
        frames.append(_long_table(model, year, cells))
    out = pd.concat(frames, ignore_index=True)
    out = out.sort_values(["org_code", "year"], kind="stable")
    return schema.conform(out[out["headcount"] > 0], "workforce")


def _long_table(model: _Model, year: int, cells: np.ndarray) -> pd.DataFrame:
    n, c, g = cells.shape
    t_idx = np.repeat(np.arange(n), c * g)
    c_idx = np.tile(np.repeat(np.arange(c), g), n)
    g_idx = np.tile(np.arange(g), n * c)
    orgs = model.orgs
    return pd.DataFrame({
        "org_code": orgs["org_code"].to_numpy()[t_idx],
        "org_name": orgs["org_name"].to_numpy()[t_idx],
        "region": orgs["region"].to_numpy()[t_idx],
        "org_type": orgs["org_type"].to_numpy()[t_idx],
        "year": year,
        "staff_group": np.array(CELL_GROUPS, dtype=object)[c_idx],
        "band": np.array(CELL_BANDS, dtype=object)[c_idx],
        "ethnicity": np.array(_GROUP_ETHNICITY, dtype=object)[g_idx],
        "ethnic_group": np.array(WORKFORCE_GROUPS, dtype=object)[g_idx],
        "headcount": cells.ravel().astype(np.int64),
    })


def generate_recruitment(n_trusts: int = DEFAULT_N_TRUSTS,
                         years: Iterable[int] = DEFAULT_YEARS,
                         seed: int = DEFAULT_SEED) -> pd.DataFrame:
    """The clean recruitment table (``schema.RECRUITMENT_COLUMNS``): band "All", staff group
    "All staff", stages applied / shortlisted / appointed by detailed ethnic group.

    Counts are nested (appointed drawn from shortlisted, shortlisted from applied); zero counts
    are left out. Applications are about :data:`APPLICATIONS_PER_HEAD` per head of staff a year.
    """
    model = _model(int(n_trusts), int(seed))
    frames = []
    for year in _years(years):
        parts = model.year(year)
        rng = _rng(seed, 11, year)
        n_apps = rng.poisson(parts["applications"])
        applied = rng.multinomial(n_apps, parts["applicant_mix"])  # (T, 6)
        shortlisted = rng.binomial(applied, parts["shortlist_rate"])
        appointed = rng.binomial(shortlisted, parts["appoint_rate"])
        cells = np.stack([applied, shortlisted, appointed], axis=2)  # (T, 6, 3)
        n = model.n
        t_idx = np.repeat(np.arange(n), 18)
        g_idx = np.tile(np.repeat(np.arange(6), 3), n)
        s_idx = np.tile(np.arange(3), n * 6)
        orgs = model.orgs
        frames.append(pd.DataFrame({
            "org_code": orgs["org_code"].to_numpy()[t_idx],
            "org_name": orgs["org_name"].to_numpy()[t_idx],
            "region": orgs["region"].to_numpy()[t_idx],
            "org_type": orgs["org_type"].to_numpy()[t_idx],
            "year": year,
            "staff_group": schema.DEFAULT_STAFF_GROUP,
            "band": schema.ALL_BANDS,
            "ethnicity": np.array(_GROUP_ETHNICITY, dtype=object)[g_idx],
            "ethnic_group": np.array(WORKFORCE_GROUPS, dtype=object)[g_idx],
            "stage": np.array(schema.RECRUITMENT_STAGES, dtype=object)[s_idx],
            "headcount": cells.ravel().astype(np.int64),
        }))
    out = pd.concat(frames, ignore_index=True)
    out = out.sort_values(["org_code", "year"], kind="stable")
    return schema.conform(out[out["headcount"] > 0], "recruitment")


# --- staff-level (ESR-style) rows -------------------------------------------------------------


def _pick(rng: np.random.Generator, combo: np.ndarray,
          tables: list[list[tuple[str | None, float]]]) -> pd.Series:
    """One label per person: ``tables[combo[i]]`` is the (label, weight) list for person i.

    Vectorised: the cumulative weights of combo j are shifted by j and searched all at once.
    """
    labels: list[str | None] = []
    breaks: list[float] = []
    for j, table in enumerate(tables):
        weights = np.array([w for _, w in table], dtype=float)
        cum = np.cumsum(weights / weights.sum())
        breaks.extend(j + cum[:-1])
        labels.extend(label for label, _ in table)
    u = rng.random(len(combo))
    flat = np.searchsorted(np.array(breaks), combo + u, side="right") + combo
    return _text_column(labels, flat)


def _text_column(labels: list[str | None], codes: np.ndarray) -> pd.Series:
    """``labels[codes]`` as a pandas text column, built without a Python object per row."""
    try:
        import pyarrow as pa

        taken = pa.array(labels, type=pa.large_string()).take(pa.array(codes))
        return pd.Series(taken, dtype=pd.StringDtype("pyarrow", na_value=np.nan))
    except ImportError:  # pragma: no cover - pyarrow is a requirement
        return pd.Series(np.array(labels, dtype=object)[codes], dtype="str")


def staff_level_rows(workforce: pd.DataFrame, seed: int = DEFAULT_SEED,
                     messy: bool = True) -> pd.DataFrame:
    """One row per person, with ESR-style columns, from a clean workforce table.

    Columns: ``Assignment Number`` (unique integers), ``Organisation`` ("SYN012 <name>"),
    ``Staff Group`` (ESR staff groups, see :data:`ESR_STAFF_GROUPS`), ``Pay Band``,
    ``Ethnic Origin`` (ESR labels such as "A White - British"), ``Snapshot Date``
    ("31/03/2024"). Rows are in assignment-number order within organisation and year.

    With ``messy=False`` every band and Unknown ethnicity has one label and everything
    aggregates back to ``workforce`` exactly. With ``messy=True`` labels vary as in real
    extracts (spellings, case, trailing spaces, ESR sub-codes, free text, blank ethnicity) but
    all of them are still recognised by :func:`wres_core.bands.normalise_band` and
    :func:`wres_core.ethnicity.match_ethnicity`, so the counts are the same. For labels that
    are *not* recognised, and duplicates, see :func:`add_data_quality_issues`.
    """
    rng = _rng(seed, 20)
    wf = workforce.loc[workforce["headcount"] > 0].reset_index(drop=True)
    counts = wf["headcount"].to_numpy(dtype=np.int64)
    rows = np.repeat(np.arange(len(wf)), counts)
    n = len(rows)

    org_key = wf["org_code"].astype(str) + " " + wf["org_name"].astype(str)
    org_codes, org_labels = pd.factorize(org_key)
    years = wf["year"].to_numpy(dtype=np.int64)
    # Order people: by organisation and year, shuffled within.
    order = np.lexsort((rng.random(n), years[rows], org_codes[rows]))
    rows = rows[order]

    band_names = [str(b) for b in wf["band"].astype(str)]
    group_names = [str(g) for g in wf["staff_group"].astype(str)]
    eth_names = [str(e) for e in wf["ethnic_group"].astype(str)]

    band_combo, band_uniques = pd.factorize(pd.Series(band_names))
    band_tables = [_pay_band_labels(b, messy) for b in band_uniques]
    sg_combo, sg_uniques = pd.factorize(pd.Series(group_names) + "|" + pd.Series(band_names))
    sg_tables = []
    for key in sg_uniques:
        group, band = key.split("|")
        table = _esr_group_weights(group, band)
        if messy:
            table = [(lab, w * 0.97) for lab, w in table] + [
                (table[0][0].lower(), 0.015), (table[0][0] + " ", 0.015)]
        sg_tables.append(table)
    eth_combo, eth_uniques = pd.factorize(pd.Series(eth_names))
    unsupported = sorted(set(eth_uniques) - set(_ETHNIC_LABELS))
    if unsupported:
        raise ValueError(f"staff_level_rows cannot write ESR labels for ethnic groups "
                         f"{unsupported}; it needs detailed groups "
                         f"({', '.join(WORKFORCE_GROUPS)}).")
    eth_tables = [_ethnic_labels(e, messy) for e in eth_uniques]

    org_list = [str(x) for x in org_labels]
    org_code_rows = org_codes[rows]
    if messy:  # a few trailing spaces
        org_list = org_list + [x + " " for x in org_list]
        org_code_rows = org_code_rows + len(org_labels) * (rng.random(n) < 0.01)
    unique_years, year_codes = np.unique(years, return_inverse=True)
    dates = [f"31/03/{y}" for y in unique_years]

    assignment = 10_000_000 + np.cumsum(rng.integers(1, 40, n, dtype=np.int64))
    return pd.DataFrame({
        "Assignment Number": assignment,
        "Organisation": _text_column(org_list, org_code_rows),
        "Staff Group": _pick(rng, sg_combo[rows], sg_tables),
        "Pay Band": _pick(rng, band_combo[rows], band_tables),
        "Ethnic Origin": _pick(rng, eth_combo[rows], eth_tables),
        "Snapshot Date": _text_column(dates, year_codes[rows]),
    })


#: Labels that :func:`add_data_quality_issues` puts in, none of them recognised.
UNRECOGNISED_BANDS = ("Bank", "Non-AfC Local")
UNRECOGNISED_ETHNICITY = "Any other background"


@dataclass(frozen=True)
class QualityIssues:
    """What :func:`add_data_quality_issues` changed, for tests and the README."""

    unrecognised_band_rows: int
    unrecognised_ethnicity_rows: int
    duplicated_assignments: tuple[int, ...]


def add_data_quality_issues(rows: pd.DataFrame, seed: int = DEFAULT_SEED,
                            n_bad_band: int = 12, n_bad_ethnicity: int = 5,
                            n_duplicates: int = 3) -> tuple[pd.DataFrame, QualityIssues]:
    """Give a staff-level extract something for a data-quality report to show.

    ``n_bad_band`` rows get an unrecognised pay band (:data:`UNRECOGNISED_BANDS`),
    ``n_bad_ethnicity`` other rows the unrecognised ethnicity :data:`UNRECOGNISED_ETHNICITY`,
    and ``n_duplicates`` rows (not among those) appear twice, each copy straight after the
    original, with the same assignment number.
    """
    rng = _rng(seed, 21)
    out = rows.reset_index(drop=True).copy()
    picked = rng.choice(len(out), size=n_bad_band + n_bad_ethnicity + n_duplicates,
                        replace=False)
    bad_band = picked[:n_bad_band]
    bad_eth = picked[n_bad_band:n_bad_band + n_bad_ethnicity]
    dup = np.sort(picked[n_bad_band + n_bad_ethnicity:])
    band_col = out.columns.get_loc("Pay Band")
    eth_col = out.columns.get_loc("Ethnic Origin")
    for k, i in enumerate(bad_band):
        out.iat[int(i), band_col] = UNRECOGNISED_BANDS[k % len(UNRECOGNISED_BANDS)]
    for i in bad_eth:
        out.iat[int(i), eth_col] = UNRECOGNISED_ETHNICITY
    index = np.sort(np.concatenate([np.arange(len(out)), dup]), kind="stable")
    out = out.iloc[index].reset_index(drop=True)
    issues = QualityIssues(n_bad_band, n_bad_ethnicity,
                           tuple(int(a) for a in rows["Assignment Number"].to_numpy()[dup]))
    return out, issues


# --- bundled sample files ---------------------------------------------------------------------

SAMPLE_FILES = {
    "national_workforce": "national_workforce.csv",
    "national_recruitment": "national_recruitment.csv",
    "trust_esr_extract": "trust_esr_extract.csv",
    "trust_wres_template": "trust_wres_template.xlsx",
}
ESR_ENCODING = "cp1252"
SNAPSHOT_YEAR = 2024
_FIXED_ZIP_TIME = (2024, 3, 31, 0, 0, 0)
_FIXED_XML_TIME = "2024-03-31T00:00:00Z"


def sample_trusts(orgs: pd.DataFrame) -> tuple[str, str]:
    """Codes of the trusts in the ESR extract and the WRES template.

    ESR extract: the acute trust nearest 6,000 staff, preferring one of 5,000-7,500 staff whose
    name has a non-ASCII character (so that the file's encoding matters). Template: the mental
    health trust nearest 3,500 staff, preferring one with a BME share of 20-40% (so that its
    upper bands are not all empty).
    """

    def nearest(frame: pd.DataFrame, size: int) -> str:
        return str(frame.loc[(frame["size"] - size).abs().idxmin(), "org_code"])

    acute = orgs[orgs["org_type"] == "Acute"]
    if acute.empty:
        acute = orgs
    preferred = acute[acute["org_name"].map(lambda s: not str(s).isascii())
                      & acute["size"].between(5000, 7500)]
    esr = nearest(preferred if len(preferred) else acute, 6000)
    rest = orgs[orgs["org_code"] != esr]
    if rest.empty:
        return esr, esr
    mh = rest[rest["org_type"] == ORG_TYPES[4]]
    if mh.empty:
        mh = rest
    preferred = mh[mh["bme_base"].between(0.2, 0.4)]
    return esr, nearest(preferred if len(preferred) else mh, 3500)


def _fix_xlsx_timestamps(path: Path) -> None:
    """Rewrite an .xlsx so that it carries no save time (same bytes every run)."""
    with zipfile.ZipFile(path) as src:
        entries = [(info, src.read(info.filename)) for info in src.infolist()]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as dst:
        for info, data in entries:
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:(created|modified)[^>]*>)[^<]*",
                              rb"\g<1>" + _FIXED_XML_TIME.encode(), data)
            fixed = zipfile.ZipInfo(info.filename, date_time=_FIXED_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            dst.writestr(fixed, data)
    path.write_bytes(buffer.getvalue())


def _write_template(path: Path, workforce: pd.DataFrame, recruitment: pd.DataFrame,
                    code: str, name: str, seed: int) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    notes = wb.active
    notes.title = "Notes"
    for line in (
        "Workforce Race Equality Standard - data collection (synthetic example)",
        "",
        "Every number in this workbook is invented by wres_core/synthetic.py "
        f"(seed {seed}); the organisation does not exist.",
        "Sheet 'Indicator 1': headcount on 31 March 2024 by staff group, pay band and "
        "ethnicity (White, BME, Unknown/Null).",
        "Sheet 'Recruitment': people who applied, were shortlisted and were appointed in "
        "2023/24, by ethnicity.",
        "BME = ethnic minority groups (NHS ethnic category codes D-S); White includes White "
        "Irish and any other White background (codes A-C).",
    ):
        notes.append([line])
    notes["A1"].font = Font(bold=True)

    title = [
        ["Workforce Race Equality Standard - data collection (synthetic example)"],
        [f"Organisation: {code} {name}"],
        [f"Snapshot: 31 March {SNAPSHOT_YEAR}"],
        [],
    ]
    sheet = wb.create_sheet("Indicator 1")
    for row in title:
        sheet.append(row)
    sheet["A1"].font = Font(bold=True)
    sheet.append(["Staff group", "Pay band", "White", "BME", "Unknown/Null"])
    wide = (workforce.groupby(["staff_group", "band", "ethnicity"], observed=True)["headcount"]
            .sum())
    labels = {"Consultant": "Consultants", "Specialty doctor": "Specialty doctors",
              "Trainee doctor": "Trainee grades", "Other medical": "Other medical"}
    for group, band in zip(CELL_GROUPS, CELL_BANDS):
        if band in labels:
            label = labels[band]
        elif band == "VSM":
            label = "VSM"
        else:
            label = f"Band {band.upper()}"
        values = [int(wide.get((group, band, e), 0)) for e in schema.ETHNIC_CATEGORIES]
        sheet.append([group, label, *values])
    sheet.column_dimensions["A"].width = 14
    sheet.column_dimensions["B"].width = 18

    rec = wb.create_sheet("Recruitment")
    rec.append(["Workforce Race Equality Standard - data collection (synthetic example)"])
    rec.append([f"Organisation: {code} {name}"])
    rec.append([f"Recruitment: 1 April {SNAPSHOT_YEAR - 1} to 31 March {SNAPSHOT_YEAR}"])
    rec.append([])
    rec["A1"].font = Font(bold=True)
    rec.append(["Ethnicity", "Applied", "Shortlisted", "Appointed"])
    counts = recruitment.groupby(["ethnicity", "stage"], observed=True)["headcount"].sum()
    for eth in schema.ETHNIC_CATEGORIES:
        rec.append([eth, *(int(counts.get((eth, s), 0)) for s in schema.RECRUITMENT_STAGES)])
    wb.save(path)
    _fix_xlsx_timestamps(path)


def write_sample_data(directory: str | Path, seed: int = DEFAULT_SEED,
                      n_trusts: int = DEFAULT_N_TRUSTS) -> dict[str, Path]:
    """Write the bundled sample files into ``directory``; returns their paths by key.

    CSV files are the same bytes on every run; the .xlsx carries fixed timestamps.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    paths = {key: directory / name for key, name in SAMPLE_FILES.items()}
    workforce = generate_workforce(n_trusts, DEFAULT_YEARS, seed)
    recruitment = generate_recruitment(n_trusts, DEFAULT_YEARS, seed)
    workforce.to_csv(paths["national_workforce"], index=False, lineterminator="\n",
                     encoding="utf-8")
    recruitment.to_csv(paths["national_recruitment"], index=False, lineterminator="\n",
                       encoding="utf-8")

    orgs = generate_organisations(n_trusts, seed)
    esr_code, template_code = sample_trusts(orgs)
    latest = workforce[workforce["year"] == SNAPSHOT_YEAR]
    esr_rows = staff_level_rows(latest[latest["org_code"] == esr_code], seed=seed, messy=True)
    esr_rows, _ = add_data_quality_issues(esr_rows, seed=seed)
    esr_rows.to_csv(paths["trust_esr_extract"], index=False, lineterminator="\r\n",
                    encoding=ESR_ENCODING)

    name = str(orgs.loc[orgs["org_code"] == template_code, "org_name"].iloc[0])
    rec_latest = recruitment[(recruitment["year"] == SNAPSHOT_YEAR)
                             & (recruitment["org_code"] == template_code)]
    _write_template(paths["trust_wres_template"], latest[latest["org_code"] == template_code],
                    rec_latest, template_code, name, seed)
    return paths


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    target = Path(args[0]) if args else Path(__file__).resolve().parent.parent / "sample_data"
    for key, path in write_sample_data(target).items():
        print(f"{key}: {path} ({path.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
