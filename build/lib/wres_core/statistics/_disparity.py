"""Disparity ratio, interval and test for every stage of the career ladder at once."""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from wres_core.statistics._conditional_interval import conditional_interval_of
from wres_core.statistics._detectable_ratio import KINDS, detectable_ratio_of
from wres_core.statistics._fisher_exact import fisher_exact_p_of
from wres_core.statistics._koopman_interval import koopman_interval_of
from wres_core.statistics._log_intervals import katz_interval_of, woolf_interval_of
from wres_core.statistics._noncentral_hypergeometric import Margins
from wres_core.statistics._pearson_chi_square import pearson_chi_square_p_of
from wres_core.statistics._validation import as_count_arrays, check_level

CI_METHODS = ("auto", "log", "exact")

#: A table is "small" when a cell of its test table, or an expected count under independence,
#: is below this (Cochran's rule of thumb for the chi-square approximation).
SMALL_COUNT = 5

FISHER = "Fisher's exact"
PEARSON = "Pearson chi-square"

#: Interval labels by kind: (log, exact, log with +0.5 correction).
METHOD_LABELS = {
    "odds": ("log (Woolf)", "exact (conditional)", "log (Woolf, +0.5 corrected)"),
    "risk": ("log (Katz)", "score (Koopman)", "log (Katz, +0.5 corrected)"),
}


@dataclass(frozen=True, eq=False)
class DisparityEstimates:
    """Ratio, interval, test and flags for a batch of stages (one array element per stage).

    Every field is a numpy array of the batch length except ``kind`` and ``level``.
    Counts are int64 as given; ``ratio``, ``ci_low``, ``ci_high``, ``p_value`` and
    ``detectable_ratio`` are float; ``ci_method``, ``test`` and ``note`` are object arrays of
    str (``""`` where undefined); ``small_counts``, ``zero_cell`` and ``corrected`` are bool.
    See :func:`disparity_statistics` for what each means.
    """

    kind: str
    level: float
    white_to: np.ndarray
    white_from: np.ndarray
    bme_to: np.ndarray
    bme_from: np.ndarray
    ratio: np.ndarray
    ci_low: np.ndarray
    ci_high: np.ndarray
    ci_method: np.ndarray
    p_value: np.ndarray
    test: np.ndarray
    small_counts: np.ndarray
    zero_cell: np.ndarray
    corrected: np.ndarray
    detectable_ratio: np.ndarray
    note: np.ndarray

    def __len__(self) -> int:
        return len(self.ratio)

    def confidence_interval(self) -> tuple[np.ndarray, np.ndarray]:
        """``(ci_low, ci_high)``."""
        return self.ci_low, self.ci_high

    def row(self, i: int) -> dict:
        """One stage's values as plain Python scalars (int, float, bool, str)."""
        values = {}
        for field in fields(self):
            value = getattr(self, field.name)
            if isinstance(value, np.ndarray):
                value = value[i]
                # numpy scalars become Python ones; strings in object arrays already are.
                value = value.item() if isinstance(value, np.generic) else value
            values[field.name] = value
        return values


def disparity_statistics(kind: str, white_to, white_from, bme_to, bme_from, *,
                         ci_method: str = "auto", level: float = 0.95,
                         haldane: bool = False) -> DisparityEstimates:
    """Disparity ratio, confidence interval and test for many stages at once.

    Each stage is a 2x2 table given by four counts (arrays of any common length):

        ratio = (white_to / white_from) / (bme_to / bme_from),

    White relative to BME, so a ratio above 1 is adverse to BME staff.

    **Kinds.**

    * ``kind="odds"`` -- band and tier stages: ``to`` and ``from`` are headcounts in an upper
      and a lower band or tier (disjoint). The ratio is the odds ratio of
      ``[[white_to, white_from], [bme_to, bme_from]]``, ``(white_to bme_from) / (white_from
      bme_to)``, and that table is also the test table.
    * ``kind="risk"`` -- recruitment stages: ``from`` is the number entering the stage
      (applied, shortlisted) and ``to`` the number passing it (``to <= from``). The ratio is a
      relative risk; the test table is ``[[white_to, white_from - white_to], [bme_to, bme_from
      - bme_to]]``.

    **Small counts.** A stage is *small* when any cell of its test table, or any expected
    count under independence (row total x column total / N), is below 5.

    **Interval** (``ci_method``; the method used is reported per stage in ``ci_method``):

    * ``"log"``: Woolf's log interval (odds) [1]_ or Katz's log interval (risk) [2]_.
    * ``"exact"``: the exact conditional (Cornfield) interval, as R's ``fisher.test`` (odds)
      [3]_, or Koopman's score interval (risk) [4]_. There is no exact conditional interval
      for a relative risk; Fagerland, Lydersen & Laake (2015) [5]_ recommend Koopman's score
      interval for small and moderate samples (coverage close to nominal where the Katz
      interval is undefined or erratic).
    * ``"auto"`` (default): exact where the stage is small, log otherwise.

    **Test.** Fisher's exact test (two-sided, R's rule) [3]_ where the stage is small and
    Pearson's chi-square test without continuity correction otherwise; with
    ``ci_method="exact"``, Fisher's test for every stage. ``test`` names the one used.

    **Zero cells.** The odds ratio is infinite when ``white_from x bme_to = 0 < white_to x
    bme_from``, 0 in the reverse case and NaN when both products are 0 (e.g. nobody at the
    upper level). The relative risk is 0 when ``white_to = 0``, infinite when ``bme_to = 0``
    and NaN when both are 0. ``zero_cell`` marks these tables (for risk: ``white_to = 0`` or
    ``bme_to = 0``; a zero among those *not* passing does not affect the ratio). Their interval
    is always the exact/score one, whatever ``ci_method`` says, because a log interval is
    undefined; a note says so.

    **Haldane correction** (``haldane=True``, opt-in): for tables with a zero cell only, the
    displayed ratio and a log interval are computed with 0.5 added to every cell of the test
    table (for risk: ``to + 0.5`` and ``from + 1``); such rows have ``corrected=True`` and a
    ``"..., +0.5 corrected"`` method label. The p-value is not corrected (Fisher's test needs
    no correction). This applies whatever ``ci_method`` is.

    **Invalid and empty stages.** Negative counts, or (risk) ``to > from``, give NaN
    everywhere with a note rather than an exception, so one bad row does not stop a national
    file. So does an empty group (odds: ``white_to + white_from = 0`` or the same for BME;
    risk: ``white_from = 0`` or ``bme_from = 0``).

    **Detectable ratio.** ``detectable_ratio`` is the smallest ratio above 1 that would reach
    significance with these numbers (about 50% power): ``exp(z SE0)`` with SE0 the standard
    error of the log ratio at parity given the stage's margins; see
    :func:`detectable_ratio`.

    Parameters
    ----------
    kind : {"odds", "risk"}
    white_to, white_from, bme_to, bme_from : array-like of int
        Counts, one element per stage (scalars count as one stage).
    ci_method : {"auto", "log", "exact"}
    level : float
        Confidence level of the intervals, strictly between 0 and 1; tests are two-sided.
    haldane : bool
        Show +0.5-corrected ratios and log intervals for zero-cell tables.

    Returns
    -------
    DisparityEstimates

    Raises
    ------
    ValueError
        Unknown ``kind`` or ``ci_method``, ``level`` outside (0, 1), count arrays of different
        lengths or counts that are not whole numbers.

    Examples
    --------
    epitools' ``riskratio.wald`` on Kahn et al. (Biostatistics For Dummies, 2nd edn, Listing
    13-1): 27 of 39 against 7 of 21 pass, risk ratio "2.076923 1.09512 3.938939", chi-square
    p "0.00744125":

    >>> est = disparity_statistics("risk", 27, 39, 7, 21, ci_method="log")
    >>> row = est.row(0)
    >>> round(row["ratio"], 6), round(row["ci_low"], 5), round(row["ci_high"], 6)
    (2.076923, 1.09512, 3.938939)
    >>> row["ci_method"], row["test"], round(row["p_value"], 8)
    ('log (Katz)', 'Pearson chi-square', 0.00744125)

    The tier identity: ratios of consecutive levels multiply (odds kind), e.g. White
    1000/400/100 and BME 500/100/10 in the lower/middle/upper tiers:

    >>> est = disparity_statistics("odds", [400, 100, 100], [1000, 400, 1000],
    ...                            [100, 10, 10], [500, 100, 500])
    >>> est.ratio.tolist()
    [2.0, 2.5, 5.0]

    References
    ----------
    .. [1] Woolf B. On estimating the relation between blood group and disease. Ann Hum Genet
       1955;19:251-253.
    .. [2] Katz D, Baptista J, Azen SP, Pike MC. Obtaining confidence intervals for the risk
       ratio in cohort studies. Biometrics 1978;34:469-474.
    .. [3] R Core Team. fisher.test, package stats (Cornfield's exact conditional interval;
       two-sided p-value summing tables with probability <= observed x (1 + 1e-7)).
    .. [4] Koopman PAR. Confidence intervals for the ratio of two binomial proportions.
       Biometrics 1984;40:513-517.
    .. [5] Fagerland MW, Lydersen S, Laake P. Recommended confidence intervals for two
       independent binomial proportions. Stat Methods Med Res 2015;24(2):224-254.
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be 'odds' or 'risk', not {kind!r}.")
    if ci_method not in CI_METHODS:
        raise ValueError(f"ci_method must be one of {CI_METHODS}, not {ci_method!r}.")
    level = check_level(level)
    if not isinstance(haldane, bool | np.bool_):
        raise ValueError(f"haldane must be True or False, not {haldane!r}.")
    names = ("white_to", "white_from", "bme_to", "bme_from")
    counts = as_count_arrays(names, (white_to, white_from, bme_to, bme_from))
    wt, wf, bt, bf = (np.asarray(v, dtype=float) for v in counts)
    size = len(wt)

    # --- which stages can be analysed ----------------------------------------------------
    negative = (wt < 0) | (wf < 0) | (bt < 0) | (bf < 0)
    if kind == "odds":
        white_empty, bme_empty = (wt + wf == 0), (bt + bf == 0)
        too_many = np.zeros(size, dtype=bool)
        # Test table = the ratio table.
        t11, t12, t21, t22 = wt, wf, bt, bf
        zero = (wt == 0) | (wf == 0) | (bt == 0) | (bf == 0)
    else:
        white_empty, bme_empty = (wf == 0), (bf == 0)
        too_many = (wt > wf) | (bt > bf)
        t11, t12, t21, t22 = wt, wf - wt, bt, bf - bt
        zero = (wt == 0) | (bt == 0)
    invalid = negative | too_many
    usable = ~(invalid | white_empty | bme_empty)
    zero &= usable

    # --- small-count rule ---------------------------------------------------------------
    total = t11 + t12 + t21 + t22
    with np.errstate(divide="ignore", invalid="ignore"):
        smallest_expected = (np.minimum(t11 + t12, t21 + t22)
                             * np.minimum(t11 + t21, t12 + t22) / total)
    smallest_cell = np.minimum(np.minimum(t11, t12), np.minimum(t21, t22))
    small = usable & ((smallest_cell < SMALL_COUNT) | (smallest_expected < SMALL_COUNT))

    # --- ratio ----------------------------------------------------------------------------
    numerator, denominator = wt * bf, wf * bt
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(denominator > 0, numerator / denominator,
                         np.where(numerator > 0, np.inf, np.nan))
    corrected = zero & haldane
    if corrected.any():
        ratio[corrected] = _corrected_ratio(kind, wt, wf, bt, bf)[corrected]
    ratio[~usable] = np.nan

    # --- interval -----------------------------------------------------------------------
    log_label, exact_label, corrected_label = METHOD_LABELS[kind]
    use_exact = usable & ~corrected & (zero | (ci_method == "exact")
                                       | ((ci_method == "auto") & small))
    use_log = usable & ~use_exact
    ci_low, ci_high = np.full(size, np.nan), np.full(size, np.nan)
    method = np.full(size, "", dtype=object)
    if use_log.any():
        low, high = _log_interval(kind, wt, wf, bt, bf, level, corrected)
        ci_low[use_log], ci_high[use_log] = low[use_log], high[use_log]
        method[use_log & ~corrected] = log_label
        method[corrected] = corrected_label
    if use_exact.any():
        rows = np.flatnonzero(use_exact)
        if kind == "odds":
            low, high = conditional_interval_of(Margins.of(wt[rows], wf[rows], bt[rows], bf[rows]),
                                                level)
        else:
            low, high = koopman_interval_of(wt[rows], wf[rows], bt[rows], bf[rows], level)
        ci_low[rows], ci_high[rows] = low, high
        method[rows] = exact_label

    # --- test ---------------------------------------------------------------------------
    use_fisher = usable & ((ci_method == "exact") | small)
    use_pearson = usable & ~use_fisher
    p_value = np.full(size, np.nan)
    test = np.full(size, "", dtype=object)
    if use_fisher.any():
        rows = np.flatnonzero(use_fisher)
        p_value[rows] = fisher_exact_p_of(Margins.of(t11[rows], t12[rows], t21[rows], t22[rows]))
        test[rows] = FISHER
    if use_pearson.any():
        rows = np.flatnonzero(use_pearson)
        p_value[rows] = pearson_chi_square_p_of(t11[rows], t12[rows], t21[rows], t22[rows])
        test[rows] = PEARSON

    detectable = detectable_ratio_of(kind, wt, wf, bt, bf, level)
    detectable[~usable] = np.nan

    note = _notes(kind, wt, wf, bt, bf, negative, too_many, white_empty, bme_empty, zero,
                  corrected, exact_label)
    return DisparityEstimates(
        kind=kind, level=level,
        white_to=counts[0], white_from=counts[1], bme_to=counts[2], bme_from=counts[3],
        ratio=ratio, ci_low=ci_low, ci_high=ci_high, ci_method=method,
        p_value=p_value, test=test, small_counts=small, zero_cell=zero, corrected=corrected,
        detectable_ratio=detectable, note=note,
    )


def _corrected_cells(kind, wt, wf, bt, bf):
    """Cells with 0.5 added to every cell of the test table, in ratio-table form."""
    if kind == "odds":
        return wt + 0.5, wf + 0.5, bt + 0.5, bf + 0.5
    # [[x1, n1 - x1], [x2, n2 - x2]] + 0.5 each: x + 0.5 passing out of n + 1 entering.
    return wt + 0.5, wf + 1.0, bt + 0.5, bf + 1.0


def _corrected_ratio(kind, wt, wf, bt, bf) -> np.ndarray:
    a, b, c, d = _corrected_cells(kind, wt, wf, bt, bf)
    with np.errstate(divide="ignore", invalid="ignore"):
        return (a * d) / (b * c)


def _log_interval(kind, wt, wf, bt, bf, level, corrected):
    """Woolf/Katz bounds, with the +0.5 cells where ``corrected``."""
    a, b, c, d = (np.where(corrected, corrected_value, value) for corrected_value, value in
                  zip(_corrected_cells(kind, wt, wf, bt, bf), (wt, wf, bt, bf), strict=True))
    if kind == "odds":
        return woolf_interval_of(a, b, c, d, level)
    return katz_interval_of(a, b, c, d, level)


# --- plain-English notes ------------------------------------------------------------------

_ODDS_ZERO_PHRASES = {
    "white_to": "no White staff at the upper level (white_to = 0)",
    "white_from": "no White staff at the lower level (white_from = 0)",
    "bme_to": "no BME staff at the upper level (bme_to = 0)",
    "bme_from": "no BME staff at the lower level (bme_from = 0)",
}
_RISK_ZERO_PHRASES = {
    "white_to": "no White staff passed this stage (white_to = 0)",
    "bme_to": "no BME staff passed this stage (bme_to = 0)",
}


def _zero_note(kind: str, zero_fields: tuple[str, ...], outcome: str, corrected: bool,
               exact_label: str) -> str:
    phrases = _ODDS_ZERO_PHRASES if kind == "odds" else _RISK_ZERO_PHRASES
    described = " and ".join(phrases[name] for name in zero_fields)
    sentence = described[0].upper() + described[1:]
    if corrected:
        return (f"{sentence}: the ratio and its log interval add 0.5 to every cell (Haldane "
                f"correction); the uncorrected ratio would be {outcome}.")
    interval = exact_label.split(" (")[0]  # "exact" or "score"
    return (f"{sentence}, so the ratio is {outcome}; the {interval} interval is used because a "
            f"log interval is undefined with a zero count.")


def _notes(kind, wt, wf, bt, bf, negative, too_many, white_empty, bme_empty, zero,
           corrected, exact_label) -> np.ndarray:
    """One note per stage: why it has no ratio, or what its zero count means ("" if none)."""
    note = np.full(len(wt), "", dtype=object)
    if kind == "odds":
        note[white_empty] = "No White staff at either level, so there is no ratio."
        note[bme_empty] = "No BME staff at either level, so there is no ratio."
        note[white_empty & bme_empty] = "No staff at either level, so there is no ratio."
    else:
        note[white_empty] = (
            "No White staff entered this stage (white_from = 0), so there is no ratio.")
        note[bme_empty] = (
            "No BME staff entered this stage (bme_from = 0), so there is no ratio.")
        note[white_empty & bme_empty] = "Nobody entered this stage, so there is no ratio."
        white_over, bme_over = wt > wf, bt > bf
        note[too_many & white_over] = (
            "More White staff passed this stage than entered it (white_to > white_from): the "
            "counts are inconsistent, so there is no ratio.")
        note[too_many & ~white_over & bme_over] = (
            "More BME staff passed this stage than entered it (bme_to > bme_from): the counts "
            "are inconsistent, so there is no ratio.")
    note[negative] = "A count is negative: the counts are invalid, so there is no ratio."

    if zero.any():
        if kind == "odds":
            names = ("white_to", "white_from", "bme_to", "bme_from")
            values = (wt, wf, bt, bf)
            numerator, denominator = wt * bf, wf * bt
        else:
            names, values = ("white_to", "bme_to"), (wt, bt)
            numerator, denominator = wt, bt  # group sizes are positive here
        # Encode which cells are zero and the uncorrected outcome, then one note per code.
        code = np.zeros(len(wt), dtype=np.int64)
        for bit, value in enumerate(values):
            code |= (value == 0).astype(np.int64) << bit
        outcome = np.where(denominator > 0, 0, np.where(numerator > 0, 1, 2))
        code = code * 3 + outcome
        code = code * 2 + corrected.astype(np.int64)
        for unique in np.unique(code[zero]):
            is_corrected = bool(unique % 2)
            outcome_index = (unique // 2) % 3
            mask_bits = unique // 6
            zero_fields = tuple(n for bit, n in enumerate(names) if mask_bits >> bit & 1)
            text = _zero_note(kind, zero_fields, ("0", "infinite", "undefined")[outcome_index],
                              is_corrected, exact_label)
            if outcome_index == 2 and not is_corrected:
                text = text.replace("so the ratio is undefined", "so no ratio can be computed")
            note[zero & (code == unique)] = text
    return note
