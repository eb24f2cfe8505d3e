"""The stages of the career ladder, as White and BME counts for every organisation and year.

A *stage* is a step that staff pass on the way up, described by four counts: White and BME
people *from* which the step starts and *to* which it leads.

- Recruitment stages (``recruitment:applied-shortlisted``, ``recruitment:shortlisted-appointed``)
  are nested counts: ``from`` is the number entering the stage, ``to`` the number passing it.
  Their ratio is a relative risk; the second one is WRES indicator 2.
- Band steps (``band:5-6``, ``band:7-8a`` ... ``band:9-vsm``) join consecutive AfC bands that
  have staff in the organisation and year; when a band is empty the step joins its neighbours
  (``band:8d-vsm``). Tier stages (``tier:lower-middle``, ``tier:middle-upper``,
  ``tier:lower-upper``) sum the bands of each tier. ``from`` and ``to`` are headcounts in the
  lower and upper band or tier; their ratio is an odds ratio.

Medical grades are not on the ladder and are left out. :func:`stage_counts` builds every stage
for every organisation, year and comparison group at once, with array operations rather than a
loop per organisation.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from wres_core.bands import AFC_BANDS, DEFAULT_TIERS, TierDefinition, band_range_label
from wres_core.schema import DETAILED_BME_GROUPS, RECRUITMENT_STAGES
from wres_core.stage_result import STAGE_COUNT_COLUMNS

RECRUITMENT_STEPS = (
    ("applied", "shortlisted"),
    ("shortlisted", "appointed"),
)

TIER_STEPS = (("lower", "middle"), ("middle", "upper"), ("lower", "upper"))


@dataclass(frozen=True)
class ComparisonGroups:
    """Which ethnic minority group(s) are compared with White staff.

    ``"bme"`` compares all BME staff together (WRES's headline); ``"detailed"`` compares each
    detailed group (Mixed, Asian, Black, Other) with White separately.
    """

    mode: str = "bme"

    def __post_init__(self) -> None:
        if self.mode not in ("bme", "detailed"):
            raise ValueError(f"Comparison groups must be 'bme' or 'detailed', not {self.mode!r}.")

    @property
    def names(self) -> tuple[str, ...]:
        return ("BME",) if self.mode == "bme" else DETAILED_BME_GROUPS


def _compact(bands: tuple[str, ...]) -> str:
    """``("1", ..., "5")`` -> ``"1-5"``."""
    return bands[0] if len(bands) == 1 else f"{bands[0]}-{bands[-1]}"


def band_step_id(lower: str, upper: str) -> str:
    return f"band:{lower.lower()}-{upper.lower()}"


def band_step_label(lower: str, upper: str) -> str:
    def name(band: str) -> str:
        return "VSM" if band == "VSM" else f"band {band}"
    return f"{name(lower)[0].upper()}{name(lower)[1:]} to {name(upper)}"


def _comparison_counts(table: pd.DataFrame, index: list[str], columns: str,
                       groups: ComparisonGroups) -> dict[str, pd.DataFrame]:
    """White and per-comparison counts as wide frames (index x columns), zeros filled."""
    known = table[table["ethnicity"].isin(["White", "BME"])]
    if groups.mode == "bme":
        label = known["ethnicity"].astype("string")
    else:
        label = known["ethnic_group"].astype("string")
    summed = known.assign(_who=label).groupby(
        [*index, columns, "_who"], observed=True, sort=False)["headcount"].sum()
    wide = summed.unstack("_who", fill_value=0)
    out = {}
    for name in ("White", *groups.names):
        series = wide[name] if name in wide.columns else pd.Series(0, index=wide.index)
        out[name] = series.unstack(columns, fill_value=0)
    return out


def _afc_table(workforce: pd.DataFrame, staff_group: str | None) -> pd.DataFrame:
    afc = workforce[workforce["band"].isin(AFC_BANDS)]
    if staff_group is not None:
        afc = afc[afc["staff_group"] == staff_group]
    return afc


def band_presence(workforce: pd.DataFrame, staff_group: str | None = None) -> pd.DataFrame:
    """Headcount (every ethnicity) per organisation x year x AfC band; a band is *present*
    when this is above zero. Columns are the AfC bands in ladder order."""
    afc = _afc_table(workforce, staff_group)
    total = afc.groupby(["org_code", "year", "band"], observed=True)["headcount"].sum()
    wide = total.unstack("band", fill_value=0)
    return wide.reindex(columns=list(AFC_BANDS), fill_value=0)


def _ladder_stages(workforce: pd.DataFrame, groups: ComparisonGroups, tiers: TierDefinition,
                   staff_group: str | None) -> list[pd.DataFrame]:
    afc = _afc_table(workforce, staff_group)
    if afc.empty:
        return []
    presence = band_presence(workforce, staff_group)
    counts = _comparison_counts(afc, ["org_code", "year"], "band", groups)
    keys = presence.index
    white = counts["White"].reindex(index=keys, columns=list(AFC_BANDS), fill_value=0)
    present = presence.to_numpy() > 0
    # Consecutive present bands within a row form the steps: np.nonzero walks row by row,
    # left to right, so neighbouring entries with the same row index are adjacent bands.
    rows, cols = np.nonzero(present)
    same_row = rows[:-1] == rows[1:]
    step_row, step_from, step_to = rows[:-1][same_row], cols[:-1][same_row], cols[1:][same_row]
    # Labels come from small lookup tables indexed by band position (13 x 13 pairs at most).
    n = len(AFC_BANDS)
    pair_ids = np.array([band_step_id(a, b) for a in AFC_BANDS for b in AFC_BANDS], dtype=object)
    pair_labels = np.array([band_step_label(a, b) for a in AFC_BANDS for b in AFC_BANDS],
                           dtype=object)
    single_labels = np.array([band_range_label([a]) for a in AFC_BANDS], dtype=object)
    step_ids = pair_ids[step_from * n + step_to]
    step_labels = pair_labels[step_from * n + step_to]
    from_labels, to_labels = single_labels[step_from], single_labels[step_to]

    tier_index = {name: [AFC_BANDS.index(b) for b in getattr(tiers, name)]
                  for name in ("lower", "middle", "upper")}
    frames = []
    org_codes = keys.get_level_values("org_code").to_numpy()
    years = keys.get_level_values("year").to_numpy()
    white_arr = white.to_numpy()
    for name in groups.names:
        bme_arr = counts[name].reindex(index=keys, columns=list(AFC_BANDS),
                                       fill_value=0).to_numpy()
        frames.append(pd.DataFrame({
            "org_code": org_codes[step_row], "year": years[step_row], "comparison": name,
            "stage_id": step_ids, "label": step_labels, "kind": "band", "ratio_kind": "odds",
            "order": 10 + step_from, "from_label": from_labels, "to_label": to_labels,
            "white_from": white_arr[step_row, step_from], "white_to": white_arr[step_row, step_to],
            "bme_from": bme_arr[step_row, step_from], "bme_to": bme_arr[step_row, step_to],
        }))
        tier_white = {t: white_arr[:, idx].sum(axis=1) for t, idx in tier_index.items()}
        tier_bme = {t: bme_arr[:, idx].sum(axis=1) for t, idx in tier_index.items()}
        tier_total = {t: present[:, idx].any(axis=1) for t, idx in tier_index.items()}
        for k, (low, high) in enumerate(TIER_STEPS):
            # A tier with no staff at all in an organisation gives no stage there.
            rows_with_both = tier_total[low] & tier_total[high]
            low_bands, high_bands = getattr(tiers, low), getattr(tiers, high)
            frames.append(pd.DataFrame({
                "org_code": org_codes[rows_with_both], "year": years[rows_with_both],
                "comparison": name, "stage_id": f"tier:{low}-{high}",
                "label": f"{low.capitalize()} to {high} tier ({_compact(low_bands)} to "
                         f"{_compact(high_bands)})",
                "kind": "tier", "ratio_kind": "odds", "order": 100 + k,
                "from_label": band_range_label(low_bands),
                "to_label": band_range_label(high_bands),
                "white_from": tier_white[low][rows_with_both],
                "white_to": tier_white[high][rows_with_both],
                "bme_from": tier_bme[low][rows_with_both],
                "bme_to": tier_bme[high][rows_with_both],
            }))
    return frames


def _recruitment_stages(recruitment: pd.DataFrame, groups: ComparisonGroups) -> list[pd.DataFrame]:
    if recruitment is None or recruitment.empty:
        return []
    counts = _comparison_counts(recruitment, ["org_code", "year"], "stage", groups)
    # Zero counts are absent from clean tables, so a stage no White person reached anywhere
    # in the file (e.g. no White applicant appointed at a single trust) has no column: it is
    # a zero, not a missing stage.
    white = counts["White"].reindex(columns=list(RECRUITMENT_STAGES), fill_value=0)
    frames = []
    for order, (entering, passing) in enumerate(RECRUITMENT_STEPS):
        for name in groups.names:
            bme = counts[name].reindex(index=white.index, columns=white.columns, fill_value=0)
            # An organisation that reports no one at the entering stage has no such stage.
            has_stage = (white[entering] + bme[entering]) > 0
            idx = white.index[has_stage.to_numpy()]
            frames.append(pd.DataFrame({
                "org_code": idx.get_level_values("org_code"),
                "year": idx.get_level_values("year"), "comparison": name,
                "stage_id": f"recruitment:{entering}-{passing}",
                "label": f"{entering.capitalize()} to {passing}",
                "kind": "recruitment", "ratio_kind": "risk", "order": order,
                "from_label": entering, "to_label": passing,
                "white_from": white.loc[idx, entering].to_numpy(),
                "white_to": white.loc[idx, passing].to_numpy(),
                "bme_from": bme.loc[idx, entering].to_numpy(),
                "bme_to": bme.loc[idx, passing].to_numpy(),
            }))
    return frames


def stage_counts(workforce: pd.DataFrame, recruitment: pd.DataFrame | None = None, *,
                 groups: ComparisonGroups | str = "bme", tiers: TierDefinition = DEFAULT_TIERS,
                 staff_group: str | None = None) -> pd.DataFrame:
    """White and BME counts for every stage, organisation, year and comparison group.

    Parameters
    ----------
    workforce, recruitment
        Clean tables as produced by ``wres_core.ingest`` (``recruitment`` may be None/empty).
    groups
        ``"bme"`` (all BME staff against White) or ``"detailed"`` (each of Mixed, Asian,
        Black and Other against White). Unknown ethnicity is always left out of ratios.
    tiers
        Which bands form the lower, middle and upper tiers.
    staff_group
        ``None`` for all AfC staff, or ``"Clinical"`` / ``"Non-clinical"``. Recruitment counts
        are not split by staff group and are used whole.

    Returns
    -------
    DataFrame with :data:`STAGE_COUNT_COLUMNS`, sorted by organisation, year, comparison and
    stage order (recruitment first, then band steps up the ladder, then tiers).
    """
    if isinstance(groups, str):
        groups = ComparisonGroups(groups)
    frames = _recruitment_stages(recruitment, groups) + _ladder_stages(
        workforce, groups, tiers, staff_group)
    frames = [f for f in frames if len(f)]
    if not frames:
        return pd.DataFrame({c: pd.Series([], dtype=object) for c in STAGE_COUNT_COLUMNS})
    out = pd.concat(frames, ignore_index=True)
    for column in ("white_from", "white_to", "bme_from", "bme_to", "order", "year"):
        out[column] = out[column].astype("int64")
    comparison_order = {name: i for i, name in enumerate(groups.names)}
    out["_c"] = out["comparison"].map(comparison_order)
    out = out.sort_values(["org_code", "year", "_c", "order"], kind="stable").drop(columns="_c")
    return out.reset_index(drop=True)[list(STAGE_COUNT_COLUMNS)]
