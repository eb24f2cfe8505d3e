"""How a trust compares with trusts like it, stage by stage.

Peer groups (the trust itself is always a member):

- ``type``: trusts of the same type (acute, mental health ...);
- ``region``: trusts in the same NHS England region;
- ``type_region``: same type and same region;
- ``size``: the ``k`` trusts nearest in AfC headcount (on a log scale, since size varies
  100-fold);
- ``diversity``: the ``k`` trusts nearest in BME share of AfC staff, because local populations,
  and so the pool staff are drawn from, differ widely;
- ``all``: every trust in the national file;
- ``custom``: a list of codes the user gives.

For each stage the trust's ratio is set against its peers': median and quartiles, rank
(1 = the highest, most adverse ratio) and percentile (the share of peers with a lower ratio),
the pooled peer ratio (from the summed counts of every peer, the trust included), and a funnel
plot (:mod:`wres_core.funnel`) whose 95% and 99.8% limits give the verdict: significantly
higher than peers (more adverse), similar, or significantly lower.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from wres_core.analysis import AllResults
from wres_core.formatting import format_ratio, lower_first
from wres_core.funnel import FunnelResult, funnel_curve, funnel_curve_by_headcount, funnel_limits
from wres_core.schema import DEFAULT_ORG_TYPE, DEFAULT_REGION
from wres_core.statistics import log_ratio_standard_error

PEER_GROUP_KINDS = ("type", "region", "type_region", "size", "diversity", "all", "custom")
PEER_GROUP_LABELS = {
    "type": "Same trust type", "region": "Same region", "type_region": "Same type and region",
    "size": "Nearest in size", "diversity": "Nearest in workforce diversity",
    "all": "All trusts", "custom": "A list I choose",
}
DEFAULT_K = 20

PEER_COLUMNS = (
    "stage_id", "comparison", "label", "kind", "ratio", "ci_low", "ci_high", "n", "median",
    "q1", "q3", "rank", "percentile", "pooled", "target", "tau2", "phi", "low95", "high95",
    "low998", "high998", "verdict", "sentence",
)


@dataclass(frozen=True)
class PeerUniverse:
    """The organisations a trust can be compared with: their stages and their sizes.

    ``synthetic`` is True when the peers come from the bundled synthetic national file; every
    peer view must then say so plainly.
    """

    stages: pd.DataFrame
    overall: pd.DataFrame
    organisations: pd.DataFrame
    synthetic: bool
    source: str

    @classmethod
    def from_results(cls, results: AllResults, *, synthetic: bool, source: str) -> PeerUniverse:
        return cls(results.stages, results.overall, results.organisations, synthetic, source)

    @property
    def years(self) -> tuple[int, ...]:
        return tuple(sorted(int(y) for y in self.overall["year"].unique()))

    def with_attributes(self, org_code: str, *, org_type: str | None = None,
                        region: str | None = None) -> PeerUniverse:
        """This universe with one organisation's type and/or region set, for a trust whose
        own file did not give them (they decide its type and region peer groups)."""
        orgs = self.organisations.copy()
        mine = orgs["org_code"] == org_code
        if org_type is not None:
            orgs.loc[mine, "org_type"] = org_type
        if region is not None:
            orgs.loc[mine, "region"] = region
        return PeerUniverse(self.stages, self.overall, orgs, self.synthetic, self.source)

    def missing_attribute_choices(self, org_code: str) -> dict[str, list[str]]:
        """For each of ``org_type`` and ``region`` that the trust's own file did not give
        (schema default "Not given"), the values its peers have, to choose from. Empty when
        nothing is missing or the peers have no such values either."""
        orgs = self.organisations
        me = orgs[orgs["org_code"] == org_code].iloc[0]
        out = {}
        for field, default in (("org_type", DEFAULT_ORG_TYPE), ("region", DEFAULT_REGION)):
            values = sorted(set(orgs[field].astype(str)) - {default})
            if str(me[field]) == default and values:
                out[field] = values
        return out

    def with_trust(self, own: AllResults, org_code: str, year: int,
                   as_year: int | None = None) -> PeerUniverse:
        """This universe with one trust-year from another dataset added (replacing any
        organisation with the same code). ``as_year`` files the trust's figures under another
        year, to compare them with peers from a file that lacks the trust's year (the page
        must say so)."""
        def merged(ours: pd.DataFrame, theirs: pd.DataFrame) -> pd.DataFrame:
            theirs = theirs[theirs["org_code"] == org_code]
            if "year" in theirs.columns:
                theirs = theirs[theirs["year"] == year]
                if as_year is not None:
                    theirs = theirs.assign(year=as_year)
            return pd.concat([ours[ours["org_code"] != org_code], theirs], ignore_index=True)
        return PeerUniverse(merged(self.stages, own.stages), merged(self.overall, own.overall),
                            merged(self.organisations, own.organisations), self.synthetic,
                            self.source)


@dataclass(frozen=True)
class PeerGroup:
    kind: str
    org_code: str
    year: int
    codes: tuple[str, ...]
    description: str     # "31 acute trusts in the Midlands"
    note: str = ""


def _org_row(universe: PeerUniverse, org_code: str) -> pd.Series:
    match = universe.organisations[universe.organisations["org_code"] == org_code]
    if match.empty:
        raise KeyError(f"Organisation {org_code!r} is not among the peers' organisations.")
    return match.iloc[0]


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def peer_group(universe: PeerUniverse, org_code: str, year: int, kind: str = "type", *,
               k: int = DEFAULT_K, custom: tuple[str, ...] | None = None) -> PeerGroup:
    """The trust's peer group for ``year`` (trusts with AfC data that year)."""
    if kind not in PEER_GROUP_KINDS:
        raise ValueError(f"Peer group must be one of {', '.join(PEER_GROUP_KINDS)}, "
                         f"not {kind!r}.")
    overall = universe.overall[universe.overall["year"] == year]
    orgs = universe.organisations.set_index("org_code")
    available = overall["org_code"].astype(str).tolist()
    me = _org_row(universe, org_code)
    if org_code not in available:
        raise KeyError(f"{org_code} has no AfC data for {year}, so it cannot be placed among "
                       "peers.")
    info = orgs.loc[available]
    note = ""
    if kind == "type":
        codes = info.index[info["org_type"] == me["org_type"]]
        description = f"{_plural(len(codes), str(me['org_type']).lower() + ' trust')}"
    elif kind == "region":
        codes = info.index[info["region"] == me["region"]]
        description = f"{_plural(len(codes), 'trust')} in {me['region']}"
    elif kind == "type_region":
        codes = info.index[(info["org_type"] == me["org_type"]) & (info["region"] == me["region"])]
        description = (f"{_plural(len(codes), str(me['org_type']).lower() + ' trust')} in "
                       f"{me['region']}")
    elif kind in ("size", "diversity"):
        column = "total" if kind == "size" else "bme_share"
        values = overall.set_index("org_code")[column].astype(float)
        values = np.log(values.clip(lower=1)) if kind == "size" else values
        distance = (values - values[org_code]).abs().sort_values(kind="stable")
        # The trust itself first, then its k-1 nearest neighbours.
        nearest = [org_code] + [c for c in distance.index if c != org_code][: max(k, 2) - 1]
        codes = pd.Index(nearest)
        what = "size (AfC headcount)" if kind == "size" else "BME share of AfC staff"
        description = f"the {_plural(len(codes), 'trust')} nearest in {what}"
    elif kind == "all":
        codes = info.index
        description = f"all {_plural(len(codes), 'trust')}"
    else:
        requested = tuple(dict.fromkeys((org_code, *(custom or ()))))
        missing = [c for c in requested if c not in available]
        codes = pd.Index([c for c in requested if c in available])
        description = f"{_plural(len(codes), 'chosen trust')}"
        if missing:
            note = (f"Not found for {year}: {', '.join(missing)}.")
    if org_code not in codes:
        codes = codes.insert(0, org_code)
    if len(codes) < 3:
        note = (note + " " if note else "") + (
            f"Only {_plural(len(codes), 'trust')} in this peer group, too few for a fair "
            "comparison: choose a wider group.")
    return PeerGroup(kind, org_code, int(year), tuple(str(c) for c in codes), description, note)


def _stage_funnel(rows: pd.DataFrame) -> FunnelResult:
    se = log_ratio_standard_error(rows["ratio_kind"].iloc[0], rows["white_to"].to_numpy(),
                                  rows["white_from"].to_numpy(), rows["bme_to"].to_numpy(),
                                  rows["bme_from"].to_numpy())
    with np.errstate(divide="ignore", invalid="ignore"):
        y = np.log(rows["ratio"].to_numpy(dtype=float))
    return funnel_limits(y, se)


def peer_stage_rows(universe: PeerUniverse, group: PeerGroup, stage_id: str,
                    comparison: str) -> pd.DataFrame:
    """The peers' rows for one stage (one per organisation), with names, for charts."""
    stages = universe.stages
    rows = stages[(stages["year"] == group.year) & (stages["stage_id"] == stage_id)
                  & (stages["comparison"] == comparison) & stages["org_code"].isin(group.codes)]
    names = universe.organisations.set_index("org_code")["org_name"]
    rows = rows.assign(org_name=rows["org_code"].map(names).astype(str),
                       is_trust=rows["org_code"] == group.org_code)
    return rows.reset_index(drop=True)


def _pooled_ratio(rows: pd.DataFrame) -> float:
    """(sum white_to / sum white_from) / (sum bme_to / sum bme_from); inf or nan, never an
    exception, when a summed count is zero (as :func:`disparity_statistics` orients zeros)."""
    wt, wf, bt, bf = (np.float64(rows[c].sum()) for c in ("white_to", "white_from", "bme_to",
                                                           "bme_from"))
    numerator, denominator = wt * bf, wf * bt
    if denominator > 0:
        return float(numerator / denominator)
    return float("inf") if numerator > 0 else float("nan")


def _quantile(values: np.ndarray, q: float) -> float:
    """R's type-7 (numpy "linear") quantile that copes with infinite ratios.

    ``np.quantile`` interpolates as ``a + (b - a) t``, which gives nan (and a RuntimeWarning)
    between two infinite values or an infinite and a finite one; here equal neighbours give
    their value and an infinite upper neighbour gives infinity.
    """
    ordered = np.sort(values)
    if not ordered.size:
        return float("nan")
    h = (ordered.size - 1) * q
    low = int(np.floor(h))
    high = min(low + 1, ordered.size - 1)
    a, b, t = ordered[low], ordered[high], h - low
    if t == 0 or a == b:
        return float(a)
    if np.isinf(b):
        return float(b)
    return float(a + (b - a) * t)


# A ratio is "well" beyond a 99.8% limit only when it is more than 5% beyond it (on the ratio
# scale): a ratio of 2.42 against a limit of 2.34 is "above", not "well above".
WELL_BEYOND_FACTOR = 1.05


def verdict_phrase(verdict: str, ratio: float, limits_95: tuple[float, float],
                   limits_998: tuple[float, float]) -> str:
    """How the trust's ratio sits against its funnel limits, in words that match them exactly.

    ``limits_95`` and ``limits_998`` are the (low, high) control limits at the trust's own
    precision, the same limits that decided ``verdict`` (:meth:`FunnelResult.verdict_labels`).

    - "strongly higher": above the upper 99.8% limit, named with its value; "well above"
      only when ``ratio >= WELL_BEYOND_FACTOR x limit`` (never within 5% of it);
    - "significantly higher": above the upper 95% limit, within the 99.8% one;
    - the "lower" verdicts mirror these (``ratio <= limit / WELL_BEYOND_FACTOR`` for "well
      below");
    - "similar": within the 95% limits.
    """
    low95, high95 = limits_95
    low998, high998 = limits_998
    if verdict == "strongly higher":
        how = "well above" if ratio >= high998 * WELL_BEYOND_FACTOR else "above"
        return (f"{how} the upper 99.8% limit of its peers ({format_ratio(high998)}): "
                "strongly more adverse")
    if verdict == "significantly higher":
        return (f"above the upper 95% limit of its peers ({format_ratio(high95)}), within the "
                "99.8% limit: significantly more adverse")
    if verdict == "strongly lower":
        how = "well below" if ratio <= low998 / WELL_BEYOND_FACTOR else "below"
        return (f"{how} the lower 99.8% limit of its peers ({format_ratio(low998)}): "
                "strongly less adverse")
    if verdict == "significantly lower":
        return (f"below the lower 95% limit of its peers ({format_ratio(low95)}), within the "
                "99.8% limit: significantly less adverse")
    if verdict == "similar":
        return "in line with its peers (within the 95% limits)"
    return verdict


def _comparison_sentence(row: dict, group: PeerGroup, synthetic: bool) -> str:
    peers = f"{group.description}{' (synthetic)' if synthetic else ''}"
    verdict = row["verdict"]
    ratio = format_ratio(row["ratio"])
    if verdict.startswith("not assessed"):
        reason = verdict.removeprefix("not assessed (").removesuffix(")")
        return (f"{row['label']}: the trust's ratio, {ratio}, could not be placed on the peer "
                f"funnel plot ({reason}).")
    phrase = verdict_phrase(verdict, row["ratio"], (row["low95"], row["high95"]),
                            (row["low998"], row["high998"]))
    return (f"Compared with {peers}, the trust's ratio for {lower_first(row['label'])} is "
            f"{ratio}: {phrase} (peer median {format_ratio(row['median'])}; rank "
            f"{row['rank']} of {row['n']}, 1 = most adverse).")


def peer_comparison(universe: PeerUniverse, group: PeerGroup, *,
                    adjust_overdispersion: bool = True) -> pd.DataFrame:
    """One row per stage of the trust: its ratio against its peers' (see PEER_COLUMNS)."""
    stages = universe.stages
    in_group = stages[(stages["year"] == group.year) & stages["org_code"].isin(group.codes)]
    out = []
    for (stage_id, comparison), rows in in_group.groupby(["stage_id", "comparison"],
                                                         sort=False):
        mine = rows[rows["org_code"] == group.org_code]
        if mine.empty:
            continue
        mine = mine.iloc[0]
        ratios = rows["ratio"].to_numpy(dtype=float)
        defined = ratios[~np.isnan(ratios)]
        funnel = _stage_funnel(rows)
        position = int(np.flatnonzero(rows["org_code"].to_numpy() == group.org_code)[0])
        verdicts = funnel.verdict_labels(adjusted=adjust_overdispersion)
        s_mine = funnel.s[position]
        s_for_limits = s_mine if np.isfinite(s_mine) else np.nan
        low95, high95 = funnel.limits(s_for_limits, 0.95, adjust_overdispersion)
        low998, high998 = funnel.limits(s_for_limits, 0.998, adjust_overdispersion)
        ratio = float(mine["ratio"])
        row = {
            "stage_id": stage_id, "comparison": comparison, "label": mine["label"],
            "kind": mine["kind"], "ratio": ratio, "ci_low": float(mine["ci_low"]),
            "ci_high": float(mine["ci_high"]), "n": len(rows),
            "median": _quantile(defined, 0.5), "q1": _quantile(defined, 0.25),
            "q3": _quantile(defined, 0.75),
            "rank": int((defined > ratio).sum() + 1) if not np.isnan(ratio) else None,
            "percentile": (float((defined < ratio).sum() / defined.size * 100)
                           if defined.size and not np.isnan(ratio) else np.nan),
            "pooled": _pooled_ratio(rows), "target": funnel.target_ratio,
            "tau2": funnel.tau2 if adjust_overdispersion else 0.0, "phi": funnel.phi,
            "low95": float(low95), "high95": float(high95),
            "low998": float(low998), "high998": float(high998),
            "verdict": str(verdicts[position]), "order": int(mine["order"]),
        }
        row["sentence"] = _comparison_sentence(row, group, universe.synthetic)
        out.append(row)
    if not out:
        return pd.DataFrame(columns=list(PEER_COLUMNS))
    frame = pd.DataFrame(out).sort_values(["comparison", "order"], kind="stable")
    # A stage whose own ratio is undefined has no rank; keep the others whole numbers.
    frame["rank"] = frame["rank"].astype("Int64")
    return frame[list(PEER_COLUMNS)].reset_index(drop=True)


def default_funnel_stage(table: pd.DataFrame) -> tuple[str, str]:
    """The stage to show first on the funnel plot: the most adverse stage that stands out
    from peers, else the lower-to-upper tier, else the first stage."""
    ranking = {"strongly higher": 0, "significantly higher": 1}
    standing_out = table[table["verdict"].isin(ranking)]
    if len(standing_out):
        row = standing_out.assign(_r=standing_out["verdict"].map(ranking)).sort_values(
            ["_r", "ratio"], ascending=[True, False], kind="stable").iloc[0]
    elif (table["stage_id"] == "tier:lower-upper").any():
        row = table[table["stage_id"] == "tier:lower-upper"].iloc[0]
    else:
        row = table.iloc[0]
    return row["stage_id"], row["comparison"]


def peer_funnel_data(universe: PeerUniverse, group: PeerGroup, stage_id: str, comparison: str,
                     *, adjust_overdispersion: bool = True, x_axis: str = "precision",
                     n_points: int = 120) -> tuple[pd.DataFrame, pd.DataFrame, FunnelResult]:
    """Points (one per peer, with precision and verdict) and limit curves for one stage.

    ``x_axis="headcount"`` draws the limits against the ethnic minority headcount in the
    stage instead of precision (an approximation for drawing only; verdicts always use each
    trust's own standard error: see :func:`wres_core.funnel.funnel_curve_by_headcount`).
    """
    rows = peer_stage_rows(universe, group, stage_id, comparison)
    if rows.empty:
        raise KeyError(f"No peer has stage {stage_id} ({comparison}) in {group.year}.")
    funnel = _stage_funnel(rows)
    points = rows.assign(precision=funnel.precision, standard_error=funnel.s,
                         included=funnel.included,
                         verdict=funnel.verdict_labels(adjusted=adjust_overdispersion),
                         bme_headcount=rows["bme_from"] + rows["bme_to"])
    if x_axis == "headcount" and funnel.included.any():
        curve = funnel_curve_by_headcount(funnel, points["bme_headcount"].to_numpy(),
                                          n_points=n_points)
    else:
        curve = funnel_curve(funnel, n_points=n_points)
    curves = pd.DataFrame(curve)
    if not adjust_overdispersion:
        for name in ("low95", "high95", "low998", "high998"):
            curves[name] = curves[f"{name}_unadjusted"]
    return points, curves, funnel


def peer_stage_table(universe: PeerUniverse, group: PeerGroup, comparison: str
                     ) -> pd.DataFrame:
    """Every stage of the trust, for every peer that has it, for one comparison group and
    year (for strip plots). Peers' band steps that the trust lacks (e.g. ``band:8c-vsm`` when
    the trust has bands 8d and 9) are left out."""
    stages = universe.stages
    rows = stages[(stages["year"] == group.year) & (stages["comparison"] == comparison)
                  & stages["org_code"].isin(group.codes)]
    own = rows.loc[rows["org_code"] == group.org_code, "stage_id"]
    rows = rows[rows["stage_id"].isin(own)]
    names = universe.organisations.set_index("org_code")["org_name"]
    return rows.assign(org_name=rows["org_code"].map(names).astype(str),
                       is_trust=rows["org_code"] == group.org_code).reset_index(drop=True)


def peer_summary_sentence(table: pd.DataFrame, group: PeerGroup, org_name: str,
                          synthetic: bool) -> str:
    """One paragraph: at which stages the trust stands out from its peers."""
    if table.empty:
        return "No stage could be compared with peers."
    peers = f"{group.description}{' (synthetic, fictional trusts)' if synthetic else ''}"
    higher = table[table["verdict"].isin(["significantly higher", "strongly higher"])]
    lower = table[table["verdict"].isin(["significantly lower", "strongly lower"])]
    similar = table[table["verdict"] == "similar"]

    def names(rows: pd.DataFrame) -> str:
        return ", ".join(lower_first(label) for label in rows["label"])

    parts = [f"Compared with {peers}, {org_name}"]
    if len(higher):
        parts.append(f" is significantly more adverse than its peers at {len(higher)} "
                     f"stage{'s' if len(higher) != 1 else ''} ({names(higher)})")
    else:
        parts.append(" is not significantly more adverse than its peers at any stage")
    if len(lower):
        parts.append(f"; less adverse at {len(lower)} ({names(lower)})")
    parts.append(f"; similar at {len(similar)}.")
    text = "".join(parts)
    not_assessed = len(table) - len(higher) - len(lower) - len(similar)
    if not_assessed:
        text += (f" {not_assessed} stage{'s' if not_assessed != 1 else ''} could not be "
                 "placed on a funnel plot (a zero count or too few peers).")
    return text
