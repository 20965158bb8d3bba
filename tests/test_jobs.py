"""Recounts, seedings and imports as jobs: queued, watched, ended plainly, never half-done."""

import json

import pytest
import sqlalchemy as sa

from engage.audit.models import AuditEntry
from engage.jobs import services
from engage.jobs.models import DONE, FAILED, KIOSK_IMPORT, QUEUED, RECOUNT, RUNNING, SEED, Job
from engage.jobs.queue import huey
from engage.results import jobs as result_jobs
from engage.results import recount as recount_module
from engage.survey.models import Response
from tests.test_kiosk_import import event as event  # noqa: F401  (the fixture)
from tests.test_kiosk_import import queue_file, response_item, upload
from tests.test_results_engine import _responses


def _corrupt_first_row(db) -> None:
    first, second = db.session.scalars(sa.select(Response.id).order_by(Response.id).limit(2))
    other = db.session.scalar(sa.select(Response.coded).where(Response.id == second))
    wrong = bytes(other[:-1]) + bytes([other[-1] ^ 1])
    db.session.execute(sa.update(Response).where(Response.id == first).values(coded=wrong))
    db.session.commit()


def test_an_admin_recounts_from_the_jobs_page_and_sees_what_was_corrected(
    db, admin_client, questionnaire
):
    _responses(db, questionnaire, 6, seed=2)
    _corrupt_first_row(db)
    page = admin_client.get("/jobs/").get_data(as_text=True)
    assert "Recount the results" in page and "No jobs yet" in page
    response = admin_client.post("/jobs/recount", follow_redirects=True)
    text = response.get_data(as_text=True)
    assert response.request.path.startswith("/jobs/")
    assert "Checked 6 responses" in text
    assert "1 results rows differed from the answers and were corrected: responses 1." in text
    job = db.session.scalar(sa.select(Job))
    assert (job.kind, job.status, job.rows_total, job.rows_done) == (RECOUNT, DONE, 6, 6)
    assert job.user_id == admin_client.user.id and job.finished_at is not None
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "results.recount"))
    assert entry is not None and entry.user_id == admin_client.user.id
    listed = admin_client.get("/jobs/").get_data(as_text=True)
    assert "Recount of the results" in listed and "Done" in listed


def test_a_running_jobs_page_shows_rows_done_and_time_left(
    db, app, admin_client, questionnaire, monkeypatch
):
    _responses(db, questionnaire, 5, seed=4)
    monkeypatch.setattr(recount_module, "BATCH", 2)
    monkeypatch.setattr("engage.jobs.progress.EVERY", 0)
    pages = []

    def watched(job, report):
        def watching(done, total):
            report(done, total)
            pages.append(admin_client.get(f"/jobs/{job.id}").get_data(as_text=True))

        return result_jobs.work(job, watching)

    job = result_jobs.request_recount(None)
    db.session.commit()
    services.run(job.id, watched)
    assert len(pages) == 3  # batches of 2, 2 and 1
    assert "<strong>2</strong> of 5 responses done (40%)" in pages[0]
    assert "<strong>4</strong> of 5 responses done (80%)" in pages[1]
    assert " s left" in pages[1]
    assert 'http-equiv="refresh"' in pages[0]
    # Once it has ended the count comes from the job's row, and the store is emptied.
    assert huey.get(f"progress:job:{job.id}", peek=True) is None
    assert db.session.get(Job, job.id).rows_done == 5


def test_a_job_that_fails_keeps_none_of_its_changes_and_says_so(
    db, admin_client, questionnaire, caplog
):
    _responses(db, questionnaire, 3, seed=1)

    def half_done(job, report):
        db.session.execute(sa.delete(Response).where(Response.id == 1))
        report(1, 3)
        raise OSError("disk full")

    job = services.create(RECOUNT, "Recount of the results", None, {}, 3)
    db.session.commit()
    ended = services.run(job.id, half_done)
    assert (ended.status, ended.error) == (FAILED, "OSError: disk full")
    assert db.session.scalar(sa.select(sa.func.count(Response.id))) == 3
    page = admin_client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert "The job did not finish" in page and "OSError: disk full" in page
    assert "Nothing of it was kept" in page
    assert "Job 1 (recount) failed" in caplog.text


def test_a_job_runs_once_however_often_it_is_queued(db, questionnaire):
    calls = []
    job = services.create(RECOUNT, "Recount of the results", None, {}, 0)
    db.session.commit()
    for _ in range(2):
        services.run(job.id, lambda job, report: calls.append(job.id) or "ok")
    assert calls == [job.id]


def test_recount_from_the_command_line_in_the_background(db, runner, questionnaire):
    _responses(db, questionnaire, 4, seed=6)
    queued = runner.invoke(args=["recount-results", "--background"])
    assert queued.exit_code == 0, queued.output
    assert "Queued as job 1" in queued.output
    listed = runner.invoke(args=["jobs"])
    assert "done" in listed.output and "4/4" in listed.output
    assert "Checked 4 responses" in listed.output


def test_seed_synthetic_is_a_job_with_its_summary(db, runner, questionnaire, partnership):
    result = runner.invoke(args=["seed-synthetic", "--responses", "30", "--seed", "3"])
    assert result.exit_code == 0, result.output
    assert "Added 30 synthetic responses" in result.output
    job = db.session.scalar(sa.select(Job))
    assert (job.kind, job.status, job.rows_done, job.params) == (
        SEED,
        DONE,
        30,
        {"count": 30, "seed": 3},
    )
    assert db.session.scalar(sa.select(sa.func.count(Response.id))) == 30


def test_a_queued_job_nobody_starts_is_shown_as_stalled(db, admin_client, questionnaire):
    job = services.create(RECOUNT, "Recount of the results", None, {}, 0)
    job.created_at = job.created_at.replace(year=2020)
    db.session.commit()
    assert job.status == QUEUED
    page = admin_client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert "The job worker may not be running" in page
    assert 'http-equiv="refresh"' not in page


def test_an_import_job_keeps_no_copy_of_the_file_whatever_the_outcome(
    db, app, admin_client, event, questionnaire
):
    folder = services.folder()
    good = upload(admin_client, queue_file(event, [response_item(questionnaire)]))
    assert "1 response stored, 0 already stored." in good.get_data(as_text=True)
    bad = response_item(questionnaire, safe="nope")
    refused = upload(admin_client, queue_file(event, [bad]))
    assert "Nothing was imported" in refused.get_data(as_text=True)
    assert list(folder.iterdir()) == []
    kinds = db.session.execute(sa.select(Job.kind, Job.status).order_by(Job.id)).all()
    assert kinds == [(KIOSK_IMPORT, DONE), (KIOSK_IMPORT, FAILED)]


def test_a_queue_file_larger_than_other_uploads_is_imported(db, admin_client, event, questionnaire):
    data = queue_file(event, [response_item(questionnaire)])
    data["notes"] = "x" * (3 * 1024 * 1024)  # over the 2 MB every other page accepts
    response = upload(admin_client, data)
    assert "1 response stored" in response.get_data(as_text=True)
    other = admin_client.post(  # the body is refused on its length, before it is read
        "/bank/imports/new",
        data=b"x" * (3 * 1024 * 1024),
        content_type="multipart/form-data; boundary=b",
    )
    assert other.status_code == 413


@pytest.fixture
def small_limit(app):
    app.config["ENGAGE_IMPORT_MAX_MB"] = 4


def test_a_queue_file_over_its_own_limit_is_refused_with_the_limit(
    db, small_limit, admin_client, event, questionnaire
):
    raw = json.dumps(queue_file(event, [response_item(questionnaire)]) | {"n": "x" * 5_000_000})
    body = (
        b'--b\r\nContent-Disposition: form-data; name="queue_file"; filename="q.json"\r\n'
        b"Content-Type: application/json\r\n\r\n" + raw.encode() + b"\r\n--b--\r\n"
    )
    # Built by hand: the test client's own multipart writer leaves a file open on a 413.
    response = admin_client.post(
        "/events/import", data=body, content_type="multipart/form-data; boundary=b"
    )
    assert response.status_code == 413
    assert "the limit is 4 MB" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Job.id))) == 0


def test_the_worker_knows_every_kind_of_job():
    from engage.jobs import worker

    names = set(worker.huey._registry._registry)
    for task in ("recount_job", "seed_job", "import_job", "write_export"):
        assert any(name.endswith(f".{task}") for name in names), (task, names)


def test_nothing_is_running_after_the_tests_jobs(db, questionnaire):
    assert db.session.scalar(sa.select(sa.func.count(Job.id)).where(Job.status == RUNNING)) == 0
