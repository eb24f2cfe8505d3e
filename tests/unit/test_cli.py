"""Tests for the command line, ``python -m wres_core analyse``.

Most tests call ``cli.main([...])`` in-process (capsys); a few run the module in a
subprocess. SYN041's numbers are checked against a calculation done here from the raw
sample CSV with plain pandas and scipy, not by calling the engine again.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from wres_core import synthetic
from wres_core.bands import AFC_BANDS
from wres_core.cli import main
from wres_core.reports import EXPORT_COLUMNS

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "sample_data"
WORKFORCE = str(SAMPLE / "national_workforce.csv")
RECRUITMENT = str(SAMPLE / "national_recruitment.csv")
TRUST = "SYN041"

STAGE_KEYS = {"id", "label", "kind", "white_from", "white_to", "bme_from", "bme_to", "ratio",
              "ci_low", "ci_high", "ci_method", "p_value", "p_adjusted", "test", "adverse",
              "significant", "sentence", "note"}
PEER_KEYS = {"n", "median", "q1", "q3", "rank", "percentile", "target", "tau2", "limits_95",
             "limits_998", "verdict"}


def run(*args: str) -> tuple[int, str, str]:
    """main() with stdout and stderr captured (usable from module-scoped fixtures)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


def strict_loads(text: str):
    def refuse(token: str):
        raise AssertionError(f"non-JSON token {token} in the output")
    return json.loads(text, parse_constant=refuse)


@pytest.fixture(scope="module")
def small_files(tmp_path_factory) -> tuple[str, str]:
    """Five synthetic trusts, two years, as CSV files."""
    directory = tmp_path_factory.mktemp("cli")
    years = (2023, 2024)
    workforce = synthetic.generate_workforce(n_trusts=5, years=years, seed=8)
    recruitment = synthetic.generate_recruitment(n_trusts=5, years=years, seed=8)
    paths = directory / "workforce.csv", directory / "recruitment.csv"
    workforce.to_csv(paths[0], index=False)
    recruitment.to_csv(paths[1], index=False)
    return str(paths[0]), str(paths[1])


@pytest.fixture(scope="module")
def syn041() -> dict:
    code, out, err = run("analyse", WORKFORCE, RECRUITMENT, "--org", TRUST, "--json",
                         "--peers", "type")
    assert code == 0, err
    return strict_loads(out)


@pytest.fixture(scope="module")
def raw() -> tuple[pd.DataFrame, pd.DataFrame]:
    """SYN041's 2024 rows, read with plain pandas."""
    workforce = pd.read_csv(WORKFORCE, dtype={"band": str})
    recruitment = pd.read_csv(RECRUITMENT)
    return workforce[workforce["year"] == 2024], recruitment[recruitment["year"] == 2024]


def holm(p: list[float]) -> list[float]:
    order = sorted(range(len(p)), key=lambda i: p[i])
    out, running = [0.0] * len(p), 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (len(p) - rank) * p[i]))
        out[i] = running
    return out


# --- SYN041 against an independent calculation ------------------------------------------------


def test_syn041_stage_counts_and_ratios_match_plain_pandas(syn041, raw):
    workforce, recruitment = raw
    mine = workforce[(workforce["org_code"] == TRUST) & workforce["band"].isin(AFC_BANDS)]
    sums = mine.groupby(["band", "ethnicity"])["headcount"].sum()
    present = [b for b in AFC_BANDS if mine.loc[mine["band"] == b, "headcount"].sum() > 0]

    def count(bands, who):
        return int(sum(sums.get((b, who), 0) for b in bands))

    expected = {}
    for low, high in itertools.pairwise(present):
        expected[f"band:{low.lower()}-{high.lower()}"] = ([low], [high])
    lower, middle, upper = AFC_BANDS[:5], AFC_BANDS[5:7], AFC_BANDS[7:]
    expected |= {"tier:lower-middle": (lower, middle), "tier:middle-upper": (middle, upper),
                 "tier:lower-upper": (lower, upper)}
    stages = {s["id"]: s for s in syn041["stages"]}
    assert syn041["year"] == 2024, "the latest year by default"
    band_ids = [s["id"] for s in syn041["stages"] if s["kind"] == "band"]
    assert band_ids == [k for k in expected if k.startswith("band:")], band_ids
    for stage_id, (a, b) in expected.items():
        wf, wt, bf, bt = count(a, "White"), count(b, "White"), count(a, "BME"), count(b, "BME")
        stage = stages[stage_id]
        assert (stage["white_from"], stage["white_to"], stage["bme_from"], stage["bme_to"]) == (
            wf, wt, bf, bt), stage_id
        if bt == 0:
            assert stage["ratio"] is None and "ratio is infinite" in stage["note"], stage_id
        else:
            assert stage["ratio"] == pytest.approx((wt / wf) / (bt / bf), rel=1e-12), stage_id
    rec = recruitment[recruitment["org_code"] == TRUST].groupby(["ethnicity", "stage"])[
        "headcount"].sum()
    for entering, passing in (("applied", "shortlisted"), ("shortlisted", "appointed")):
        stage = stages[f"recruitment:{entering}-{passing}"]
        wf, wt = rec[("White", entering)], rec[("White", passing)]
        bf, bt = rec[("BME", entering)], rec[("BME", passing)]
        assert (stage["white_from"], stage["white_to"], stage["bme_from"], stage["bme_to"]) == (
            wf, wt, bf, bt)
        assert stage["ratio"] == pytest.approx((wt / wf) / (bt / bf), rel=1e-12)
        assert stage["kind"] == "recruitment"


def test_syn041_p_values_match_scipy_and_holm(syn041):
    stages = {s["id"]: s for s in syn041["stages"]}
    step = stages["band:7-8a"]
    table = [[step["white_to"], step["white_from"]], [step["bme_to"], step["bme_from"]]]
    if step["test"] == "Fisher's exact":
        expected = stats.fisher_exact(table).pvalue
    else:
        expected = stats.chi2_contingency(table, correction=False).pvalue
    assert step["p_value"] == pytest.approx(expected, rel=1e-6), step["test"]
    appointed = stages["recruitment:shortlisted-appointed"]
    wt, wf, bt, bf = (appointed[k] for k in ("white_to", "white_from", "bme_to", "bme_from"))
    expected = stats.chi2_contingency([[wt, wf - wt], [bt, bf - bt]], correction=False).pvalue
    assert appointed["test"] == "Pearson chi-square"
    assert appointed["p_value"] == pytest.approx(expected, rel=1e-6)
    small = [s for s in syn041["stages"] if s["test"] == "Fisher's exact"]
    assert small, "SYN041 has small upper-band steps"
    for stage in small:
        table = [[stage["white_to"], stage["white_from"]], [stage["bme_to"], stage["bme_from"]]]
        assert stage["p_value"] == pytest.approx(stats.fisher_exact(table).pvalue, rel=1e-6), (
            stage["id"])
    tested = [s for s in syn041["stages"] if s["p_value"] is not None]
    adjusted = holm([s["p_value"] for s in tested])
    for stage, p in zip(tested, adjusted):
        assert stage["p_adjusted"] == pytest.approx(p, rel=1e-9), stage["id"]
        assert stage["significant"] == (stage["p_adjusted"] < 0.05), stage["id"]
    for stage in syn041["stages"]:
        if stage["ratio"] is None:
            assert stage["adverse"] == ("ratio is infinite" in stage["note"]), stage["id"]
        else:
            assert stage["adverse"] == (stage["ratio"] > 1.25), stage["id"]


def test_syn041_representation_matches_plain_pandas(syn041, raw):
    workforce, _ = raw
    mine = workforce[workforce["org_code"] == TRUST]
    sums = mine.groupby(["band", "ethnicity"])["headcount"].sum()
    rep = {r["band"]: r for r in syn041["representation"]}
    for band in ("2", "5", "8a", "Consultant"):
        white, bme, unknown = (int(sums.get((band, who), 0)) for who in ("White", "BME",
                                                                           "Unknown"))
        row = rep[band]
        assert (row["white"], row["bme"], row["unknown"]) == (white, bme, unknown), band
        assert row["bme_share"] == pytest.approx(bme / (white + bme), rel=1e-12), band
        assert row["ci_low"] < row["bme_share"] < row["ci_high"], band
        assert row["unknown_share"] == pytest.approx(unknown / (white + bme + unknown)), band
    quality = syn041["data_quality"]
    assert quality["year"] == 2024
    assert quality["unknown_ethnicity"] == int(mine.loc[mine["ethnicity"] == "Unknown",
                                                        "headcount"].sum())
    assert quality["headcount"] == int(mine["headcount"].sum()), "that year only"
    assert [f["file"] for f in quality["files"]] == ["national_workforce.csv",
                                                     "national_recruitment.csv"]


def test_syn041_peers_against_plain_pandas(syn041, raw):
    workforce, _ = raw
    acute = workforce[(workforce["org_type"] == "Acute") & workforce["band"].isin(AFC_BANDS)]
    tier = np.where(acute["band"].isin(AFC_BANDS[:5]), "lower",
                    np.where(acute["band"].isin(AFC_BANDS[7:]), "upper", "middle"))
    sums = acute.assign(tier=tier).pivot_table(index="org_code", columns=["tier", "ethnicity"],
                                               values="headcount", aggfunc="sum", fill_value=0)
    ratios = ((sums[("upper", "White")] / sums[("lower", "White")])
              / (sums[("upper", "BME")] / sums[("lower", "BME")]))
    stage = next(s for s in syn041["stages"] if s["id"] == "tier:lower-upper")
    peers = stage["peers"]
    assert set(peers) >= PEER_KEYS, PEER_KEYS - set(peers)
    assert peers["n"] == len(ratios) == 122
    finite = ratios[np.isfinite(ratios)]
    assert len(finite) == len(ratios), "every acute trust has a finite lower-upper ratio"
    assert peers["median"] == pytest.approx(float(ratios.median()), rel=1e-12)
    assert peers["q1"] == pytest.approx(float(ratios.quantile(0.25)), rel=1e-12)
    assert peers["q3"] == pytest.approx(float(ratios.quantile(0.75)), rel=1e-12)
    own = ratios[TRUST]
    assert peers["rank"] == 1 + int((ratios > own).sum())
    assert peers["percentile"] == pytest.approx(100 * (ratios < own).sum() / len(ratios))
    low, high = peers["limits_95"]
    outer_low, outer_high = peers["limits_998"]
    assert outer_low < low < peers["target"] < high < outer_high
    expected = ("strongly higher" if own > outer_high else "significantly higher" if own > high
                else "strongly lower" if own < outer_low else "significantly lower"
                if own < low else "similar")
    assert peers["verdict"] == expected
    assert isinstance(peers["rank"], int) and isinstance(peers["n"], int)
    assert peers["group"] == "type" and peers["description"] == "122 acute trusts"


def test_syn041_document_has_the_documented_keys(syn041):
    for key in ("org", "year", "representation", "stages", "bottleneck", "data_quality"):
        assert key in syn041, key
    assert set(syn041["org"]) == {"code", "name", "region", "type"}
    assert syn041["org"]["code"] == TRUST and syn041["org"]["type"] == "Acute"
    assert syn041["org"]["name"].startswith("Abbot’s Marrow"), syn041["org"]["name"]
    for stage in syn041["stages"]:
        assert set(stage) >= STAGE_KEYS, (stage["id"], STAGE_KEYS - set(stage))
    for row in syn041["representation"]:
        assert {"band", "white", "bme", "unknown", "bme_share", "ci_low", "ci_high"} <= set(row)
    assert syn041["bottleneck"]["id"] == "band:7-8a", syn041["bottleneck"]
    assert syn041["bottleneck"]["sentence"].startswith("The bottleneck is band 7 to band 8a")
    assert isinstance(syn041["data_quality"], dict) and "files" in syn041["data_quality"]


def test_non_finite_numbers_are_null_with_a_note(syn041):
    infinite = [s for s in syn041["stages"] if s["ratio"] is None]
    assert infinite, "SYN041 2024 has band 9 to VSM with no BME staff in VSM"
    for stage in infinite:
        assert "ratio is" in stage["note"], stage
    for stage in syn041["stages"]:
        for key in ("ratio", "ci_low", "ci_high", "p_value", "p_adjusted"):
            if stage[key] is None:
                assert f"{key} is" in stage["note"], (stage["id"], key, stage["note"])
        peers = stage["peers"]
        for key in ("median", "q1", "q3", "percentile", "target", "tau2"):
            if peers[key] is None:
                assert f"{key} is" in peers["note"], (stage["id"], key, peers["note"])


# --- options and output modes -----------------------------------------------------------------


def test_text_report(capsys):
    code = main(["analyse", WORKFORCE, RECRUITMENT, "--org", TRUST])
    out = capsys.readouterr().out
    assert code == 0
    assert out.startswith("Abbot’s Marrow University Hospitals Trust (synthetic) (SYN041), "
                          "North West, Acute: 2024"), out[:200]
    assert "Band 7 to band 8a" in out and "The bottleneck is band 7 to band 8a" in out
    assert "* significant after adjustment" in out


def test_all_gives_one_document_per_organisation(small_files, capsys):
    code = main(["analyse", *small_files, "--all", "--json"])
    document = strict_loads(capsys.readouterr().out)
    assert code == 0 and set(document) == {"orgs"}
    codes = [d["org"]["code"] for d in document["orgs"]]
    assert codes == [f"SYN00{i}" for i in range(1, 6)], codes
    assert all(d["year"] == 2024 for d in document["orgs"])
    code = main(["analyse", *small_files, "--all", "--json", "--year", "2023"])
    assert code == 0 and all(d["year"] == 2023 for d in strict_loads(
        capsys.readouterr().out)["orgs"])


def test_several_organisations_without_org_asks_for_one(small_files, capsys):
    code = main(["analyse", *small_files])
    captured = capsys.readouterr()
    assert code == 2 and captured.out == ""
    assert "The files hold 5 organisations: SYN001, SYN002, SYN003, SYN004, SYN005" in (
        captured.err), captured.err
    assert "--org CODE" in captured.err and "--all" in captured.err


def test_single_organisation_file_needs_no_org(tmp_path, capsys):
    table = synthetic.generate_workforce(n_trusts=3, years=(2024,), seed=4)
    path = tmp_path / "one.csv"
    table[table["org_code"] == "SYN002"].to_csv(path, index=False)
    assert main(["analyse", str(path), "--json"]) == 0
    document = strict_loads(capsys.readouterr().out)
    assert document["org"]["code"] == "SYN002" and document["has_recruitment"] is False
    assert all(s["kind"] != "recruitment" for s in document["stages"])


@pytest.mark.parametrize(("args", "message"), [
    (["--org", "NOPE"], "Organisation 'NOPE' is not in the files. Codes found: SYN001"),
    (["--org", "SYN001", "--year", "1999"], "SYN001 has no data for 1999; years with data: "
                                            "2023, 2024"),
    (["--all", "--csv", "--year", "1999"], "No organisation in the files has data for 1999"),
    (["--org", "SYN001", "--tiers", "7,6"], "--tiers '7,6'"),
    (["--org", "SYN001", "--level", "1.5"], "level must be"),
])
def test_usage_errors_exit_2_with_a_message(small_files, capsys, args, message):
    code = main(["analyse", *small_files, *args])
    captured = capsys.readouterr()
    assert code == 2 and message in captured.err, captured.err
    assert "Traceback" not in captured.err


def test_bad_and_missing_files_print_the_error_and_exit_2(tmp_path, capsys):
    bad = tmp_path / "notes.csv"
    bad.write_text("this is not\na workforce table\n", encoding="utf-8")
    code = main(["analyse", str(bad)])
    captured = capsys.readouterr()
    assert code == 2 and captured.err.startswith("error: "), captured.err
    assert "notes.csv" in captured.err and "Traceback" not in captured.err
    code = main(["analyse", str(tmp_path / "missing.csv")])
    captured = capsys.readouterr()
    assert code == 2 and "File not found" in captured.err and "missing.csv" in captured.err


def test_csv_output_and_suppression(small_files, capsys):
    assert main(["analyse", *small_files, "--org", "SYN003", "--csv"]) == 0
    table = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert list(table.columns) == list(EXPORT_COLUMNS)
    assert set(table["org_code"]) == {"SYN003"} and set(table["year"]) == {2024}
    assert main(["analyse", *small_files, "--org", "SYN003", "--csv", "--suppress"]) == 0
    suppressed = pd.read_csv(io.StringIO(capsys.readouterr().out), dtype=str)
    for column in ("white_from", "white_to", "bme_from", "bme_to"):
        raw_values = table[column].astype(int)
        small = raw_values.between(1, 7)
        assert (suppressed.loc[small, column] == "*").all(), column
        assert (suppressed.loc[~small, column] == raw_values[~small].astype(str)).all(), column
    assert (table[["white_from", "white_to", "bme_from", "bme_to"]].to_numpy() <= 7).any()


def test_groups_ci_method_level_and_adjust_options(small_files, capsys):
    main(["analyse", *small_files, "--org", "SYN001", "--json", "--groups", "detailed",
          "--ci-method", "exact", "--level", "0.9", "--adjust", "bh"])
    document = strict_loads(capsys.readouterr().out)
    stages = document["stages"]
    assert {s["comparison"] for s in stages} == {"Mixed", "Asian", "Black", "Other"}
    assert document["options"] == {**document["options"], "groups": "detailed",
                                   "ci_method": "exact", "level": 0.9, "adjust": "bh"}
    for stage in stages:
        if stage["ci_method"]:
            assert stage["ci_method"] in ("exact (conditional)", "score (Koopman)"), stage
            assert stage["test"] == "Fisher's exact", stage
        if stage["p_adjusted"] is not None:
            assert stage["significant"] == (stage["p_adjusted"] < 0.1 - 1e-12), stage["id"]
            assert "90% CI" in stage["sentence"] or "90% interval" in stage["sentence"], (
                stage["sentence"])
    assert [b["comparison"] for b in document["bottlenecks"]] == ["Mixed", "Asian", "Black",
                                                                  "Other"]


def test_staff_group_option(small_files, capsys, tmp_path):
    main(["analyse", small_files[0], "--org", "SYN002", "--json", "--staff-group", "clinical"])
    document = strict_loads(capsys.readouterr().out)
    table = pd.read_csv(small_files[0], dtype={"band": str})
    clinical = table[(table["org_code"] == "SYN002") & (table["year"] == 2024)
                     & (table["staff_group"] == "Clinical") & (table["band"] == "6")]
    stage = next(s for s in document["stages"] if s["id"] == "band:5-6")
    assert stage["white_to"] == clinical.loc[clinical["ethnicity"] == "White",
                                             "headcount"].sum()
    assert document["options"]["staff_group"] == "Clinical"


def test_peers_size_with_k(small_files, capsys):
    main(["analyse", *small_files, "--org", "SYN001", "--json", "--peers", "size", "--k", "3"])
    document = strict_loads(capsys.readouterr().out)
    for stage in document["stages"]:
        peers = stage["peers"]
        assert peers is not None and peers["group"] == "size", stage["id"]
        assert peers["n"] <= 3 and "the 3 trusts nearest in size" in peers["description"]


def test_zero_cells_give_null_and_a_note(tmp_path, capsys):
    rows = [("Z1", band, who, n) for band, who, n in (
        ("5", "White", 300), ("5", "BME", 100), ("6", "White", 200), ("6", "BME", 60),
        ("8a", "White", 30), ("8b", "BME", 0), ("8b", "White", 9))]
    frame = pd.DataFrame(rows, columns=["org_code", "band", "ethnicity", "headcount"])
    frame.insert(1, "year", 2024)
    path = tmp_path / "zero.csv"
    frame[frame["headcount"] > 0].to_csv(path, index=False)
    assert main(["analyse", str(path), "--json"]) == 0
    text = capsys.readouterr().out
    assert "NaN" not in text and "Infinity" not in text
    stages = {s["id"]: s for s in strict_loads(text)["stages"]}
    undefined = stages["band:8a-8b"]
    assert undefined["ratio"] is None and "ratio is not defined" in undefined["note"]
    infinite = stages["band:6-8a"]
    assert infinite["ratio"] is None and "ratio is infinite" in infinite["note"]
    assert infinite["ci_low"] is not None and infinite["ci_high"] is None


# --- as a program -----------------------------------------------------------------------------


def test_module_runs_as_a_program(syn041):
    done = subprocess.run(
        [sys.executable, "-m", "wres_core", "analyse", "sample_data/national_workforce.csv",
         "sample_data/national_recruitment.csv", "--org", TRUST, "--json", "--peers", "type"],
        cwd=REPO, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    document = strict_loads(done.stdout)
    assert document["stages"] == syn041["stages"], "same document as main() in-process"
    assert document["bottleneck"] == syn041["bottleneck"]


def test_program_reports_a_bad_file_without_a_traceback(tmp_path):
    bad = tmp_path / "binary.xlsx"
    bad.write_bytes(b"\x00\x01garbage" * 50)
    done = subprocess.run([sys.executable, "-m", "wres_core", "analyse", str(bad)],
                          cwd=REPO, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 2, (done.returncode, done.stderr)
    assert done.stderr.startswith("error: ") and "binary.xlsx" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""


def test_no_nan_tokens_anywhere_for_a_whole_national_run():
    """Every trust of the sample files, as one --all document, is strict JSON."""
    code, out, err = run("analyse", WORKFORCE, RECRUITMENT, "--all", "--json")
    assert code == 0, err
    document = strict_loads(out)
    assert len(document["orgs"]) == 215
    ratios = [s["ratio"] for d in document["orgs"] for s in d["stages"]]
    assert any(r is None for r in ratios) and all(r is None or math.isfinite(r) for r in ratios)


# --- scorecard files: rows left out, repeated rows ---------------------------------------------


def test_text_output_lists_the_rows_a_scorecard_file_left_out(small_files, tmp_path, capsys):
    disciplinary = tmp_path / "disciplinary.csv"
    disciplinary.write_text("Organisation code,Year,Ethnicity,Headcount,Disciplinary\n"
                            "SYN001,2024,White,,3\nSYN001,2024,White British,900,2\n"
                            "SYN001,2024,BME,400,2\n", encoding="utf-8")
    code = main(["analyse", small_files[0], str(disciplinary), "--org", "SYN001"])
    out = capsys.readouterr().out
    assert code == 0
    assert out.rstrip().endswith(
        "disciplinary.csv: read 3 rows as disciplinary data.\n"
        "Used 2 rows; left out 1:\n"
        "  - 1 row excluded: blank required field in column 'Headcount'; e.g. '(blank)'. "
        "Row 2."), out[-400:]


def test_a_scorecard_file_giving_a_trust_year_twice_exits_2_naming_the_rows(
        small_files, tmp_path, capsys):
    disciplinary = tmp_path / "disciplinary.csv"
    disciplinary.write_text("Organisation code,Year,Ethnicity,Headcount,Disciplinary\n"
                            "SYN001,2024,White,900,3\nSYN001,2024,BME,400,2\n"
                            "SYN001,2024,White,950,4\n", encoding="utf-8")
    code = main(["analyse", small_files[0], str(disciplinary), "--org", "SYN001"])
    captured = capsys.readouterr()
    assert code == 2 and captured.out == ""
    assert captured.err.startswith("error: disciplinary.csv: Rows 2 and 4 give the same "
                                   "organisation, year and ethnic group (SYN001, 2024, White)")


# --- --status: correcting how an applicant file's outcomes are counted --------------------------

APPLICANTS = REPO / "tests" / "fixtures" / "ingest" / "applicants_status.csv"
CORRECTIONS = ("--status", "On hold=applied", "--status", "Offer declined=shortlisted")


@pytest.fixture
def one_trust(tmp_path) -> str:
    """A small workforce file of one trust in 2024: the applicant file (no trust, no year)
    is attached to it."""
    path = tmp_path / "rcc.csv"
    path.write_text("Organisation code,Organisation name,Year,Pay band,Ethnicity,Headcount\n"
                    "RCC,Clean Test Trust,2024,Band 5,White British,40\n"
                    "RCC,Clean Test Trust,2024,Band 5,Indian,20\n"
                    "RCC,Clean Test Trust,2024,Band 6,White British,30\n"
                    "RCC,Clean Test Trust,2024,Band 6,Indian,10\n", encoding="utf-8")
    return str(path)


def recruitment_counts(document: dict) -> dict[str, tuple[int, int, int, int]]:
    return {s["id"]: (s["white_from"], s["white_to"], s["bme_from"], s["bme_to"])
            for s in document["stages"] if s["kind"] == "recruitment"}


def test_status_corrections_change_the_counts_as_worked_by_hand(one_trust, capsys):
    # By hand (tests/unit/test_ingest_applicants.py): the status table gives White 13/7/4 and
    # BME 12/5/1; "On hold" -> applied brings back one White and one BME applicant, and
    # "Offer declined" -> shortlisted takes one White appointment away: White 14/7/3, BME 13/5/1.
    assert main(["analyse", one_trust, str(APPLICANTS), "--json"]) == 0
    assert recruitment_counts(strict_loads(capsys.readouterr().out)) == {
        "recruitment:applied-shortlisted": (13, 7, 12, 5),
        "recruitment:shortlisted-appointed": (7, 4, 5, 1)}
    assert main(["analyse", one_trust, str(APPLICANTS), *CORRECTIONS, "--json"]) == 0
    assert recruitment_counts(strict_loads(capsys.readouterr().out)) == {
        "recruitment:applied-shortlisted": (14, 7, 13, 5),
        "recruitment:shortlisted-appointed": (7, 3, 5, 1)}


def test_text_output_shows_the_outcome_mapping_with_the_corrections(one_trust, capsys):
    assert main(["analyse", one_trust, str(APPLICANTS), *CORRECTIONS]) == 0
    lines = capsys.readouterr().out.splitlines()
    start = lines.index("applicants_status.csv: applicant outcomes counted as (applicants, "
                        "from):")
    shown = lines[start + 1:start + 11]
    assert "  'On hold' -> applied (2, your mapping)" in shown
    assert "  'Offer declined' -> shortlisted (1, your mapping)" in shown
    assert "  'Withdrawn' -> applied (3, the status table)" in shown
    assert any(line.startswith('Correct how an outcome is counted with --status "OUTCOME=STAGE"')
               for line in lines)


def test_json_carries_the_outcome_mapping_with_the_corrections(one_trust, capsys):
    """The applicant file's outcomes in the JSON, as the text lists them: the counts per
    outcome are the fixture's, counted by hand (tests/unit/test_ingest_applicants.py)."""
    assert main(["analyse", one_trust, str(APPLICANTS), *CORRECTIONS, "--json"]) == 0
    files = strict_loads(capsys.readouterr().out)["data_quality"]["files"]
    applicants = next(f for f in files if f["file"] == "applicants_status.csv")
    outcomes = {o["outcome"]: (o["stage"], o["applicants"], o["from"])
                for o in applicants["applicant_outcomes"]}
    assert outcomes["On hold"] == ("applied", 2, "your mapping")
    assert outcomes["Offer declined"] == ("shortlisted", 1, "your mapping")
    assert outcomes["Withdrawn"] == ("applied", 3, "the status table")
    workforce = next(f for f in files if f["file"] == "rcc.csv")
    assert workforce["applicant_outcomes"] == []


@pytest.mark.parametrize(("correction", "message"), [
    ("On hold=maybe", "argument --status: 'On hold=maybe': 'maybe' is not a recruitment stage; "
                      "use one of applied, shortlisted, appointed, left out."),
    ("On hold", "argument --status: 'On hold': give the outcome as written in the file, '=' "
                "and the stage it counts as"),
])
def test_a_bad_status_correction_is_refused_with_a_message(one_trust, capsys, correction,
                                                           message):
    with pytest.raises(SystemExit) as stopped:
        main(["analyse", one_trust, str(APPLICANTS), "--status", correction])
    captured = capsys.readouterr()
    assert stopped.value.code == 2 and captured.out == ""
    assert message in captured.err, captured.err


def test_a_status_correction_that_matches_no_outcome_is_warned_about(one_trust, capsys):
    assert main(["analyse", one_trust, str(APPLICANTS), "--status", "Offer declned=applied",
                 "--json"]) == 0
    captured = capsys.readouterr()
    strict_loads(captured.out)   # the warning stays out of the JSON
    assert ("warning: --status 'Offer declned=applied': no applicant file has the outcome "
            "'Offer declned'.") in captured.err


def test_json_names_the_numeric_columns_not_read(tmp_path, capsys):
    """A column of percentages beside the counts is not read: the JSON says which and why,
    as the text output does."""
    path = tmp_path / "with_rates.csv"
    path.write_text("Organisation code,Year,Pay band,Ethnicity,Headcount,Percent of band\n"
                    "RCC,2024,Band 5,White British,40,66.7\n"
                    "RCC,2024,Band 5,Indian,20,33.3\n"
                    "RCC,2024,Band 6,White British,30,75.0\n"
                    "RCC,2024,Band 6,Indian,10,25.0\n", encoding="utf-8")
    assert main(["analyse", str(path), "--json"]) == 0
    files = strict_loads(capsys.readouterr().out)["data_quality"]["files"]
    assert files[0]["ignored_columns"] == [
        {"column": "Percent of band",
         "why": "a percentage or rate: counts are read, not rates"}]
