"""Tests for wres_core.sentences and wres_core.formatting: the words people read."""

from __future__ import annotations

import math
from types import SimpleNamespace

import pandas as pd
import pytest

from wres_core.formatting import (
    format_interval,
    format_p,
    format_p_value,
    format_ratio,
    format_share,
    lower_first,
)
from wres_core.options import AnalysisOptions
from wres_core.ratios import stage_ratios
from wres_core.sentences import stage_sentence as sentence_for

NAN = math.nan
INF = math.inf


def facts(**changes) -> SimpleNamespace:
    """A stage as the sentence reads it (by attribute name), with its level and adjustment."""
    base = {"kind": "band", "stage_id": "band:7-8a", "comparison": "BME",
            "from_label": "band 7", "to_label": "band 8a", "white_from": 1000, "white_to": 210,
            "bme_from": 400, "bme_to": 40, "ratio": 2.1, "ci_low": 1.52, "ci_high": 2.9,
            "ci_method": "log (Woolf)", "p_adjusted": 0.0004, "significant": True,
            "level": 0.95, "adjusted": True}
    base.update(changes)
    return SimpleNamespace(**base)


def stage_sentence(stage: SimpleNamespace) -> str:
    return sentence_for(stage, level=stage.level, adjusted=stage.adjusted)


def test_adverse_significant_band_step():
    assert stage_sentence(facts()) == (
        "Relative to their numbers in band 7, White staff were 2.10 times as likely as BME "
        "staff to be in band 8a (95% CI 1.52 to 2.90): adverse, and unlikely to be chance "
        "(adjusted p < 0.001).")


def test_ratio_below_one_states_the_inverse():
    text = stage_sentence(facts(ratio=0.4, ci_low=0.3, ci_high=0.55, p_adjusted=0.003))
    assert text == (
        "Relative to their numbers in band 7, White staff were 0.40 times as likely as BME "
        "staff to be in band 8a, so BME staff were 2.50 times as likely as White (95% CI 0.30 "
        "to 0.55): favourable to BME staff, and unlikely to be chance (adjusted p = 0.003).")


def test_within_range_not_significant_and_unadjusted():
    text = stage_sentence(facts(ratio=1.1, ci_low=0.8, ci_high=1.5, p_adjusted=0.42,
                                significant=False, adjusted=False))
    assert text.endswith("(95% CI 0.80 to 1.50): within the non-adverse range 0.80-1.25, and "
                         "could be chance (p = 0.42)."), text
    assert "adjusted p" not in text


def test_level_and_detailed_group_names_appear():
    text = stage_sentence(facts(comparison="Black", level=0.9))
    assert "as likely as Black staff to be in band 8a (90% CI" in text, text
    text = stage_sentence(facts(comparison="Mixed", ratio=0.5, ci_low=0.3, ci_high=0.8))
    assert "so Mixed staff were 2.00 times as likely as White" in text, text
    assert "favourable to Mixed staff" in text, text


def test_recruitment_wording():
    applied = facts(kind="recruitment", stage_id="recruitment:applied-shortlisted",
                    from_label="applied", to_label="shortlisted", ratio=1.44, ci_low=1.37,
                    ci_high=1.52)
    assert stage_sentence(applied).startswith(
        "White applicants were 1.44 times as likely as BME applicants to be shortlisted "
        "(95% CI 1.37 to 1.52): adverse"), stage_sentence(applied)
    appointed = facts(kind="recruitment", stage_id="recruitment:shortlisted-appointed",
                      from_label="shortlisted", to_label="appointed", comparison="Asian",
                      ratio=0.8, ci_low=0.6, ci_high=1.1, significant=False, p_adjusted=0.3)
    text = stage_sentence(appointed)
    assert text.startswith("White shortlisted applicants were 0.80 times as likely as Asian "
                           "shortlisted applicants to be appointed, so Asian shortlisted "
                           "applicants were 1.25 times as likely as White"), text


def test_infinite_ratio_explains_the_zero_cell():
    text = stage_sentence(facts(comparison="Asian", bme_to=0, ratio=INF, ci_low=2.16,
                                ci_high=INF, p_adjusted=0.002))
    assert text == ("The ratio for band 7 to band 8a is infinite because there were no Asian "
                    "staff in band 8a; the 95% interval says it is at least 2.16; unlikely to "
                    "be chance (adjusted p = 0.002).")


def test_zero_ratio_explains_the_zero_cell():
    text = stage_sentence(facts(white_to=0, ratio=0.0, ci_low=0.0, ci_high=0.46,
                                p_adjusted=0.2, significant=False))
    assert text == ("The ratio for band 7 to band 8a is zero because there were no White "
                    "staff in band 8a; the 95% interval says it is at most 0.46; could be "
                    "chance (adjusted p = 0.20).")
    rec = stage_sentence(facts(kind="recruitment", from_label="applied", to_label="shortlisted",
                               white_to=0, ratio=0.0, ci_low=0.0, ci_high=0.1))
    assert "because no White applicants were shortlisted;" in rec, rec


def test_undefined_ratio_says_why():
    text = stage_sentence(facts(white_to=0, bme_to=0, ratio=NAN, ci_low=NAN, ci_high=NAN,
                                p_adjusted=NAN, significant=False, comparison="Black"))
    assert text == ("Band 7 to band 8a: the ratio is not defined because there were no White "
                    "staff in band 8a and there were no Black staff in band 8a."), text
    rec = stage_sentence(facts(kind="recruitment", from_label="shortlisted",
                               to_label="appointed", white_to=0, bme_to=0, ratio=NAN,
                               ci_low=NAN, ci_high=NAN, p_adjusted=NAN, significant=False))
    assert rec == ("Shortlisted to appointed: the ratio is not defined because no White "
                   "shortlisted applicants were appointed and no BME shortlisted applicants "
                   "were appointed."), rec
    inconsistent = stage_sentence(facts(kind="recruitment", from_label="shortlisted",
                                        to_label="appointed", white_from=10, white_to=12,
                                        ratio=NAN, ci_low=NAN, ci_high=NAN, p_adjusted=NAN,
                                        significant=False))
    assert "the counts are inconsistent" in inconsistent and "zero" not in inconsistent


def test_empty_group_says_no_ratio_can_be_given():
    text = stage_sentence(facts(bme_from=0, bme_to=0, ratio=NAN, comparison="Other"))
    assert text == ("Band 7 to band 8a: there were no Other staff at either end of this "
                    "stage, so no ratio can be given.")
    text = stage_sentence(facts(kind="recruitment", from_label="applied", to_label="shortlisted",
                                white_from=0, white_to=0, ratio=NAN))
    assert text == ("Applied to shortlisted: there were no White applicants at either end of "
                    "this stage, so no ratio can be given.")


def test_no_test_possible():
    text = stage_sentence(facts(p_adjusted=NAN, significant=False))
    assert text.endswith("adverse, and no significance test was possible."), text


def test_every_sentence_of_a_results_frame_is_written_once_per_row():
    counts = pd.DataFrame([
        {"org_code": "T", "year": 2024, "comparison": "BME", "stage_id": f"band:{i}",
         "label": "x", "kind": "band", "ratio_kind": "odds", "order": i,
         "from_label": "band 5", "to_label": "band 6", "white_from": wf, "white_to": wt,
         "bme_from": bf, "bme_to": bt}
        for i, (wf, wt, bf, bt) in enumerate([(100, 50, 100, 10), (100, 10, 100, 50),
                                              (100, 0, 100, 0), (100, 40, 100, 0)])])
    results = stage_ratios(counts, AnalysisOptions())
    sentences = results["sentence"].tolist()
    assert "5.00 times" in sentences[0] and "adverse" in sentences[0]
    assert "so BME staff were 5.00 times as likely as White" in sentences[1]
    assert "not defined" in sentences[2]
    assert "is infinite because there were no BME staff in band 6" in sentences[3]


# --- formatting -------------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "text"), [
    (2.1034, "2.10"), (0.004, "0.004"), (0.0431, "0.043"), (0.1, "0.10"), (12.345, "12.3"),
    (345.6, "346"), (INF, "infinity"),
    (-INF, "-infinity"), (NAN, "not defined"), (None, "not defined"), (1, "1.00")])
def test_format_ratio(value, text):
    assert format_ratio(value) == text


@pytest.mark.parametrize(("p", "text", "cell"), [
    (0.0004, "< 0.001", "<0.001"), (0.004, "= 0.004", "0.004"), (0.2149, "= 0.21", "0.21"),
    (0.995, "> 0.99", ">0.99"), (NAN, "not tested", "not tested"), (0.01, "= 0.01", "0.01")])
def test_format_p(p, text, cell):
    assert format_p(p) == text and format_p_value(p) == cell


def test_format_interval_share_and_lower_first():
    assert format_interval(1.5, 2.2) == "1.50 to 2.20"
    assert format_interval(0.15, INF) == "0.15 to infinity"
    assert format_share(0.4231) == "42.3%" and format_share(0.4231, 0) == "42%"
    assert format_share(NAN) == "not defined"
    assert lower_first("Band 9 to VSM") == "band 9 to VSM" and lower_first("") == ""
