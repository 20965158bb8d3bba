"""Scottish STV against the reference counts of ten Glasgow wards (May 2007), stage by stage.

The ballots and reference counts come from the Droop package's test suite; see
../shared/conformance/README.md. Every stage's tallies must match to 5 places.
"""

import json
import os

import pytest

from engage.counting import UNIT, count, parse_blt

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FOLDER = os.path.join(ROOT, "..", "shared", "conformance", "scottish-stv")
WARDS = (
    sorted(name[:-4] for name in os.listdir(FOLDER) if name.endswith(".blt"))
    if (os.path.isdir(FOLDER))
    else []
)

pytestmark = pytest.mark.skipif(
    not WARDS, reason=f"the conformance data ({FOLDER}) is not on this machine"
)


def _load(ward):
    with open(os.path.join(FOLDER, ward + ".blt"), encoding="utf-8") as handle:
        election = parse_blt(handle.read(), source=ward + ".blt")
    with open(os.path.join(FOLDER, ward + ".expected.json"), encoding="utf-8") as handle:
        expected = json.load(handle)
    return election, expected


def test_all_ten_wards_are_present():
    assert len(WARDS) == 10


@pytest.mark.parametrize("ward", WARDS)
def test_ward_count_matches_the_reference_at_every_stage(ward):
    election, expected = _load(ward)
    result = count(election, "stv", seed="conformance").to_dict()

    assert result["seats"] == expected["seats"]
    assert result["quota"] == expected["quota"]
    # Candidates filling the last seats together have no significant order; they are
    # listed in ballot-paper order, as the reference lists them.
    assert set(result["elected"]) == set(expected["elected_in_order"])
    assert result["elected"] == expected["elected_in_order"]
    assert len(result["stages"]) == len(expected["tallies"])
    for number, (stage, reference) in enumerate(
        zip(result["stages"], expected["tallies"], strict=True)
    ):
        assert stage["tally"] == reference["votes"], f"stage {number}"
        assert stage["non_transferable"] == reference["non_transferable"], f"stage {number}"


@pytest.mark.parametrize("ward", WARDS)
def test_ward_exclusions_come_in_the_reference_order_and_need_no_lot(ward):
    election, expected = _load(ward)
    result = count(election, "stv", seed="conformance")

    assert result.excluded == expected["excluded_in_order"][: len(result.excluded)]
    assert result.tie_breaks == []


@pytest.mark.parametrize("ward", WARDS)
def test_every_vote_is_accounted_for_at_every_stage(ward):
    election, _ = _load(ward)
    result = count(election, "stv", seed="conformance")

    for stage in result.stages:
        held = sum(stage.tally.values()) + stage.non_transferable + stage.rounding_loss
        assert held == result.ballots * UNIT
