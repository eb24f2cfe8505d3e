"""Where on the ladder the disparity builds up: each band step's share, and the bottleneck.

Because each band step's ratio is (W_upper/W_lower)/(B_upper/B_lower) for neighbouring bands,
the step log ratios add up (telescope) to the log ratio of the whole ladder, from the lowest
band with staff to the highest:

    log R(first -> last) = sum over steps of log R(step)

so each step's *contribution* is log R(step) / log R(ladder): the share of the whole ladder's
disparity that arises at that step. Favourable steps can offset adverse ones (in many trusts
band 4 to 5 is strongly favourable, because many internationally recruited nurses start at
band 5), which makes shares of the net total exceed 100%; so the sentence uses each adverse
step's share of the sum of the log ratios of the steps above parity, and the chart shows the
running total step by step (a waterfall). ``contribution`` is only given when the ladder as a
whole is adverse (log R > 0). A step with a zero count (ratio 0 or infinite) has no finite log
ratio: it is left out of the totals and the shares, and the sentence says so.

**The bottleneck rule.** Among the band steps that are adverse (ratio above 1.25) and
significant after adjustment, the bottleneck is the one with the strongest *evidence* of a large
disparity: the largest lower confidence bound (ties broken by the ratio). Ranking by the point
ratio chased tiny senior counts: a step with White 0 -> 2 and BME 5 -> 0 has an infinite ratio
but an interval that starts barely above 1, while band 5 -> 6 with hundreds of staff and a ratio
of 2.4 (interval 1.9 to 3.0) is a far better-established gap. Steps with a zero count have no
finite ratio, so they are never named as the bottleneck on their point estimate; when adverse and
significant they are *flagged* ("no ethnic minority staff in VSM, against 12 in band 9") in the
detail, and in the headline when no step with staff of both groups on both sides qualifies. When
no step is both adverse and significant there is no bottleneck; the largest adverse step by the
same ranking is named for context. Recruitment stages are reported beside the ladder: an adverse,
significant shortlisted-to-appointed ratio is named in the detail.

**Headline and detail.** ``headline`` is one sentence of at most about 30 words that a board
reads in ten seconds; ``detail`` carries the counts, the test, the step's share of the build-up,
other adverse steps, the tier ratios (the better summary of the ladder as a whole) and, when the
band steps chained end to end give a different picture from the tiers, why (favourable steps
offset adverse ones). ``sentence`` is the two together.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from wres_core.formatting import format_interval, format_p, format_ratio, format_share, lower_first
from wres_core.options import NON_ADVERSE_HIGH
from wres_core.ratios import range_verdict
from wres_core.records import frame_records

FAMILY = ["org_code", "year", "comparison"]

BOTTLENECK_COLUMNS = (
    "org_code", "year", "comparison", "stage_id", "label", "ratio", "ci_low", "ci_high",
    "p_adjusted", "contribution", "adverse_share", "ladder_ratio", "ladder_from", "ladder_to",
    "ladder_note", "recruitment_stage_id", "recruitment_label", "recruitment_ratio",
    "flagged_stage_ids", "headline", "detail", "sentence",
)


#: A whole ladder's log ratio at or below this is parity: summed step by step, a ladder that
#: ends where it started comes to 1e-16 or so, not 0, and shares of it would be +-1e15.
LADDER_AT_PARITY = 1e-12


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
    # One step is named; several are counted, so that the sentence stays short.
    notes = zero_steps.groupby(FAMILY, sort=False)["label"].agg(
        lambda labels: f"leaving out {lower_first(labels.iloc[0])}, a zero count"
        if len(labels) == 1 else f"leaving out {len(labels)} steps with a zero count")
    family_index = pd.MultiIndex.from_frame(steps[FAMILY])
    steps["ladder_note"] = notes.reindex(family_index).fillna("").to_numpy()
    adverse_total = positive_log.groupby(keys, sort=False).transform("sum")
    with np.errstate(divide="ignore", invalid="ignore"):
        steps["contribution"] = (finite_log / ladder_log).where(ladder_log > LADDER_AT_PARITY)
        steps["adverse_share"] = (positive_log / adverse_total).where(adverse_total > 0)
    return steps


# Band 4 to band 5 is the favourable step that most often offsets the adverse ones above it.
_NURSE_STEP = "band:4-5"
_LOWER_UPPER = "tier:lower-upper"
_TIER_IDS = ("tier:lower-middle", "tier:middle-upper", _LOWER_UPPER)


def group_words(comparison: str) -> str:
    """How a comparison group is named in a sentence ("... as likely as {words} staff")."""
    return {"BME": "ethnic minority", "Other": "other ethnic group"}.get(comparison, comparison)


def _ranked(frame: pd.DataFrame) -> pd.DataFrame:
    """Strongest evidence of a large disparity first: lower confidence bound, then ratio."""
    return frame.sort_values(["ci_low", "ratio"], ascending=False, kind="stable")


def _by_family(frame: pd.DataFrame) -> dict[tuple, list[dict]]:
    """Rows of ``frame`` as dicts, bucketed by (org_code, year, comparison), order kept."""
    buckets: dict[tuple, list[dict]] = {}
    for row in frame_records(frame):  # to_dict("records"), a column at a time (faster)
        buckets.setdefault((row["org_code"], row["year"], row["comparison"]), []).append(row)
    return buckets


def _ci(row: dict, level: str) -> str:
    return f"{level} CI {format_interval(row['ci_low'], row['ci_high'])}"


def _zero_count_words(step: dict, group: str) -> str:
    """What the zero count of an adverse step is, in words."""
    if step["bme_to"] == 0:
        return (f"there are no {group} staff at {step['to_label']}, against "
                f"{int(step['bme_from']):,} at {step['from_label']}")
    return (f"there are no White staff at {step['from_label']}, against "
            f"{int(step['white_to']):,} at {step['to_label']}")


def _headline(best: dict | None, flagged: list[dict], context: dict | None, group: str,
              level: str) -> str:
    """One sentence (two when there is no bottleneck), at most about 30 words."""
    if best is not None:
        return (f"The bottleneck is {best['from_label']} to {best['to_label']}: White staff are "
                f"{format_ratio(best['ratio'])} times as likely as {group} staff to be at "
                f"{best['to_label']}, relative to {best['from_label']} ({_ci(best, level)}).")
    if flagged:
        words = _zero_count_words(flagged[0], group)
        return (f"{words[:1].upper()}{words[1:]}: with a zero count the gap cannot be sized, "
                f"but it is beyond chance (adjusted p {format_p(flagged[0]['p_adjusted'])}).")
    if context is not None:
        return ("No band step is a clear bottleneck: none is both adverse (above 1.25) and "
                f"beyond chance. The largest adverse step, {lower_first(context['label'])} "
                f"({format_ratio(context['ratio'])}, {_ci(context, level)}), could be chance.")
    return "No band step is a clear bottleneck: none has a finite ratio above 1.25."


def _counts_sentence(step: dict, group: str) -> str:
    return (f"At {step['from_label']} there were {int(step['white_from']):,} White and "
            f"{int(step['bme_from']):,} {group} staff; at {step['to_label']}, "
            f"{int(step['white_to']):,} and {int(step['bme_to']):,}.")


def _step_list(steps: list[dict], level: str) -> str:
    return "; ".join(f"{lower_first(s['label'])} ({format_ratio(s['ratio'])}, {_ci(s, level)})"
                     for s in steps)


def _verdict(ratio: float) -> str:
    return str(range_verdict(np.array([ratio]))[0])


def _ladder_sentences(rungs: dict, tiers: dict[str, dict], favourable: dict | None,
                      level: str) -> list[str]:
    """The tier ratios as the summary of the ladder, and why chaining the band steps differs.

    Chained end to end, the band steps give the ratio between the lowest and the highest band,
    which can sit far from the tier ratio (even on the other side of 1) when a favourable step
    such as band 4 to 5 offsets adverse ones; a board reading both numbers side by side sees a
    contradiction unless the reason is given.
    """
    whole = tiers.get(_LOWER_UPPER)
    if whole is None:
        return []
    text = (f"Over the whole ladder, from the lower tier ({whole['from_label']}) to the upper "
            f"tier ({whole['to_label']}), the ratio is {format_ratio(whole['ratio'])} "
            f"({_ci(whole, level)})")
    halves = [tiers[t] for t in _TIER_IDS[:2] if t in tiers]
    if halves:
        text += ": " + " and ".join(f"{format_ratio(h['ratio'])} from {h['from_label']} to "
                                    f"{h['to_label']}" for h in halves)
    parts = [text + "."]
    chained = rungs.get("ladder_ratio", np.nan)
    tier_ratio = whole["ratio"]
    differs = (np.isfinite(chained) and np.isfinite(tier_ratio) and chained > 0
               and tier_ratio > 0
               and (abs(np.log(chained / tier_ratio)) > np.log(NON_ADVERSE_HIGH)
                    or _verdict(chained) != _verdict(tier_ratio)))
    if differs:
        note = f" ({rungs['ladder_note']})" if rungs.get("ladder_note") else ""
        text = (f"Chained end to end, the band steps from {rungs['ladder_from']} to "
                f"{rungs['ladder_to']}{note} give {format_ratio(chained)} instead")
        if favourable is not None:
            where = (", where many internationally recruited nurses start"
                     if favourable["stage_id"] == _NURSE_STEP else "")
            text += (f", because favourable steps such as {lower_first(favourable['label'])} "
                     f"({format_ratio(favourable['ratio'])}{where}) offset the adverse ones")
        parts.append(text + "; the tier ratios compare whole groups of bands, so they are the "
                            "better summary of the ladder.")
    return parts


def _detail(rungs: dict, best: dict | None, others: list[dict], flagged: list[dict],
            context: dict | None, tiers: dict[str, dict], favourable: dict | None,
            recruitment: dict | None, group: str, level: str) -> str:
    """The supporting statistics, the build-up, the tiers and recruitment, in sentences."""
    parts = []
    focus = best or context
    if focus is not None:
        parts.append(_counts_sentence(focus, group))
        parts.append(f"Adjusted p {format_p(focus['p_adjusted'])} ({focus['test']}).")
        share = focus["adverse_share"]
        if isinstance(share, float) and np.isfinite(share):
            parts.append(f"This step accounts for {format_share(share, 0)} of the disparity "
                         "that builds up at the steps above parity.")
    if others:
        parts.append(f"Other adverse steps beyond chance: {_step_list(others, level)}.")
    # Without a bottleneck the first flagged step is the headline already.
    for step in flagged if best is not None else flagged[1:]:
        parts.append(f"Flagged, with a zero count: {_zero_count_words(step, group)} "
                     f"(adjusted p {format_p(step['p_adjusted'])}).")
    parts += _ladder_sentences(rungs, tiers, favourable, level)
    if recruitment is not None:
        also = " also" if best is not None else ""
        parts.append(f"At recruitment, {lower_first(recruitment['label'])} is{also} adverse and "
                     f"beyond chance (ratio {format_ratio(recruitment['ratio'])}, "
                     f"{_ci(recruitment, level)}).")
    return " ".join(parts)


def _first(buckets: dict[tuple, list[dict]], key: tuple) -> dict | None:
    rows = buckets.get(key)
    return rows[0] if rows else None


def find_bottlenecks(results: pd.DataFrame, level: float = 0.95) -> pd.DataFrame:
    """One row per organisation, year and comparison group: its bottleneck, if any.

    ``stage_id`` is missing (NA) when no band step with a finite ratio is both adverse and
    significant; ``flagged_stage_ids`` lists (comma-separated) the adverse, significant steps
    with a zero count. See the module docstring for the rule.
    """
    steps = step_contributions(results)
    steps["finite"] = np.isfinite(steps["log_ratio"])
    ranked = _ranked(steps)
    is_candidate = ranked["adverse"] & ranked["significant"]
    candidates = _by_family(ranked[is_candidate & ranked["finite"]])
    flagged = _by_family(ranked[is_candidate & ~ranked["finite"]])
    context = _by_family(ranked[ranked["adverse"] & ranked["finite"]])
    favourable = _by_family(steps[steps["favourable"] & steps["finite"]]
                            .sort_values("log_ratio", kind="stable"))
    tiers = _by_family(results[results["stage_id"].isin(_TIER_IDS)])
    recruitment = _by_family(_ranked(results[(results["kind"] == "recruitment")
                                             & results["adverse"] & results["significant"]]))
    ladder = _by_family(steps.drop_duplicates(FAMILY))
    level_text = f"{level * 100:g}%"
    rows = []
    for family in frame_records(results[FAMILY].drop_duplicates()):
        key = (family["org_code"], family["year"], family["comparison"])
        group = group_words(family["comparison"])
        found = candidates.get(key, [])
        best, others = (found[0], found[1:]) if found else (None, [])
        zero = flagged.get(key, [])
        largest = None if best or zero else _first(context, key)
        rungs = _first(ladder, key) or {}
        hired = _first(recruitment, key)
        headline = _headline(best, zero, largest, group, level_text)
        detail = _detail(rungs, best, others, zero, largest,
                         {t["stage_id"]: t for t in tiers.get(key, [])},
                         _first(favourable, key), hired, group, level_text)
        chosen = best or {}
        rows.append({
            **family,
            **{name: chosen.get(name) for name in ("stage_id", "label", "ratio", "ci_low",
                                                   "ci_high", "p_adjusted", "contribution",
                                                   "adverse_share")},
            **{name: rungs.get(name) for name in ("ladder_ratio", "ladder_from", "ladder_to",
                                                  "ladder_note")},
            "recruitment_stage_id": hired["stage_id"] if hired else None,
            "recruitment_label": hired["label"] if hired else None,
            "recruitment_ratio": hired["ratio"] if hired else np.nan,
            "flagged_stage_ids": ", ".join(s["stage_id"] for s in zero),
            "headline": headline, "detail": detail,
            "sentence": f"{headline} {detail}".strip(),
        })
    out = pd.DataFrame(rows, columns=list(BOTTLENECK_COLUMNS))
    for name in ("ratio", "ci_low", "ci_high", "p_adjusted", "contribution", "adverse_share",
                 "ladder_ratio", "recruitment_ratio"):
        out[name] = pd.to_numeric(out[name], errors="coerce").astype(float)
    return out
