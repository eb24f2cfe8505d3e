"""What would it take to close the gap? Targets per stage, a what-if, and a trajectory.

* :func:`stage_targets`: for every stage (vectorised over any number of trusts), how many
  more ethnic minority people in the upper band or tier (band and tier stages) or how many more
  ethnic minority appointments (recruitment stages) would bring the ratio to parity (1.0) and
  to the edge of the non-adverse range (1.25), every other count held fixed.
* :func:`what_if`: one trust's analysis recomputed after moving staff between bands or
  changing appointment numbers, beside the actual figures.
* :func:`representation_trajectory`: in the spirit of NHS England's Model Employer ambition
  (2019), the ethnic minority share of each upper band reaching the trust's overall share by a
  target year, with yearly milestones in headcount.

**The target's algebra.** Every stage's ratio is R = (W_to / W_from) / (B_to / B_from): an
odds ratio for band and tier stages (headcounts in the upper and lower band), a relative risk
for recruitment stages (B_to appointed of B_from shortlisted). In both forms B_to appears only
in the denominator, so holding W_to, W_from and B_from fixed, the ratio after x more ethnic
minority people in the upper group (or x more appointed) is

    R(x) = W_to B_from / (W_from (B_to + x)),   and R(x) = T when

    x = W_to B_from / (W_from T) - B_to,

that is x = B_to (R / T - 1) when B_to > 0. For a relative risk the new B_to stays within the
B_from shortlisted when T >= 1, since W_to <= W_from. x is 0 when the ratio is already at or
below T. For display the target is rounded **up** (``ceil``), so that meeting it meets the
target: with ceil(x) more people the ratio is at or below T, with one fewer it is above.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from wres_core.analysis import TrustAnalysis, analyse_trust
from wres_core.bands import AFC_BANDS, band_label
from wres_core.options import NON_ADVERSE_HIGH, AnalysisOptions
from wres_core.trends import PARITY

TARGET_COLUMNS = ("to_parity", "to_non_adverse", "to_parity_people", "to_non_adverse_people",
                  "target_note")

#: Stage kinds whose target is more people in the upper band or tier (else appointments).
HEADCOUNT_KINDS = ("band", "tier")


def extra_needed(white_to, white_from, bme_to, bme_from, target: float) -> np.ndarray:
    """Extra ethnic minority people in the ``to`` group (fractional) that bring
    (white_to / white_from) / (bme_to / bme_from) down to ``target``; 0 when it is already at
    or below (a ratio of 0 when no ethnic minority staff are in the ``from`` group); NaN when
    the ratio is not defined or infinite whatever B_to is (no White staff in the ``from``
    group, or no ethnic minority staff in either group)."""
    wt, wf, bt, bf = (np.atleast_1d(np.asarray(v, dtype=float))
                      for v in (white_to, white_from, bme_to, bme_from))
    with np.errstate(divide="ignore", invalid="ignore"):
        needed = wt * bf / (wf * target) - bt
    defined = (wf > 0) & ((bf > 0) | (bt > 0))
    return np.where(defined, np.maximum(needed, 0.0), np.nan)


def people(extra: np.ndarray) -> pd.array:
    """Whole people for display: rounded up, so that meeting the figure meets the target
    (1e-9 keeps an exact whole number, up to floating-point rounding, as it is)."""
    extra = np.asarray(extra, dtype=float)
    return pd.array(np.ceil(extra - 1e-9).clip(min=0), dtype="Int64")


def stage_targets(stages: pd.DataFrame) -> pd.DataFrame:
    """The stage rows with ``to_parity`` and ``to_non_adverse`` (fractional extra people or
    appointments), their rounded-up ``*_people`` and a ``target_note`` (already met, or why
    there is no target)."""
    out = stages.copy()
    counts = [out[c].to_numpy() for c in ("white_to", "white_from", "bme_to", "bme_from")]
    out["to_parity"] = extra_needed(*counts, PARITY)
    out["to_non_adverse"] = extra_needed(*counts, NON_ADVERSE_HIGH)
    out["to_parity_people"] = people(out["to_parity"])
    out["to_non_adverse_people"] = people(out["to_non_adverse"])
    ratio = out["ratio"].to_numpy(dtype=float)
    what = np.where(out["kind"].isin(HEADCOUNT_KINDS), "staff in " + out["to_label"].astype(str),
                    "appointments")
    out["target_note"] = np.select(
        [np.isnan(out["to_parity"]), ratio <= PARITY, ratio <= NON_ADVERSE_HIGH],
        ["no target: the ratio is not defined whatever the number in " +
         out["to_label"].astype(str),
         "already at or below parity",
         "already within the non-adverse range"], default="").astype(object)
    out["target_unit"] = np.where(out["kind"].isin(HEADCOUNT_KINDS), "people", "appointments")
    out["target_what"] = what
    return out


# --- what-if -------------------------------------------------------------------------------


@dataclass(frozen=True)
class StaffMove:
    """Move ``count`` staff of ``group`` from one AfC band to another.

    ``group`` is "White", "BME" (any ethnic minority group: taken from the largest detailed
    group first) or a detailed group ("Asian", "Black", "Mixed", "Other").
    """

    group: str
    from_band: str
    to_band: str
    count: int


@dataclass(frozen=True)
class WhatIf:
    """One trust's actual analysis and the analysis after the changes, side by side.

    ``comparison`` has one row per stage and comparison group: the actual and the new ratio,
    interval, adjusted p-value and range verdict.
    """

    actual: TrustAnalysis
    scenario: TrustAnalysis
    comparison: pd.DataFrame
    moves: tuple[StaffMove, ...] = field(default=())
    appointment_changes: tuple[tuple[str, int], ...] = field(default=())


def _matches(table: pd.DataFrame, group: str) -> np.ndarray:
    if group == "White":
        return (table["ethnicity"] == "White").to_numpy()
    if group == "BME":
        return (table["ethnicity"] == "BME").to_numpy()
    return (table["ethnic_group"] == group).to_numpy()


def _take(table: pd.DataFrame, mask: np.ndarray, count: int) -> np.ndarray:
    """How many to take from each row in ``mask``: largest rows first, ``count`` in all."""
    taken = np.zeros(len(table), dtype=np.int64)
    rows = np.flatnonzero(mask)
    rows = rows[np.argsort(-table["headcount"].to_numpy()[rows], kind="stable")]
    remaining = count
    for row in rows:  # a handful of rows (one trust, one band): not a loop over data
        step = min(remaining, int(table["headcount"].iat[row]))
        taken[row] = step
        remaining -= step
        if remaining == 0:
            break
    return taken


def apply_moves(workforce: pd.DataFrame, moves: Sequence[StaffMove],
                staff_group: str | None = None) -> pd.DataFrame:
    """The workforce table with each move applied: headcount taken from the ``from`` band's
    rows (largest first) and added to the ``to`` band with the same staff and ethnic group.

    Raises ValueError, saying how many there are, when a band has fewer such staff than asked.
    """
    table = workforce.reset_index(drop=True)
    for move in moves:
        if move.count < 0:
            raise ValueError(f"Move a number of staff of zero or more, not {move.count}.")
        for band in (move.from_band, move.to_band):
            if band not in AFC_BANDS:
                raise ValueError(f"{band!r} is not an Agenda for Change band "
                                 f"({', '.join(AFC_BANDS)}).")
        if move.count == 0 or move.from_band == move.to_band:
            continue
        mask = (table["band"] == move.from_band).to_numpy() & _matches(table, move.group)
        if staff_group is not None:
            mask &= (table["staff_group"] == staff_group).to_numpy()
        available = int(table.loc[mask, "headcount"].sum())
        if available < move.count:
            raise ValueError(
                f"{band_label(move.from_band)} has {available:,} {move.group} staff"
                f"{' (' + staff_group + ')' if staff_group else ''}, so {move.count:,} cannot "
                "be moved out of it.")
        taken = _take(table, mask, move.count)
        moved = table[taken > 0].copy()
        moved["headcount"] = taken[taken > 0]
        moved["band"] = pd.Categorical([move.to_band] * len(moved),
                                       dtype=table["band"].dtype)
        table = table.assign(headcount=table["headcount"].to_numpy() - taken)
        table = pd.concat([table, moved], ignore_index=True)
    return table


def apply_appointment_changes(recruitment: pd.DataFrame,
                              changes: Sequence[tuple[str, int]]) -> pd.DataFrame:
    """The recruitment table with each group's appointed count changed by ``delta``
    (``("BME", 10)``: ten more ethnic minority staff appointed from the same shortlist).

    Raises ValueError when the new number would be below 0 or above the number shortlisted.
    """
    table = recruitment.reset_index(drop=True)
    for group, delta in changes:
        if delta == 0:
            continue
        mine = _matches(table, group)
        appointed = mine & (table["stage"] == "appointed").to_numpy()
        shortlisted = mine & (table["stage"] == "shortlisted").to_numpy()
        now = int(table.loc[appointed, "headcount"].sum())
        ceiling = int(table.loc[shortlisted, "headcount"].sum())
        new = now + delta
        if new < 0 or new > ceiling:
            raise ValueError(f"{now:,} {group} applicants were appointed of {ceiling:,} "
                             f"shortlisted: a change of {delta:+,} would make {new:,}, which "
                             f"must lie between 0 and {ceiling:,}.")
        if delta < 0:
            table = table.assign(headcount=table["headcount"].to_numpy()
                                 - _take(table, appointed, -delta))
            continue
        # More appointed: added to the largest appointed row of the group (or, if none, to a
        # copy of its largest shortlisted row, relabelled appointed).
        source = appointed if appointed.any() else shortlisted
        row = int(np.flatnonzero(source)[np.argmax(table.loc[source, "headcount"].to_numpy())])
        if appointed.any():
            headcount = table["headcount"].to_numpy().copy()
            headcount[row] += delta
            table = table.assign(headcount=headcount)
        else:
            extra = table.iloc[[row]].copy()
            extra["stage"] = pd.Categorical(["appointed"], dtype=table["stage"].dtype)
            extra["headcount"] = delta
            table = pd.concat([table, extra], ignore_index=True)
    return table


WHAT_IF_COLUMNS = ("stage_id", "comparison", "label", "kind", "ratio", "ci_low", "ci_high",
                   "p_adjusted", "significant", "verdict", "new_ratio", "new_ci_low",
                   "new_ci_high", "new_p_adjusted", "new_significant", "new_verdict",
                   "changed")


def what_if(workforce: pd.DataFrame, recruitment: pd.DataFrame | None, org_code: str,
            year: int, *, moves: Sequence[StaffMove] = (),
            appointment_changes: Sequence[tuple[str, int]] = (),
            options: AnalysisOptions | None = None,
            actual: TrustAnalysis | None = None) -> WhatIf:
    """Recompute every stage's ratio, interval, test and the bottleneck of one trust and year
    after the changes, with :func:`wres_core.analysis.analyse_trust` on edited clean tables.

    Only that trust and year's rows are edited (and analysed, so it takes a fraction of a
    second even on a national file). Ratios are recomputed from the new counts by exactly the
    same code as the actual ones, so the two sides are comparable. ``actual`` may pass the
    trust's analysis already at hand (e.g. sliced from :class:`AllResults`, which equals
    analysing the trust alone) to save computing it again.
    """
    options = options or AnalysisOptions()

    def mine(table: pd.DataFrame | None) -> pd.DataFrame | None:
        if table is None or table.empty:
            return None
        return table[(table["org_code"] == org_code) & (table["year"] == year)]

    own_workforce, own_recruitment = mine(workforce), mine(recruitment)
    if own_workforce is None or own_workforce.empty:
        raise ValueError(f"{org_code} has no workforce rows for {year}.")
    if actual is None:
        actual = analyse_trust(own_workforce, own_recruitment, org_code, year, options)
    new_workforce = apply_moves(own_workforce, moves, options.staff_group)
    new_recruitment = own_recruitment
    if appointment_changes:
        if own_recruitment is None or own_recruitment.empty:
            raise ValueError(f"{org_code} has no recruitment rows for {year}: there are no "
                             "appointments to change.")
        new_recruitment = apply_appointment_changes(own_recruitment, appointment_changes)
    scenario = analyse_trust(new_workforce, new_recruitment, org_code, year, options)
    return WhatIf(actual, scenario, _side_by_side(actual, scenario), tuple(moves),
                  tuple(appointment_changes))


def _side_by_side(actual: TrustAnalysis, scenario: TrustAnalysis) -> pd.DataFrame:
    keep = ["stage_id", "comparison", "label", "kind", "order", "ratio", "ci_low", "ci_high",
            "p_adjusted", "significant", "verdict", "white_from", "white_to", "bme_from",
            "bme_to"]
    new = scenario.stage_table[keep].rename(columns={
        c: f"new_{c}" for c in keep if c not in ("stage_id", "comparison")})
    out = actual.stage_table[keep].merge(new, on=["stage_id", "comparison"], how="outer")
    out["label"] = out["label"].fillna(out["new_label"])
    out["kind"] = out["kind"].fillna(out["new_kind"])
    out["order"] = out["order"].fillna(out["new_order"])
    counts = ("white_from", "white_to", "bme_from", "bme_to")
    out["changed"] = np.logical_or.reduce([
        (out[c].fillna(-1) != out[f"new_{c}"].fillna(-1)).to_numpy() for c in counts])
    out = out.sort_values(["comparison", "order"], kind="stable").reset_index(drop=True)
    return out[list(WHAT_IF_COLUMNS)]


# --- representation trajectory -------------------------------------------------------------

TRAJECTORY_COLUMNS = ("year", "band", "known", "bme_now", "share_now", "target_share",
                      "milestone_share", "milestone_bme", "extra_bme")


@dataclass(frozen=True, eq=False)
class Trajectory:
    """Yearly milestones from ``start_year`` to ``target_year`` (see TRAJECTORY_COLUMNS): per
    upper band and for the upper bands together ("8a-VSM"), the ethnic minority share on a
    straight line from today's share to ``target_share`` and the headcount it means."""

    org_code: str
    start_year: int
    target_year: int
    target_share: float
    bands: tuple[str, ...]
    milestones: pd.DataFrame
    note: str


def representation_trajectory(representation: pd.DataFrame, overall: pd.DataFrame,
                              org_code: str, *, start_year: int | None = None,
                              target_year: int = 2028,
                              bands: Sequence[str] = ("8a", "8b", "8c", "8d", "9", "VSM"),
                              ) -> Trajectory:
    """Milestones for the ethnic minority share of the upper bands to reach the trust's
    overall share (all AfC staff with known ethnicity) by ``target_year``.

    **Method.** For each band b (and the bands together) with known headcount N_b (White +
    ethnic minority, held at the start year's size) and share s_b in ``start_year`` (default:
    the trust's latest year), the milestone share in year t is the straight line
    s_b + (S - s_b) (t - start) / (target - start), where S is the overall share in the start
    year, and the milestone headcount is ceil(share x N_b) (rounded up, so that meeting it
    meets the share); ``extra_bme`` is that minus today's headcount. A band already at or above
    S keeps its share (milestones flat). This follows the shape of NHS England's Model
    Employer goals (2019: representation at every level matching the workforce by 2028);
    their exact published milestones were set nationally and are not reproduced here.
    """
    rep = representation[representation["org_code"] == org_code]
    whole = overall[overall["org_code"] == org_code]
    if rep.empty or whole.empty:
        raise ValueError(f"{org_code} has no AfC workforce rows, so there is no trajectory.")
    start_year = int(rep["year"].max()) if start_year is None else int(start_year)
    if target_year <= start_year:
        raise ValueError(f"The target year must come after the data's year {start_year}, "
                         f"not {target_year}.")
    rep = rep[(rep["year"] == start_year) & rep["band"].astype(str).isin(bands)]
    whole = whole[whole["year"] == start_year]
    if whole.empty:
        raise ValueError(f"{org_code} has no AfC workforce rows for {start_year}.")
    target = float(whole["bme_share"].iloc[0])
    present = tuple(b for b in bands if b in set(rep["band"].astype(str)))
    counts = pd.DataFrame({
        "band": [band_label(str(b)) for b in rep["band"]],
        "known": (rep["white"] + rep["bme"]).to_numpy(),
        "bme_now": rep["bme"].to_numpy()})
    together = f"{band_label(present[0])} to {band_label(present[-1])}" if present else ""
    if present:
        counts = pd.concat([counts, pd.DataFrame({
            "band": [together], "known": [counts["known"].sum()],
            "bme_now": [counts["bme_now"].sum()]})], ignore_index=True)
    counts = counts[counts["known"] > 0]
    counts["share_now"] = counts["bme_now"] / counts["known"]
    years = np.arange(start_year, target_year + 1)
    grid = counts.merge(pd.DataFrame({"year": years}), how="cross")
    progress = (grid["year"] - start_year) / (target_year - start_year)
    goal = np.maximum(target, grid["share_now"])
    grid["target_share"] = target
    grid["milestone_share"] = grid["share_now"] + (goal - grid["share_now"]) * progress
    grid["milestone_bme"] = np.ceil(grid["milestone_share"] * grid["known"] - 1e-9).astype(int)
    grid["milestone_bme"] = np.maximum(grid["milestone_bme"], grid["bme_now"])
    grid["extra_bme"] = grid["milestone_bme"] - grid["bme_now"]
    met = counts.loc[counts["share_now"] >= target, "band"].tolist()
    note = (f"Already at or above the trust's overall share: {', '.join(met)}." if met else "")
    return Trajectory(org_code, start_year, target_year, target, present,
                      grid[list(TRAJECTORY_COLUMNS)].reset_index(drop=True), note)
