"""Funnel plots on the log-ratio scale, with overdispersion adjustment.

Every WRES ratio is White relative to BME, so above 1 is adverse to ethnic minority staff
(``docs/architecture.md``). This module compares one stage's ratio across organisations
(NHS trusts) with the peer target, as the NHS-R FunnelPlotR package does [6] for its "ratio of
counts" data type, following Spiegelhalter [1], [2], [3]. Pure numpy/scipy; no pandas.

Method
------
For organisation ``i`` the caller gives ``y_i = log(ratio_i)`` and its standard error ``s_i``
(Woolf/Katz [7]: ``sqrt(1/a + 1/b + 1/c + 1/d)`` for an odds ratio). An organisation with a
non-finite ``y_i`` or ``s_i``, or ``s_i <= 0`` (a zero cell), stays in every per-organisation
array but is flagged (``included == False``) and left out of every estimate.

Over the ``n`` included organisations:

1. Target (fixed-effect, inverse-variance weighted mean), weights ``w_i = 1 / s_i^2``::

       theta = sum(w_i * y_i) / sum(w_i)

2. Unadjusted z-scores ``z_i = (y_i - theta) / s_i``.
3. Winsorisation [1], [2]: ``z_i`` is clamped to ``[q_lo, q_hi]``, the ``winsor`` quantiles
   (default 10th and 90th percentiles) of the included ``z``. The quantile is **R's default,
   type 7** of Hyndman & Fan [5], which FunnelPlotR uses (``stats::quantile(Uzscore, trim_by)``
   in its ``winsorisation()``): for the sorted ``z_(1) <= ... <= z_(n)`` and probability ``p``,
   ``h = (n - 1) p + 1`` and ``Q(p) = z_(floor h) + (h - floor h) (z_(floor h + 1) - z_(floor h))``.
   This is ``numpy.quantile(z, p, method="linear")``.
4. Overdispersion ratio ``phi = sum(zw_i^2) / n`` over the winsorised ``zw_i`` [2], [6].
5. Between-organisation variance, the DerSimonian-Laird moment estimator [4] as used by
   Spiegelhalter [2], [3] (additive random effects)::

       tau2 = 0                                                     if phi <= 1
       tau2 = max(0, (n * phi - (n - 1)) / (sum(w) - sum(w^2) / sum(w)))   otherwise

   FunnelPlotR's ``tau_func`` sets ``tau2 = 0`` only when ``n * phi < n - 1``, so for
   ``(n - 1) / n <= phi <= 1`` it adds a small ``tau2`` (at most ``1 / (sum w - sum w^2/sum w)``)
   that this module does not: no overdispersion, no adjustment.
6. Limits at standard error ``s`` (precision ``1 / s``), returned on the ratio scale::

       exp(theta +/- z_alpha * sqrt(s^2 + tau2))

   with ``z = 1.959964`` (95 %) and ``z = 3.090232`` (99.8 %), the constants FunnelPlotR uses.
   The unadjusted limits use ``tau2 = 0``. As ``s -> 0`` the adjusted limits tend to
   ``exp(theta +/- z * tau)``, the unadjusted ones to ``exp(theta)``.

Verdicts compare ``y_i`` with the limits at its own ``s_i``; a point exactly on a limit counts
as inside (as FunnelPlotR's ``outliers_func``, which tests ``<=`` and ``>=``).

Differences from FunnelPlotR (all deliberate): its ``"RC"`` target is
``log(sum numerator / sum denominator)`` and its curve standard error ``1 / (2 sqrt(x))``;
here the target is the inverse-variance mean of the caller's log ratios and the caller's
Woolf standard errors are used throughout. The ``tau2`` cut-off is described in step 5.

References
----------
[1] Spiegelhalter DJ. Funnel plots for comparing institutional performance. Stat Med
    2005;24:1185-1202. doi:10.1002/sim.1970
[2] Spiegelhalter DJ. Handling over-dispersion of performance indicators. Qual Saf Health Care
    2005;14:347-351. doi:10.1136/qshc.2005.013755
[3] Spiegelhalter DJ, Sherlaw-Johnson C, Bardsley M, Blunt I, Wood C, Grigg O. Statistical
    methods for healthcare regulation: rating, screening and surveillance. J R Stat Soc A
    2012;175:1-47. doi:10.1111/j.1467-985X.2011.01010.x
[4] DerSimonian R, Laird N. Meta-analysis in clinical trials. Control Clin Trials
    1986;7:177-188.
[5] Hyndman RJ, Fan Y. Sample quantiles in statistical packages. Am Stat 1996;50:361-365.
[6] Mainey C et al. FunnelPlotR: Funnel Plots for Comparing Institutional Performance (NHS-R
    community), R/od_adjustment.R (``winsorisation``, ``phi_func``, ``tau_func``),
    R/calculate_limits.R, R/outliers_func.R.
[7] Woolf B. On estimating the relation between blood group and disease. Ann Hum Genet
    1955;19:251-253.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.special import ndtri

__all__ = [
    "NOT_ASSESSED_TOO_FEW",
    "NOT_ASSESSED_ZERO_CELL",
    "SIGNIFICANTLY_HIGHER",
    "SIGNIFICANTLY_LOWER",
    "SIMILAR",
    "STRONGLY_HIGHER",
    "STRONGLY_LOWER",
    "Z_95",
    "Z_998",
    "FunnelResult",
    "HeadcountPrecision",
    "fit_headcount_precision",
    "funnel_curve",
    "funnel_curve_by_headcount",
    "funnel_limits",
    "z_for_level",
]

#: Two-sided 95 % normal quantile, as FunnelPlotR writes it (norm.ppf(0.975) = 1.95996398...).
Z_95 = 1.959964
#: Two-sided 99.8 % normal quantile, as FunnelPlotR writes it (norm.ppf(0.999) = 3.09023230...).
Z_998 = 3.090232

SIGNIFICANTLY_HIGHER = "significantly higher"
SIMILAR = "similar"
SIGNIFICANTLY_LOWER = "significantly lower"
STRONGLY_HIGHER = "strongly higher"
STRONGLY_LOWER = "strongly lower"
NOT_ASSESSED_ZERO_CELL = "not assessed (zero cell)"
NOT_ASSESSED_TOO_FEW = "not assessed (fewer than 2 organisations)"

_LEVEL_Z = {0.95: Z_95, 0.998: Z_998}


def z_for_level(level: float) -> float:
    """Two-sided normal quantile for a coverage ``level`` in (0, 1).

    0.95 and 0.998 give FunnelPlotR's constants :data:`Z_95` and :data:`Z_998` exactly; any
    other level gives the normal quantile ``ndtri((1 + level) / 2)`` (``scipy.special``).
    """
    level = float(level)
    if not 0.0 < level < 1.0:
        raise ValueError(f"level must be strictly between 0 and 1, got {level!r}")
    for known, z in _LEVEL_Z.items():
        if abs(level - known) < 1e-12:
            return z
    return float(ndtri((1.0 + level) / 2.0))


def _readonly(a: np.ndarray) -> np.ndarray:
    a = np.array(a, copy=True)
    a.setflags(write=False)
    return a


@dataclass(frozen=True, eq=False)
class FunnelResult:
    """Funnel-plot estimates for one stage across organisations (see the module docstring).

    ``theta``, ``tau2`` and ``phi`` are on the log-ratio scale; ``n`` is the number of
    organisations used in the estimates (``included.sum()``). The arrays have one entry per
    organisation in the caller's order: ``y`` (log ratio), ``s`` (standard error), ``z``
    (unadjusted z-score, nan when excluded), ``z_winsorised`` (nan when excluded) and
    ``included``. ``overdispersion_adjusted`` is the default for :meth:`limits` and
    :meth:`verdicts` when ``adjusted`` is None; ``tau2`` and ``phi`` are estimated either way.

    With fewer than 2 usable organisations nothing can be compared: ``n == 1`` gives
    ``theta = y`` of that organisation, ``phi = 0`` and ``tau2 = 0``; ``n == 0`` gives
    ``theta = phi = nan`` and ``tau2 = 0``. Verdicts are then "not assessed" and ``note``
    says why. ``note`` is empty otherwise.
    """

    theta: float
    tau2: float
    phi: float
    n: int
    overdispersion_adjusted: bool
    y: np.ndarray
    s: np.ndarray
    z: np.ndarray
    z_winsorised: np.ndarray
    included: np.ndarray
    winsor_bounds: tuple[float, float] = (float("nan"), float("nan"))
    note: str = field(default="")

    # --- derived values -------------------------------------------------------------------

    @property
    def target_ratio(self) -> float:
        """The target on the ratio scale, ``exp(theta)``."""
        return float(np.exp(self.theta))

    @property
    def tau(self) -> float:
        """Between-organisation standard deviation on the log scale, ``sqrt(tau2)``."""
        return float(np.sqrt(self.tau2))

    @property
    def ratio(self) -> np.ndarray:
        """Each organisation's ratio, ``exp(y)`` (0 or inf for zero cells, nan if unknown)."""
        with np.errstate(over="ignore", invalid="ignore"):
            return np.exp(self.y)

    @property
    def precision(self) -> np.ndarray:
        """Each organisation's precision ``1 / s`` (the funnel's x axis); nan when excluded."""
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(self.included, 1.0 / self.s, np.nan)

    @property
    def assessable(self) -> bool:
        """True when at least 2 organisations were usable, so verdicts mean something."""
        return self.n >= 2

    def _tau2_for(self, adjusted: bool | None) -> float:
        use = self.overdispersion_adjusted if adjusted is None else bool(adjusted)
        return self.tau2 if use else 0.0

    def z_adjusted(self, adjusted: bool | None = None) -> np.ndarray:
        """``(y - theta) / sqrt(s^2 + tau2)`` per organisation (nan when excluded).

        With ``adjusted=False`` (or an unadjusted result) this is the unadjusted ``z``.
        """
        tau2 = self._tau2_for(adjusted)
        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            out = (self.y - self.theta) / np.sqrt(self.s**2 + tau2)
        return np.where(self.included, out, np.nan)

    # --- limits and verdicts --------------------------------------------------------------

    def limits(
        self, s, level: float = 0.95, adjusted: bool | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Lower and upper funnel limits at standard error(s) ``s``, on the ratio scale.

        ``exp(theta -/+ z_level * sqrt(s^2 + tau2))`` with ``tau2`` as estimated when
        ``adjusted`` (default: ``overdispersion_adjusted``) and ``0`` otherwise. ``s`` may be a
        scalar or an array; ``s = 0`` gives the limits at infinite precision.
        """
        z = z_for_level(level)
        s = np.asarray(s, dtype=float)
        with np.errstate(invalid="ignore", over="ignore"):
            half = z * np.sqrt(s**2 + self._tau2_for(adjusted))
            return np.exp(self.theta - half), np.exp(self.theta + half)

    def _outside(self, level: float, adjusted: bool | None) -> tuple[np.ndarray, np.ndarray]:
        """Boolean (above, below) the limits at each organisation's own ``s``."""
        za = self.z_adjusted(adjusted)
        zc = z_for_level(level)
        ok = self.included & self.assessable
        with np.errstate(invalid="ignore"):
            return ok & (za > zc), ok & (za < -zc)

    def strongly_outside(self, adjusted: bool | None = None) -> np.ndarray:
        """The strength flag: True where an organisation lies outside the 99.8 % limits."""
        above, below = self._outside(0.998, adjusted)
        return above | below

    def verdicts(self, adjusted: bool | None = None) -> np.ndarray:
        """Per organisation: "significantly higher" / "similar" / "significantly lower".

        Judged against the 95 % limits at the organisation's own ``s`` (higher = more adverse
        to ethnic minority staff). Excluded organisations get "not assessed (zero cell)";
        with fewer than 2 usable organisations all included ones get
        "not assessed (fewer than 2 organisations)". See :meth:`strongly_outside` and
        :meth:`verdict_labels` for the 99.8 % strength flag.
        """
        above, below = self._outside(0.95, adjusted)
        out = np.full(self.y.shape, SIMILAR, dtype=object)
        out[above] = SIGNIFICANTLY_HIGHER
        out[below] = SIGNIFICANTLY_LOWER
        if not self.assessable:
            out[self.included] = NOT_ASSESSED_TOO_FEW
        out[~self.included] = NOT_ASSESSED_ZERO_CELL
        return out

    def verdict_labels(self, adjusted: bool | None = None) -> np.ndarray:
        """:meth:`verdicts` with "strongly higher"/"strongly lower" beyond the 99.8 % limits."""
        out = self.verdicts(adjusted)
        above, below = self._outside(0.998, adjusted)
        out[above] = STRONGLY_HIGHER
        out[below] = STRONGLY_LOWER
        return out


def _as_1d(name: str, values) -> np.ndarray:
    a = np.asarray(values, dtype=float)
    if a.ndim == 0:
        a = a.reshape(1)
    if a.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {a.shape}")
    return a


def funnel_limits(
    log_ratio,
    standard_error,
    *,
    adjust_overdispersion: bool = True,
    winsor: tuple[float, float] | None = (0.10, 0.90),
) -> FunnelResult:
    """Estimate the funnel target, overdispersion and limits for one stage.

    ``log_ratio`` (``y_i = log ratio_i``) and ``standard_error`` (``s_i``, Woolf/Katz) are
    per organisation and must have the same length. The formulas are in the module docstring:
    ``theta = sum(w y) / sum(w)`` with ``w = 1/s^2``; ``z = (y - theta)/s`` winsorised to the
    ``winsor`` quantiles (R type 7 = numpy "linear"; ``None`` for no winsorisation);
    ``phi = sum(zw^2)/n``; ``tau2 = 0`` if ``phi <= 1`` else
    ``max(0, (n phi - (n - 1)) / (sum w - sum w^2 / sum w))`` [1]-[4], [6].

    ``adjust_overdispersion`` only sets the default of :meth:`FunnelResult.limits` and
    :meth:`FunnelResult.verdicts`; ``phi`` and ``tau2`` are always estimated.

    Raises ValueError for arrays of different lengths or an invalid ``winsor``.
    """
    y = _as_1d("log_ratio", log_ratio)
    s = _as_1d("standard_error", standard_error)
    if y.shape != s.shape:
        raise ValueError(
            "log_ratio and standard_error must have the same length "
            f"(got {y.shape[0]} and {s.shape[0]})"
        )
    if winsor is not None:
        lo_p, hi_p = (float(p) for p in winsor)
        if not (0.0 <= lo_p <= hi_p <= 1.0):
            raise ValueError(f"winsor must be (low, high) with 0 <= low <= high <= 1, got {winsor}")

    with np.errstate(invalid="ignore"):
        included = np.isfinite(y) & np.isfinite(s) & (s > 0)
    n = int(included.sum())
    z = np.full(y.shape, np.nan)
    zw = np.full(y.shape, np.nan)
    bounds = (float("nan"), float("nan"))
    note = ""

    if n == 0:
        theta, phi, tau2 = float("nan"), float("nan"), 0.0
        note = "no organisation has a usable ratio (all zero cells): nothing estimated"
    else:
        yi, si = y[included], s[included]
        w = 1.0 / si**2
        sum_w = float(w.sum())
        # With one organisation the weighted mean is its own y; take it exactly.
        theta = float(yi[0]) if n == 1 else float(np.dot(w, yi) / sum_w)
        zi = (yi - theta) / si
        if winsor is None:
            zwi = zi
        else:
            lo, hi = np.quantile(zi, [lo_p, hi_p], method="linear")
            bounds = (float(lo), float(hi))
            zwi = np.clip(zi, lo, hi)
        z[included] = zi
        zw[included] = zwi
        phi = float(np.dot(zwi, zwi) / n)
        if n < 2:
            tau2 = 0.0
            note = "only 1 organisation has a usable ratio: theta is its log ratio, tau2 = 0"
        elif phi <= 1.0:
            tau2 = 0.0
        else:
            denom = sum_w - float(np.dot(w, w)) / sum_w
            tau2 = max(0.0, (n * phi - (n - 1)) / denom) if denom > 0 else 0.0

    return FunnelResult(
        theta=theta,
        tau2=float(tau2),
        phi=phi,
        n=n,
        overdispersion_adjusted=bool(adjust_overdispersion),
        y=_readonly(y),
        s=_readonly(s),
        z=_readonly(z),
        z_winsorised=_readonly(zw),
        included=_readonly(included),
        winsor_bounds=bounds,
        note=note,
    )


# --- curves for drawing -------------------------------------------------------------------


def _curve_arrays(result: FunnelResult, precision: np.ndarray) -> dict[str, np.ndarray]:
    with np.errstate(divide="ignore"):
        se = np.where(precision > 0, 1.0 / precision, np.inf)
    out: dict[str, np.ndarray] = {"precision": precision, "standard_error": se}
    for suffix, adjusted in (("", None), ("_unadjusted", False)):
        for tag, level in (("95", 0.95), ("998", 0.998)):
            low, high = result.limits(se, level=level, adjusted=adjusted)
            out[f"low{tag}{suffix}"] = low
            out[f"high{tag}{suffix}"] = high
    out["target"] = np.full(precision.shape, result.target_ratio)
    return out


def funnel_curve(
    result: FunnelResult, precision_grid=None, n_points: int = 200
) -> dict[str, np.ndarray]:
    """Funnel limit curves for drawing, over a grid of precision ``1 / s``.

    Without ``precision_grid`` the grid is ``n_points`` log-spaced values from half the
    smallest to the largest precision of the included organisations (denser where the curve
    bends); empty arrays when no organisation is included. Keys: ``precision``,
    ``standard_error``, ``low95``, ``high95``, ``low998``, ``high998`` (limits as the result's
    default, i.e. overdispersion-adjusted when ``result.overdispersion_adjusted``),
    ``low95_unadjusted``, ``high95_unadjusted``, ``low998_unadjusted``, ``high998_unadjusted``
    (``tau2 = 0``) and ``target`` (``exp(theta)`` repeated). All limits on the ratio scale.
    """
    if precision_grid is not None:
        precision = _as_1d("precision_grid", precision_grid)
        if np.any(~np.isfinite(precision)) or np.any(precision < 0):
            raise ValueError("precision_grid must be finite and non-negative")
    else:
        if int(n_points) < 2:
            raise ValueError(f"n_points must be at least 2, got {n_points}")
        p = result.precision[result.included]
        if p.size == 0:
            precision = np.empty(0)
        else:
            hi = float(p.max())
            lo = 0.5 * float(p.min())
            precision = np.geomspace(lo, hi, int(n_points))
    return _curve_arrays(result, precision)


@dataclass(frozen=True)
class HeadcountPrecision:
    """Approximate map from BME headcount ``x`` to the standard error of a log ratio.

    A Woolf variance is a sum of reciprocal cell counts. The two BME cells scale with the BME
    headcount ``x`` (for a fixed progression rate), so contribute ``beta / x``; the White cells
    contribute a part that does not depend on ``x``, taken as a constant ``alpha``. Hence::

        s(x)^2 ~= alpha + beta / x        (alpha, beta >= 0)

    fitted by non-negative least squares on the relative error
    ``(s_i^2 - alpha - beta / x_i) / s_i^2`` over the organisations. It is for drawing the
    funnel against headcount only: verdicts always use each organisation's own ``s_i``, so a
    point may sit slightly inside the drawn curve yet be flagged, or the reverse.
    """

    alpha: float
    beta: float

    def standard_error(self, headcount) -> np.ndarray:
        x = np.asarray(headcount, dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.sqrt(self.alpha + self.beta / x)

    def precision(self, headcount) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore"):
            return 1.0 / self.standard_error(headcount)


def fit_headcount_precision(headcount, standard_error) -> HeadcountPrecision:
    """Fit :class:`HeadcountPrecision` to organisations' BME headcounts and standard errors.

    Organisations with a non-positive or non-finite headcount or standard error are ignored;
    at least one usable organisation is needed (ValueError otherwise).
    """
    x = _as_1d("headcount", headcount)
    s = _as_1d("standard_error", standard_error)
    if x.shape != s.shape:
        raise ValueError(
            "headcount and standard_error must have the same length "
            f"(got {x.shape[0]} and {s.shape[0]})"
        )
    with np.errstate(invalid="ignore"):
        ok = np.isfinite(x) & np.isfinite(s) & (x > 0) & (s > 0)
    if not ok.any():
        raise ValueError("no organisation has a positive, finite headcount and standard error")
    v = s[ok] ** 2
    design = np.column_stack([np.ones(v.size), 1.0 / x[ok]]) / v[:, None]
    # Imported here: scipy.optimize costs most of a second, and only this fit needs it.
    from scipy.optimize import nnls

    (alpha, beta), _ = nnls(design, np.ones(v.size))
    return HeadcountPrecision(alpha=float(alpha), beta=float(beta))


def funnel_curve_by_headcount(
    result: FunnelResult, headcount, headcount_grid=None, n_points: int = 200
) -> dict[str, np.ndarray]:
    """Funnel limit curves against BME headcount instead of precision.

    ``headcount`` is each organisation's BME headcount, aligned with ``result.s``; the map
    from headcount to standard error is fitted by :func:`fit_headcount_precision` over the
    included organisations (see :class:`HeadcountPrecision` for the approximation). Without
    ``headcount_grid`` the grid runs over ``n_points`` log-spaced values from the smallest to
    the largest included headcount. Returns the keys of :func:`funnel_curve` plus
    ``headcount``.
    """
    x = _as_1d("headcount", headcount)
    if x.shape != result.s.shape:
        raise ValueError(
            "headcount must have one value per organisation in the result "
            f"(got {x.shape[0]} and {result.s.shape[0]})"
        )
    model = fit_headcount_precision(x[result.included], result.s[result.included])
    if headcount_grid is not None:
        grid = _as_1d("headcount_grid", headcount_grid)
    else:
        if int(n_points) < 2:
            raise ValueError(f"n_points must be at least 2, got {n_points}")
        xi = x[result.included]
        xi = xi[np.isfinite(xi) & (xi > 0)]
        grid = np.geomspace(float(xi.min()), float(xi.max()), int(n_points))
    precision = model.precision(grid)
    precision = np.where(np.isfinite(precision), precision, 0.0)
    out = _curve_arrays(result, precision)
    out["headcount"] = grid
    return out
