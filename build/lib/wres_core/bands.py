"""Agenda for Change bands, medical grades, and the tiers of the career ladder.

Files write bands in many ways (``Band 5``, ``5``, ``AfC Band 8A``, ``Band 8 - Range A``,
``Very Senior Manager``). :func:`normalise_band` turns one label into its canonical form, or
``None`` when it does not recognise it; unrecognised labels are reported by the ingest step,
never guessed.

Medical and dental staff are not on the AfC ladder: their grades map to a separate set of
canonical medical grades and are analysed apart from the ladder.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

#: The AfC ladder, bottom to top.
AFC_BANDS = ("1", "2", "3", "4", "5", "6", "7", "8a", "8b", "8c", "8d", "9", "VSM")

#: Canonical medical grades (not on the AfC ladder).
MEDICAL_GRADES = ("Consultant", "Specialty doctor", "Trainee doctor", "Other medical")

#: Every canonical band value, in ladder order; "All" is for recruitment counts with no band.
BAND_ORDER = AFC_BANDS + MEDICAL_GRADES + ("All",)

BAND_DTYPE = pd.CategoricalDtype(list(BAND_ORDER), ordered=True)


def band_label(band: str) -> str:
    """Display label: ``"5"`` -> ``"Band 5"``, ``"VSM"`` -> ``"VSM"``, grades unchanged."""
    if band in AFC_BANDS and band != "VSM":
        return f"Band {band}"
    return band


def band_range_label(bands: tuple[str, ...] | list[str]) -> str:
    """``("1", ..., "5")`` -> ``"bands 1-5"``; ``("8a", ..., "VSM")`` -> ``"bands 8a-VSM"``."""
    if not bands:
        return "no bands"
    if len(bands) == 1:
        return band_label(bands[0]).replace("Band", "band")
    return f"bands {bands[0]}-{bands[-1]}"


# --- normalising labels -------------------------------------------------------------------

_MEDICAL_PATTERNS = (
    # Order matters: "associate specialist" before the generic "specialist" rule.
    (r"\bconsultants?\b", "Consultant"),
    # A specialty registrar or trainee is a doctor in training, not a specialty doctor.
    (r"\b(specialty|speciality) (registrars?|trainees?|training)\b", "Trainee doctor"),
    (r"\b(specialty|speciality|associate specialist|staff grade|sas|specialist grade"
     r"|specialty and associate specialist)\b", "Specialty doctor"),
    (r"\b(trainee|training|junior|registrar|foundation|fy ?[12]|f[12]|st ?[1-8]|ct ?[1-3]"
     r"|specialty registrar|core (medical )?trainee|house officer|sho|gp trainee)\b",
     "Trainee doctor"),
    (r"\b(other medical|medical other|other doctors?|clinical fellow|hospital practitioner"
     r"|clinical assistant|medical and dental other|other medical and dental)\b",
     "Other medical"),
)

# "Nurse consultant", "Consultant therapist": AfC posts, not the medical consultant grade.
_NON_MEDICAL_CONSULTANT = re.compile(
    r"(?=.*\bconsultants?\b).*\b(nurse|nursing|midwife|midwifery|therapist|therapy"
    r"|pharmacist|pharmacy|scientist|psychologist|paramedic|ahp|allied health)\b")

_VSM_WORDS = {"vsm", "very senior manager", "very senior managers", "very senior management",
              "executive senior manager", "senior manager vsm"}

# Words that decorate a band label without changing it.
_DECORATION = re.compile(
    r"\b(agenda for change|afc|a f c|nhs|pay|band|bands|grade|payband|pay band|level)\b"
)


def _clean(label: str) -> str:
    text = str(label).strip().lower()
    # Spreadsheets turn band 5 into 5.0.
    text = re.sub(r"\b(\d+)\.0+\b", r"\1", text)
    text = text.replace("_", " ")
    text = re.sub(r"[()\[\]:,.;]", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def normalise_band(label: object) -> str | None:
    """Canonical band for one label, or ``None`` if the label is not recognised.

    >>> [normalise_band(x) for x in ["Band 5", "5", "AfC Band 8A", "Band 8 - Range A", "VSM"]]
    ['5', '5', '8a', '8a', 'VSM']
    >>> normalise_band("Consultant"), normalise_band("Band 10")
    ('Consultant', None)
    """
    if label is None or (isinstance(label, float) and label != label):
        return None
    text = _clean(label)
    if not text:
        return None
    if text in _VSM_WORDS or re.fullmatch(r"(band )?vsm", text):
        return "VSM"
    if text in {"all", "all bands", "total", "all staff"}:
        return "All"
    if _NON_MEDICAL_CONSULTANT.search(text):
        return None  # a nurse or AHP consultant is on an AfC band we cannot see: report it
    for pattern, grade in _MEDICAL_PATTERNS:
        if re.search(pattern, text):
            return grade
    if re.fullmatch(r"(medical|medical and dental|doctors?|medical staff)", text):
        return "Other medical"
    stripped = _DECORATION.sub(" ", text)
    stripped = re.sub(r"\s+", " ", stripped).strip()
    if re.fullmatch(r"[1-7]|9", stripped):
        return stripped
    if stripped in {"very senior manager", "very senior managers"}:
        return "VSM"
    # Band 8 with a range: "8a", "8 a", "8-a", "8 - range a", "8 range a", "8(a)".
    match = re.fullmatch(r"8\s*-?\s*(range\s*)?([a-d])", stripped)
    if match:
        return "8" + match.group(2)
    return None


def normalise_bands(values: pd.Series) -> tuple[pd.Series, list[str]]:
    """Normalise a column of band labels.

    Returns the canonical bands as a :data:`BAND_DTYPE` categorical (missing where not
    recognised) and the distinct unrecognised labels. Each distinct label is parsed once, so
    this is fast on a million-row staff extract.
    """
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    mapped = [normalise_band(u) for u in uniques]
    unrecognised = sorted({str(u) for u, m in zip(uniques, mapped) if m is None})
    lookup = pd.Categorical(mapped, dtype=BAND_DTYPE)
    result = lookup.take(codes, allow_fill=True) if len(uniques) else pd.Categorical(
        [None] * len(codes), dtype=BAND_DTYPE)
    return pd.Series(result, index=values.index, name="band"), unrecognised


# --- tiers --------------------------------------------------------------------------------


@dataclass(frozen=True)
class TierDefinition:
    """Which AfC bands form the lower, middle and upper tiers of the ladder.

    The default (lower = 1-5, middle = 6-7, upper = 8a-VSM) follows the description of the
    WRES racial disparity ratios available to us; it is not confirmed by an official text, so
    it is configurable. Tiers must be non-empty, use AfC bands only, not overlap, and run up
    the ladder in order (every lower band below every middle band, and so on).
    """

    lower: tuple[str, ...] = ("1", "2", "3", "4", "5")
    middle: tuple[str, ...] = ("6", "7")
    upper: tuple[str, ...] = ("8a", "8b", "8c", "8d", "9", "VSM")

    def __post_init__(self) -> None:
        for name in ("lower", "middle", "upper"):
            bands = tuple(getattr(self, name))
            object.__setattr__(self, name, bands)
            if not bands:
                raise ValueError(f"The {name} tier has no bands; give it at least one.")
            unknown = [b for b in bands if b not in AFC_BANDS]
            if unknown:
                raise ValueError(
                    f"The {name} tier lists {unknown}, which are not AfC bands "
                    f"(expected some of {', '.join(AFC_BANDS)}).")
        order = {b: i for i, b in enumerate(AFC_BANDS)}
        if max(order[b] for b in self.lower) >= min(order[b] for b in self.middle) or max(
                order[b] for b in self.middle) >= min(order[b] for b in self.upper):
            raise ValueError("Tiers must not overlap and must run up the ladder: every lower "
                             "band below every middle band, every middle band below every "
                             "upper band.")

    @classmethod
    def from_cut_points(cls, middle_starts: str, upper_starts: str) -> TierDefinition:
        """Tiers from the first band of the middle and upper tiers, e.g. ``("6", "8a")``."""
        i, j = AFC_BANDS.index(middle_starts), AFC_BANDS.index(upper_starts)
        if not 0 < i < j:
            raise ValueError(
                f"The middle tier must start above band 1 and below the upper tier; got "
                f"middle from {middle_starts}, upper from {upper_starts}.")
        return cls(AFC_BANDS[:i], AFC_BANDS[i:j], AFC_BANDS[j:])

    def describe(self) -> str:
        return (f"lower = {band_range_label(self.lower)}, middle = "
                f"{band_range_label(self.middle)}, upper = {band_range_label(self.upper)}")


DEFAULT_TIERS = TierDefinition()
