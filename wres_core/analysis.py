"""Everything about one trust and year, and the same for every trust at once.

:func:`analyse_dataset` runs the whole pipeline (stages, statistics, bottlenecks,
representation) for every organisation and year of a dataset in one vectorised pass; the app
caches its result and :meth:`AllResults.trust` slices one trust out of it in milliseconds.
:func:`analyse_trust` is the one-call version for scripts.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from wres_core.bottleneck import BOTTLENECK_COLUMNS, find_bottlenecks, step_contributions
from wres_core.options import AnalysisOptions
from wres_core.ratios import stage_ratios
from wres_core.records import frame_records
from wres_core.representation import band_representation, overall_representation
from wres_core.schema import ORG_COLUMNS
from wres_core.stage_result import StageResult
from wres_core.stages import stage_counts


@dataclass(frozen=True)
class OrgInfo:
    code: str
    name: str
    region: str
    type: str


@dataclass(frozen=True)
class Bottleneck:
    """The bottleneck of one trust, year and comparison group (``stage_id`` None if none)."""

    comparison: str
    stage_id: str | None
    label: str | None
    ratio: float
    ci_low: float
    ci_high: float
    p_adjusted: float
    contribution: float
    adverse_share: float
    ladder_ratio: float
    recruitment_stage_id: str | None
    flagged_stage_ids: tuple[str, ...]   # adverse, significant steps with a zero count
    headline: str                        # one sentence, at most about 30 words
    detail: str                          # the statistics behind it, the tiers, recruitment
    sentence: str                        # headline and detail together

    @classmethod
    def from_row(cls, row: dict) -> Bottleneck:
        def text(value: object) -> str | None:
            return value if isinstance(value, str) else None

        def number(value: object) -> float:
            return float(value) if value is not None and not pd.isna(value) else math.nan

        return cls(comparison=row["comparison"], stage_id=text(row["stage_id"]),
                   label=text(row["label"]), ratio=number(row["ratio"]),
                   ci_low=number(row["ci_low"]), ci_high=number(row["ci_high"]),
                   p_adjusted=number(row["p_adjusted"]),
                   contribution=number(row["contribution"]),
                   adverse_share=number(row["adverse_share"]),
                   ladder_ratio=number(row["ladder_ratio"]),
                   recruitment_stage_id=text(row["recruitment_stage_id"]),
                   flagged_stage_ids=tuple(filter(None, str(row["flagged_stage_ids"] or "")
                                                  .split(", "))),
                   headline=row["headline"], detail=row["detail"], sentence=row["sentence"])


@dataclass(frozen=True, eq=False)
class TrustAnalysis:
    """The analysis of one trust and year."""

    org: OrgInfo
    year: int
    options: AnalysisOptions
    stage_table: pd.DataFrame          # one row per stage (see stage_result.StageResult)
    contributions: pd.DataFrame        # band steps with their share of the ladder's disparity
    bottlenecks: tuple[Bottleneck, ...]
    representation: pd.DataFrame       # one row per band
    overall: pd.DataFrame              # one row: the whole AfC workforce
    has_recruitment: bool

    @property
    def stages(self) -> tuple[StageResult, ...]:
        return tuple(StageResult.from_row(r) for r in frame_records(self.stage_table))

    @property
    def bottleneck(self) -> Bottleneck | None:
        """The bottleneck for all BME staff (or the first comparison group)."""
        return self.bottlenecks[0] if self.bottlenecks else None

    def stage(self, stage_id: str, comparison: str | None = None) -> StageResult:
        """The first stage ``stage_id`` (of group ``comparison``, when given)."""
        table = self.stage_table
        found = table["stage_id"].to_numpy() == stage_id
        if comparison is not None:
            found &= table["comparison"].to_numpy() == comparison
        rows = np.flatnonzero(found)
        if not len(rows):
            raise KeyError(f"No stage {stage_id!r} for {self.org.code} in {self.year}.")
        return StageResult.from_row(table.iloc[int(rows[0])].to_dict())


def organisations(*tables: pd.DataFrame) -> pd.DataFrame:
    """One row per organisation code with its name, region and type (first seen)."""
    frames = [t[list(ORG_COLUMNS)] for t in tables if t is not None and len(t)]
    if not frames:
        return pd.DataFrame(columns=list(ORG_COLUMNS))
    orgs = pd.concat(frames, ignore_index=True).drop_duplicates("org_code")
    return orgs.sort_values("org_code").reset_index(drop=True).astype("string")


def largest_org(workforce: pd.DataFrame) -> str:
    """The organisation code with the most staff in its latest year; ties go to the code seen
    first (files are stacked in upload order)."""
    table = workforce.loc[:, ["org_code", "year", "headcount"]].astype({"org_code": object})
    latest = table.groupby("org_code", sort=False)["year"].transform("max")
    in_latest = table[table["year"] == latest]
    staff = in_latest.groupby("org_code", sort=False)["headcount"].sum()
    return str(staff.idxmax())


@dataclass(frozen=True, eq=False)
class AllResults:
    """Every stage, bottleneck and band of every organisation and year of a dataset."""

    options: AnalysisOptions
    stages: pd.DataFrame
    bottlenecks: pd.DataFrame
    contributions: pd.DataFrame
    representation: pd.DataFrame
    overall: pd.DataFrame
    organisations: pd.DataFrame
    recruitment_orgs: frozenset[tuple[str, int]]

    @cached_property
    def _row_index(self) -> dict[str, dict[tuple[str, int], slice | np.ndarray]]:
        """Rows of each (organisation, year) in every per-trust frame, built once, so that
        slicing one trust out of a national result is a lookup, not a scan. A trust's rows
        are usually consecutive: then they are a slice (a view, no copy of the columns)."""
        index = {}
        for name in ("stages", "bottlenecks", "contributions", "representation", "overall"):
            frame = getattr(self, name)
            if frame.empty:
                index[name] = {}
                continue
            groups = frame.groupby([frame["org_code"].astype(str),
                                    frame["year"].astype(int)], sort=False).indices
            index[name] = {key: _as_slice(rows) for key, rows in groups.items()}
        return index

    @cached_property
    def _years_of(self) -> dict[str, tuple[int, ...]]:
        """Each organisation's years with AfC or recruitment data."""
        years: dict[str, set[int]] = {}
        for name in ("representation", "stages"):
            for code, year in self._row_index[name]:
                years.setdefault(code, set()).add(year)
        return {code: tuple(sorted(found)) for code, found in years.items()}

    @cached_property
    def _org_infos(self) -> dict[str, OrgInfo]:
        orgs = self.organisations
        infos: dict[str, OrgInfo] = {}
        for code, name, region, kind in zip(*(orgs[c].tolist() for c in (
                "org_code", "org_name", "region", "org_type")), strict=True):
            infos.setdefault(code, OrgInfo(str(code), str(name), str(region), str(kind)))
        return infos

    @cached_property
    def _bottleneck_rows(self) -> list[Bottleneck]:
        """Every row of ``bottlenecks`` as a :class:`Bottleneck`, in order, made once."""
        return [Bottleneck.from_row(r) for r in frame_records(self.bottlenecks)]

    @property
    def years(self) -> tuple[int, ...]:
        years = set(self.representation["year"]).union(self.stages["year"])
        return tuple(sorted(int(y) for y in years))

    def years_for(self, org_code: str) -> tuple[int, ...]:
        return self._years_of.get(org_code, ())

    def org_info(self, org_code: str) -> OrgInfo:
        info = self._org_infos.get(org_code)
        if info is None:
            raise KeyError(f"Organisation {org_code!r} is not in the data. Codes found: "
                           f"{', '.join(self.organisations['org_code'][:10])}"
                           f"{' ...' if len(self.organisations) > 10 else ''}.")
        return info

    def trust(self, org_code: str, year: int | None = None) -> TrustAnalysis:
        """One trust's analysis; ``year`` defaults to the latest year it has data for."""
        info = self.org_info(org_code)
        available = self.years_for(org_code)
        if year is None:
            if not available:
                raise KeyError(f"{org_code} has no AfC or recruitment data.")
            year = available[-1]
        elif year not in available:
            raise KeyError(f"{org_code} has no data for {year}; years with data: "
                           f"{', '.join(map(str, available)) or 'none'}.")

        def pick(name: str) -> pd.DataFrame:
            frame = getattr(self, name)
            # No rows must give an empty frame: frame.iloc[()] would be the whole frame.
            rows = self._row_index[name].get((org_code, int(year)), np.array([], dtype=int))
            part = frame.iloc[rows]  # a new frame: setting its index leaves ``frame`` alone
            part.index = pd.RangeIndex(len(part))  # as reset_index(drop=True), one copy fewer
            return part

        rows = self._row_index["bottlenecks"].get((org_code, int(year)), slice(0, 0))
        made = self._bottleneck_rows
        bottlenecks = tuple(made[rows] if isinstance(rows, slice) else [made[i] for i in rows])
        return TrustAnalysis(
            org=info, year=int(year), options=self.options, stage_table=pick("stages"),
            contributions=pick("contributions"), bottlenecks=bottlenecks,
            representation=pick("representation"), overall=pick("overall"),
            has_recruitment=(org_code, int(year)) in self.recruitment_orgs)


def _as_slice(rows: np.ndarray) -> slice | np.ndarray:
    """Ascending row positions as a slice when they are consecutive."""
    if len(rows) and rows[-1] - rows[0] + 1 == len(rows):
        return slice(int(rows[0]), int(rows[-1]) + 1)
    return rows


def analyse_dataset(workforce: pd.DataFrame, recruitment: pd.DataFrame | None = None,
                    options: AnalysisOptions | None = None, *,
                    counts: pd.DataFrame | None = None) -> AllResults:
    """Run every calculation for every organisation and year of the clean tables.

    ``counts``: the tables' :func:`~wres_core.stages.stage_counts` for ``options.groups``,
    ``options.tiers`` and ``options.staff_group``, when the caller already has them (the app
    keeps the sample's counts apart from the statistics, which the other options change).
    """
    options = options or AnalysisOptions()
    if counts is None:
        counts = stage_counts(workforce, recruitment, groups=options.groups,
                              tiers=options.tiers, staff_group=options.staff_group)
    stages = stage_ratios(counts, options)
    contributions = step_contributions(stages)
    bottlenecks = find_bottlenecks(stages, options.level) if len(stages) else pd.DataFrame(
        columns=list(BOTTLENECK_COLUMNS))
    recruitment_orgs = frozenset()
    if recruitment is not None and len(recruitment):
        recruitment_orgs = frozenset(
            (str(o), int(y)) for o, y in recruitment[["org_code", "year"]].drop_duplicates()
            .itertuples(index=False, name=None))
    return AllResults(
        options=options, stages=stages, bottlenecks=bottlenecks, contributions=contributions,
        representation=band_representation(workforce, level=options.level,
                                           staff_group=options.staff_group),
        overall=overall_representation(workforce, level=options.level,
                                       staff_group=options.staff_group),
        organisations=organisations(workforce, recruitment),
        recruitment_orgs=recruitment_orgs)


def analyse_trust(workforce: pd.DataFrame, recruitment: pd.DataFrame | None = None,
                  org_code: str | None = None, year: int | None = None,
                  options: AnalysisOptions | None = None) -> TrustAnalysis:
    """One trust's analysis from clean tables (the only organisation if ``org_code`` is None)."""
    codes = organisations(workforce, recruitment)["org_code"].tolist()
    if org_code is None:
        if len(codes) != 1:
            raise ValueError(f"The data hold {len(codes)} organisations; name one of: "
                             f"{', '.join(codes[:20])}{' ...' if len(codes) > 20 else ''}.")
        org_code = codes[0]
    def only(table: pd.DataFrame | None) -> pd.DataFrame | None:
        return None if table is None else table[table["org_code"] == org_code]
    return analyse_dataset(only(workforce), only(recruitment), options).trust(org_code, year)
