"""Scale-out: two app servers (gunicorn on two ports) on one PostgreSQL, limits in Redis.

    .venv/bin/python bench/scaleout.py [--seconds 6] [--kiosks 10] [--codes 40]
        [--postgres URL] [--redis redis://127.0.0.1:6379/15]

Both servers share the secret key, a fresh PostgreSQL database (engage_scaleout_<pid>,
dropped afterwards) and ENGAGE_RATELIMIT_STORAGE_URL (a Redis database index of its
own; only the keys under Engage's prefix there are deleted, before and after). While
kiosks submit responses to both servers in turn, panel members cast ballots with
single-use codes through both (the code entered and the ballot cast on one, the
ballot form opened on the other),
some codes are sent to both servers at the same moment, and the demo facilitator
signs in on each. Then failed sign-ins are spread across the two servers to show
that the throttle counts them together. Checks:

- responses stored = acknowledged, none twice;
- ballots stored = codes used = ballots acknowledged, and a code sent to both
  servers at once stores one ballot;
- the per-account and per-address sign-in limits answer 429 at the combined count
  (or "skipped: no limiter" while engage/limits.py does not exist).

Exits 1 if any check fails. Only 127.0.0.1 is contacted; loops are bounded.
"""

import argparse
import importlib.util
import os
import signal
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from harness import databases, progress  # noqa: E402
from harness.browser import Browser  # noqa: E402
from harness.kiosks import Kiosk  # noqa: E402
from harness.ledger import Ledger, reconcile  # noqa: E402
from harness.members import FACILITATOR, Panel, setup_vote  # noqa: E402
from harness.servers import Gunicorn, free_port  # noqa: E402

ACCOUNT_LIMIT, ADDRESS_LIMIT = 5, 20
# The sign-in limits made explicit, so the check knows where 429 must start; the kiosk
# limit raised, since a few simulated kiosks send far more than a venue's tablets do.
LIMITS = {
    "ENGAGE_LOGIN_LIMIT_ACCOUNT": f"{ACCOUNT_LIMIT} per 15 minutes",
    "ENGAGE_LOGIN_LIMIT_ADDRESS": f"{ADDRESS_LIMIT} per 15 minutes",
    "ENGAGE_KIOSK_LIMIT": "100000 per minute",
}
KEY_PATTERN = "LIMITS:LIMITER/engage/*"  # Flask-Limiter's keys under RATELIMIT_KEY_PREFIX


def clear_limits(redis_url: str) -> int:
    """Delete Engage's rate-limit keys in this Redis database only; how many there were."""
    import redis

    client = redis.Redis.from_url(redis_url, socket_timeout=5)
    try:
        keys = list(client.scan_iter(match=KEY_PATTERN, count=500))
        if keys:
            client.delete(*keys)
        return len(keys)
    except redis.RedisError as error:
        raise RuntimeError(f"Redis does not answer at {redis_url} ({error})") from error
    finally:
        client.close()


def sign_in(ports: list[int]) -> list[int]:
    """The demo facilitator signs in on each server, the form fetched from the other."""
    from engage.demo.content import DEMO_PASSWORD

    statuses = []
    for index, port in enumerate(ports):
        browser = Browser()
        token = browser.csrf_token(ports[(index + 1) % 2], "/login")
        form = {"csrf_token": token, "email": FACILITATOR, "password": DEMO_PASSWORD}
        statuses.append(browser.post(port, "/login", form)[0])
    return statuses


def throttle(ports: list[int]) -> list[str]:
    """Failed sign-ins alternating between the servers; the problems found (none: passed)."""
    if importlib.util.find_spec("engage.limits") is None:
        print("throttle: skipped: no limiter")
        return []
    browser = Browser()
    token = browser.csrf_token(ports[0], "/login")

    def attempt(number: int, email: str) -> int:
        form = {"csrf_token": token, "email": email, "password": "wrong password"}
        return browser.post(ports[number % 2], "/login", form)[0]

    problems = []
    account = [attempt(n, "analyst@demo.engage.test") for n in range(ACCOUNT_LIMIT + 2)]
    expected = [401] * ACCOUNT_LIMIT + [429, 429]
    print(f"throttle per account: {account} (servers alternate; {ACCOUNT_LIMIT} allowed)")
    if account != expected:
        problems.append(f"per-account limit: expected {expected}, got {account}")
    others = [
        attempt(n, f"nobody{n}@example.test") for n in range(ADDRESS_LIMIT - ACCOUNT_LIMIT + 2)
    ]
    expected = [401] * (ADDRESS_LIMIT - ACCOUNT_LIMIT) + [429, 429]
    print(f"throttle per address: {others} (after those; {ADDRESS_LIMIT} failures allowed)")
    if others != expected:
        problems.append(f"per-address limit: expected {expected}, got {others}")
    return problems


def totals(database_url: str, vote_id: int) -> dict[str, int]:
    import sqlalchemy as sa

    engine = sa.create_engine(databases.sa_url(database_url))
    try:
        with engine.connect() as connection:
            return {
                # Cast ballots wait sealed until the count (engage/panels/ballot_box).
                "ballots": connection.scalar(
                    sa.text("SELECT COUNT(*) FROM sealed_ballot WHERE vote_id = :v"),
                    {"v": vote_id},
                ),
                "codes_used": connection.scalar(
                    sa.text("SELECT COUNT(*) FROM voter_code WHERE vote_id = :v AND used"),
                    {"v": vote_id},
                ),
            }
    finally:
        engine.dispose()


def check_ballots(stored: dict[str, int], cast: list[int], raced: list[list[int]]) -> list[str]:
    """Ballots stored = codes used = ballots acknowledged, and one ballot per raced code."""
    accepted = cast.count(200) + sum(statuses.count(200) for statuses in raced)
    print(
        f"ballots: cast={accepted} stored={stored['ballots']} codes_used={stored['codes_used']}"
        f" of {len(cast) + len(raced)} codes; one code sent to both servers at once,"
        f" {len(raced)} times: {raced}"
    )
    problems = []
    if cast.count(200) != len(cast):
        problems.append(f"ballot statuses: {sorted(set(cast))}")
    if any(statuses != [200, 400] for statuses in raced):
        problems.append(f"a code sent to both servers at once: {raced}, expected [200, 400]")
    if not stored["ballots"] == stored["codes_used"] == accepted == len(cast) + len(raced):
        problems.append(f"ballots stored {stored} but {accepted} acknowledged")
    return problems


def run(args: argparse.Namespace, folder: str, url: str) -> list[str]:
    """Everything against one database; the problems found."""
    problems: list[str] = []
    ports = [free_port(), free_port()]
    while ports[1] == ports[0]:
        ports[1] = free_port()
    progress("migrating and seeding the demo; a vote in its voting phase with codes")
    token, version_id, pool = databases.prepare(url, ports[0])
    vote_id, option_ids, codes = setup_vote(url, args.codes)
    extra = {**LIMITS, "ENGAGE_RATELIMIT_STORAGE_URL": args.redis}
    env = databases.server_env(url, ports[0], extra)
    servers = [Gunicorn(p, env, os.path.join(folder, f"gunicorn-{p}.log")) for p in ports]
    ledger, halt = Ledger(), threading.Event()
    try:
        progress(f"starting two servers on 127.0.0.1:{ports[0]} and :{ports[1]}")
        for server in servers:
            server.start()
        for server in servers:
            server.wait_until_answering(f"/kiosk/{token}/precache.json")
        progress(f"{args.kiosks} kiosks for {args.seconds:.0f} s; ballots and sign-ins meanwhile")
        began = time.monotonic()
        stop_at = began + args.seconds
        kiosks = [
            Kiosk(n, ports, token, version_id, pool, ledger, stop_at, halt)
            for n in range(args.kiosks)
        ]
        for kiosk in kiosks:
            kiosk.start()
        panel = Panel(ports, vote_id, option_ids)
        racing = codes[: args.codes // 8]
        single = codes[len(racing) : len(racing) + args.codes * 3 // 4]
        with ThreadPoolExecutor(4) as members:
            cast = list(members.map(panel.cast, range(len(single)), single))
        raced = [panel.race(code) for code in racing]
        signed_in = sign_in(ports)
        for kiosk in kiosks:
            kiosk.join(max(0.0, stop_at + 60 - time.monotonic()))
        seconds = time.monotonic() - began
        progress("failed sign-ins, alternating between the servers")
        problems += throttle(ports)
    finally:
        halt.set()
        for server in servers:
            server.stop()
    progress("checking the totals in the database")
    figures = reconcile(ledger, databases.stored_responses(url, token), [])
    print(f"kiosks: {figures.line()} ({figures.acknowledged / seconds:.1f}/s, both servers)")
    if not figures.ok:
        problems.append(f"kiosk responses: {figures.line()} {figures.first_errors}")
    problems += check_ballots(totals(url, vote_id), cast, raced)
    print(f"logins: facilitator on each server: {signed_in} (302 is signed in)")
    if signed_in != [302, 302]:
        problems.append(f"the facilitator's sign-ins answered {signed_in}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=6.0, help="of kiosk traffic")
    parser.add_argument("--kiosks", type=int, default=10)
    parser.add_argument("--codes", type=int, default=40)
    parser.add_argument("--postgres", default=databases.postgres_server_url())
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/15")
    args = parser.parse_args(argv)
    if not (1 <= args.seconds <= 600 and 1 <= args.kiosks <= 100 and 8 <= args.codes <= 400):
        parser.error("--seconds must be 1 to 600, --kiosks 1 to 100 and --codes 8 to 400")
    if not args.redis.startswith("redis://127.0.0.1:"):
        parser.error("--redis must be on 127.0.0.1, as redis://127.0.0.1:6379/15")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        clear_limits(args.redis)
    except RuntimeError as error:
        print(f"scale-out: {error}; start redis-server, or pass --redis")
        return 1
    try:
        with (
            tempfile.TemporaryDirectory(prefix="engage-scaleout-") as folder,
            databases.postgres_database(args.postgres, label="scaleout") as url,
        ):
            problems = run(args, folder, url)
    finally:
        clear_limits(args.redis)
    for problem in problems:
        print(f"FAILED: {problem}")
    print("scale-out: all checks passed" if not problems else "scale-out: FAILED")
    return 1 if problems else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("scale-out: interrupted; servers stopped, database removed", file=sys.stderr)
        sys.exit(130)
