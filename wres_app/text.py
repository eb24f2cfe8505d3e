"""Showing text that came from a user's file.

Streamlit never renders raw HTML from st.markdown unless asked, but names from an upload could
still carry Markdown (links, images, emphasis). ``plain`` escapes Markdown's special characters
so that such text shows exactly as written.
"""

import re

from wres_core.schema import DEFAULT_ORG_TYPE, DEFAULT_REGION

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


# What a file left blank, as ingest fills it in (schema defaults), and how a person reads it.
_NOT_GIVEN = {DEFAULT_REGION, DEFAULT_ORG_TYPE, "", "nan", "<NA>", "None"}


def given(value: object, what: str) -> str:
    """``plain(value)``, or "``what`` not given" when the data did not say (e.g. a trust
    read from its own file has no region: "region not given", never "Not given")."""
    text = "" if value is None else str(value).strip()
    return f"{what} not given" if text in _NOT_GIVEN else plain(text)
