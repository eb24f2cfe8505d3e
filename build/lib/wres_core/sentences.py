"""Plain-English sentences for stage results, written the same way in the app, CLI and packs.

Each sentence says who was more likely to do what, by how much, with the interval, where the
ratio sits against the non-adverse range 0.80-1.25, and whether it is likely to be chance:

    Relative to their numbers in band 7, White staff were 2.10 times as likely as BME staff to
    be in band 8a (95% CI 1.52 to 2.90): adverse, and unlikely to be chance (adjusted p < 0.001).
"""

from __future__ import annotations

import math
from typing import Any

from wres_core.formatting import format_interval, format_p, format_ratio
from wres_core.options import NON_ADVERSE_HIGH, NON_ADVERSE_LOW

#: What a sentence reads of a stage: any object with StageResult's field names as attributes
#: (a StageResult, or a row of the stage table from ``DataFrame.itertuples``).
Stage = Any


def _people(facts: Stage, group: str) -> str:
    if facts.kind == "recruitment":
        return "applicants" if facts.from_label == "applied" else "shortlisted applicants"
    return "staff"


def _lead(facts: Stage, times: str, first: str = "White", second: str | None = None) -> str:
    second = second or facts.comparison
    if facts.kind == "recruitment":
        if facts.from_label == "applied":
            return f"{first} applicants were {times} as likely as {second} applicants to be " \
                   f"{facts.to_label}"
        return (f"{first} {facts.from_label} applicants were {times} as likely as {second} "
                f"{facts.from_label} applicants to be {facts.to_label}")
    return (f"Relative to their numbers in {facts.from_label}, {first} staff were {times} as "
            f"likely as {second} staff to be in {facts.to_label}")


def _zero_reason(facts: Stage) -> str:
    group = facts.comparison
    if facts.kind == "recruitment":
        # "no White applicants were shortlisted", "no BME shortlisted applicants were appointed"
        stage = "" if facts.from_label == "applied" else f" {facts.from_label}"
        cells = [(facts.white_to, f"no White{stage} applicants were {facts.to_label}"),
                 (facts.bme_to, f"no {group}{stage} applicants were {facts.to_label}")]
    else:
        cells = [(facts.white_to, f"there were no White staff in {facts.to_label}"),
                 (facts.white_from, f"there were no White staff in {facts.from_label}"),
                 (facts.bme_to, f"there were no {group} staff in {facts.to_label}"),
                 (facts.bme_from, f"there were no {group} staff in {facts.from_label}")]
    reasons = [text for count, text in cells if count == 0]
    if reasons:
        return " and ".join(reasons)
    counts = (facts.white_from, facts.white_to, facts.bme_from, facts.bme_to)
    if min(counts) < 0:
        return "a count is negative, so the counts are invalid"
    if facts.kind == "recruitment" and (facts.white_to > facts.white_from
                                        or facts.bme_to > facts.bme_from):
        return (f"more people were {facts.to_label} than were {facts.from_label}, so the "
                "counts are inconsistent")
    return "a count is zero"


def _range_word(ratio: float) -> str:
    if ratio > NON_ADVERSE_HIGH:
        return "adverse"
    if ratio < NON_ADVERSE_LOW:
        return "favourable to " + "{group} staff"
    return f"within the non-adverse range {NON_ADVERSE_LOW:.2f}-{NON_ADVERSE_HIGH:.2f}"


def _chance_clause(facts: Stage, adjusted: bool) -> str:
    label = "adjusted p" if adjusted else "p"
    if facts.p_adjusted is None or math.isnan(facts.p_adjusted):
        return "no significance test was possible"
    if facts.significant:
        return f"unlikely to be chance ({label} {format_p(facts.p_adjusted)})"
    return f"could be chance ({label} {format_p(facts.p_adjusted)})"


def stage_sentence(facts: Stage, *, level: float = 0.95, adjusted: bool = True) -> str:
    """One plain-English sentence for one stage (see the module docstring).

    ``level`` is the confidence level of the interval; ``adjusted`` says whether the p-value
    was adjusted for the trust's several stages (it is called "adjusted p" if so).
    """
    level = f"{level * 100:g}%"
    group = facts.comparison
    if facts.white_from + facts.white_to == 0 or facts.bme_from + facts.bme_to == 0:
        who = "White" if facts.white_from + facts.white_to == 0 else group
        return (f"{facts.from_label.capitalize()} to {facts.to_label}: there were no {who} "
                f"{_people(facts, who)} at either end of this stage, so no ratio can be given.")
    if facts.kind == "recruitment" and (facts.white_from == 0 or facts.bme_from == 0):
        who = "White" if facts.white_from == 0 else group
        return (f"No {who} applicants were {facts.from_label}, so no ratio can be given for "
                f"{facts.from_label} to {facts.to_label}.")
    ratio = facts.ratio
    interval = f"{level} CI {format_interval(facts.ci_low, facts.ci_high)}"
    chance = _chance_clause(facts, adjusted)
    if math.isnan(ratio):
        return (f"{facts.from_label.capitalize()} to {facts.to_label}: the ratio is not defined "
                f"because {_zero_reason(facts)}.")
    if math.isinf(ratio) or ratio == 0:
        direction = "infinite" if math.isinf(ratio) else "zero"
        bound = (f"at least {format_ratio(facts.ci_low)}" if math.isinf(ratio)
                 else f"at most {format_ratio(facts.ci_high)}")
        return (f"The ratio for {facts.from_label} to {facts.to_label} is {direction} because "
                f"{_zero_reason(facts)}; the {level} interval says it is {bound}; {chance}.")
    range_word = _range_word(ratio).replace("{group}", group)
    if ratio >= 1:
        lead = _lead(facts, f"{format_ratio(ratio)} times")
    else:
        inverse = format_ratio(1 / ratio)
        lead = (_lead(facts, f"{format_ratio(ratio)} times")
                + f", so {group} {_people(facts, group)} were {inverse} times as likely as White")
    return f"{lead} ({interval}): {range_word}, and {chance}."
