"""Ballot secrecy, attacked as someone with read access to the server would attack it.

A real gunicorn server (with the README's access log) takes 32 ballots cast by known
codes, in a known order, on SQLite and on PostgreSQL. The attacker then reads what the
server leaves behind: the SQLite write-ahead log, frame by frame; the B-tree cells of
every table that holds opened ballots, in their physical order; PostgreSQL's xmin,
xmax and ctid; a ``flask backup`` copy; ``pg_dump`` output; the access and app logs;
and a member's session cookie, decoded without the key.

An order-based attack pairs the i-th code used with the i-th ballot in the order the
attacker found (forwards and backwards). Pairing two lists of n by chance matches one
pair on average (n × 1/n), and k or more with probability about that of a Poisson(1)
tail; each attack must link no more than chance allows at odds of 1 in 10,000.
"""

import base64
import math
import os
import random
import re
import shutil
import signal
import sqlite3
import struct
import subprocess
import sys
import threading
import time
import zlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
import requests
import sqlalchemy as sa

sys.path.append(os.path.join(os.path.dirname(os.path.dirname(__file__)), "bench"))

from harness import databases  # noqa: E402
from harness.servers import Gunicorn, free_port  # noqa: E402

from engage import create_app  # noqa: E402
from engage.extensions import db  # noqa: E402
from engage.panels.ballot_box import codes  # noqa: E402
from engage.panels.models import DELIBERATION  # noqa: E402
from engage.timeutil import utcnow  # noqa: E402
from tests import factories  # noqa: E402
from tests.panel_factories import PASSPHRASE, make_vote  # noqa: E402

BALLOTS = 32
TITLES = ("Parks", "Street lighting", "Less litter", "Bus shelters", "Youth club")
TOKEN = re.compile(r'name="csrf_token"[^>]*?value="([^"]+)"')
RECEIPT = re.compile(r"data-receipt>([A-Z0-9-]+)<")
PG_URL = os.environ.get("ENGAGE_TEST_DATABASE_URL")
FLASK = os.path.join(os.path.dirname(sys.executable), "flask")
# How unlikely a chance result may be before it counts as a link found.
ALPHA = 1e-4

pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")


def chance_limit(n: int, alpha: float = ALPHA, tries: int = 2) -> int:
    """The most pairs an attack may link by chance: pairing ``n`` codes with ``n`` ballots
    at random matches n × (1/n) = 1 pair on average, and the number matched is close to
    Poisson(1). The limit is the largest k with P(X >= k) above ``alpha`` / ``tries``
    (the attack tries the order forwards and backwards)."""
    expected = n * (1 / n)
    tail, k = 1.0, 0
    while True:
        tail -= math.exp(-expected) * expected**k / math.factorial(k)
        if tail < alpha / tries:
            return k
        k += 1


def order_links(cast: Sequence[str], found: Sequence[str]) -> int:
    """Pairs an order-based attack gets right: the i-th receipt cast against the i-th
    found, forwards or backwards, whichever links more."""
    forwards = sum(a == b for a, b in zip(cast, found, strict=False))
    backwards = sum(a == b for a, b in zip(cast, list(reversed(found)), strict=False))
    return max(forwards, backwards)


def test_the_chance_limit_is_the_poisson_tail():
    # P(X >= 7) = 8.3e-5 is above 1e-4 / 2; P(X >= 8) = 1.0e-5 is below it.
    assert chance_limit(32) == 7
    # P(X >= 3) = 0.080, P(X >= 4) = 0.019.
    assert chance_limit(32, alpha=0.05, tries=1) == 3
    # An attack that recovers the order links every ballot, far beyond the limit.
    cast = [f"R{i}" for i in range(32)]
    assert order_links(cast, cast) == 32
    assert order_links(cast, list(reversed(cast))) == 32


# ---- The server, its vote and its members ----


@dataclass
class Election:
    url: str
    folder: str
    port: int
    server: Gunicorn
    vote_id: int
    option_ids: list[int]
    cards: list[codes.IssuedCode]
    access_log: str
    app_log: str
    staff: requests.Session = field(default_factory=requests.Session)
    receipts: dict[int, str] = field(default_factory=dict)  # serial → receipt
    rankings: dict[str, list[int]] = field(default_factory=dict)  # receipt → option ids
    cast_order: list[str] = field(default_factory=list)  # receipts, as cast
    cookies: list[str] = field(default_factory=list)

    def path(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    @property
    def sqlite_path(self) -> str:
        return self.url.removeprefix("sqlite:///")


def _token(session: requests.Session, url: str) -> str:
    page = session.get(url, timeout=30)
    match = TOKEN.search(page.text)
    assert match, f"no form token on {url} (HTTP {page.status_code})"
    return match.group(1)


def _post(session: requests.Session, url: str, data: dict, form: str | None = None):
    token = _token(session, form or url)
    return session.post(url, data={**data, "csrf_token": token}, allow_redirects=False, timeout=60)


def _prepare(url: str) -> tuple[int, list[int], list[codes.IssuedCode], str]:
    app = create_app({"SECRET_KEY": "prepare", "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgraded = app.test_cli_runner().invoke(args=["db", "upgrade"], standalone_mode=False)
        assert upgraded.exception is None, upgraded.output
        partnership = factories.make_partnership()
        user = factories.make_user(partnership, "facilitator")
        vote = make_vote(partnership, user, DELIBERATION, titles=TITLES)
        vote.opens_at = utcnow() - timedelta(hours=1)
        vote.closes_at = utcnow() + timedelta(days=1)
        cards = codes.generate_codes(vote, BALLOTS, user)
        db.session.commit()
        found = vote.id, [o.id for o in vote.active_options], cards, user.email
        db.session.remove()
        db.engine.dispose()
    return found


@contextmanager
def _database(kind: str, folder: str) -> Iterator[str]:
    if kind == "sqlite":
        yield "sqlite:///" + os.path.join(folder, "engage.sqlite3")
    else:
        with databases.postgres_database(databases.postgres_server_url(), "secrecy") as url:
            yield url


def _server(url: str, folder: str, port: int) -> Gunicorn:
    access_log = os.path.join(folder, "access.log")
    env = databases.server_env(url, port, {"ENGAGE_BALLOT_KDF": "interactive"})
    return Gunicorn(
        port,
        env,
        os.path.join(folder, "app.log"),
        workers=2,
        threads=4,
        # The access log as the README deploys it.
        extra=(
            "--access-logfile",
            access_log,
            "--logger-class",
            "engage.access_log.GunicornLogger",
        ),
    )


@pytest.fixture(
    params=[
        "sqlite",
        pytest.param(
            "postgresql",
            marks=pytest.mark.skipif(
                not PG_URL,
                reason="ENGAGE_TEST_DATABASE_URL is not set, so the PostgreSQL leg is skipped",
            ),
        ),
    ]
)
def election(request, tmp_path) -> Iterator[Election]:
    """A vote in deliberation with 32 cards, served by gunicorn; its facilitator signed in
    and voting started with ``PASSPHRASE``."""
    folder = str(tmp_path)
    with _database(request.param, folder) as url:
        vote_id, option_ids, cards, email = _prepare(url)
        port = free_port()
        server = _server(url, folder, port)
        server.start()
        try:
            server.wait_until_answering("/healthz")
            found = Election(
                url,
                folder,
                port,
                server,
                vote_id,
                option_ids,
                cards,
                os.path.join(folder, "access.log"),
                os.path.join(folder, "app.log"),
            )
            login = _post(
                found.staff,
                found.path("/login"),
                {"email": email, "password": factories.PASSWORD},
            )
            assert login.status_code == 302, login.text[:500]
            started = _post(
                found.staff,
                found.path(f"/panels/votes/{vote_id}/start-voting"),
                {"passphrase": PASSPHRASE, "confirm": PASSPHRASE},
            )
            assert started.status_code == 302, started.text[:2000]
            yield found
        finally:
            server.stop()


def _ranking(election: Election, rng: random.Random) -> list[int]:
    """A ranking no other member of this election has cast, so each ballot is its own."""
    while True:
        ranking = rng.sample(election.option_ids, rng.randint(2, len(election.option_ids)))
        if ranking not in election.rankings.values():
            return ranking


def cast(election: Election, card: codes.IssuedCode, ranking: list[int]) -> str | None:
    """One member: the card's old-style QR link, the code typed in, the ballot cast.
    Returns the receipt, or None if the server did not acknowledge the ballot."""
    member = requests.Session()
    member.get(election.path(f"/vote/enter?code={card.code}"), timeout=30)  # an older card
    # A careless link elsewhere: the code in the referrer of the next request.
    member.headers["Referer"] = election.path(f"/vote/enter?code={card.code}")
    entered = _post(member, election.path("/vote/enter"), {"code": card.code})
    assert entered.status_code == 303, entered.text[:500]
    election.cookies.append(member.cookies.get("session") or "")
    ballot = {f"rank-{option_id}": str(rank) for rank, option_id in enumerate(ranking, 1)}
    home = election.path(f"/vote/{election.vote_id}/ballot")
    response = _post(member, election.path(f"/vote/{election.vote_id}/cast"), ballot, home)
    match = RECEIPT.search(response.text) if response.status_code == 200 else None
    return match.group(1) if match else None


def cast_all(election: Election, seed: int = 7) -> None:
    rng = random.Random(seed)  # noqa: S311 (the test's own made-up rankings)
    for card in rng.sample(election.cards, len(election.cards)):
        ranking = _ranking(election, rng)
        receipt = cast(election, card, ranking)
        assert receipt, f"card {card.serial} was not acknowledged"
        election.receipts[card.serial] = receipt
        election.rankings[receipt] = ranking
        election.cast_order.append(receipt)


def close_and_count(election: Election, passphrase: str = PASSPHRASE) -> requests.Response:
    base = f"/panels/votes/{election.vote_id}"
    closed = _post(election.staff, election.path(f"{base}/close"), {"early": "yes"})
    assert closed.status_code == 302, closed.text[:500]
    return count(election, passphrase)


def count(election: Election, passphrase: str = PASSPHRASE) -> requests.Response:
    url = election.path(f"/panels/votes/{election.vote_id}/count")
    return _post(election.staff, url, {"passphrase": passphrase})


def engine_for(election: Election) -> sa.Engine:
    if election.url.startswith("sqlite"):
        # The attacker's own read-only look at a copy: never the server's file.
        copy = os.path.join(election.folder, f"copy-{time.monotonic_ns()}.sqlite3")
        shutil.copy(election.sqlite_path, copy)
        if os.path.exists(election.sqlite_path + "-wal"):
            shutil.copy(election.sqlite_path + "-wal", copy + "-wal")
        return sa.create_engine(f"sqlite:///{copy}")
    return sa.create_engine(databases.sa_url(election.url))


def rows(election: Election, query: str) -> list[tuple]:
    engine = engine_for(election)
    try:
        with engine.connect() as connection:
            return [tuple(r) for r in connection.execute(sa.text(query))]
    finally:
        engine.dispose()


# ---- What the SQLite files hold ----


def wal_commits(path: str) -> list[bytes]:
    """The SQLite write-ahead log replayed one commit at a time: the bytes of the pages
    each commit wrote (frames up to one whose header records the database size)."""
    if not os.path.exists(path):
        return []
    with open(path, "rb") as handle:
        data = handle.read()
    if len(data) < 32:
        return []
    page_size = struct.unpack(">I", data[8:12])[0]
    commits, pages = [], []
    for start in range(32, len(data) - 24 - page_size + 1, 24 + page_size):
        _page, size_after = struct.unpack(">II", data[start : start + 8])
        pages.append(data[start + 24 : start + 24 + page_size])
        if size_after:
            commits.append(b"".join(pages))
            pages = []
    return commits


def wal_order(commits: Sequence[bytes], keys: Sequence[str]) -> list[str]:
    """``keys`` in the order of the commit that first wrote each: replaying the log one
    commit at a time gives the order rows were stored in."""
    seen: dict[str, None] = {}
    for commit in commits:
        for key in physical_order(commit, keys):
            seen.setdefault(key, None)
    return list(seen)


def physical_order(data: bytes, keys: Sequence[str]) -> list[str]:
    """``keys`` in the order they first appear in ``data``: the order a reader of the raw
    bytes (B-tree cells, a dump) sees them in. Keys not found are left out."""
    found = [(data.find(key.encode()), key) for key in keys]
    return [key for offset, key in sorted(found) if offset >= 0]


def table_bytes(path: str, table: str) -> bytes:
    """The pages of one table (WITHOUT ROWID: its key's B-tree) as laid out in the file,
    once a copy of the file has taken in its write-ahead log as SQLite would."""
    copy = f"{path}.attacker-{time.monotonic_ns()}"
    shutil.copy(path, copy)
    if os.path.exists(path + "-wal"):
        shutil.copy(path + "-wal", copy + "-wal")
    with sqlite3.connect(copy) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    path = copy
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
        pages = [
            n for (n,) in connection.execute("SELECT pageno FROM dbstat WHERE name = ?", (table,))
        ]
        page_size = connection.execute("PRAGMA page_size").fetchone()[0]
    with open(path, "rb") as handle:
        data = handle.read()
    return b"".join(data[(n - 1) * page_size : n * page_size] for n in sorted(pages))


def decoded_cookie(value: str) -> str:
    """A Flask session cookie read without its key, as anyone holding it can."""
    payload = value.split(".")[1] if value.startswith(".") else value.split(".")[0]
    raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    return (zlib.decompress(raw) if value.startswith(".") else raw).decode("utf-8", "replace")


def forms_of(code: str) -> list[str]:
    plain = code.replace("-", "")
    return [code, plain, code.lower(), plain.lower()]


# ---- The attacks ----


def test_during_voting_the_database_links_codes_to_ciphertext_only(election):
    cast_all(election)
    receipts = list(election.rankings)
    assert rows(election, "SELECT count(*) FROM ballot") == [(0,)]
    assert rows(election, "SELECT count(*) FROM ballot_ranking") == [(0,)]
    assert rows(election, "SELECT count(*) FROM sealed_ballot") == [(BALLOTS,)]
    if election.url.startswith("sqlite"):
        commits = wal_commits(election.sqlite_path + "-wal")
        assert len(commits) >= BALLOTS  # the casts are there to be replayed
        with open(election.sqlite_path, "rb") as handle:
            everything = handle.read() + b"".join(commits)
    else:
        # The xmin join still pairs each code with the row stored in its transaction...
        pairs = rows(
            election,
            "SELECT c.serial, s.box FROM voter_code c JOIN sealed_ballot s ON s.xmin = c.xmin",
        )
        assert len(pairs) == BALLOTS
        # ...but that row is a sealed box: no receipt, no ranking.
        everything = b"".join(bytes(box) for _, box in pairs)
        linked = rows(
            election, "SELECT count(*) FROM voter_code c JOIN ballot b ON b.xmin = c.xmin"
        )
        assert linked == [(0,)]
    assert not [r for r in receipts if r.encode() in everything]
    assert b'"ranking":' not in everything


def test_after_counting_nothing_links_a_code_to_its_ballot_beyond_chance(election):
    cast_all(election)
    counted = close_and_count(election)
    assert counted.status_code == 302, counted.text[:2000]
    limit = chance_limit(BALLOTS)
    cast_order = election.cast_order
    stored = dict(rows(election, "SELECT id, receipt FROM ballot"))
    assert sorted(stored.values()) == sorted(cast_order)
    # The published list names each ballot by receipt: the attacker knows them all.
    published = election.staff.get(
        election.path(f"/panels/votes/{election.vote_id}/results/ballots.csv"), timeout=30
    )
    assert published.status_code == 200
    assert physical_order(published.content, cast_order) == sorted(cast_order)
    links: dict[str, int] = {}
    if election.url.startswith("sqlite"):
        path = election.sqlite_path
        links["WAL replay"] = order_links(
            cast_order, wal_order(wal_commits(path + "-wal"), cast_order)
        )
        links["ballot B-tree cells"] = order_links(
            cast_order, physical_order(table_bytes(path, "ballot"), cast_order)
        )
        by_id = physical_order(table_bytes(path, "ballot_ranking"), list(stored))
        links["ballot_ranking B-tree cells"] = order_links(cast_order, [stored[i] for i in by_id])
        backup = os.path.join(election.folder, "backup.sqlite3")
        made = subprocess.run(  # noqa: S603 (our own CLI)
            [
                os.path.join(os.path.dirname(sys.executable), "flask"),
                "--app",
                "engage",
                "backup",
                backup,
            ],
            env=election.server.env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert made.returncode == 0, made.stderr
        with open(backup, "rb") as handle:
            links["flask backup"] = order_links(
                cast_order, physical_order(handle.read(), cast_order)
            )
    else:
        by_ctid = [r for (r,) in rows(election, "SELECT receipt FROM ballot ORDER BY ctid")]
        links["ballot ctid"] = order_links(cast_order, by_ctid)
        ranking_ctid = [
            stored[i]
            for (i,) in rows(election, "SELECT ballot_id FROM ballot_ranking ORDER BY ctid")
        ]
        links["ballot_ranking ctid"] = order_links(cast_order, list(dict.fromkeys(ranking_ctid)))
        code_xmins = {x for (x,) in rows(election, "SELECT xmin::text FROM voter_code")}
        for table in ("ballot", "ballot_ranking"):
            xmins = {x for (x,) in rows(election, f"SELECT xmin::text FROM {table}")}  # noqa: S608
            xmaxs = {x for (x,) in rows(election, f"SELECT xmax::text FROM {table}")}  # noqa: S608
            # One transaction wrote every opened ballot, and no code shares it.
            assert len(xmins) == 1 and not xmins & code_xmins, table
            # xmax is 0, or the counting transaction itself (its foreign-key row locks).
            assert xmaxs <= {"0"} | xmins, (table, xmaxs, xmins)
        assert rows(election, "SELECT count(*) FROM sealed_ballot") == [(0,)]
        server = databases.sa_url(election.url)
        dumped = subprocess.run(  # noqa: S603 (pg_dump with fixed arguments)
            [
                shutil.which("pg_dump") or "pg_dump",
                "--data-only",
                "-h",
                server.host or "127.0.0.1",
                "-U",
                server.username or "postgres",
                server.database or "",
            ],
            capture_output=True,
            check=True,
        )
        links["pg_dump"] = order_links(cast_order, physical_order(dumped.stdout, cast_order))
    assert all(n <= limit for n in links.values()), (links, limit)


def test_codes_are_in_no_log_and_no_cookie(election):
    cast_all(election)
    close_and_count(election)
    election.server.stop()  # flushes the logs
    with open(election.access_log, encoding="utf-8") as handle:
        access = handle.read()
    with open(election.app_log, encoding="utf-8", errors="replace") as handle:
        app_log = handle.read()
    assert f"/vote/{election.vote_id}/cast" in access  # the log is real and complete
    assert "/vote/enter" in access
    for card in election.cards:
        for form in forms_of(card.code):
            assert form not in access, card.serial
            assert form not in app_log, card.serial
    assert len(election.cookies) == BALLOTS
    for cookie, card in zip(election.cookies, election.cards, strict=False):
        text = decoded_cookie(cookie)
        assert "panel_members" in text
        assert not any(form in text for c in election.cards for form in forms_of(c.code)), card


def test_a_wrong_passphrase_refuses_to_count_and_changes_nothing(election):
    cast_all(election)
    refused = close_and_count(election, passphrase=PASSPHRASE + " ")
    assert refused.status_code == 400
    assert "That passphrase does not open this vote" in refused.text
    assert rows(election, "SELECT count(*) FROM sealed_ballot") == [(BALLOTS,)]
    assert rows(election, "SELECT count(*) FROM ballot") == [(0,)]
    assert not _state(election)[3]
    assert count(election).status_code == 302


# ---- Crashes ----


def _state(election: Election) -> tuple[int, int, int, bool]:
    used = rows(election, "SELECT count(*) FROM voter_code WHERE used")[0][0]
    sealed = rows(election, "SELECT count(*) FROM sealed_ballot")[0][0]
    opened = rows(election, "SELECT count(*) FROM ballot")[0][0]
    (result,) = rows(election, "SELECT result FROM priority_vote")[0]
    return used, sealed, opened, result not in (None, "null")


def _restart(election: Election) -> None:
    election.server.kill()
    election.server.start()
    election.server.wait_until_answering("/healthz")


def test_sigkill_while_members_cast_loses_no_ballot_and_none_without_its_code(election):
    rng = random.Random(11)  # noqa: S311 (made-up rankings)
    acknowledged: list[str] = []
    rankings = {card.serial: _ranking(election, rng) for card in election.cards}

    def member(card: codes.IssuedCode) -> None:
        try:
            receipt = cast(election, card, rankings[card.serial])
        except (requests.RequestException, AssertionError):
            return
        if receipt:
            acknowledged.append(receipt)

    threads = [threading.Thread(target=member, args=(card,)) for card in election.cards]
    for thread in threads:
        thread.start()
        time.sleep(0.02)
    deadline = time.monotonic() + 60
    while len(acknowledged) < BALLOTS // 3 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert len(acknowledged) >= BALLOTS // 3, "the members could not cast"
    election.server.kill()  # SIGKILL to the whole process group, mid-traffic
    for thread in threads:
        thread.join(timeout=60)
    _restart(election)
    used, sealed, opened, _ = _state(election)
    assert used == sealed and opened == 0  # no ballot without its code, nor the reverse
    assert sealed >= len(acknowledged)
    assert close_and_count(election).status_code == 302
    stored = {r for (r,) in rows(election, "SELECT receipt FROM ballot")}
    assert set(acknowledged) <= stored  # nothing acknowledged is lost
    assert len(stored) == used


def test_sigkill_while_counting_opens_all_or_nothing(election):
    cast_all(election)
    base = f"/panels/votes/{election.vote_id}"
    closed = _post(election.staff, election.path(f"{base}/close"), {"early": "yes"})
    assert closed.status_code == 302
    outcomes = set()
    for delay in (0.05, 0.15, 0.3, 0.6):
        token = _token(election.staff, election.path(f"{base}/count"))

        def post(token: str = token) -> None:
            with suppress(requests.RequestException):
                election.staff.post(
                    election.path(f"{base}/count"),
                    data={"passphrase": PASSPHRASE, "csrf_token": token},
                    allow_redirects=False,
                    timeout=60,
                )

        thread = threading.Thread(target=post)
        thread.start()
        time.sleep(delay)
        os.killpg(election.server.pid, signal.SIGKILL)
        thread.join(timeout=60)
        _restart(election)
        used, sealed, opened, counted = _state(election)
        # Either still all sealed and not counted, or all opened and counted: never half.
        assert (sealed, opened, counted) in ((BALLOTS, 0, False), (0, BALLOTS, True))
        assert used == BALLOTS
        outcomes.add(counted)
        if counted:
            break
    if True not in outcomes:
        assert count(election).status_code == 302
    stored = {r for (r,) in rows(election, "SELECT receipt FROM ballot")}
    assert stored == set(election.cast_order)
