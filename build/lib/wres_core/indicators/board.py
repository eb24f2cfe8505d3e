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


def _share(role: str, rows: pd.DataFrame, level: float) -> BoardShare:
    counts = rows.groupby("ethnicity")["count"].sum()
    white, bme = int(counts.get("White", 0)), int(counts.get("BME", 0))
    unknown = int(counts.get("Unknown", 0))
    ci = wilson_interval(bme, white + bme, level)
    return BoardShare(role, white, bme, unknown, float(ci.proportion[0]), float(ci.low[0]),
                      float(ci.high[0]))


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
    voting = board[board["voting"]]
    all_voting = _share("All voting", voting, level)
    executive = _share("Executive", voting[voting["role"] == "Executive"], level)
    non_executive = _share("Non-executive", voting[voting["role"] == "Non-executive"], level)
    difference = (all_voting.share - workforce_share) * 100
    low = (all_voting.ci_low - workforce_share) * 100
    high = (all_voting.ci_high - workforce_share) * 100
    note = ""
    if np.isnan(all_voting.share):
        note = "no voting board members of known ethnicity"
    if all_voting.unknown:
        note = "; ".join(filter(None, [note, f"{all_voting.unknown} voting member(s) of "
                                       "unknown ethnicity left out"]))
    sentence = board_sentence(all_voting, executive, non_executive, workforce_share,
                              difference, low, high, level)
    return BoardIndicator(org_code, int(year), all_voting, executive, non_executive,
                          float(workforce_share), float(difference), float(low), float(high),
                          bool(difference < 0), sentence, note)


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
