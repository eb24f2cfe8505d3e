"""Statistics for WRES disparity ratios: pure numpy/scipy, vectorised over many stages.

Each stage of the career ladder is a 2x2 table of White and BME counts. The main entry point,
:func:`disparity_statistics`, returns the ratio, a confidence interval, a test and flags for
a whole batch of stages in one call (every trust, year and stage of a national file). The
building blocks are public too, one statistic per private module:

* :func:`disparity_statistics` -- ratio, interval, test, flags and notes per stage;
* :func:`fisher_exact_p` -- Fisher's exact test, two-sided as R's ``fisher.test``;
* :func:`conditional_odds_ratio_interval` -- exact conditional (Cornfield) interval, as R;
* :func:`koopman_interval` -- score interval for a ratio of two proportions;
* :func:`woolf_interval`, :func:`katz_interval` -- log intervals (odds ratio, relative risk);
* :func:`pearson_chi_square_p` -- Pearson's chi-square test without continuity correction;
* :func:`wilson_interval` -- Wilson score interval for one proportion;
* :func:`adjust_p_values` -- Holm or Benjamini-Hochberg adjustment, within groups;
* :func:`ratio_change_test` -- Altman & Bland test of two independent ratios;
* :func:`detectable_ratio` -- smallest ratio the numbers could show (about 50% power).

Orientation (see docs/architecture.md): every ratio is White relative to BME,
``(white_to / white_from) / (bme_to / bme_from)``, so above 1 is adverse to BME staff.
"""

from wres_core.statistics._conditional_interval import conditional_odds_ratio_interval
from wres_core.statistics._detectable_ratio import detectable_ratio
from wres_core.statistics._disparity import (
    CI_METHODS,
    DisparityEstimates,
    disparity_statistics,
)
from wres_core.statistics._fisher_exact import fisher_exact_p
from wres_core.statistics._koopman_interval import koopman_interval
from wres_core.statistics._log_intervals import (
    katz_interval,
    log_ratio_standard_error,
    woolf_interval,
)
from wres_core.statistics._p_value_adjustment import adjust_p_values
from wres_core.statistics._pearson_chi_square import pearson_chi_square_p
from wres_core.statistics._ratio_change import RatioChange, ratio_change_test
from wres_core.statistics._wilson_interval import ProportionInterval, wilson_interval

__all__ = [
    "CI_METHODS",
    "DisparityEstimates",
    "ProportionInterval",
    "RatioChange",
    "adjust_p_values",
    "conditional_odds_ratio_interval",
    "detectable_ratio",
    "disparity_statistics",
    "fisher_exact_p",
    "katz_interval",
    "koopman_interval",
    "log_ratio_standard_error",
    "pearson_chi_square_p",
    "ratio_change_test",
    "wilson_interval",
    "woolf_interval",
]
