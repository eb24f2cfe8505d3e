"""The rest of the WRES scorecard and the ethnicity pay gap, on the same statistics.

* :mod:`~wres_core.indicators.relative_likelihood` -- indicators 3 and 4 (disciplinary,
  non-mandatory training), relative likelihoods with intervals and tests;
* :mod:`~wres_core.indicators.survey` -- indicators 5-8 (staff survey), BME-White differences
  with Newcombe's hybrid score interval;
* :mod:`~wres_core.indicators.board` -- indicator 9 (board minus workforce BME share);
* :mod:`~wres_core.indicators.pay_gap` -- mean and median pay gaps, bootstrap intervals,
  quartiles, the band decomposition and the bottleneck's effect; the AfC estimate;
* :mod:`~wres_core.indicators.readers` -- reading the files;
* :mod:`~wres_core.indicators.scorecard` -- all nine indicators and the pay gap of a trust.
"""

from wres_core.indicators.board import BoardIndicator, BoardShare, board_indicator
from wres_core.indicators.pay_gap import (
    AFC_PAY_YEAR,
    BandGap,
    BottleneckEffect,
    PayGapResult,
    QuartileShare,
    afc_implied_staff,
    afc_pay_points,
    bottleneck_effect,
    pay_gap,
)
from wres_core.indicators.readers import IndicatorFile, peek_kinds, read_indicator_file
from wres_core.indicators.relative_likelihood import relative_likelihoods, two_year_rolling
from wres_core.indicators.scorecard import (
    Scorecard,
    ScorecardItem,
    build_scorecard,
    indicator_record,
    pay_gap_record,
    scorecard_text,
)
from wres_core.indicators.survey import (
    SURVEY_INDICATORS,
    ProportionDifference,
    newcombe_difference,
    survey_indicators,
)

__all__ = [
    "AFC_PAY_YEAR",
    "SURVEY_INDICATORS",
    "BandGap",
    "BoardIndicator",
    "BoardShare",
    "BottleneckEffect",
    "IndicatorFile",
    "PayGapResult",
    "ProportionDifference",
    "QuartileShare",
    "Scorecard",
    "ScorecardItem",
    "afc_implied_staff",
    "afc_pay_points",
    "board_indicator",
    "bottleneck_effect",
    "build_scorecard",
    "indicator_record",
    "newcombe_difference",
    "pay_gap",
    "pay_gap_record",
    "peek_kinds",
    "read_indicator_file",
    "relative_likelihoods",
    "scorecard_text",
    "survey_indicators",
    "two_year_rolling",
]
