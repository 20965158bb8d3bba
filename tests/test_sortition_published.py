"""The published pool file: round trip, tampering refused, the draw and `flask panel-draw`."""

import dataclasses
import json
import math
import os
import subprocess  # nosec B404  # the project's own command
import sys
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from engage.sortition import Allocation, Pool, Quota, draw_panel, leximin, read_pool
from engage.sortition.cli import sortition_group
from engage.sortition.draw_cli import panel_draw_command
from engage.sortition.panels import all_panels
from engage.sortition.published import (
    FORMAT,
    PublishedPool,
    categories_csv,
    check,
    draw,
    dumps,
    loads,
    publish,
    respondents_csv,
)

EXAMPLES = Path(__file__).resolve().parents[1].parent / "shared" / "conformance" / "sortition"


@pytest.fixture(scope="module")
def example():
    """example_small_20 (200 respondents, panels of 20) published, with its pool."""
    folder = EXAMPLES / "example_small_20"
    if not folder.is_dir():
        pytest.skip(
            f"{folder} is absent: the paper's reference pools are not beside the repository"
        )
    pool = read_pool(folder / "categories.csv", folder / "respondents.csv")
    allocation = leximin(pool, 20)
    return pool, allocation, publish(pool, 20, allocation, title="Example small 20")


def generated(seed):
    """A pool of 8–12 in 2 categories with quotas near their share; households when
    ``seed`` is odd (ids that look like addresses)."""
    rng = np.random.default_rng(seed)
    while True:
        n, k = int(rng.integers(8, 13)), int(rng.integers(3, 6))
        categories = {"age": ["young", "middle", "old"], "area": ["north", "south"]}
        people = tuple({c: str(rng.choice(fs)) for c, fs in categories.items()} for _ in range(n))
        quotas = []
        for c, fs in categories.items():
            for f in fs:
                share = k * sum(p[c] == f for p in people) / n
                quotas.append(Quota(c, f, max(0, math.floor(share) - 1), math.ceil(share) + 1))
        households = (
            tuple(f"{int(rng.integers(1, n - 2))} Mill Lane, OX{seed} 1AB" for _ in range(n))
            if seed % 2
            else None
        )
        pool = Pool(people, tuple(quotas), households)
        if all_panels(pool, k):
            return pool, k


def published_generated(seed):
    pool, k = generated(seed)
    return publish(pool, k, leximin(pool, k), title=f"Generated {seed}", seed=seed)


def edited(published, change):
    """The JSON of ``published``, changed by ``change(data)``, read back."""
    data = json.loads(dumps(published))
    change(data)
    return json.dumps(data)


# The file ----------------------------------------------------------------------------


def test_the_file_reads_back_equal_and_passes_its_checks(example):
    pool, allocation, published = example
    text = dumps(published)
    assert loads(text) == published
    assert dumps(loads(text)) == text
    check(loads(text))
    data = json.loads(text)
    assert data["format"] == FORMAT == "engage-sortition-pool/1"
    assert list(data) == [
        "format",
        "title",
        "panel_size",
        "household_rule",
        "quotas",
        "respondents",
        "allocation",
        "probabilities",
        "fairness",
        "seed",
    ]
    assert data["seed"] is None and data["household_rule"] is False
    assert data["quotas"][0] == {"category": "gender", "feature": "female", "min": 9, "max": 20}
    assert data["respondents"][0]["pool_number"] == 1
    assert data["respondents"][0]["household"] is None
    assert [r["pool_number"] for r in data["probabilities"]] == list(range(1, 201))
    for entry in data["allocation"]:
        assert entry["members"] == sorted(entry["members"]) and len(entry["members"]) == 20
    assert data["fairness"]["minimum"] == pytest.approx(0.1, abs=1e-6)
    assert data["fairness"]["gini"] == pytest.approx(0.0, abs=1e-6)
    assert published.allocation.agent_probabilities == allocation.agent_probabilities


@pytest.mark.parametrize("seed", range(6))
def test_generated_pools_read_back_equal(seed):
    published = published_generated(seed)
    check(published)
    assert loads(dumps(published)) == published
    assert (published.households is not None) == bool(seed % 2)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda d: d["allocation"][0].update(members=d["allocation"][0]["members"][:-1]),
            r"Panel 1 of the allocation has 19 members, not the panel size 20",
        ),
        (
            lambda d: d["allocation"][0].update(
                members=[
                    r["pool_number"] for r in d["respondents"] if r["features"]["gender"] == "male"
                ][:20]
            ),
            r"Panel 1 of the allocation has 0 with gender=female, fewer than the quota's minimum 9",
        ),
        (
            lambda d: d["allocation"][0].update(
                members=[*d["allocation"][0]["members"][:-1], d["allocation"][0]["members"][0]]
            ),
            r"Panel 1 of the allocation names pool number \d+ twice",
        ),
        (
            lambda d: d["allocation"][0].update(
                probability=d["allocation"][0]["probability"] + 0.01
            ),
            r"The panels' probabilities sum to 1\.01\d*, not 1",
        ),
    ],
    ids=["wrong size", "quota broken", "member twice", "sum not 1"],
)
def test_check_refuses_a_tampered_allocation(example, change, message):
    with pytest.raises(ValueError, match=message):
        check(loads(edited(example[2], change)))


def test_check_refuses_a_changed_probability(example):
    published = example[2]
    probabilities = list(published.allocation.agent_probabilities)
    probabilities[6] += 0.001
    tampered = dataclasses.replace(
        published,
        allocation=dataclasses.replace(
            published.allocation, agent_probabilities=tuple(probabilities)
        ),
    )
    with pytest.raises(
        ValueError,
        match=r"Pool number 7 is listed with probability 0\.10\d+,"
        r" but the allocation's panels give 0\.(0999|1000)",
    ):
        check(tampered)
    # In the file, its fairness figures no longer agree either: refused on reading.
    with pytest.raises(
        ValueError, match=r"fairness: \w+ is listed as .*, but the listed probabilities give"
    ):
        loads(edited(published, lambda d: d["probabilities"][6].update(probability=0.101)))


def test_check_refuses_a_panel_with_two_of_a_household():
    published = next(
        p
        for p in map(published_generated, range(1, 40, 2))
        if p.households is not None and any(p.households)
    )
    label = next(h for h in published.households if h)
    a, b = [i for i, h in enumerate(published.households) if h == label][:2]
    panel = published.allocation.panels[0]
    others = [i for i in panel if i not in (a, b)][: published.panel_size - 2]
    broken = tuple(sorted([a, b, *others]))
    tampered = dataclasses.replace(
        published,
        allocation=Allocation(
            (broken, *published.allocation.panels[1:]),
            published.allocation.probabilities_of_panels,
            published.allocation.agent_probabilities,
        ),
    )
    with pytest.raises(ValueError, match=rf"has two members of household {label}"):
        # A quota may break first when members are swapped: make the quotas loose.
        check(
            dataclasses.replace(
                tampered,
                quotas=tuple(
                    dataclasses.replace(q, minimum=0, maximum=99) for q in tampered.quotas
                ),
            )
        )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", r"The pool file is not JSON: Expecting property name"),
        ("[1, 2]", r"The pool file must hold a JSON object"),
        (
            '{"format": "engage-sortition-pool/2"}',
            r"format is 'engage-sortition-pool/2', not 'engage-sortition-pool/1'",
        ),
        ("{}", r"The pool file has no format field"),
    ],
)
def test_loads_says_what_is_wrong_with_the_text(text, message):
    with pytest.raises(ValueError, match=message):
        loads(text)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.pop("quotas"), r"The pool file lacks the field\(s\) quotas"),
        (lambda d: d.update(seeds=3), r"unknown field\(s\) seeds"),
        (
            lambda d: d["allocation"][2]["members"].__setitem__(0, 201),
            r"allocation: panel 3 names pool number 201, but the pool numbers run 1–200",
        ),
        (
            lambda d: d["respondents"][4].update(pool_number=7),
            r"respondents: entry 5 has pool_number 7; pool numbers must run 1, 2, 3, … in order",
        ),
        (
            lambda d: d["respondents"][4]["features"].update(gender="other"),
            r"respondent 5: unknown gender 'other' \(known: female, male\)",
        ),
        (lambda d: d.update(seed=-1), r"seed must be null or a whole number ≥ 0, not -1"),
        (lambda d: d.update(panel_size="20"), r"panel_size must be a whole number ≥ 1"),
        (lambda d: d["probabilities"].pop(), r"probabilities: 199 listed for 200 respondents"),
        (
            lambda d: d["respondents"][0].update(household="H1"),
            r"respondent 1: household must be null when household_rule is false",
        ),
        (lambda d: d["quotas"][0].update(min=30), r"quota 1: min 30 is greater than max 20"),
    ],
)
def test_loads_names_the_broken_field(example, change, message):
    with pytest.raises(ValueError, match=message):
        loads(edited(example[2], change))


# Households --------------------------------------------------------------------------


def test_household_labels_reveal_nothing_of_the_ids():
    people = tuple({"g": g} for g in "abababab")
    ids = (
        "12 Mill Lane",
        "3 Bridge St",
        "12 Mill Lane",
        "7 Park Rd",
        "3 Bridge St",
        "",
        "9 Hill Way",
        "3 Bridge St",
    )
    pool = Pool(people, (Quota("g", "a", 1, 3), Quota("g", "b", 1, 3)), ids)
    allocation = leximin(pool, 4)
    published = publish(pool, 4, allocation)
    # Numbered by first appearance, households of one (and no household) left blank.
    assert published.households == ("H1", "H2", "H1", "", "H2", "", "", "H2")
    text = dumps(published) + respondents_csv(published)
    for original in {i for i in ids if i}:
        assert original not in text
    for word in ("Mill", "Bridge", "Park", "Hill", "12", " St"):
        assert word not in text
    assert json.loads(dumps(published))["household_rule"] is True
    check(loads(dumps(published)))
    # The anonymised pool gives the same LEXIMIN probabilities as the original.
    again = leximin(published.pool, 4)
    assert again.agent_probabilities == pytest.approx(allocation.agent_probabilities, abs=1e-6)
    # With the rule off, no household appears at all.
    off = publish(pool, 4, leximin(pool, 4, households=False), households=False)
    assert off.households is None
    assert json.loads(dumps(off))["household_rule"] is False
    check(off)


def test_publish_keeps_only_the_quotas_categories():
    people = tuple(
        {"g": g, "name": f"Person {i}", "postcode": "OX1 1AB"} for i, g in enumerate("aabb")
    )
    pool = Pool(people, (Quota("g", "a", 1, 1), Quota("g", "b", 1, 1)))
    published = publish(pool, 2, leximin(pool, 2))
    assert published.respondents == tuple({"g": g} for g in "aabb")
    assert "Person" not in dumps(published) and "OX1" not in dumps(published)


# The reference-pool layout -----------------------------------------------------------


@pytest.mark.parametrize("seed", [1, 3])
def test_the_csv_pair_reads_back_as_the_same_pool(tmp_path, seed):
    published = published_generated(seed)
    assert published.households is not None
    categories = tmp_path / "categories.csv"
    respondents = tmp_path / "respondents.csv"
    categories.write_text(categories_csv(published), encoding="utf-8")
    respondents.write_text(respondents_csv(published), encoding="utf-8")
    assert (
        respondents.read_text(encoding="utf-8").splitlines()[0] == "pool_number,age,area,household"
    )
    assert read_pool(categories, respondents, "household") == published.pool

    found = CliRunner().invoke(
        sortition_group,
        [
            "probabilities",
            "--categories",
            str(categories),
            "--respondents",
            str(respondents),
            "--panel-size",
            str(published.panel_size),
            "--household-column",
            "household",
            "--format",
            "json",
        ],
    )
    assert found.exit_code == 0, found.output
    probabilities = json.loads(found.output.strip().splitlines()[-1])["probabilities"]
    assert probabilities == pytest.approx(published.allocation.agent_probabilities, abs=1e-6)


def test_the_example_csv_pair_reads_back_as_the_same_pool(example, tmp_path):
    pool, _, published = example
    (tmp_path / "c.csv").write_text(categories_csv(published), encoding="utf-8")
    (tmp_path / "r.csv").write_text(respondents_csv(published), encoding="utf-8")
    assert read_pool(tmp_path / "c.csv", tmp_path / "r.csv") == pool


# Drawing -----------------------------------------------------------------------------


def test_the_draw_from_the_file_is_the_draw_from_the_allocation(example):
    _, allocation, published = example
    from_file = loads(dumps(published))
    drawn = []
    for seed in range(300):
        expected = tuple(i + 1 for i in draw_panel(allocation, seed))
        assert draw(from_file, seed) == expected
        drawn.append(expected)
    # The allocation spreads over more panels than 300 seeds reach, so the check is on
    # what the draws add up to: every respondent drawn about as often as their
    # probability says (LEXIMIN gives everyone 0.1 here: 30 draws in 300, sd ~5.2).
    times = np.zeros(len(allocation.agent_probabilities))
    for panel in drawn:
        times[[i - 1 for i in panel]] += 1
    expected_times = 300 * np.asarray(allocation.agent_probabilities)
    spread = np.sqrt(expected_times * (1 - np.asarray(allocation.agent_probabilities)))
    assert np.all(np.abs(times - expected_times) <= 5 * spread + 1)
    # And every panel drawn is one of the allocation's.
    listed = {tuple(i + 1 for i in sorted(panel)) for panel in allocation.panels}
    assert set(drawn) <= listed


@pytest.mark.parametrize("seed", range(4))
def test_the_draw_from_a_generated_file_is_the_draw_from_the_allocation(seed):
    pool, k = generated(seed)
    allocation = leximin(pool, k)
    from_file = loads(dumps(publish(pool, k, allocation)))
    for s in range(200):
        assert draw(from_file, s) == tuple(i + 1 for i in draw_panel(allocation, s))


# The command -------------------------------------------------------------------------


def write_file(tmp_path, published, name="pool.json"):
    path = tmp_path / name
    path.write_text(dumps(published), encoding="utf-8")
    return path


def test_the_command_draws_with_the_given_seed_or_the_files(example, tmp_path):
    _, allocation, published = example
    path = write_file(tmp_path, published)
    found = CliRunner().invoke(panel_draw_command, [str(path), "--seed", "11", "--format", "json"])
    assert found.exit_code == 0, found.output
    assert json.loads(found.output) == {
        "seed": 11,
        "selected": [i + 1 for i in draw_panel(allocation, 11)],
    }

    text = CliRunner().invoke(panel_draw_command, [str(path), "--seed", "11"])
    assert text.exit_code == 0, text.output
    assert text.output.splitlines()[-1] == " ".join(str(i + 1) for i in draw_panel(allocation, 11))

    missing = CliRunner().invoke(panel_draw_command, [str(path)])
    assert missing.exit_code == 1
    assert "has no seed yet" in missing.output and "--seed" in missing.output

    seeded = write_file(tmp_path, dataclasses.replace(published, seed=42), "seeded.json")
    own = CliRunner().invoke(panel_draw_command, [str(seeded), "--format", "json"])
    assert own.exit_code == 0, own.output
    assert json.loads(own.output)["selected"] == [i + 1 for i in draw_panel(allocation, 42)]


def test_the_command_refuses_a_tampered_file(example, tmp_path):
    path = tmp_path / "pool.json"
    path.write_text(
        edited(
            example[2],
            lambda d: d["allocation"][0].update(members=d["allocation"][0]["members"][:-1]),
        ),
        encoding="utf-8",
    )
    found = CliRunner().invoke(panel_draw_command, [str(path), "--seed", "1"])
    assert found.exit_code == 1
    assert "Panel 1 of the allocation has 19 members, not the panel size 20" in found.output
    path.write_text("nonsense", encoding="utf-8")
    found = CliRunner().invoke(panel_draw_command, [str(path), "--seed", "1"])
    assert found.exit_code == 1 and "is not JSON" in found.output


def test_recompute_passes_on_an_honest_file_and_fails_on_a_tampered_one(tmp_path):
    published = next(
        p
        for p in map(published_generated, range(20))
        if max(p.allocation.agent_probabilities) - min(p.allocation.agent_probabilities) > 1e-3
    )
    honest = write_file(tmp_path, published, "honest.json")
    found = CliRunner().invoke(panel_draw_command, [str(honest), "--recompute"])
    assert found.exit_code == 0, found.output
    assert "matches the published one within 1e-06" in found.output
    found = CliRunner().invoke(panel_draw_command, [str(honest), "--recompute", "--format", "json"])
    assert json.loads(found.output)["recomputed"]["matches"] is True

    # A consistent file that passes check(), but whose allocation is not LEXIMIN: one
    # feasible panel for certain.
    panel = published.allocation.panels[0]
    certain = tuple(1.0 if i in panel else 0.0 for i in range(len(published.respondents)))
    rigged = dataclasses.replace(published, allocation=Allocation((panel,), (1.0,), certain))
    check(rigged)
    path = write_file(tmp_path, rigged, "rigged.json")
    plain = CliRunner().invoke(panel_draw_command, [str(path)])
    assert plain.exit_code == 0, plain.output
    found = CliRunner().invoke(panel_draw_command, [str(path), "--recompute"])
    assert found.exit_code == 1
    assert "Recomputed LEXIMIN probabilities differ from the published ones" in found.output
    found = CliRunner().invoke(panel_draw_command, [str(path), "--recompute", "--format", "json"])
    assert found.exit_code == 1
    report = json.loads(found.stdout)["recomputed"]
    assert report["matches"] is False and report["mismatches"]
    first = report["mismatches"][0]
    assert f"pool number {first['pool_number']} published" in found.output


def run_flask(*arguments, tmp_path):
    """``flask --app engage ...`` in a real process whose database cannot exist."""
    flask = Path(sys.executable).with_name("flask")
    database = tmp_path / "no such folder" / "engage.sqlite3"
    env = {**os.environ, "ENGAGE_DATABASE_URL": f"sqlite:///{database}"}
    found = subprocess.run(  # noqa: S603  # nosec B603
        [str(flask), "--app", "engage", *arguments],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=env,
    )
    assert not database.parent.exists()
    return found


def test_the_flask_command_needs_no_database(example, tmp_path):
    _, allocation, published = example
    path = write_file(tmp_path, dataclasses.replace(published, seed=2026))
    found = run_flask("panel-draw", str(path), "--seed", "5", "--format", "json", tmp_path=tmp_path)
    assert found.returncode == 0, found.stderr
    assert json.loads(found.stdout) == {
        "seed": 5,
        "selected": [i + 1 for i in draw_panel(allocation, 5)],
    }
    found = run_flask("panel-draw", str(path), "--recompute", tmp_path=tmp_path)
    assert found.returncode == 0, found.stderr
    lines = found.stdout.splitlines()
    assert lines[0] == "Panel drawn with seed 2026 from Example small 20 (pool numbers):"
    assert lines[1] == " ".join(str(i + 1) for i in draw_panel(allocation, 2026))
    assert "matches the published one" in lines[2]


def test_the_published_pool_is_frozen(example):
    with pytest.raises(dataclasses.FrozenInstanceError):
        example[2].seed = 3  # type: ignore[misc]
    assert isinstance(example[2], PublishedPool)
