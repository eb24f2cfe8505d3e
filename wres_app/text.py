"""Showing text that came from a user's file.

Streamlit never renders raw HTML from st.markdown unless asked, but names from an upload could
still carry Markdown (links, images, emphasis). ``plain`` escapes Markdown's special characters
so that such text shows exactly as written.
"""

import re

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def plain(text: object) -> str:
    """``"A*B [x](y)"`` -> ``"A\\*B \\[x\\]\\(y\\)"``: shown literally by st.markdown."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(text))
