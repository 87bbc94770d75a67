"""``hmcts-data routes``: output and exit codes."""

from __future__ import annotations

import json

import pytest

from hmcts_data import routes
from hmcts_data.cli import main


def test_table_lists_every_route(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["routes"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].split() == ["id", "name", "kind"]
    for route in routes.list():
        row = next(line for line in lines if line.startswith(route.id + " "))
        assert route.name in row
        assert row.rstrip().endswith(route.kind.value)


def test_route_id_prints_the_tagged_checklist(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["routes", "data-access-panel"]) == 0
    out = capsys.readouterr().out
    dap = routes.get("data-access-panel")
    assert out.splitlines()[0] == f"{dap.name} ({dap.id})"
    assert "dataaccesspanel@justice.gov.uk" in out
    referral = next(s for s in dap.steps if "Senior Data Governance Panel" in s.action)
    assert f"{referral.display()} [unverified][dated]" in out


def test_alias_works_on_the_command_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["routes", "hmcts_data_access_panel", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["id"] == "data-access-panel"


def test_unknown_route_exits_8_with_suggestions(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["routes", "data-acess-panel"]) == 8
    captured = capsys.readouterr()
    assert captured.out == ""
    err = captured.err.strip()
    assert err.startswith("error: Unknown access route 'data-acess-panel'")
    assert "'data-access-panel'" in err
    assert len(err.splitlines()) == 1


def test_search_and_suggest(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["routes", "--search", "EX107"]) == 0
    assert capsys.readouterr().out.splitlines()[2].startswith("transcripts ")
    assert main(["routes", "--suggest", "a transcript of my hearing"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("1. transcripts: ")
    assert routes.suggest("a transcript of my hearing")[0].reason in out
    assert main(["routes", "--search", "qqqzzz"]) == 0
    assert "No route mentions" in capsys.readouterr().out
    assert main(["routes", "--suggest", "qqqzzz"]) == 0
    assert "No route fits" in capsys.readouterr().out


def test_json_outputs_parse_and_match_the_api(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["routes", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [r["id"] for r in listed] == [r.id for r in routes.list()]

    assert main(["routes", "transcripts", "--json"]) == 0
    one = json.loads(capsys.readouterr().out)
    assert one["id"] == "transcripts"
    # Confidence travels with every fact in JSON too.
    assert all(
        step["confidence"] in {"official", "secondary", "unverified"} for step in one["steps"]
    )

    assert main(["routes", "--suggest", "defendant-level linked data", "--json"]) == 0
    suggested = json.loads(capsys.readouterr().out)
    assert suggested[0]["id"] == "data-first"
    assert suggested[0]["matched"]

    assert main(["routes", "--datasets", "--json"]) == 0
    datasets = json.loads(capsys.readouterr().out)
    assert [d["id"] for d in datasets] == [d.id for d in routes.data_first_datasets()]


def test_datasets_and_other_sources_show_tags_and_urls(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["routes", "--datasets"]) == 0
    out = capsys.readouterr().out
    assert "SAIL Databank [unverified]" in out  # magistrates' data on SAIL is not confirmed
    assert main(["routes", "--other"]) == 0
    out = capsys.readouterr().out
    for other in routes.other_sources():
        assert f"{other.id}: " in out
        for link in other.links:
            assert f"<{link.url}> {link.tag}" in out


def test_route_id_with_a_listing_option_is_a_usage_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["routes", "transcripts", "--search", "x"]) == 2
    assert "error:" in capsys.readouterr().err
    with pytest.raises(SystemExit) as info:
        main(["routes", "--search", "a", "--suggest", "b"])
    assert info.value.code == 2


def test_help_has_examples(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["routes", "--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    assert "examples:" in out
    assert "hmcts-data routes data-access-panel" in out
