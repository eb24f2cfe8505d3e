"""The command line: ``python -m wres_core analyse FILE [FILE ...]`` and ``report``.

Reads workforce and recruitment files (any layout ingest accepts), analyses one organisation
(``--org``), every organisation (``--all``) or the only one in the files, and prints a readable
summary, one JSON document (``--json``) or the stage table as CSV (``--csv``); ``report``
writes one organisation's workshop pack (PDF and Excel) into ``--out DIR``. A file that
cannot be read prints the ingest message, no traceback, and exits with status 2.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import sys
from collections.abc import Sequence
from functools import cached_property
from pathlib import Path

import pandas as pd

from wres_core.analysis import AllResults, TrustAnalysis, analyse_dataset
from wres_core.bands import AFC_BANDS, TierDefinition
from wres_core.errors import IngestError
from wres_core.exports.disclosure import DEFAULT_THRESHOLD, SUPPRESSED, DisclosureRule
from wres_core.exports.protected import protect
from wres_core.exports.safe_text import neutralise_frame
from wres_core.formatting import (
    format_given,
    format_interval,
    format_p_value,
    format_ratio,
    format_share,
    format_year,
)
from wres_core.indicators import (
    build_scorecard,
    indicator_record,
    pay_gap_record,
    peek_kinds,
    read_indicator_file,
    scorecard_text,
)
from wres_core.indicators.readers import IndicatorFile
from wres_core.indicators.scorecard import IndicatorResults, indicator_results
from wres_core.ingest import Dataset, load_dataset
from wres_core.options import ADJUSTMENTS, CI_METHODS, AnalysisOptions
from wres_core.peers import PeerUniverse, peer_comparison, peer_group
from wres_core.reports import (
    EXPORT_COLUMNS,
    analysis_to_json,
    headline_figures,
    stage_trend_json,
)
from wres_core.synthetic import write_sample_data
from wres_core.targets import stage_targets
from wres_core.trends import stage_trends

EXIT_OK = 0
EXIT_USAGE = 2


class CliError(Exception):
    """A problem the user can fix; printed without a traceback, exit status 2."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m wres_core",
        description="WRES racial disparity ratios: every stage's ratio with its interval, "
                    "test and the bottleneck.")
    commands = parser.add_subparsers(dest="command", required=True)
    analyse = commands.add_parser(
        "analyse", help="analyse workforce (and recruitment) files",
        description="Analyse one organisation (--org), every organisation (--all) or the only "
                    "one in the files. Workforce and recruitment files can be passed together.")
    analyse.add_argument("files", nargs="+", type=Path, metavar="FILE",
                         help="CSV or Excel files: workforce and/or recruitment, and the "
                              "scorecard's disciplinary, training, staff survey, board and "
                              "pay files")
    analyse.add_argument("--org", metavar="CODE", help="organisation code to analyse")
    analyse.add_argument("--all", action="store_true", help="analyse every organisation")
    _add_analysis_options(analyse)
    analyse.add_argument("--rolling", action="store_true",
                         help="indicators 3 and 4 as two-year rolling figures (each year's "
                              "counts summed with the previous year's)")
    analyse.add_argument("--from-year", type=int, metavar="YEAR",
                         help="first year of each stage's change in --json (default: the "
                              "stage's first year with data)")
    analyse.add_argument("--to-year", type=int, metavar="YEAR",
                         help="second year of the change (default: the stage's last year)")
    output = analyse.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="print one JSON document")
    output.add_argument("--csv", action="store_true", help="print the stage table as CSV")
    analyse.add_argument("--suppress", action="store_true",
                         help="in CSV output, show counts from 1 to 7 as *, with every "
                              "figure computed from them or that would reveal them")
    analyse.add_argument("--peers", choices=("type", "region", "type_region", "size",
                                             "diversity", "all"),
                         help="compare each stage with a peer group from the same files "
                              "(added to the text, CSV and JSON outputs)")
    analyse.add_argument("--k", type=int, default=20,
                         help="peer group size for --peers size|diversity (default 20)")
    _add_report_parser(commands)
    sample = commands.add_parser("make-sample", help="write the synthetic sample files")
    sample.add_argument("directory", nargs="?", type=Path, default=Path("sample_data"))
    return parser


def _add_analysis_options(command: argparse.ArgumentParser) -> None:
    """The year and analysis options shared by ``analyse`` and ``report``."""
    command.add_argument("--year", type=int,
                         help="snapshot year (default: the latest); also the year of any file "
                              "that holds none")
    command.add_argument("--ci-method", choices=CI_METHODS, default="auto",
                         help="interval method (default auto: exact for small counts)")
    command.add_argument("--level", type=float, default=0.95,
                         help="confidence level (default 0.95)")
    command.add_argument("--groups", choices=("bme", "detailed"), default="bme",
                         help="all BME staff together, or each detailed group against White")
    command.add_argument("--staff-group", choices=("clinical", "non-clinical"),
                         help="only clinical or non-clinical AfC staff")
    command.add_argument("--adjust", choices=ADJUSTMENTS, default="holm",
                         help="p-value adjustment across a trust's stages (default holm)")
    command.add_argument("--tiers", metavar="MIDDLE,UPPER", default="6,8a",
                         help="first band of the middle and upper tiers (default 6,8a)")
    command.add_argument("--haldane", action="store_true",
                         help="show +0.5-corrected ratios for stages with a zero count")
    command.add_argument("--status", action="append", type=_status_correction, default=[],
                         metavar='"OUTCOME=STAGE"',
                         help="count an applicant file's outcome as this stage (applied, "
                              "shortlisted, appointed or 'left out'), before the status "
                              'table; repeatable, e.g. --status "On hold=applied"')


def _status_correction(text: str) -> tuple[str, str]:
    """One ``--status "OUTCOME=STAGE"``: (outcome as written, stage), the stage checked here
    so that a typo is refused even when no applicant file is given."""
    from wres_core.ingest.applicants import STAGE_CHOICES

    outcome, equals, stage = text.rpartition("=")
    stage = " ".join(stage.split()).casefold()
    if not equals or not outcome.strip():
        raise argparse.ArgumentTypeError(
            f"{text!r}: give the outcome as written in the file, '=' and the stage it counts "
            'as, e.g. --status "On hold=applied".')
    if stage not in STAGE_CHOICES:
        raise argparse.ArgumentTypeError(
            f"{text!r}: '{stage}' is not a recruitment stage; use one of "
            f"{', '.join(STAGE_CHOICES)}.")
    return outcome.strip(), stage


def _status_map(args: argparse.Namespace) -> dict[str, str] | None:
    """The ``--status`` corrections as ``read_table(status_map=)`` takes them (the last given
    for an outcome wins)."""
    return dict(args.status) or None


def _unmatched_status(args: argparse.Namespace, dataset: Dataset) -> list[str]:
    """``--status`` outcomes no applicant file holds (a typo, or a file of another system)."""
    from wres_core.ingest.values import header_key

    found = {header_key(o.value) for r in dataset.reports for o in r.outcomes}
    return [f"warning: --status '{outcome}={stage}': no applicant file has the outcome "
            f"'{outcome}'." for outcome, stage in args.status if header_key(outcome) not in found]


PEER_KINDS = ("type", "region", "type_region", "size", "diversity", "all")


def _add_report_parser(commands) -> None:
    report = commands.add_parser(
        "report", help="write the workshop pack (PDF and Excel) of one organisation",
        description="Write the workshop pack of one organisation and year: a PDF and an Excel "
                    "workbook, with small counts suppressed (--suppress 0 to turn off).")
    report.add_argument("files", nargs="+", type=Path, metavar="FILE",
                        help="CSV or Excel files (workforce and/or recruitment)")
    report.add_argument("--org", metavar="CODE",
                        help="organisation code (optional when the files hold one)")
    _add_analysis_options(report)
    report.add_argument("--peers", choices=PEER_KINDS,
                        help="add a peer comparison with this group from the same files")
    report.add_argument("--k", type=int, default=20,
                        help="peer group size for --peers size|diversity (default 20)")
    report.add_argument("--suppress", type=int, default=DEFAULT_THRESHOLD, metavar="N",
                        help="show counts from 1 to N as *, with everything that would reveal "
                             f"them (default {DEFAULT_THRESHOLD}; 0: no suppression)")
    report.add_argument("--round", type=int, default=0, choices=(0, 5), dest="round_to",
                        help="round other counts to the nearest 5 (default 0: exact)")
    report.add_argument("--out", type=Path, required=True, metavar="DIR",
                        help="directory to write the PDF and the workbook into")


def report_command(args: argparse.Namespace) -> int:
    # Imported here: fpdf2, openpyxl, Altair and vl-convert would slow every other command's
    # start-up.
    from wres_core.exports.pack import build_pack, looks_synthetic, pack_context

    options = _options(args)
    missing = [str(f) for f in args.files if not f.exists()]
    if missing:
        raise CliError(f"File not found: {', '.join(missing)}.")
    try:
        rule = DisclosureRule(threshold=args.suppress, round_to=args.round_to)
    except ValueError as error:
        raise CliError(f"--suppress {args.suppress}: {error}") from error
    dataset = load_dataset(args.files, default_year=args.year, status_map=_status_map(args))
    for warning in _unmatched_status(args, dataset):
        print(warning, file=sys.stderr)
    results = analyse_dataset(dataset.workforce, dataset.recruitment, options)
    args.all = False
    (code,) = _choose_orgs(results, args)
    try:
        analysis = results.trust(code, args.year)
    except KeyError as error:
        raise CliError(str(error).strip("'\"")) from error
    synthetic = looks_synthetic(analysis.org)
    universe = (PeerUniverse.from_results(results, synthetic=synthetic, source="the same files")
                if args.peers else None)
    context = pack_context(analysis, results=results, rule=rule, synthetic=synthetic,
                           data_source=", ".join(f.name for f in args.files),
                           reports=dataset.reports, universe=universe,
                           peer_kind=args.peers or "type", k=args.k)
    pack = build_pack(context)
    try:
        args.out.mkdir(parents=True, exist_ok=True)
        paths = (args.out / pack.pdf_name, args.out / pack.xlsx_name)
        paths[0].write_bytes(pack.pdf)
        paths[1].write_bytes(pack.xlsx)
    except OSError as error:
        raise CliError(f"Cannot write into {args.out}: {error.strerror or error}.") from error
    for path in paths:
        print(path)
    return EXIT_OK


def _options(args: argparse.Namespace) -> AnalysisOptions:
    try:
        middle, upper = (part.strip() for part in args.tiers.split(","))
        tiers = TierDefinition.from_cut_points(middle, upper)
    except ValueError as error:
        raise CliError(f"--tiers {args.tiers!r}: {error} Give the first band of the middle "
                       f"and upper tiers, e.g. 6,8a (bands: {', '.join(AFC_BANDS)}).") from error
    staff = {"clinical": "Clinical", "non-clinical": "Non-clinical", None: None}
    try:
        return AnalysisOptions(groups=args.groups, staff_group=staff[args.staff_group],
                               ci_method=args.ci_method, level=args.level, adjust=args.adjust,
                               tiers=tiers, haldane=args.haldane)
    except ValueError as error:
        raise CliError(str(error)) from error


def _files_quality(dataset: Dataset) -> list[dict]:
    """What each ladder file's reading kept and left out (the same in every document)."""
    return [{
        "file": report.source, "kind": report.kind, "layout": report.layout,
        "rows_read": report.rows_read, "rows_used": report.rows_used,
        "rows_excluded": report.rows_excluded,
        "excluded_by_reason": report.excluded_by_reason(),
        "unrecognised": {k: dict(v) for k, v in report.unrecognised.items()},
        "notes": list(report.notes),
        "ignored_columns": [{"column": header, "why": why}
                            for header, why in report.ignored_columns],
        # An applicant file's outcomes and the stage each was counted as (correctable with
        # --status), as the text output lists them.
        "applicant_outcomes": [{"outcome": o.value, "stage": o.stage,
                                "applicants": o.applicants, "from": o.how}
                               for o in report.outcomes],
    } for report in dataset.reports]


def _ethnicity_counts(workforce: pd.DataFrame) -> dict[tuple[str, int], tuple[int, int]]:
    """(organisation, year) -> (headcount of unknown ethnicity, all headcount), for every
    organisation at once."""
    headcount = workforce["headcount"]
    sums = pd.DataFrame({"unknown": headcount.where(workforce["ethnicity"] == "Unknown", 0),
                         "total": headcount}).groupby(
        [workforce["org_code"].astype(str), workforce["year"]]).sum()
    return dict(zip(sums.index.tolist(), zip(sums["unknown"].tolist(), sums["total"].tolist(),
                                             strict=True), strict=True))


def _data_quality(dataset: Dataset, org_code: str, year: int | None = None, *,
                  counts: dict[tuple[str, int], tuple[int, int]] | None = None,
                  files: list[dict] | None = None) -> dict:
    """The document's data quality. ``counts`` (:func:`_ethnicity_counts`) and ``files``
    (:func:`_files_quality`) when the caller has them for every organisation: with --all,
    finding each trust's rows in the national table again took most of this."""
    files = copy.deepcopy(files) if files is not None else _files_quality(dataset)
    if counts is not None and year is not None:
        unknown, total = counts.get((org_code, year), (0, 0))
    else:
        workforce = dataset.workforce[dataset.workforce["org_code"] == org_code]
        if year is not None:
            # The document describes one year: its unknown share is that year's, not all
            # years'.
            workforce = workforce[workforce["year"] == year]
        unknown = int(workforce.loc[workforce["ethnicity"] == "Unknown", "headcount"].sum())
        total = int(workforce["headcount"].sum())
    return {"files": files, "year": year, "unknown_ethnicity": unknown, "headcount": total,
            "unknown_share": unknown / total if total else None,
            "note": "" if total else "unknown_share is not defined: no workforce rows",
            "notes": list(dataset.notes)}


def _choose_orgs(results: AllResults, args: argparse.Namespace) -> list[str]:
    codes = results.organisations["org_code"].astype(str).tolist()
    if args.all:
        return codes
    if args.org:
        if args.org not in codes:
            raise CliError(f"Organisation {args.org!r} is not in the files. Codes found: "
                           f"{_code_list(codes)}.")
        return [args.org]
    if len(codes) == 1:
        return codes
    if not codes:
        raise CliError("The files hold no organisation with usable rows.")
    raise CliError(f"The files hold {len(codes)} organisations: {_code_list(codes)}. Choose "
                   "one with --org CODE, or analyse them all with --all.")


def _code_list(codes: Sequence[str], limit: int = 30) -> str:
    shown = ", ".join(codes[:limit])
    return shown + (f" ... and {len(codes) - limit} more" if len(codes) > limit else "")


def _peer_summaries(results: AllResults, analysis: TrustAnalysis, kind: str, k: int
                    ) -> dict[tuple[str, str], dict]:
    universe = PeerUniverse.from_results(results, synthetic=False, source="the same files")
    try:
        group = peer_group(universe, analysis.org.code, analysis.year, kind, k=k)
    except KeyError:
        return {}  # no AfC data that year (recruitment only): no stage has peers
    table = peer_comparison(universe, group)
    out = {}
    for row in table.to_dict("records"):
        notes: list[str] = []

        def number(name: str, value: object, notes: list[str] = notes) -> float | None:
            finite = _finite(value)
            if finite is None:
                notes.append(f"{name} is {_describe_missing(value)}")
            return finite

        rank = None if pd.isna(row["rank"]) else int(row["rank"])
        if rank is None:
            notes.append("rank is not defined (the trust's ratio is not defined)")
        summary = {
            "group": kind, "description": group.description, "n": int(row["n"]),
            "median": number("median", row["median"]), "q1": number("q1", row["q1"]),
            "q3": number("q3", row["q3"]), "rank": rank,
            "percentile": number("percentile", row["percentile"]),
            "pooled": number("pooled", row["pooled"]),
            "target": number("target", row["target"]), "tau2": number("tau2", row["tau2"]),
            "limits_95": [number("limits_95 low", row["low95"]),
                          number("limits_95 high", row["high95"])],
            "limits_998": [number("limits_998 low", row["low998"]),
                           number("limits_998 high", row["high998"])],
            "verdict": row["verdict"], "sentence": row["sentence"],
        }
        summary["note"] = "; ".join(filter(None, [group.note, *notes]))
        out[(row["stage_id"], row["comparison"])] = summary
    return out


def _describe_missing(value: object) -> str:
    if value is None or pd.isna(value):
        return "not defined"
    return "infinite" if float(value) > 0 else "minus infinity"


def _finite(value: float | None) -> float | None:
    if value is None or pd.isna(value) or value in (float("inf"), float("-inf")):
        return None
    return float(value)


def _text_report(analysis: TrustAnalysis, dataset: Dataset) -> str:
    org = analysis.org
    lines = [f"{org.name} ({org.code}), {format_given(org.region, 'region')}, "
             f"{format_given(org.type, 'type')}: {format_year(analysis.year)}",
             f"Options: {analysis.options.groups} groups, {analysis.options.ci_method} "
             f"intervals at {analysis.options.level_percent}, {analysis.options.adjust} "
             f"adjustment, tiers {analysis.options.tiers.describe()}", ""]
    if analysis.overall is not None and len(analysis.overall):
        row = analysis.overall.iloc[0]
        lines.append(f"AfC staff: {int(row['total']):,}; BME share of known "
                     f"{format_share(row['bme_share'])}; ethnicity unknown "
                     f"{format_share(row['unknown_share'])} (left out of ratios).")
    if not analysis.has_recruitment:
        lines.append("No recruitment data for this organisation and year: ladder only.")
    lines.append("")
    header = f"{'Stage':<48} {'Group':<7} {'Ratio':>7}  {'Interval':<18} {'adj. p':>7}  Range"
    lines += [header, "-" * len(header)]
    for stage in analysis.stages:
        lines.append(f"{stage.label:<48.48} {stage.comparison:<7.7} "
                     f"{format_ratio(stage.ratio):>7}  "
                     f"{format_interval(stage.ci_low, stage.ci_high):<18} "
                     f"{format_p_value(stage.p_adjusted):>7}  {stage.verdict}"
                     f"{' *' if stage.significant else ''}")
    lines += ["", "* significant after adjustment", ""]
    for bottleneck in analysis.bottlenecks:
        if analysis.options.groups == "detailed":
            lines.append(f"{bottleneck.comparison} staff against White staff:")
        ratios = [f"{f.label} {f.value} ({f.detail})"
                  for f in headline_figures(analysis, bottleneck.comparison)
                  if f.kind == "ratio"]
        lines += [bottleneck.headline, *ratios, bottleneck.detail, ""]
    for report in dataset.reports:
        for header, why in report.ignored_columns:
            lines.append(f"{report.source}: column '{header}' not read ({why}).")
    for report in dataset.reports:
        if report.outcomes:
            lines.append(f"{report.source}: applicant outcomes counted as (applicants, from):")
            lines += [f"  '{o.value}' -> {o.stage} ({o.applicants:,}, {o.how})"
                      for o in report.outcomes]
    if any(report.outcomes for report in dataset.reports):
        lines.append('Correct how an outcome is counted with --status "OUTCOME=STAGE" (applied, '
                     "shortlisted, appointed or 'left out').")
    excluded = sum(r.rows_excluded for r in dataset.reports)
    if excluded:
        lines += ["", f"Data quality: {excluded:,} rows left out across the files "
                      "(see --json for the reasons)."]
    return "\n".join(lines)


def analyse_command(args: argparse.Namespace) -> int:
    options = _options(args)
    missing = [str(f) for f in args.files if not f.exists()]
    if missing:
        raise CliError(f"File not found: {', '.join(missing)}.")
    ladder_files, scorecard_files = _split_files(args.files, args.year)
    # --year is also the year of any file that holds none (never today's year silently).
    dataset = load_dataset(ladder_files, default_year=args.year, status_map=_status_map(args))
    for warning in _unmatched_status(args, dataset):
        print(warning, file=sys.stderr)
    results = analyse_dataset(dataset.workforce, dataset.recruitment, options)
    codes = _choose_orgs(results, args)
    analyses = []
    for code in codes:
        try:
            analyses.append(results.trust(code, args.year))
        except KeyError as error:
            if not args.all:
                raise CliError(str(error).strip("'\"")) from error
    if not analyses:
        years = ", ".join(map(str, results.years)) or "none"
        raise CliError(f"No organisation in the files has data for {args.year}; years with "
                       f"data: {years}.")
    scorecards = _Scorecards(results, analyses, dataset.workforce, scorecard_files, args)
    if args.json:
        trends = _trend_records(results, analyses, args)
        files_quality = _files_quality(dataset)
        counts = _ethnicity_counts(dataset.workforce)
        documents = []
        for analysis in analyses:
            code = analysis.org.code
            peers = (_peer_summaries(results, analysis, args.peers, args.k) if args.peers
                     else None)
            quality = _data_quality(dataset, code, analysis.year, counts=counts,
                                    files=files_quality)
            document = analysis_to_json(analysis, quality, peers=peers,
                                        trends=trends.get((code, analysis.year), {}))
            scorecard = scorecards.of(analysis)
            document["indicators"] = [indicator_record(i) for i in scorecard.items]
            document["pay_gap"] = pay_gap_record(scorecard.pay_gap)
            document["data_quality"]["scorecard_files"] = _scorecard_quality(scorecard_files)
            documents.append(document)
        # Built whole before printing, so a failure never leaves half a document. One trust's
        # document is indented for people; --all's (13 MB on the national sample) is compact,
        # since indenting makes json use its pure-Python encoder.
        text = (json.dumps({"orgs": documents}, allow_nan=False, separators=(",", ":"))
                if args.all else json.dumps(documents[0], indent=1, allow_nan=False))
        sys.stdout.write(text + "\n")
    elif args.csv:
        tables = []
        for analysis in analyses:
            # --suppress: the one disclosure rule of every export (wres_core.exports).
            protected = protect(analysis) if args.suppress else None
            source = protected.stages if protected else analysis.stage_table
            table = source[list(EXPORT_COLUMNS)]
            if args.peers:
                table = _with_peer_columns(
                    table, _peer_summaries(results, analysis, args.peers, args.k))
                if protected:
                    hidden = [(s, c) in protected.hidden_stages
                              for s, c in zip(table["stage_id"], table["comparison"])]
                    table.loc[hidden, list(PEER_OWN_CSV_FIELDS)] = SUPPRESSED
            tables.append(table)
        table = pd.concat(tables, ignore_index=True)
        sys.stdout.write(neutralise_frame(table).to_csv(index=False))
    else:
        reports = []
        for analysis in analyses:
            text = _text_report(analysis, dataset)
            text += "\n\n" + scorecard_text(scorecards.of(analysis))
            if args.peers:
                text += "\n" + _peer_text(_peer_summaries(results, analysis, args.peers,
                                                          args.k))
            reports.append(text)
        # Rows a scorecard file left out, listed as ingest lists a workforce file's.
        left_out = [line for f in scorecard_files if f.rows_excluded
                    for line in f.summary_lines()]
        print("\n\n".join(reports) + ("\n\n" + "\n".join(left_out) if left_out else ""))
    return EXIT_OK


def _trend_records(results: AllResults, analyses: list[TrustAnalysis],
                   args: argparse.Namespace) -> dict[tuple[str, int], dict]:
    """Trend, change, slope and target keys of every stage in the documents, computed once
    for all the organisations (vectorised), not per trust."""
    for name in ("from_year", "to_year"):
        year = getattr(args, name)
        if year is not None and year not in results.years:
            raise CliError(f"--{name.replace('_', '-')} {year}: the files have no such year; "
                           f"years with data: {', '.join(map(str, results.years))}.")
    codes = {a.org.code for a in analyses}
    stages = results.stages
    if len(codes) < len(results.organisations):
        stages = stages[stages["org_code"].isin(codes)]
    try:
        trends = stage_trends(stages, level=results.options.level, from_year=args.from_year,
                              to_year=args.to_year)
    except ValueError as error:
        raise CliError(str(error)) from error
    # Targets are of each document's own year: the trend needs every year, they do not.
    documents = {(a.org.code, a.year) for a in analyses}
    in_documents = pd.MultiIndex.from_arrays(
        [stages["org_code"].astype(str), stages["year"]]).isin(documents)
    return stage_trend_json(trends, stage_targets(stages[in_documents]), len(results.years))


def _split_files(files: Sequence[Path], year: int | None = None
                 ) -> tuple[list[Path], list[IndicatorFile]]:
    """Ladder files (workforce, recruitment) and the scorecard's files, read once each.

    A staff-level file with pay is both: its staff are the workforce and its pay the gap.
    """
    ladder: list[Path] = []
    scorecard: list[IndicatorFile] = []
    for path in files:
        kinds = peek_kinds(path)
        if kinds:
            scorecard.append(read_indicator_file(path, default_year=year))
        if not kinds or kinds == ("pay",):
            ladder.append(path)
    if not ladder:
        raise CliError("Only scorecard files were given: add a workforce file (its headcounts "
                       "give the ladder, indicator 1 and the denominators).")
    return ladder, scorecard


def _table(files: Sequence[IndicatorFile], name: str) -> pd.DataFrame | None:
    frames = [getattr(f, name) for f in files if getattr(f, name) is not None]
    return pd.concat(frames, ignore_index=True) if frames else None


class _Scorecards:
    """The scorecard of each analysed trust, from the scorecard files read once.

    With several trusts, indicators 3 to 9 of all of them are computed once
    (:func:`~wres_core.indicators.scorecard.indicator_results`) and each scorecard looks its
    rows up; for one trust, :func:`build_scorecard` computes its own.
    """

    def __init__(self, results: AllResults, analyses: Sequence[TrustAnalysis],
                 workforce: pd.DataFrame, files: Sequence[IndicatorFile],
                 args: argparse.Namespace):
        self.results, self.analyses, self.workforce, self.args = (results, analyses,
                                                                   workforce, args)
        self.tables = {name: _table(files, name) for name in ("events", "survey", "board",
                                                              "pay")}

    @cached_property
    def indicators(self) -> IndicatorResults | None:
        if len(self.analyses) < 2:
            return None
        return indicator_results(
            self.workforce, events=self.tables["events"], survey=self.tables["survey"],
            board=self.tables["board"], level=self.results.options.level,
            rolling=self.args.rolling, org_codes={a.org.code for a in self.analyses})

    def of(self, analysis: TrustAnalysis):
        results, code = self.results, analysis.org.code
        previous = None
        if analysis.year - 1 in results.years_for(code):
            previous = results.trust(code, analysis.year - 1)
        pay = self.tables["pay"]
        # An estimated gap for every trust of a national file would take minutes: with --all,
        # only a pay file gives a pay gap. build_scorecard takes the trust's own rows from the
        # whole workforce table.
        return build_scorecard(analysis, self.workforce, events=self.tables["events"],
                               survey=self.tables["survey"], board=self.tables["board"],
                               pay=pay, previous=previous, rolling=self.args.rolling,
                               with_pay_gap=pay is not None or not self.args.all,
                               results=self.indicators)


def _scorecard_quality(files: Sequence[IndicatorFile]) -> list[dict]:
    return [{"file": f.source, "kinds": list(f.kinds), "rows_read": f.rows_read,
             "rows_excluded": len(f.excluded), "excluded_by_reason": f.excluded_by_reason(),
             "notes": list(f.notes)} for f in files]


PEER_CSV_FIELDS = ("n", "median", "q1", "q3", "rank", "percentile", "pooled", "target",
                   "verdict")
#: Peer columns that depend on the trust's own ratio (hidden with it).
PEER_OWN_CSV_FIELDS = ("peer_rank", "peer_percentile", "peer_verdict")


def _with_peer_columns(table: pd.DataFrame, peers: dict[tuple[str, str], dict]
                       ) -> pd.DataFrame:
    """The stage table with ``peer_*`` columns (empty where a stage has no peers)."""
    keys = list(zip(table["stage_id"], table["comparison"]))
    out = table.copy()
    for field in PEER_CSV_FIELDS:
        out[f"peer_{field}"] = [peers.get(key, {}).get(field) for key in keys]
    out["peer_group"] = [peers.get(key, {}).get("description") for key in keys]
    return out


def _peer_text(peers: dict[tuple[str, str], dict]) -> str:
    if not peers:
        return "No peer comparison: the organisation has no AfC data that year."
    first = next(iter(peers.values()))
    lines = [f"Against peers ({first['description']}):"]
    for (_stage, _comparison), summary in peers.items():
        lines.append(f"  {summary['sentence']}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "analyse":
            return analyse_command(args)
        if args.command == "report":
            return report_command(args)
        for path in write_sample_data(args.directory).values():
            print(path)
        return EXIT_OK
    except (IngestError, CliError) as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        # The reader went away (e.g. `| head`): stop quietly, as Unix tools do.
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - silence the flush at exit
        return EXIT_OK
