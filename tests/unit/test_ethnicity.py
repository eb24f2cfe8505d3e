"""Tests for wres_core.ethnicity: ESR labels whose code and words name different detailed
groups, and the shipped list of two-character sub-codes.

Expected categories follow the WRES rule as NHS England states it (White = codes A, B, C; BME =
D to S), written out here rather than taken from the package's own tables.
"""

from __future__ import annotations

import pytest

from wres_core.ethnicity import match_ethnicity, subcode_descriptions

WRES_CATEGORY = {**dict.fromkeys("ABC", "White"), **dict.fromkeys("DEFGHJKLMNPRS", "BME")}
DETAILED = {**dict.fromkeys("DEFG", "Mixed"), **dict.fromkeys("HJKL", "Asian"),
            **dict.fromkeys("MNP", "Black"), "R": "Other", "S": "Other"}


@pytest.mark.parametrize(("label", "group"), [
    ("SC Filipino", "Other"),              # S is any other group; the words alone say Asian
    ("PC Black Nigerian", "Black"),
    ("LK Asian Sri Lankan", "Asian"),
    ("CY White Other European", "White"),
    ("C2 White Northern Irish", "White"),
])
def test_real_esr_values_are_read_by_their_code(label, group):
    found = match_ethnicity(label)
    assert found is not None, label
    assert (found.category, found.group) == (WRES_CATEGORY[label[0]], group), found


def test_a_disagreement_within_one_category_is_counted_and_noted():
    found = match_ethnicity("SC Filipino")
    assert (found.category, found.group, found.code) == ("BME", "Other", "S")
    assert found.note == ("'Filipino' is Asian in the label table, but code SC is Other: "
                          "counted as Other (both BME)"), found.note
    assert match_ethnicity("PC Black Nigerian").note == "", "agreement needs no note"


@pytest.mark.parametrize("label", ["A Black African", "N White British", "C Pakistani"])
def test_a_code_and_words_in_different_categories_are_reported_not_guessed(label):
    assert match_ethnicity(label) is None, label


def test_every_shipped_sub_code_with_its_description_is_read_in_its_parent_category():
    codes = subcode_descriptions()
    assert len(codes) >= 50 and codes["SC"] == "Filipino" and codes["LE"] == "Sri Lankan"
    for code, description in codes.items():
        for label in (code, f"{code} {description}"):
            found = match_ethnicity(label)
            assert found is not None, label
            assert found.category == WRES_CATEGORY[code[0]], (label, found)
            if code[0] in DETAILED:
                assert found.group == DETAILED[code[0]], (label, found)
