"""The Methods text ships with the package (an installed copy has no README) and is the
README's Methods section, word for word."""

from __future__ import annotations

import fnmatch
import tomllib
from pathlib import Path

from wres_core.exports import tables

REPO = Path(__file__).resolve().parents[2]
METHODS_FILE = REPO / "wres_core" / "data" / "methods.md"


def readme_methods_section() -> str:
    lines = (REPO / "README.md").read_text(encoding="utf-8").splitlines()
    start = lines.index("## Methods")
    end = next(i for i in range(start + 1, len(lines)) if lines[i].startswith("## "))
    return "\n".join(lines[start + 1:end]).strip()


def test_the_shipped_methods_text_is_the_readmes_methods_section():
    shipped = METHODS_FILE.read_text(encoding="utf-8").strip()
    assert shipped == readme_methods_section(), (
        "README.md's Methods section and wres_core/data/methods.md differ. Edit the README, "
        "then copy its section (the lines between '## Methods' and the next '## ' heading) "
        "into wres_core/data/methods.md.")


def test_the_pack_reads_the_shipped_text_not_the_readme():
    paragraphs = tables.methods_paragraphs()
    assert paragraphs[0] == ("", "Every number in WRES Explorer comes from the functions in "
                                 "wres_core; this section says what they compute, in plain "
                                 "words, with the method's source. Where a rule is our choice "
                                 "rather than an NHS England rule, it says so and it can be "
                                 "changed. The same text ships with the package as "
                                 "wres_core/data/methods.md, for the workshop pack's methods "
                                 "appendix (a test checks that the two are the same, word for "
                                 "word).")
    assert paragraphs[1][0] == "Who counts as what"
    assert not hasattr(tables, "README")


def test_pyproject_ships_the_methods_text_as_package_data():
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["wres_core.data"]
    assert any(fnmatch.fnmatch("methods.md", pattern) for pattern in patterns), patterns
