"""Showing text that came from a user's file.

Streamlit never renders raw HTML from st.markdown unless asked, but names from an upload could
still carry Markdown (links, images, emphasis). ``plain`` escapes Markdown's special characters
so that such text shows exactly as written.
"""

import re

from wres_core.formatting import format_given, is_given

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def plain(text: object) -> str:
    """``"A*B [x](y)"`` -> ``"A\\*B \\[x\\]\\(y\\)"``: shown literally by st.markdown."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(text))


def summary_markdown(lines: list[str]) -> str:
    """Report lines as a Markdown list; lines given as ``"  - text"`` become nested items.

    Every line's text is escaped with :func:`plain`, since it quotes labels from the file.
    """
    items = []
    for line in lines:
        if line.startswith("  - "):
            items.append(f"    - {plain(line[4:])}")
        else:
            items.append(f"- {plain(line)}")
    return "\n".join(items)


def given(value: object, what: str) -> str:
    """``plain(value)``, or "``what`` not given" when the data did not say (e.g. a trust
    read from its own file has no region: "region not given", never "Not given")."""
    return plain(format_given(value, what))


#: What each field of the clean tables (``wres_core.schema``) is called on screen: the
#: internal names (``org_code``, ``staff_id``) never reach a page.
FIELD_LABELS = {
    "org_code": "Organisation code", "org_name": "Organisation name", "region": "Region",
    "org_type": "Trust type", "year": "Year", "staff_group": "Staff group",
    "band": "Pay band", "ethnicity": "Ethnicity", "ethnic_group": "Ethnic group",
    "headcount": "Headcount", "stage": "Recruitment stage",
    "staff_id": "Staff number (one row per person)",
}

_MATCH_ALIAS = re.compile(r"^alias (?P<column>'.*')$")
_MATCH_DEFAULT = re.compile(r"^default (?P<value>.*)$")


def field_label(field: str) -> str:
    """The on-screen name of a canonical field ("org_code" -> "Organisation code")."""
    return FIELD_LABELS.get(field, field.replace("_", " ").capitalize())


def column_matches_markdown(matches: dict[str, str]) -> str:
    """How ingest found each field, in people's words and escaped: "Organisation code: column
    'Org Code'; Region: not in the file, so 'Not given'" (the report's own line uses the
    internal field names)."""
    parts = []
    for field, how in matches.items():
        if alias := _MATCH_ALIAS.match(how):
            how = f"column {alias['column']}"
        elif default := _MATCH_DEFAULT.match(how):
            value = default["value"]
            how = ("not in the file" if not is_given(value.strip("'"))
                   else f"not in the file, so {value}")
        parts.append(f"{field_label(field)}: {how}")
    return plain("Columns: " + "; ".join(parts) + ".")


_FORM = "'Correct how this file is read'"
_MAP_LABELS = {"band_map": f"the band choices under {_FORM}",
               "ethnicity_map": f"the ethnicity choices under {_FORM}"}
# Only the names with an underscore are unmistakably internal ("band" or "year" in a message
# is an ordinary word); a name in quotes is the user's own column and is left alone.
_INTERNAL_NAMES = sorted((n for n in [*FIELD_LABELS, *_MAP_LABELS] if "_" in n), key=len,
                         reverse=True)
_INTERNAL_NAME = re.compile(r"(?<!['\w])(" + "|".join(_INTERNAL_NAMES) + r")(?!['\w])")


def in_words(text: str) -> str:
    """A message from the reader with its internal names put in words: "map them with
    ethnicity_map" -> "map them with the ethnicity choices under 'Correct how this file is
    read'", "org_code" -> "Organisation code". Not escaped: pass the result to :func:`plain`
    (or :func:`summary_markdown`)."""
    def word(match: re.Match) -> str:
        name = match.group(1)
        return _MAP_LABELS.get(name) or field_label(name)
    return _INTERNAL_NAME.sub(word, text)
