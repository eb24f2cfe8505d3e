"""The canonical table every reader produces and every calculation consumes.

One row of the *workforce* table is a headcount for one organisation x year x staff group x
band x ethnic group. The *recruitment* table adds a ``stage`` column (applied, shortlisted,
appointed) and its counts are people at that stage. Both use the same column names and dtypes,
so that a staff-level extract, a wide WRES template and an aggregate national file all end up
as the same shape.
"""

from __future__ import annotations

import pandas as pd

from wres_core.bands import BAND_DTYPE

# Identity columns of an organisation; filled with defaults when a file has none.
ORG_COLUMNS = ("org_code", "org_name", "region", "org_type")

#: Columns of the clean workforce table, in order.
WORKFORCE_COLUMNS = (
    "org_code",
    "org_name",
    "region",
    "org_type",
    "year",
    "staff_group",
    "band",
    "ethnicity",
    "ethnic_group",
    "headcount",
)

#: Columns of the clean recruitment table, in order.
RECRUITMENT_COLUMNS = WORKFORCE_COLUMNS[:-1] + ("stage", "headcount")

#: The columns that identify one count (the "key"); a repeated key is a duplicate.
WORKFORCE_KEY = ("org_code", "year", "staff_group", "band", "ethnicity", "ethnic_group")
RECRUITMENT_KEY = WORKFORCE_KEY + ("stage",)

#: WRES categories. White = NHS codes A-C; BME = D-S; Unknown = X, Z, blank, refused.
ETHNIC_CATEGORIES = ("White", "BME", "Unknown")

#: Detailed groups. "BME (not specified)" is for files that give only a BME total.
ETHNIC_GROUPS = ("White", "Mixed", "Asian", "Black", "Other", "BME (not specified)", "Unknown")

#: Detailed groups that can be compared with White one at a time.
DETAILED_BME_GROUPS = ("Mixed", "Asian", "Black", "Other")

STAFF_GROUPS = ("Clinical", "Non-clinical", "Medical", "All staff")

RECRUITMENT_STAGES = ("applied", "shortlisted", "appointed")

#: Labels (organisation names and codes, regions, types, and the band, staff group and ethnicity
#: labels quoted in reports) longer than this are cut to it when a file is read, so that a
#: label cannot swamp a page, a chart or an export; the report says which were cut.
MAX_LABEL_CHARS = 200

#: A count above this cannot be a headcount (the whole NHS in England employs about 1.5
#: million people): the row is left out as "count too large".
MAX_HEADCOUNT = 2_000_000

DEFAULT_ORG_CODE = "ORG"
#: The year of a file that holds none (no year column, title line or year in its name): shown
#: as "not given", never silently today's year. A year can be given for such files
#: (read_table(default_year=...), the Data page's "belongs to" picker, the CLI's --year).
YEAR_NOT_GIVEN = 0
DEFAULT_ORG_NAME = "Your organisation"
DEFAULT_REGION = "Not given"
DEFAULT_ORG_TYPE = "Not given"
DEFAULT_STAFF_GROUP = "All staff"
#: Recruitment files often have no band: their counts are for all bands together.
ALL_BANDS = "All"

ETHNICITY_DTYPE = pd.CategoricalDtype(list(ETHNIC_CATEGORIES), ordered=False)
ETHNIC_GROUP_DTYPE = pd.CategoricalDtype(list(ETHNIC_GROUPS), ordered=False)
STAFF_GROUP_DTYPE = pd.CategoricalDtype(list(STAFF_GROUPS), ordered=False)
STAGE_DTYPE = pd.CategoricalDtype(list(RECRUITMENT_STAGES), ordered=True)

#: dtype of each canonical column. Text columns use pandas' string dtype.
COLUMN_DTYPES = {
    "org_code": "string",
    "org_name": "string",
    "region": "string",
    "org_type": "string",
    "year": "int64",
    "staff_group": STAFF_GROUP_DTYPE,
    "band": BAND_DTYPE,
    "ethnicity": ETHNICITY_DTYPE,
    "ethnic_group": ETHNIC_GROUP_DTYPE,
    "stage": STAGE_DTYPE,
    "headcount": "int64",
}


def empty_table(kind: str = "workforce") -> pd.DataFrame:
    """An empty clean table of the given kind ("workforce" or "recruitment")."""
    columns = WORKFORCE_COLUMNS if kind == "workforce" else RECRUITMENT_COLUMNS
    return pd.DataFrame({c: pd.Series([], dtype=COLUMN_DTYPES[c]) for c in columns})


def conform(table: pd.DataFrame, kind: str = "workforce") -> pd.DataFrame:
    """Return ``table`` with exactly the canonical columns, in order, with canonical dtypes."""
    columns = WORKFORCE_COLUMNS if kind == "workforce" else RECRUITMENT_COLUMNS
    out = table.loc[:, list(columns)].copy()
    for column in columns:
        out[column] = out[column].astype(COLUMN_DTYPES[column])
    return out.reset_index(drop=True)
