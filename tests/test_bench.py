"""The benchmark's arithmetic and table, checked against values worked out by hand."""

from __future__ import annotations

import re

import pytest

from bench.stats import count_range, markdown_table, median, percentile


@pytest.mark.parametrize(
    ("values", "q", "expected"),
    [
        ([5.0], 95, 5.0),
        ([1, 2, 3, 4], 50, 2.5),
        ([4, 1, 3, 2], 50, 2.5),  # order does not matter
        ([1, 2, 3, 4, 5], 50, 3),
        ([1, 2, 3, 4, 5], 0, 1),
        ([1, 2, 3, 4, 5], 100, 5),
        ([1, 2, 3, 4, 5], 25, 2),
        (list(range(1, 101)), 95, 95.05),  # rank 94.05 of 0..99: 95 + 0.05 * (96 - 95)
        ([10, 20], 95, 19.5),
        ([10.0] * 19 + [200.0], 95, 19.5),  # rank 18.05: 10 + 0.05 * (200 - 10)
    ],
)
def test_percentile(values, q, expected):
    assert percentile(values, q) == pytest.approx(expected)


def test_median_is_the_50th_percentile():
    assert median([3, 1, 2]) == 2
    assert median([1, 2, 3, 10]) == 2.5


@pytest.mark.parametrize("bad", [[], None])
def test_percentile_needs_values(bad):
    with pytest.raises((ValueError, TypeError)):
        percentile(bad, 50)


def test_percentile_range_is_checked():
    with pytest.raises(ValueError):
        percentile([1, 2], 101)


@pytest.mark.parametrize(("counts", "expected"), [([7, 7, 7], "7"), ([7, 9, 8], "7-9"), ([], "-")])
def test_count_range(counts, expected):
    assert count_range(counts) == expected


def test_markdown_table_aligns_columns():
    table = markdown_table(
        ["Route", "p95 ms", "Queries"],
        [["Register: list", "18.5", 5], ["Audit", "60.4", None]],
        align="lrr",
    )
    assert table.splitlines() == [
        "| Route          | p95 ms | Queries |",
        "|----------------|-------:|--------:|",
        "| Register: list |   18.5 |       5 |",
        "| Audit          |   60.4 |         |",
    ]


def test_markdown_table_ignores_extra_alignment_letters():
    assert markdown_table(["a"], [["x"]], align="rrr").splitlines()[1] == "|--:|"


def _scale_run(scale: str, seconds: list[float], queries: list[int]):
    from bench.routes import Route
    from bench.run import RouteResult, ScaleRun
    from bench.server import Database

    results = [
        RouteResult(
            Route("Register: list", "parties.register", target_p95_ms=50),
            path="/organisations",
            seconds=seconds,
            queries=queries,
            sql_ms=[1.0] * len(seconds),
            statuses={200},
        ),
        RouteResult(Route("Later page", "later.page"), skipped="no endpoint later.page yet"),
    ]
    return ScaleRun(
        Database(scale, f"sqlite:///{scale}.sqlite", None), results, {"users": 5}, "SQLite 3"
    )


@pytest.mark.parametrize("compare", [True, False])
def test_report_table(compare):
    from bench.run import report

    main = _scale_run("large", [0.010] * 19 + [0.060], [5] * 20)
    other = _scale_run("small", [0.005] * 3, [5, 5, 5]) if compare else None
    text = report(main, other, "python -m bench --scale large", 20, 5, (0.5, 0.7))
    row = next(line for line in text.splitlines() if line.startswith("| Register: list"))
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert cells[2:9] == ["20", "10.0", "12.5", "< 50 ms", "met", "1.0", "5"]
    assert (cells[9] == "5") if compare else len(cells) == 9
    assert "Command: `python -m bench --scale large`" in text
    assert "- Later page: no endpoint later.page yet" in text
    assert ("same at small and large" in text) is compare


def test_report_flags_a_missed_target_and_growing_queries():
    from bench.run import report

    main = _scale_run("large", [0.080] * 20, [9] * 20)
    other = _scale_run("small", [0.005] * 3, [5, 5, 5])
    text = report(main, other, "python -m bench", 20, 5, (3.0, 3.0))
    assert "| MISSED |" in text
    assert "Query counts grow with the data for: Register: list." in text
    assert "other work was running" in text


def test_load_test_runs_briefly_without_server_errors(capsys):
    """4 clients for 8 seconds against SQLite: every operation of the mix is tried and timed,
    and none is answered with a 5xx (a 503 included: requests wait for the write lock)."""
    from bench.load import MIX, main

    args = ["--clients", "4", "--seconds", "8", "--ramp-up", "1", "--think", "0.05"]
    status = main([*args, "--database", "sqlite"])
    out = capsys.readouterr().out
    assert re.search(r"^\d+ requests in [\d.]+ s \([\d.]+/s\) by 4 clients, sqlite", out, re.M)
    assert "Statuses: " in out and "200: " in out
    for operation in MIX:
        assert re.search(rf"^\| {re.escape(operation)} +\| +[1-9]", out, re.M), operation
    assert "5xx responses:" not in out and "No response:" not in out
    assert status == 0


def test_load_results_table_is_made_then_extended(tmp_path):
    from collections import Counter

    from bench.load import RESULTS_HEADING, Tally, write_results

    results = tmp_path / "RESULTS.md"
    results.write_text("# Benchmarks\n\nEarlier runs.\n")
    tally = Tally(statuses=Counter({200: 90, 409: 2, 500: 1}), requests=93)
    tally.seconds["section save (API)"] = [0.010, 0.020]
    facts = {"database": "sqlite", "load_start": (1.5, 0, 0), "load_end": (2.25, 0, 0)}
    write_results(tally, facts, "python -m bench.load --clients 50", results)
    write_results(tally, facts, "python -m bench.load --clients 2", results)
    text = results.read_text()
    assert text.startswith("# Benchmarks\n\nEarlier runs.\n") and text.count(RESULTS_HEADING) == 1
    rows = [line for line in text.splitlines() if line.startswith("| 20")]
    assert len(rows) == 2 and "--clients 50" in rows[0] and "--clients 2" in rows[1]
    assert "409: 2, 500: 1" in rows[0] and "1.5 / 2.2" in rows[0] and "| sqlite " in rows[0]


def test_the_bare_app_answers_each_path_with_the_captured_bytes(tmp_path, monkeypatch):
    import base64
    import json

    from bench import throughput

    captured = tmp_path / "captured.json"
    body = b"<p>Cofrestr</p>"
    captured.write_text(
        json.dumps(
            {
                "/organisations?lang=en": {
                    "status": 200,
                    "content_type": "text/html; charset=utf-8",
                    "body": base64.b64encode(body).decode(),
                }
            }
        )
    )
    monkeypatch.setattr(throughput, "CAPTURED", captured)
    client = throughput.bare_app().test_client()
    served = client.get("/organisations?lang=en")
    assert (served.status_code, served.data) == (200, body)
    assert served.content_type == "text/html; charset=utf-8"
    assert client.get("/organisations").status_code == 404  # another path: not captured
    assert client.get("/healthz").status_code == 200


def _throughput_rows():
    from bench.throughput import Run

    def run(per_second, p50, p99):
        latencies = [p50 / 1000] * 98 + [p99 / 1000] * 2
        return Run(requests=int(per_second * 5), seconds=5.0, latencies=latencies,
                   statuses={200: 100})  # fmt: skip

    return [
        {"route": "Register: list", "what": "list", "path": "/organisations", "connections": 4,
         "app": run(120, 30, 90), "bare": run(6000, 1, 2), "ratio": 120 / 6000},
        {"route": "Register: list", "what": "list", "path": "/organisations", "connections": 16,
         "app": run(330, 45, 60), "bare": run(6000, 2, 3), "ratio": 330 / 6000},
    ]  # fmt: skip


def test_throughput_report_judges_the_ratio_at_most_connections_and_p99_at_fewest():
    from bench.throughput import report

    facts = {"database": "SQLite 3.45", "scale": "large", "data": {"organisations": 10},
             "load": (0.1, 0.2), "seconds": 5.0, "connections": [4, 16]}  # fmt: skip
    text = report(_throughput_rows(), facts, "python -m bench.throughput")
    rows = [line for line in text.splitlines() if line.startswith("| Register")]
    assert "p99 > 2 x p50" in rows[0] and "2.0%" in rows[0]
    assert rows[1].rstrip(" |").endswith("met") and "5.5%" in rows[1]


def test_throughput_sections_replace_their_own_database_and_survive_a_timing_run(tmp_path):
    from bench.run import kept_sections
    from bench.throughput import write_results

    results = tmp_path / "RESULTS.md"
    results.write_text("# Benchmark results\n\ntimings\n\n## Load test\n\nload rows\n")
    write_results("## Throughput (SQLite 3.45)\n\nold sqlite\n", "SQLite 3.45", results)
    write_results("## Throughput (PostgreSQL 15.20)\n\npg\n", "PostgreSQL 15.20", results)
    write_results("## Throughput (SQLite 3.46)\n\nnew sqlite\n", "SQLite 3.46", results)
    text = results.read_text()
    assert "old sqlite" not in text and "new sqlite" in text and "pg" in text
    assert "load rows" in text and text.startswith("# Benchmark results\n\ntimings")
    kept = kept_sections(results)
    assert kept.startswith("\n## Load test") and "new sqlite" in kept and "timings" not in kept
