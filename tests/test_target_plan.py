"""marts.target_progress (people, rupiah, trend range), marts.projection_backtest and marts.target_plan on hand-made
targets, worked out by hand.

Kota Batu (35.79), 1,000 employed persons; 170 participants in January 2023, ten more every month, 400 (40%) in
December 2024, 40% of them BPU. Kota Madiun (35.77): a noisy series, so that the trend line makes errors.
"""

import duckdb
import pandas as pd
import pytest

from tests.sql_models import build_models, load_seeds

RATE = 16_800
MONTHS = [f"{y}-{m:02d}-01" for y in (2023, 2024) for m in range(1, 13)]
MADIUN = [600, 640, 610, 670, 650, 700, 690, 720, 700, 760, 730, 780] * 2


@pytest.fixture(scope="module")
def planned():
    con = duckdb.connect()
    con.execute("CREATE SCHEMA ref; CREATE SCHEMA core; CREATE SCHEMA marts")
    load_seeds(con)
    con.execute("CREATE TABLE ref.regions (region_code VARCHAR, region_name VARCHAR)")
    con.execute(
        "INSERT INTO ref.regions VALUES ('35.79', 'Kota Batu'), ('35.73', 'Kota Malang'), ('35.77', 'Kota Madiun')"
    )
    con.execute(
        "CREATE TABLE marts.coverage (period DATE, region_code VARCHAR, segment VARCHAR, active_participants BIGINT, workforce BIGINT, coverage_pct DOUBLE)"
    )
    for i, month in enumerate(MONTHS):
        people = 170 + 10 * i
        con.execute("INSERT INTO marts.coverage VALUES (?, '35.79', 'ALL', ?, 1000, ?)", [month, people, people / 10])
        con.execute(
            "INSERT INTO marts.coverage VALUES (?, '35.79', 'BPU', ?, 500, ?)", [month, people * 0.4, people * 0.08]
        )
        con.execute(
            "INSERT INTO marts.coverage VALUES (?, '35.77', 'ALL', ?, 2000, ?)", [month, MADIUN[i], MADIUN[i] / 20]
        )
        con.execute(
            "INSERT INTO marts.coverage VALUES (?, '35.77', 'PU', ?, 1000, ?)", [month, MADIUN[i] / 2, MADIUN[i] / 20]
        )
    con.execute(
        "CREATE TABLE marts.vulnerable_workers (period DATE, region_code VARCHAR, funding_source VARCHAR, occupation VARCHAR, "
        "insured_workers BIGINT, contribution_idr BIGINT)"
    )
    for i, month in enumerate(MONTHS[-6:]):
        con.execute(
            "INSERT INTO marts.vulnerable_workers VALUES (?, '35.79', 'DBHCHT', 'ALL', ?, ?)",
            [month, 100 + 10 * i, (100 + 10 * i) * RATE],
        )
    con.execute("""CREATE TABLE core.targets AS SELECT * FROM (VALUES
        ('OPEN', '35.79', 'ALL', 'coverage_pct', 50.0, DATE '2025-06-01', NULL::DATE, NULL, 'bps_employed', NULL::DOUBLE, 'test', 'targets.csv'),
        ('MET', '35.79', 'ALL', 'active_participants', 300.0, DATE '2025-06-01', NULL, NULL, NULL, NULL, 'test', 'targets.csv'),
        ('PAST', '35.79', 'ALL', 'coverage_pct', 45.0, DATE '2024-03-01', NULL, NULL, NULL, NULL, 'test', 'targets.csv'),
        ('NODATA', '35.73', 'ALL', 'coverage_pct', 45.0, DATE '2025-06-01', NULL, NULL, NULL, NULL, 'test', 'targets.csv'),
        ('FUNDER', '35.79', 'BPU', 'active_participants', 200.0, DATE '2025-06-01', NULL, 'DBHCHT', NULL, 50000000.0, 'test', 'targets.csv'),
        ('NOISY', '35.77', 'ALL', 'coverage_pct', 40.0, DATE '2025-06-01', NULL, NULL, NULL, NULL, 'test', 'targets.csv'),
        ('WAGE', '35.77', 'PU', 'coverage_pct', 50.0, DATE '2025-06-01', NULL, NULL, NULL, NULL, 'test', 'targets.csv')
    ) t(target_id, region_code, segment, metric, target_value, deadline, baseline_period, funding_source, denominator, budget_idr, source, file_path)""")
    build_models(con, "target_series", "projection_backtest", "target_progress", "target_plan")
    yield con
    con.close()


def progress(con, target_id: str) -> dict:
    cursor = con.execute("SELECT * FROM marts.target_progress WHERE target_id = ?", [target_id])
    return dict(zip([d[0] for d in cursor.description], cursor.fetchone()))


def test_an_open_coverage_target_in_people_and_rupiah(planned):
    row = progress(planned, "OPEN")
    assert (row["months_remaining"], row["workforce_at_as_of"], row["current_participants"]) == (
        6,
        1000,
        400,
    )
    assert row["participants_needed"] == 100  # 50% of 1,000 employed, less the 400 covered
    assert row["required_monthly_participants"] == pytest.approx(100 / 6) and row[
        "recent_monthly_participants"
    ] == pytest.approx(10)
    # An all-segment target: the gap split by the BPU share of participants now (40%), only that part costed at the
    # BPU rate, and said so. Enrolled evenly over six months, each insured until June: 40 x (6 + 1) / 2
    # worker-months; then a year.
    assert row["costed_participants"] == 40 and "porsi BPU" in row["cost_basis"] and "40,0%" in row["cost_basis"]
    assert row["cost_to_deadline_idr"] == 40 * 7 // 2 * RATE == 2_352_000
    assert row["cost_year_after_deadline_idr"] == 40 * 12 * RATE
    # A straight line, one point a month: 46% at the deadline. Its own history has no error, but a range is never
    # zero wide, and a finite history never gives a chance of exactly 0: off track, not "at risk".
    assert row["trend_at_deadline"] == pytest.approx(46)
    assert row["trend_low_80"] <= 46 - 0.005 * 40 and row["trend_high_80"] >= 46 + 0.005 * 40
    assert 0 < row["probability_reaching"] < 0.3 and row["status"] == "off_track"


def test_the_monthly_plan_follows_a_straight_path_and_adds_up_to_the_cost(planned):
    plan = planned.execute(
        "SELECT strftime(period, '%Y-%m'), months_to_deadline, required_participants, participants_at_run_rate, behind_run_rate, funded_workers, "
        "plan_contribution_idr, plan_cumulative_idr, round(required_coverage_pct, 1) FROM marts.target_plan WHERE target_id = 'OPEN' ORDER BY period"
    ).fetchall()
    assert [p[0] for p in plan] == ["2025-01", "2025-02", "2025-03", "2025-04", "2025-05", "2025-06"]
    # Of the 50 more needed by March, the 20 costed (BPU) ones are funded.
    assert plan[2] == ("2025-03", 3, 450, 430, 20, 20, 20 * RATE, (40 + 80 + 120) // 6 * RATE, 45.0)
    assert plan[-1][1:3] == (0, 500) and plan[-1][7] == 2_352_000  # the cumulative plan is the cost to the deadline


def test_a_met_target_a_missed_one_and_one_without_data(planned):
    met, past, nodata = progress(planned, "MET"), progress(planned, "PAST"), progress(planned, "NODATA")
    # A closed target shows no chance, no projection and no people "still needed": only how far below its level it is now.
    assert (met["status"], met["participants_needed"], met["probability_reaching"], met["cost_to_deadline_idr"]) == (
        "achieved",
        None,
        None,
        None,
    )
    assert (met["projected_at_deadline"], met["below_target_participants"]) == (None, 0)
    assert (past["status"], past["probability_reaching"], past["months_remaining"], past["cost_to_deadline_idr"]) == (
        "missed",
        None,
        0,
        None,
    )
    assert (past["participants_needed"], past["below_target_participants"]) == (None, 50)  # 45% of 1,000 less 400
    assert (nodata["status"], nodata["probability_reaching"], nodata["participants_needed"]) == ("no_data", None, None)
    planned_ids = {t for (t,) in planned.execute("SELECT DISTINCT target_id FROM marts.target_plan").fetchall()}
    assert planned_ids == {"OPEN", "FUNDER", "NOISY", "WAGE"}  # only targets still open get a plan


def test_a_funder_target_shows_workers_to_enrol_and_the_budget_committed(planned):
    row = progress(planned, "FUNDER")
    assert (row["current_participants"], row["participants_needed"], row["costed_participants"]) == (150, 50, 50)
    assert row["committed_idr"] == (100 + 110 + 120 + 130 + 140 + 150) * RATE == 12_600_000
    assert (row["budget_idr"], row["budget_remaining_idr"]) == (50_000_000, 50_000_000 - 12_600_000)


def test_a_noisy_history_gives_a_range_and_a_probability(planned):
    row = progress(planned, "NOISY")
    assert row["trend_low_80"] < row["trend_at_deadline"] < row["trend_high_80"]
    assert 0 < row["probability_reaching"] < 1
    # The chance agrees with where the range sits: a target inside the 80% range is neither near-certain nor hopeless.
    assert row["trend_low_80"] < 40 < row["trend_high_80"] and 0.1 < row["probability_reaching"] < 0.9


def test_a_wage_earner_target_is_left_uncosted_with_the_reason(planned):
    row = progress(planned, "WAGE")
    assert row["participants_needed"] > 0 and row["costed_participants"] is None
    assert (row["cost_to_deadline_idr"], row["cost_year_after_deadline_idr"], row["monthly_rate_idr"]) == (
        None,
        None,
        None,
    )
    assert "persentase upah" in row["cost_basis"]
    plan = planned.execute(
        "SELECT DISTINCT funded_workers, plan_contribution_idr, cost_basis FROM marts.target_plan WHERE target_id = 'WAGE'"
    ).fetchall()
    assert plan == [(None, None, row["cost_basis"])]


def test_status_projection_range_and_probability_come_from_one_model(planned):
    """The projection is the trend line at the deadline, inside its own range, never zero wide, and the status is read
    from the chance by the documented thresholds (macros/projection.sql): "at risk" with a 0% chance cannot happen."""
    rows = (
        planned.execute("SELECT * FROM marts.target_progress WHERE status IN ('on_track', 'at_risk', 'off_track')")
        .fetchdf()
        .to_dict("records")
    )
    assert len(rows) == 4
    for row in rows:
        assert row["projected_at_deadline"] == pytest.approx(row["trend_at_deadline"])
        assert row["trend_low_80"] < row["projected_at_deadline"] < row["trend_high_80"]
        assert 0 < row["probability_reaching"] < 1
        p = row["probability_reaching"]
        assert row["status"] == ("on_track" if p >= 0.7 else "at_risk" if p >= 0.3 else "off_track"), row["target_id"]


def test_the_backtest_gives_each_forecast_only_the_errors_known_at_its_origin(planned):
    backtest = planned.execute("SELECT * FROM marts.projection_backtest").fetchdf()
    assert set(backtest["series_key"]) == {
        "35.79 | ALL | coverage_pct",  # OPEN and PAST share one series
        "35.79 | ALL | active_participants",
        "35.79 | BPU | active_participants | DBHCHT",
        "35.77 | ALL | coverage_pct",
        "35.77 | PU | coverage_pct",
    }
    # A forecast from a line of 3 months at the earliest, of later months only.
    assert backtest["origin"].min() == pd.Timestamp("2023-03-01") and (backtest["horizon"] >= 1).all()
    for row in backtest.sample(40, random_state=1).to_dict("records"):
        known = backtest[(backtest["horizon"] == row["horizon"]) & (backtest["period"] <= row["origin"])]
        assert row["errors_known"] == len(known)
        assert (row["low_80"] is None or pd.isna(row["low_80"])) == (len(known) < 10)
    ranged = backtest.dropna(subset=["low_80"])
    assert (ranged["high_80"] > ranged["low_80"]).all()
    assert (
        ranged["within_80"] == ((ranged["actual"] >= ranged["low_80"]) & (ranged["actual"] <= ranged["high_80"]))
    ).all()
