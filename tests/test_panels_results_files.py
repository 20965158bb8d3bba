"""The published files: anyone can recount the ballots and get the stored count again."""

import json

import pytest

from engage.counting import count, parse_ballots, parse_blt, parse_csv
from engage.counting.cli import count_command
from engage.panels.ballot_box import opening
from engage.panels.models import STV
from tests.panel_factories import PASSPHRASE, facilitator
from tests.test_panels_results_pages import FOUR, STV_BALLOTS, published, voted, with_code

# Every option gets a first preference somewhere, and a title a spreadsheet would run.
SIX = ("Parks", "Potholes", "Street lighting", "Less litter", "=Bins", 'The "Hub"')
RANKINGS = (
    [("Parks", "Potholes", "=Bins")] * 6
    + [("Potholes", "Street lighting")] * 4
    + [("Street lighting", "Parks")] * 3
    + [("Less litter", 'The "Hub"', "Potholes")] * 2
    + [("=Bins", "Less litter")] * 2
    + [('The "Hub"',)]
)


@pytest.fixture
def user(db, partnership):
    return facilitator(partnership)


@pytest.fixture
def counted(db, partnership, user):
    """A published STV vote of six options, 18 ballots online and one on paper."""
    vote, receipts, _ = published(
        db,
        partnership,
        user,
        RANKINGS,
        titles=SIX,
        method=STV,
        seats=3,
        on_paper=[("Potholes", "Parks")],
    )
    return vote, receipts


def same_count(result, stored):
    assert result["elected"] == stored["elected"]
    assert result["quota"] == stored["quota"]
    assert [s["tally"] for s in result["stages"]] == [s["tally"] for s in stored["stages"]]
    assert [s["non_transferable"] for s in result["stages"]] == [
        s["non_transferable"] for s in stored["stages"]
    ]


def download(client, url, content_type):
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith(content_type)
    assert "attachment" in response.headers["Content-Disposition"]
    return response.get_data(as_text=True)


def test_the_blt_file_lists_every_receipt_and_recounts_to_the_same_result(client, counted):
    vote, receipts = counted
    text = download(client, f"/priorities/{vote.public_token}/ballots.blt", "text/plain")
    for receipt in receipts:
        assert f"({receipt}) 1 " in text
    assert text.count("# paper") == 1
    election = parse_blt(text)
    assert election.candidates == tuple(SIX) and election.seats == 3
    again = count(election, "stv", seed=vote.result["seed"]).to_dict()
    assert again == vote.result  # title, candidates, every stage and tie: all the same


def test_the_csv_file_lists_every_receipt_and_recounts_to_the_same_result(client, counted):
    vote, receipts = counted
    text = download(client, f"/priorities/{vote.public_token}/ballots.csv", "text/csv")
    header = text.lstrip("\ufeff").splitlines()[0]
    assert header == "receipt,rank_1,rank_2,rank_3"
    for receipt in receipts:
        assert receipt in text
    assert "'=Bins" in text  # a spreadsheet shows it as text instead of running it
    election = parse_csv(text, seats=3, candidates=vote.result["candidates"])
    assert sorted(r for r in election.receipts) == sorted(receipts)
    same_count(count(election, "stv", seed=vote.result["seed"]).to_dict(), vote.result)
    # Read as the count command reads a file, with no list of options.
    same_count(
        count(parse_ballots(text, "ballots.csv", 3), "stv", vote.result["seed"]).to_dict(),
        vote.result,
    )


def test_the_count_command_recounts_the_downloaded_file(client, runner, counted, tmp_path):
    vote, _ = counted
    path = tmp_path / "ballots.blt"
    path.write_text(download(client, f"/priorities/{vote.public_token}/ballots.blt", "text/plain"))
    html = client.get(f"/priorities/{vote.public_token}").get_data(as_text=True)
    command = (
        f"flask --app engage count ballots.blt --method stv --seats 3 --seed {vote.count_seed}"
    )
    assert command in html
    args = command.split()[4:]
    args[0] = str(path)
    result = runner.invoke(count_command, [*args, "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == vote.result


def test_count_json_is_the_stored_result(client, counted):
    vote, _ = counted
    text = download(client, f"/priorities/{vote.public_token}/count.json", "application/json")
    assert json.loads(text) == vote.result


def test_members_and_facilitators_download_the_same_files(db, app, partnership, user):
    vote, receipts, code = published(db, partnership, user, STV_BALLOTS, method=STV, seats=2)
    member = with_code(app.test_client(), vote, code)
    public = app.test_client().get(f"/priorities/{vote.public_token}/ballots.blt")
    mine = member.get(f"/vote/{vote.id}/results/ballots.blt")
    assert mine.get_data() == public.get_data()
    assert member.get(f"/vote/{vote.id}/results/count.json").json == vote.result
    anonymous = app.test_client().get(f"/vote/{vote.id}/results/ballots.csv")
    assert anonymous.status_code == 302


def test_facilitators_download_the_ballots_before_publishing(
    db, facilitator_client, partnership, user
):
    vote, receipts, _ = voted(partnership, user, [("Parks",), ("Potholes", "Parks")], titles=FOUR)
    db.session.commit()
    base = f"/panels/votes/{vote.id}/results"
    # Sealed until the count opens them.
    assert facilitator_client.get(f"{base}/ballots.csv").status_code == 404
    opening.open_box(vote, PASSPHRASE)
    db.session.commit()
    text = download(facilitator_client, f"{base}/ballots.csv", "text/csv")
    assert all(receipt in text for receipt in receipts)
    assert facilitator_client.get(f"{base}/count.json").status_code == 404  # not counted yet
    assert facilitator_client.get(f"{base}/ballots.pdf").status_code == 404
