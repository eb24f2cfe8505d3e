"""WRES indicator 9: the board's BME share (voting members) minus the workforce's BME share.

The difference is in percentage points; a negative figure means ethnic minority staff are
under-represented on the board relative to the workforce (adverse). Executive and
non-executive voting members are shown apart as well as together.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from wres_core.formatting import format_share
from wres_core.records import frame_records
from wres_core.statistics import wilson_interval

BOARD_ROLES = ("Executive", "Non-executive")


@dataclass(frozen=True)
class BoardShare:
    """One group of board members: counts and BME share of those with known ethnicity."""

    role: str            # "All voting", "Executive" or "Non-executive"
    white: int
    bme: int
    unknown: int
    share: float         # BME / (White + BME); NaN with no known members
    ci_low: float        # Wilson score interval of the share
    ci_high: float


@dataclass(frozen=True)
class BoardIndicator:
    """Indicator 9 for one trust and year."""

    org_code: str
    year: int
    voting: BoardShare
    executive: BoardShare
    non_executive: BoardShare
    workforce_share: float       # BME share of the known-ethnicity workforce (census)
    difference_points: float     # (voting share - workforce share) x 100
    ci_low: float                # from the board share's Wilson interval, in points
    ci_high: float
    adverse: bool                # the board's share is below the workforce's
    sentence: str
    note: str

    def confidence_interval(self) -> tuple[float, float]:
        return self.ci_low, self.ci_high


#: The groups of voting members counted: name in the table -> role filter (None: all).
_GROUPS = {"voting": None, "executive": "Executive", "non_executive": "Non-executive"}
_GROUP_ROLES = {"voting": "All voting", "executive": "Executive",
                "non_executive": "Non-executive"}


def board_indicators(board: pd.DataFrame, workforce_share, level: float = 0.95
                     ) -> pd.DataFrame:
    """Indicator 9 for every organisation and year of ``board``, in one vectorised pass.

    ``board`` has ``org_code``, ``year``, ``ethnicity`` (White / BME / Unknown), ``role``
    (Executive / Non-executive), ``voting`` (bool) and ``count``. ``workforce_share`` maps
    ``(org_code, year)`` to the workforce's BME share (a mapping with ``.get``); a pair it
    lacks gives NaN. One row per (organisation, year) with any board row: for each
    group (``voting``: every voting member; ``executive``, ``non_executive``: voting members
    of that role) ``{group}_white``, ``_bme``, ``_unknown``, ``_share``, ``_ci_low``,
    ``_ci_high``; then ``workforce_share``, ``difference_points``, ``ci_low``, ``ci_high``,
    ``adverse`` and ``note``. Method and edge cases as :func:`board_indicator`.
    """
    keys = board[["org_code", "year"]].drop_duplicates().sort_values(["org_code", "year"])
    return _board_table(board, pd.MultiIndex.from_frame(keys), workforce_share, level)


def _board_table(board: pd.DataFrame, keys: pd.MultiIndex, workforce_share,
                 level: float) -> pd.DataFrame:
    """:func:`board_indicators` for the (organisation, year) pairs ``keys``."""
    voting = board[board["voting"].to_numpy(bool)]
    out = pd.DataFrame(index=keys)
    for group, role in _GROUPS.items():
        rows = voting if role is None else voting[voting["role"] == role]
        sums = rows.groupby(["org_code", "year", "ethnicity"])["count"].sum()
        counts = sums.unstack("ethnicity", fill_value=0) if len(sums) else pd.DataFrame()
        counts = counts.reindex(index=keys, columns=["White", "BME", "Unknown"],
                                fill_value=0).astype("int64")
        white, bme = counts["White"].to_numpy(), counts["BME"].to_numpy()
        ci = wilson_interval(bme, white + bme, level)
        out[f"{group}_white"] = white
        out[f"{group}_bme"] = bme
        out[f"{group}_unknown"] = counts["Unknown"].to_numpy()
        out[f"{group}_share"] = ci.proportion
        out[f"{group}_ci_low"] = ci.low
        out[f"{group}_ci_high"] = ci.high
    share = np.array([workforce_share.get(key, np.nan) for key in keys], dtype=float)
    out["workforce_share"] = share
    out["difference_points"] = (out["voting_share"].to_numpy() - share) * 100
    out["ci_low"] = (out["voting_ci_low"].to_numpy() - share) * 100
    out["ci_high"] = (out["voting_ci_high"].to_numpy() - share) * 100
    out["adverse"] = out["difference_points"].to_numpy() < 0
    no_known = np.isnan(out["voting_share"].to_numpy())
    unknown = out["voting_unknown"].to_numpy()
    out["note"] = ["; ".join(filter(None, [
        "no voting board members of known ethnicity" if none else "",
        f"{n} voting member(s) of unknown ethnicity left out" if n else ""]))
        for none, n in zip(no_known, unknown.tolist(), strict=True)]
    return out.reset_index()


def board_result(row: dict, level: float = 0.95) -> BoardIndicator:
    """One row of :func:`board_indicators` (plain values) as a :class:`BoardIndicator`, with
    its sentence."""
    groups = {group: BoardShare(_GROUP_ROLES[group], int(row[f"{group}_white"]),
                                int(row[f"{group}_bme"]), int(row[f"{group}_unknown"]),
                                float(row[f"{group}_share"]), float(row[f"{group}_ci_low"]),
                                float(row[f"{group}_ci_high"]))
              for group in _GROUPS}
    share, difference = float(row["workforce_share"]), float(row["difference_points"])
    low, high = float(row["ci_low"]), float(row["ci_high"])
    sentence = board_sentence(groups["voting"], groups["executive"], groups["non_executive"],
                              share, difference, low, high, level)
    return BoardIndicator(str(row["org_code"]), int(row["year"]), groups["voting"],
                          groups["executive"], groups["non_executive"], share, difference,
                          low, high, bool(row["adverse"]), sentence, str(row["note"]))


def board_indicator(board: pd.DataFrame, workforce_share: float, *, org_code: str, year: int,
                    level: float = 0.95) -> BoardIndicator:
    """Indicator 9 from one trust-year's board members.

    ``board`` has ``ethnicity`` (White / BME / Unknown), ``role`` (Executive /
    Non-executive), ``voting`` (bool) and ``count``. Only voting members count in the headline
    figure (as in the WRES); executive and non-executive shares are of voting members too.

    **Method.** difference = (BME voting / known voting - workforce BME share) x 100. The
    workforce share is a census and treated as fixed; the interval is the board share's Wilson
    score interval minus that share. A board is a handful of people, so the interval is wide:
    a board of 12 with one BME member has a share of 8% (95% CI 1% to 35%).

    **Edge cases.** No voting members of known ethnicity: NaN, with a note.
    """
    key = (org_code, int(year))
    table = _board_table(board.assign(org_code=org_code, year=int(year)),
                         pd.MultiIndex.from_tuples([key], names=["org_code", "year"]),
                         {key: float(workforce_share)}, level)
    return board_result(frame_records(table)[0], level)


def board_sentence(voting: BoardShare, executive: BoardShare, non_executive: BoardShare,
                   workforce_share: float, difference: float, low: float, high: float,
                   level: float) -> str:
    if np.isnan(voting.share):
        return "Board: no voting members of known ethnicity, so no figure can be given."
    where = "below" if difference < 0 else "above"
    return (f"{voting.bme} of {voting.bme + voting.white} voting board members are from an "
            f"ethnic minority ({format_share(voting.share)}; executive "
            f"{executive.bme} of {executive.bme + executive.white}, non-executive "
            f"{non_executive.bme} of {non_executive.bme + non_executive.white}), against "
            f"{format_share(workforce_share)} of the workforce: {abs(difference):.1f} points "
            f"{where} ({level * 100:g}% CI {low:+.1f} to {high:+.1f} points).")
