"""Counting a panel vote whose ballots were sealed, against the same ballots unsealed.

Both votes have the same 10,000 ballots (random rankings of 8 options) in one SQLite
database. The sealed one opens its ballot box: Argon2id at the default "moderate" cost
to unlock the key, 10,000 sealed boxes opened and shuffled, the opened set written and
the storage rewritten (VACUUM and a WAL truncate). The unsealed one (a vote whose voting
started before ballots were sealed) is rewritten and scrubbed the same way, so the
difference is the cost of the envelopes: the key derivation and the opening.
"""

import os
import random
from datetime import timedelta

import sqlalchemy as sa

from engage.accounts.models import FACILITATOR
from engage.accounts.services import create_user
from engage.extensions import db
from engage.panels.ballot_box import ballots, codes, keys, opening, sealing
from engage.panels.models import (
    Ballot,
    BallotRanking,
    BallotSeal,
    SealedBallot,
    VoterCode,
    random_id,
)
from engage.panels.outcome import tally
from engage.panels.process import phases, proposals, votes
from engage.partnership.services import current_partnership
from engage.timeutil import utcnow
from figures.common import Context, app_for, row, seconds

OPTIONS = 8
PASSPHRASE = "bench ballot box tawny lantern"  # noqa: S105 (a throwaway vote)


def _vote(user, title: str, n: int, sealed: bool, rng: random.Random):
    panel = votes.create_panel(current_partnership(), votes.PanelFields(name=title), user)
    fields = votes.VoteFields(title=title, question="Rank them.", method="irv", seats=1)
    vote = votes.create_vote(panel, fields, user)
    for i in range(OPTIONS):
        proposals.add_option(vote, f"Option {i + 1}", "", user)
    now = utcnow()
    votes.set_window(vote, now - timedelta(hours=1), now + timedelta(days=1), user)
    phases.open_proposals(vote, user)
    phases.start_deliberation(vote, user)
    phases.start_voting(vote, user, PASSPHRASE)
    if not sealed:  # as a vote started before ballots were sealed
        db.session.delete(db.session.get(BallotSeal, vote.id))
        db.session.flush()
    ids = [o.id for o in vote.active_options]
    for batch in range(0, n, codes.MAX_BATCH):  # the codes, all used
        codes.generate_codes(vote, min(codes.MAX_BATCH, n - batch), user)
    db.session.execute(sa.update(VoterCode).where(VoterCode.vote_id == vote.id).values(used=True))
    # The ballots as casting stores them, written in bulk (casting is not what is timed).
    seal = keys.seal_of(vote)
    rankings = [rng.sample(ids, rng.randint(1, OPTIONS)) for _ in range(n)]
    receipts = [ballots.new_receipt() for _ in range(n)]
    if sealed:
        assert seal is not None
        rows = [
            {
                "id": random_id(),
                "vote_id": vote.id,
                "box": sealing.seal(seal.public_key, receipt, ranking, seal.plaintext_size),
            }
            for receipt, ranking in zip(receipts, rankings, strict=True)
        ]
        db.session.execute(sa.insert(SealedBallot), rows)
    else:
        stored = [random_id() for _ in range(n)]
        db.session.execute(
            sa.insert(Ballot),
            [
                {"id": key, "vote_id": vote.id, "receipt": receipt, "paper": False}
                for key, receipt in zip(stored, receipts, strict=True)
            ],
        )
        db.session.execute(
            sa.insert(BallotRanking),
            [
                {"ballot_id": key, "rank": rank, "option_id": option_id}
                for key, ranking in zip(stored, rankings, strict=True)
                for rank, option_id in enumerate(ranking, 1)
            ],
        )
    phases.close_voting(vote, user, early=True)
    db.session.commit()
    return vote


def sealed_count(context: Context) -> list[dict]:
    n = context.responses(10_000, least=200)
    path = os.path.join(context.folder, "sealed-count.sqlite3")
    app = app_for(path)
    app.config["ENGAGE_BALLOT_KDF"] = "moderate"
    rng = random.Random(5)  # noqa: S311 (made-up rankings)
    with app.app_context():
        db.create_all()
        app.test_cli_runner().invoke(args=["seed-demo"], catch_exceptions=False)
        user = create_user(
            "counter@bench.example", PASSPHRASE, FACILITATOR, current_partnership().agencies[0]
        )
        sealed = _vote(user, "Sealed", n, True, rng)
        plain = _vote(user, "Unsealed", n, False, rng)

        def count(vote, passphrase):
            def run() -> None:
                tally.run_count(vote, user, passphrase)
                db.session.commit()
                opening.scrub_opened()

            return run

        unsealed_s = seconds(count(plain, None))
        sealed_s = seconds(count(sealed, PASSPHRASE))
        same = sealed.result["elected"] is not None and plain.result["elected"] is not None
        db.session.remove()
        db.engine.dispose()
    return [
        row(
            f"count a panel vote of {n:,} sealed ballots (open, shuffle, rewrite, count, scrub)",
            sealed_s,
            "s",
            f"the same count of {n:,} unsealed ballots (rewrite, count, scrub)",
            unsealed_s,
            "<= 10 s",
            sealed_s <= 10 and same,
        )
    ]
