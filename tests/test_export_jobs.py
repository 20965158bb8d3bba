"""Files prepared as background jobs: progress, the owner's list, audit and deletion."""

import os
import subprocess
import sys
from datetime import timedelta

import openpyxl
import pytest
import sqlalchemy as sa

from engage.audit.models import AuditEntry
from engage.exports import jobs, services
from engage.exports.models import DONE, EXPIRED, FAILED, QUEUED, RUNNING, ExportJob
from engage.results.filters import ResultFilter
from engage.timeutil import utcnow
from tests.test_exports import answer, prepared
from tests.test_exports import responses as responses  # noqa: F401  (the fixture)


def test_a_prepared_file_is_listed_downloaded_and_audited(db, analyst_client, responses, tmp_path):
    response = prepared(analyst_client, "xlsx", ward="south")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment")
    path = tmp_path / "r.xlsx"
    path.write_bytes(response.get_data())
    rows = list(openpyxl.load_workbook(path)["data"].iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][rows[0].index("ward")] == "south"
    job = db.session.scalar(sa.select(ExportJob))
    assert (job.status, job.rows_total, job.rows_done) == (DONE, 1, 1)
    assert job.stored_as and job.stored_as.endswith(".xlsx") and "south" not in job.stored_as
    page = analyst_client.get("/exports/").get_data(as_text=True)
    assert "Your recent downloads" in page and f"/exports/jobs/{job.id}/file" in page
    entry = db.session.scalar(sa.select(AuditEntry).order_by(AuditEntry.id.desc()))
    assert (entry.action, entry.rows, entry.filters) == ("responses.xlsx", 1, {"wards": ["south"]})
    assert "prepared in the background" in entry.detail


def test_only_the_analyst_who_asked_sees_the_job_and_its_file(
    db, app, analyst_client, admin_client, responses
):
    asked = analyst_client.post("/exports/jobs", data={"format": "sav"})
    place = asked.headers["Location"]
    assert admin_client.get(place).status_code == 404
    assert admin_client.get(place + "/file").status_code == 404
    response = analyst_client.get(place + "/file")
    assert response.status_code == 200
    response.close()


def test_a_get_of_a_file_format_starts_nothing(db, analyst_client, responses):
    response = analyst_client.get("/exports/responses.sav?ward=north")
    assert response.status_code == 303 and "ward=north" in response.headers["Location"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ExportJob)) == 0


def test_bad_filters_or_formats_are_refused_before_any_job(db, analyst_client, responses):
    assert analyst_client.post("/exports/jobs", data={"format": "csv"}).status_code == 404
    refused = analyst_client.post("/exports/jobs", data={"format": "xlsx", "since": "soon"})
    assert refused.status_code == 303
    assert "Fix the filters" in analyst_client.get("/exports/").get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ExportJob)) == 0


def test_progress_is_reported_while_rows_are_written(db, app, analyst_client, questionnaire):
    for _ in range(5):
        answer(db, questionnaire, ward=["north"], safe_dark=["very"])
    user = analyst_client.user
    seen = []
    real = jobs._progress

    def watch(job_id, done):
        real(job_id, done)
        db.session.expire_all()
        job = db.session.get(ExportJob, job_id)
        seen.append((job.status, job.rows_done, jobs.time_left(job) is not None))

    qn = questionnaire.questionnaire
    fmt = services.FORMATS["xlsx"]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(jobs, "_progress", watch)
        patch.setattr(services, "counted", _every_row(services.counted))
        job = jobs.request_export(qn, ResultFilter(), fmt, db.session.merge(user))
        db.session.commit()
        jobs.run(job.id)
    assert seen[:5] == [(RUNNING, n, True) for n in range(1, 6)]
    assert db.session.get(ExportJob, job.id).status == DONE


def _every_row(counted):
    def every(rows, progress, every=2000):
        return counted(rows, progress, every=1)

    return every


def test_a_failed_job_says_why_and_leaves_no_file(db, app, analyst_client, responses, monkeypatch):
    def broken(*args, **kwargs):
        raise OSError("No space left on device")

    monkeypatch.setattr(services, "write_xlsx", broken)
    asked = analyst_client.post("/exports/jobs", data={"format": "xlsx"})
    page = analyst_client.get(asked.headers["Location"]).get_data(as_text=True)
    assert "could not be prepared" in page and "No space left on device" in page
    job = db.session.scalar(sa.select(ExportJob))
    assert job.status == FAILED and job.stored_as is None
    assert list(jobs.folder().iterdir()) == []


def test_files_are_deleted_when_their_time_is_up(db, app, analyst_client, responses):
    asked = analyst_client.post("/exports/jobs", data={"format": "datapackage"})
    job = db.session.scalar(sa.select(ExportJob))
    path = jobs.folder() / job.stored_as
    assert path.is_file()
    job.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert "Deleted after 24 hours" in analyst_client.get("/exports/").get_data(as_text=True)
    assert not path.exists()
    db.session.expire_all()
    assert db.session.get(ExportJob, job.id).status == EXPIRED
    assert analyst_client.get(asked.headers["Location"] + "/file").status_code == 404


def test_a_waiting_job_refreshes_its_page(db, app, analyst_client, responses, monkeypatch):
    monkeypatch.setattr(jobs, "write_export", lambda job_id: None)  # no worker running
    asked = analyst_client.post("/exports/jobs", data={"format": "sav"})
    page = analyst_client.get(asked.headers["Location"]).get_data(as_text=True)
    assert 'http-equiv="refresh"' in page and "Waiting for the job worker" in page
    assert db.session.scalar(sa.select(ExportJob.status)) == QUEUED


def test_the_worker_knows_every_task_the_web_queues(tmp_path):
    """What ``huey_consumer engage.jobs.worker.huey`` imports, in a fresh interpreter: a
    task the worker has not imported is never run (jobs then wait for ever)."""
    found = subprocess.run(  # noqa: S603 (this interpreter, a fixed script)
        [
            sys.executable,
            "-c",
            "from engage.jobs.worker import huey; print(sorted(huey._registry._registry))",
        ],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "ENGAGE_JOBS_FILE": str(tmp_path / "jobs.sqlite3")},
    ).stdout
    assert "engage.exports.jobs.write_export" in found
    assert "engage.exports.jobs.delete_expired_exports" in found


def test_a_job_no_worker_started_says_so_after_ten_minutes(
    db, app, analyst_client, responses, monkeypatch
):
    monkeypatch.setattr(jobs, "write_export", lambda job_id: None)  # no worker running
    asked = analyst_client.post("/exports/jobs", data={"format": "sav"})
    job = db.session.scalar(sa.select(ExportJob))
    job.created_at = utcnow() - timedelta(minutes=11)
    db.session.commit()
    page = analyst_client.get(asked.headers["Location"]).get_data(as_text=True)
    assert "may not be running" in page and 'http-equiv="refresh"' not in page
    assert "Not started: ask again" in analyst_client.get("/exports/").get_data(as_text=True)
