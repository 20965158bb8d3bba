"""Panel members over HTTP: a vote set up through the services, then members who enter
their code on one server and cast their ballot on another, or on both at once.
"""

import random
import threading
from concurrent.futures import ThreadPoolExecutor

from harness.browser import Browser

FACILITATOR = "facilitator@demo.engage.test"


def setup_vote(database_url: str, count: int) -> tuple[int, list[int], list[str]]:
    """A vote in its voting phase with ``count`` codes, made through the services as a
    facilitator would: (vote id, option ids, plain codes)."""
    from datetime import timedelta

    from engage import create_app
    from engage.accounts.services import find_user
    from engage.extensions import db
    from engage.panels.ballot_box import codes
    from engage.panels.process import phases, proposals, votes
    from engage.partnership.services import current_partnership
    from engage.timeutil import utcnow

    app = create_app({"SECRET_KEY": "scaleout", "SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        user, partnership = find_user(FACILITATOR), current_partnership()
        assert user is not None and partnership is not None
        panel = votes.create_panel(partnership, votes.PanelFields(name="Scale-out panel"), user)
        fields = votes.VoteFields(
            title="What should we fix first?", question="Rank them.", method="irv", seats=1
        )
        vote = votes.create_vote(panel, fields, user)
        for title in ("Parks", "Street lighting", "Less litter", "Buses"):
            proposals.add_option(vote, title, "", user)
        now = utcnow()
        votes.set_window(vote, now - timedelta(hours=1), now + timedelta(days=1), user)
        for step in (phases.open_proposals, phases.start_deliberation):
            step(vote, user)
        phases.start_voting(vote, user, PASSPHRASE)
        issued = codes.generate_codes(vote, count, user)
        db.session.commit()
        result = vote.id, [o.id for o in vote.active_options], [c.code for c in issued]
        db.engine.dispose()
    return result


# The ballot box's passphrase of the bench's vote.
PASSPHRASE = "bench ballot box tawny lantern"  # noqa: S105 (a throwaway vote)


class Panel:
    """Members casting ballots through both servers."""

    def __init__(self, ports: list[int], vote_id: int, option_ids: list[int]):
        self.ports = ports
        self.vote_id = vote_id
        self.option_ids = option_ids
        self.rng = random.Random(3)  # noqa: S311 (made-up rankings, not secrets)

    def _ready(self, code: str, first: int, second: int) -> tuple[Browser, dict[str, str]]:
        """Enter the code on one server and open the ballot on the other: the cast form."""
        browser = Browser()
        # As the card's QR link does (the code after "#", put in the form by enter.js).
        entry = {"csrf_token": browser.csrf_token(first, "/vote/enter"), "code": code}
        status, _ = browser.post(first, "/vote/enter", entry)
        if status != 303:
            raise RuntimeError(f"entering a code answered HTTP {status}")
        form = {"csrf_token": browser.csrf_token(second, f"/vote/{self.vote_id}/ballot")}
        ranking = self.rng.sample(self.option_ids, self.rng.randint(1, len(self.option_ids)))
        form.update({f"rank-{oid}": str(rank) for rank, oid in enumerate(ranking, 1)})
        return browser, form

    def cast(self, index: int, code: str) -> int:
        first, second = self.ports[index % 2], self.ports[(index + 1) % 2]
        browser, form = self._ready(code, first, second)
        status, _ = browser.post(first, f"/vote/{self.vote_id}/cast", form)
        return status

    def race(self, code: str) -> list[int]:
        """The same confirmed ballot sent to both servers at the same moment: the statuses."""
        browser, form = self._ready(code, self.ports[0], self.ports[1])
        barrier = threading.Barrier(2)

        def send(port: int) -> int:
            barrier.wait(timeout=10)
            return browser.post(port, f"/vote/{self.vote_id}/cast", form)[0]

        with ThreadPoolExecutor(2) as pool:
            return sorted(pool.map(send, self.ports))
