"""Trends over the years and targets for the pack, protected like every other export.

Both come from modules built alongside the pack (:mod:`wres_core.trends`,
:mod:`wres_core.targets`); where those are not installed the functions return None and the
pack leaves the two sections out (the PDF and the workbook's README say so).

Disclosure: a target (how many more ethnic minority people or appointments would bring a
stage to 1.25 or to parity) is computed from the stage's four counts, so it is hidden with
them. A trend uses the stage's counts in every year it has data, so it is hidden when the
stage is hidden in any of those years under the same rule.
"""

from __future__ import annotations

import importlib.util

import pandas as pd

from wres_core.analysis import AllResults
from wres_core.exports.disclosure import SUPPRESSED, DisclosureRule
from wres_core.exports.protected import ProtectedAnalysis, protect
from wres_core.exports.tables import shown_count, shown_p, shown_ratio

TREND_HEADINGS = ("Stage", "Group", "From year", "To year", "Ratio then", "Ratio now",
                  "Change (ratio of ratios)", "Change CI low", "Change CI high", "Change p",
                  "Verdict", "Reaches 1.25 in (if the pace held)", "Note")
TARGET_HEADINGS = ("Stage", "Group", "Ratio", "More needed for 1.25", "More needed for parity",
                   "Of what", "Note")
HIDDEN_NOTE = "not shown: computed from a count shown as *"


def available(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


def _label(record: dict) -> str:
    return record["label"] + ("" if record["comparison"] == "BME"
                              else f" ({record['comparison']})")


def protected_targets(protected: ProtectedAnalysis) -> pd.DataFrame | None:
    """Per stage: extra ethnic minority people (band and tier stages) or appointments
    (recruitment) to reach 1.25 and parity, ``*`` where the stage is hidden."""
    if not available("wres_core.targets"):
        return None
    from wres_core.targets import stage_targets

    table = stage_targets(protected.analysis.stage_table)
    rows = []
    for record in table.to_dict("records"):
        hidden = (record["stage_id"], record["comparison"]) in protected.hidden_stages
        rows.append((record["label"], record["comparison"],
                     SUPPRESSED if hidden else shown_ratio(record["ratio"]),
                     SUPPRESSED if hidden else shown_count(record["to_non_adverse_people"]),
                     SUPPRESSED if hidden else shown_count(record["to_parity_people"]),
                     record.get("target_what", ""),
                     HIDDEN_NOTE if hidden else record.get("target_note", "")))
    return pd.DataFrame(rows, columns=list(TARGET_HEADINGS)).astype(object)


def _hidden_in_any_year(results: AllResults, org_code: str, rule: DisclosureRule,
                        years: tuple[int, ...]) -> set[tuple[str, str]]:
    hidden: set[tuple[str, str]] = set()
    for year in years:
        hidden |= protect(results.trust(org_code, year), rule).hidden_stages
    return hidden


def protected_trends(results: AllResults | None, protected: ProtectedAnalysis
                     ) -> pd.DataFrame | None:
    """Each stage's change from its first to its latest year and the yearly trend, for the
    protected trust; None without the trends module or with fewer than two years."""
    if results is None or not available("wres_core.trends"):
        return None
    from wres_core.trends import stage_trends

    org = protected.analysis.org.code
    years = tuple(y for y in results.years_for(org) if y <= protected.analysis.year)
    if len(years) < 2:
        return None
    stages = results.stages
    stages = stages[(stages["org_code"] == org) & stages["year"].isin(years)]
    summary = stage_trends(stages, level=protected.analysis.options.level).summary
    hidden = _hidden_in_any_year(results, org, protected.rule, years)
    rows = []
    for record in summary.sort_values(["comparison", "order"]).to_dict("records"):
        secret = (record["stage_id"], record["comparison"]) in hidden
        figures = (shown_ratio(record["ratio_from"]), shown_ratio(record["ratio_to"]),
                   shown_ratio(record["ratio_of_ratios"]), shown_ratio(record["change_low"]),
                   shown_ratio(record["change_high"]), shown_p(record["change_p"]),
                   record["verdict"], shown_count(record["year_non_adverse"]) or "not in sight")
        if secret:
            figures = (SUPPRESSED,) * len(figures)
        rows.append((record["label"], record["comparison"], shown_count(record["from_year"]),
                     shown_count(record["to_year"]), *figures,
                     HIDDEN_NOTE if secret else record["note"]))
    return pd.DataFrame(rows, columns=list(TREND_HEADINGS)).astype(object)
