"""Where on the ladder the disparity builds up: each band step's share, and the bottleneck.

Because each band step's ratio is (W_upper/W_lower)/(B_upper/B_lower) for neighbouring bands,
the step log ratios add up (telescope) to the log ratio of the whole ladder, from the lowest
band with staff to the highest:

    log R(first -> last) = sum over steps of log R(step)

so each step's *contribution* is log R(step) / log R(ladder): the share of the whole ladder's
disparity that arises at that step. Favourable steps can offset adverse ones (in many trusts
band 4 to 5 is strongly favourable, because many internationally recruited nurses start at
band 5), which makes shares of the net total exceed 100%; so the sentence uses each adverse
step's share of the sum of the log ratios of the steps above parity, and the chart shows the running
total step by step (a waterfall). ``contribution`` is only given when the ladder as a whole is
adverse (log R > 0). A step with a zero count (ratio 0 or infinite) has no finite log ratio: it
is left out of the totals and the shares, and the sentence says so.

The *bottleneck* is the band step with the largest ratio among the steps that are both
adverse (ratio above 1.25) and significant after adjustment (an infinite ratio, no one from
the group in the upper band, included); when no step is both, there is no
bottleneck, and the sentence says so and names the largest adverse step for context.
Recruitment stages are reported beside the ladder: an adverse, significant shortlisted-to-
appointed ratio is named as a recruitment bottleneck too.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from wres_core.formatting import format_interval, format_p, format_ratio, format_share, lower_first

FAMILY = ["org_code", "year", "comparison"]

BOTTLENECK_COLUMNS = (
    "org_code", "year", "comparison", "stage_id", "label", "ratio", "ci_low", "ci_high",
    "p_adjusted", "contribution", "adverse_share", "ladder_ratio", "ladder_from", "ladder_to",
    "ladder_note",
    "recruitment_stage_id", "recruitment_label", "recruitment_ratio", "sentence",
)


def step_contributions(results: pd.DataFrame) -> pd.DataFrame:
    """Band steps with their part in the whole ladder's disparity, per family.

    Adds ``log_ratio``; ``cumulative_ratio`` (the ladder's ratio from its first band up to the
    top of this step, i.e. exp of the running sum of log ratios: a waterfall);
    ``ladder_ratio`` (first band to last); ``contribution`` (log ratio / ladder log ratio, only
    when the ladder as a whole is adverse, log R > 0); and ``adverse_share`` (this step's
    log ratio as a share of the sum of the log ratios of all steps above parity, 0 for steps
    at or below parity), which stays meaningful when favourable steps (typically band 4 to
    5, where many internationally recruited nurses start) offset adverse ones. A step with a
    zero count has no finite log ratio: it is left out of the sums and named in
    ``ladder_note``.
    """
    steps = results[results["kind"] == "band"].copy()
    with np.errstate(divide="ignore", invalid="ignore"):
        steps["log_ratio"] = np.log(steps["ratio"].to_numpy(dtype=float))
    finite = np.isfinite(steps["log_ratio"])
    finite_log = steps["log_ratio"].where(finite)
    positive_log = finite_log.clip(lower=0)
    keys = [steps[c] for c in FAMILY]
    grouped = finite_log.groupby(keys, sort=False)
    ladder_log = grouped.transform("sum").where(grouped.transform("count") > 0)
    steps["cumulative_ratio"] = np.exp(finite_log.fillna(0).groupby(keys, sort=False).cumsum())
    steps["ladder_ratio"] = np.exp(ladder_log)
    steps["ladder_from"] = steps.groupby(FAMILY, sort=False)["from_label"].transform("first")
    steps["ladder_to"] = steps.groupby(FAMILY, sort=False)["to_label"].transform("last")
    # Few steps have a zero count: join their labels per family, then map back.
    zero_steps = steps.loc[~finite, [*FAMILY, "label"]]
    notes = zero_steps.groupby(FAMILY, sort=False)["label"].agg(
        lambda labels: "leaving out " + ", ".join(map(lower_first, labels))
        + (" (a zero count)" if len(labels) == 1 else " (zero counts)"))
    family_index = pd.MultiIndex.from_frame(steps[FAMILY])
    steps["ladder_note"] = notes.reindex(family_index).fillna("").to_numpy()
    adverse_total = positive_log.groupby(keys, sort=False).transform("sum")
    with np.errstate(divide="ignore", invalid="ignore"):
        steps["contribution"] = (finite_log / ladder_log).where(ladder_log > 0)
        steps["adverse_share"] = (positive_log / adverse_total).where(adverse_total > 0)
    return steps


def _bottleneck_sentence(row: pd.Series, group: str, level: str) -> str:
    if isinstance(row["stage_id"], str) and np.isinf(row["ratio"]):
        # No one from the group made the step up: the ratio is infinite and has no share.
        text = (f"The bottleneck is {lower_first(row['label'])}: there were no {group} staff "
                f"in {row['to_label']}, against {int(row['bme_from']):,} in "
                f"{row['from_label']}, while {int(row['white_to']):,} White staff were in "
                f"{row['to_label']} for {int(row['white_from']):,} in {row['from_label']}, so "
                f"the ratio is infinite ({level} CI from {format_ratio(row['ci_low'])}, "
                f"adjusted p {format_p(row['p_adjusted'])}). With a zero count it has no "
                "finite share of the ladder's disparity.")
    elif isinstance(row["stage_id"], str):
        text = (f"The bottleneck is {lower_first(row['label'])}: relative to their numbers in "
                f"{row['from_label']}, White staff were {format_ratio(row['ratio'])} times as "
                f"likely as {group} staff to be in {row['to_label']} "
                f"({level} CI {format_interval(row['ci_low'], row['ci_high'])}, adjusted p "
                f"{format_p(row['p_adjusted'])}).")
        if not np.isnan(row["adverse_share"]):
            text += (f" It accounts for {format_share(row['adverse_share'], 0)} of the "
                     "disparity that builds up at the ladder's steps above parity (the whole "
                     f"ladder, {row['ladder_from']} to {row['ladder_to']}, has a ratio of "
                     f"{format_ratio(row['ladder_ratio'])}"
                     f"{', ' + row['ladder_note'] if row['ladder_note'] else ''}).")
    else:
        text = ("No band step is both adverse (above 1.25) and statistically significant, so "
                "there is no clear bottleneck on the pay-band ladder")
        if isinstance(row["largest_id"], str):
            text += (f"; the largest adverse step, {lower_first(row['largest_label'])} "
                     f"(ratio {format_ratio(row['largest_ratio'])}), could be chance with "
                     f"these numbers (adjusted p {format_p(row['largest_p'])})")
        text += "."
    if isinstance(row["recruitment_stage_id"], str):
        also = " also" if isinstance(row["stage_id"], str) else ""
        text += (f" At recruitment, {lower_first(row['recruitment_label'])} is{also} adverse "
                 f"and significant (ratio {format_ratio(row['recruitment_ratio'])}).")
    return text


def find_bottlenecks(results: pd.DataFrame, level: float = 0.95) -> pd.DataFrame:
    """One row per organisation, year and comparison group: its bottleneck, if any.

    ``stage_id`` is missing (NA) when no band step is both adverse and significant.
    """
    steps = step_contributions(results)
    families = results[FAMILY].drop_duplicates().reset_index(drop=True)
    # Every adverse and significant step is a candidate, an infinite ratio (no one from the
    # group in the upper band) included: leaving those out named a smaller step, or none, and
    # then called a significant step "could be chance".
    candidates = steps[steps["adverse"] & steps["significant"]]
    best = candidates.sort_values("ratio", ascending=False, kind="stable").drop_duplicates(
        FAMILY)
    adverse = steps[steps["adverse"]].sort_values("ratio", ascending=False,
                                                  kind="stable").drop_duplicates(FAMILY)
    adverse = adverse[FAMILY + ["stage_id", "label", "ratio", "p_adjusted"]].rename(columns={
        "stage_id": "largest_id", "label": "largest_label", "ratio": "largest_ratio",
        "p_adjusted": "largest_p"})
    recruitment = results[(results["kind"] == "recruitment") & results["adverse"]
                          & results["significant"]]
    recruitment = recruitment.sort_values("ratio", ascending=False, kind="stable")
    recruitment = recruitment.drop_duplicates(FAMILY)[FAMILY + ["stage_id", "label", "ratio"]]
    recruitment = recruitment.rename(columns={
        "stage_id": "recruitment_stage_id", "label": "recruitment_label",
        "ratio": "recruitment_ratio"})
    ladder = steps.drop_duplicates(FAMILY)[FAMILY + ["ladder_ratio", "ladder_from", "ladder_to",
                                                     "ladder_note"]]
    chosen = best[FAMILY + ["stage_id", "label", "from_label", "to_label", "ratio", "ci_low",
                            "ci_high", "p_adjusted", "contribution", "adverse_share",
                            "white_from", "white_to", "bme_from", "bme_to"]]
    out = (families.merge(chosen, on=FAMILY, how="left")
           .merge(ladder, on=FAMILY, how="left")
           .merge(adverse, on=FAMILY, how="left")
           .merge(recruitment, on=FAMILY, how="left"))
    level_text = f"{level * 100:g}%"
    out["sentence"] = [_bottleneck_sentence(row, row["comparison"], level_text)
                       for _, row in out.iterrows()]
    return out[list(BOTTLENECK_COLUMNS)]
