"""Access logs leave out the query string of /vote/ addresses (engage.access_log)."""

import logging
from datetime import timedelta
from types import SimpleNamespace

from gunicorn.config import Config

from engage.access_log import GunicornLogger, install_werkzeug_filter, without_vote_queries

CODE = "K7QD-M2XH-9RTF"


def test_vote_queries_are_taken_out_and_others_kept():
    line = f'"GET /vote/enter?code={CODE}&lang=pl HTTP/1.1" 303 "https://x/vote/enter?code={CODE}"'
    cleaned = without_vote_queries(line)
    assert CODE not in cleaned
    assert cleaned == '"GET /vote/enter HTTP/1.1" 303 "https://x/vote/enter"'
    assert without_vote_queries("GET /results/?ward=north") == "GET /results/?ward=north"


def test_gunicorn_access_lines_hold_no_voter_code(tmp_path):
    config = Config()
    config.set("accesslog", str(tmp_path / "access.log"))
    logger = GunicornLogger(config)
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"/vote/enter?code={CODE}",
        "PATH_INFO": "/vote/enter",
        "QUERY_STRING": f"code={CODE}",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_REFERER": f"http://127.0.0.1/vote/enter?code={CODE}",
    }
    response = SimpleNamespace(status="303 SEE OTHER", sent=0, headers=[])
    request = SimpleNamespace(headers=[("REFERER", environ["HTTP_REFERER"])])
    logger.access(response, request, environ, timedelta(milliseconds=3))
    for handler in logger.access_log.handlers:
        handler.flush()
    written = (tmp_path / "access.log").read_text()
    assert "/vote/enter" in written
    assert CODE not in written


def test_the_development_server_log_holds_no_voter_code():
    """What werkzeug's request log writes, read by a handler of our own on its logger
    (other tests may change its level, or disable it)."""
    install_werkzeug_filter()
    logger = logging.getLogger("werkzeug")
    written: list[str] = []
    handler = logging.Handler()
    handler.emit = lambda record: written.append(record.getMessage())  # type: ignore[method-assign]
    level, disabled = logger.level, logger.disabled
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.disabled = False  # Alembic's fileConfig disables loggers it did not name
    try:
        request_line = f"GET /vote/enter?code={CODE} HTTP/1.1"
        logger.info('%s - - [%s] "%s" %s -', "127.0.0.1", "now", request_line, 303)
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
        logger.disabled = disabled
    assert len(written) == 1 and "/vote/enter" in written[0]
    assert CODE not in written[0]
