"""The contract award notice data: an OCDS 1.1 release validated against the merged schema shipped in svscore."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import pytest

from svscore.award.notice import AwardNoticeError, award_release
from svscore.award.ocds_schema import merge_patch, problems, release_schema
from svscore.model.loading import load_bids, load_measures, load_tender
from svscore.scoring import score_tender

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
WHEN = dt.datetime(2026, 12, 18, 9, 0, tzinfo=dt.UTC)


def scored(name: str):
    tender = load_tender(EXAMPLES / f"{name}.json")
    measures = load_measures(EXAMPLES / "measures-illustrative.json") if tender.social_value.measures_file else None
    return tender, score_tender(tender, load_bids(EXAMPLES / f"{name}-bids.json"), measures)


@pytest.mark.parametrize("name", ["council-home-care", "central-digital-marks"])
def test_release_validates_against_merged_schema(name: str) -> None:
    tender, result = scored(name)
    release = award_release(tender, result, ocid_prefix="ocds-h6vhtk", date=WHEN)
    assert problems(release) == []
    assert release["tag"] == ["award"]
    json.dumps(release, allow_nan=False)  # plain JSON: no Fractions, no NaN


def test_release_carries_the_engines_figures() -> None:
    tender, result = scored("council-home-care")
    release = award_release(tender, result, ocid_prefix="ocds-h6vhtk", date=WHEN)
    lot = result.lots[0]
    winner = lot.winners()[0]
    (award,) = release["awards"]
    assert award["suppliers"] == [{"id": f"tenderer-{winner.bidder_id}", "name": winner.bidder}]
    assert award["value"] == {"amount": 2380000, "currency": "GBP"}
    weights = {c["name"]: c.get("numbers") for c in release["tender"]["lots"][0]["awardCriteria"]["criteria"]}
    assert weights["Price"] == [{"number": 50, "weight": "percentageExact"}]
    assert weights["Quality"] == [{"number": 35, "weight": "percentageExact"}]
    assert weights["Social value"] == [{"number": 15, "weight": "percentageExact"}]
    stats = {s["measure"]: s["value"] for s in release["bids"]["statistics"]}
    assert stats == {"bids": 5, "validBids": 3, "disqualifiedBids": 1, "smeBids": 4,
                     "lowestValidBidValue": 1650000, "highestValidBidValue": 2380000}
    details = {d["id"]: d for d in release["bids"]["details"]}
    assert details[f"1-{winner.bidder_id}"]["rank"] == 1
    assert details["1-07654321"]["status"] == "disqualified"
    assert "status" not in details["1-11223344"] and details["1-11223344"]["description"].startswith("Not scored (incomplete)")
    parties = {p["id"]: p for p in release["parties"]}
    assert parties[f"tenderer-{winner.bidder_id}"]["roles"] == ["tenderer", "supplier"]
    assert parties[f"tenderer-{winner.bidder_id}"]["details"] == {"scale": "sme", "vcse": True}
    assert "details" not in parties["tenderer-04567890"]  # declared neither


def test_marks_weighting_is_given_in_points() -> None:
    tender, result = scored("central-digital-marks")
    criteria = award_release(tender, result, ocid_prefix="ocds-h6vhtk", date=WHEN)["tender"]["lots"][0]["awardCriteria"]["criteria"]
    assert criteria[0] == {"name": "Price", "type": "price", "numbers": [{"number": 80, "weight": "pointsExact"}]}
    assert "numbers" not in criteria[3] and criteria[3]["description"].startswith("Pass or fail")


def test_schema_check_catches_bad_award_criteria_and_bids() -> None:
    tender, result = scored("council-home-care")
    release = award_release(tender, result, ocid_prefix="ocds-h6vhtk", date=WHEN)
    release["tender"]["lots"][0]["awardCriteria"]["criteria"][0]["numbers"][0]["weight"] = "percent"
    release["bids"]["statistics"][0].pop("value")
    found = problems(release)
    assert any(p.startswith("$.tender.lots[0].awardCriteria.criteria[0].numbers[0].weight") for p in found), found
    assert any(p.startswith("$.bids.statistics[0]") and "'value' is a required property" in p for p in found), found


def test_unresolved_tie_is_refused() -> None:
    tender, result = scored("council-home-care")
    lot = result.lots[0]
    tied = dataclasses.replace(result, lots=(dataclasses.replace(lot, ties=((lot.bids[0].bidder_id, lot.bids[1].bidder_id),)),))
    with pytest.raises(AwardNoticeError, match="Brightwater Homecare CIC, Northfield Care Ltd"):
        award_release(tender, tied, ocid_prefix="ocds-h6vhtk", date=WHEN)


def test_merge_patch_follows_rfc_7396() -> None:
    assert merge_patch({"a": "b", "c": {"d": "e", "f": "g"}}, {"a": "z", "c": {"f": None}}) == {"a": "z", "c": {"d": "e"}}
    assert merge_patch({"a": [1, 2]}, {"a": [3]}) == {"a": [3]}
    schema = release_schema()
    assert "bids" in schema["properties"] and "AwardCriteria" in schema["definitions"]
    assert "relatedBids" in schema["definitions"]["Award"]["properties"]
    assert "id" in schema["definitions"]["Award"]["properties"]  # merged into, not replaced


SHARED = ROOT.parent / "shared" / "data" / "ocds-1.1.5"


@pytest.mark.skipif(not SHARED.is_dir(), reason="no shared/ copy of the OCDS schemas beside the repository")
def test_shipped_copies_match_the_published_files() -> None:
    shipped = ROOT / "svscore" / "data" / "ocds"
    pairs = {"release-schema.json": "release-schema.json",
             "bids-extension.json": "extensions/bids/release-schema.json",
             "awardCriteriaBreakdown-extension.json": "extensions/awardCriteriaBreakdown/release-schema.json"}
    for ours, theirs in pairs.items():
        assert json.loads((shipped / ours).read_text("utf-8")) == json.loads((SHARED / theirs).read_text("utf-8")), ours


def test_cli_writes_the_release_deterministically(tmp_path: Path) -> None:
    from tests.conftest import run_cli

    out = tmp_path / "award.ocds.json"
    args = ("award-notice", str(EXAMPLES / "central-digital-marks.json"), str(EXAMPLES / "central-digital-marks-bids.json"),
            "--ocid-prefix", "ocds-h6vhtk", "--date", "2026-12-18T09:00:00Z", "-o", str(out))
    done = run_cli(*args)
    assert done.returncode == 0, done.stderr
    first = out.read_bytes()
    release = json.loads(first)
    assert problems(release) == [] and release["date"] == "2026-12-18T09:00:00Z"
    assert release["awards"][0]["suppliers"][0]["name"] == "Brook Systems plc"
    assert run_cli(*args).returncode == 0 and out.read_bytes() == first
    bad = run_cli(*args[:-4], "--date", "18/12/2026", "-o", str(out))
    assert bad.returncode == 2 and "YYYY-MM-DD" in bad.stderr


def test_no_notice_from_invented_proxy_values_or_bids_that_could_not_be_scored(tmp_path):
    import json as _json

    from tests.conftest import run_cli

    out = tmp_path / "a.json"
    base = ("award-notice", str(EXAMPLES / "council-home-care.json"), str(EXAMPLES / "council-home-care-bids.json"),
            "--ocid-prefix", "ocds-abc", "--date", "2026-03-01", "-o", str(out))
    r = run_cli(*base)
    assert r.returncode == 1 and "ILLUSTRATIVE" in r.stderr and not out.exists()
    assert run_cli(*base, "--illustrative-ok").returncode == 0 and out.exists()
    bids = _json.loads((EXAMPLES / "council-home-care-bids.json").read_text(encoding="utf-8"))
    bids["bids"][0]["price"] = 0
    (tmp_path / "b.json").write_text(_json.dumps(bids), encoding="utf-8")
    out.unlink()
    r = run_cli("award-notice", str(EXAMPLES / "council-home-care.json"), str(tmp_path / "b.json"), "--ocid-prefix", "ocds-abc",
                "--date", "2026-03-01", "-o", str(out), "--illustrative-ok")
    assert r.returncode == 1 and "could not be scored" in r.stderr and not out.exists()
