"""The analysis options a user can set, in one hashable object shared by app, CLI and tests."""

from __future__ import annotations

from dataclasses import dataclass, field

from wres_core.bands import DEFAULT_TIERS, TierDefinition

#: NHS England's non-adverse range (the "four-fifths rule"): ratios inside it are not flagged.
NON_ADVERSE_LOW = 0.80
NON_ADVERSE_HIGH = 1.25

CI_METHODS = ("auto", "log", "exact")
ADJUSTMENTS = ("holm", "bh", "none")
ADJUSTMENT_LABELS = {"holm": "Holm", "bh": "Benjamini-Hochberg", "none": "no adjustment"}


@dataclass(frozen=True)
class AnalysisOptions:
    """How stages are built and tested.

    groups: ``"bme"`` (all BME staff against White) or ``"detailed"`` (Mixed, Asian, Black and
    Other each against White). staff_group: ``None`` for all AfC staff, or ``"Clinical"`` /
    ``"Non-clinical"``. ci_method: ``"auto"``, ``"log"`` or ``"exact"`` (see
    :func:`wres_core.statistics.disparity_statistics`). level: confidence level of intervals;
    tests are two-sided at 1 - level. adjust: multiple-testing adjustment of p-values across one
    trust's stages. haldane: show a +0.5-corrected ratio for tables with a zero cell (flagged).
    """

    groups: str = "bme"
    staff_group: str | None = None
    ci_method: str = "auto"
    level: float = 0.95
    adjust: str = "holm"
    tiers: TierDefinition = field(default_factory=lambda: DEFAULT_TIERS)
    haldane: bool = False

    def __post_init__(self) -> None:
        if self.groups not in ("bme", "detailed"):
            raise ValueError(f"groups must be 'bme' or 'detailed', not {self.groups!r}.")
        if self.staff_group not in (None, "Clinical", "Non-clinical"):
            raise ValueError("staff_group must be None, 'Clinical' or 'Non-clinical', not "
                             f"{self.staff_group!r}.")
        if self.ci_method not in CI_METHODS:
            raise ValueError(f"ci_method must be one of {CI_METHODS}, not {self.ci_method!r}.")
        if not 0.5 <= self.level < 1:
            raise ValueError(f"level must be at least 0.5 and below 1 (e.g. 0.95), not "
                             f"{self.level!r}.")
        if self.adjust not in ADJUSTMENTS:
            raise ValueError(f"adjust must be one of {ADJUSTMENTS}, not {self.adjust!r}.")

    @property
    def alpha(self) -> float:
        return 1 - self.level

    @property
    def level_percent(self) -> str:
        return f"{self.level * 100:g}%"
