"""The embedded default's SQLite file, shared by the dev server's request threads and the renders after responses."""

import pytest
from django.conf import settings
from django.db import OperationalError, connection
from django.db.backends.sqlite3.base import DatabaseWrapper

pytestmark = pytest.mark.skipif(connection.vendor != "sqlite", reason="the embedded default's database is SQLite")


def open_file(path, alias: str, *, timeout: float) -> DatabaseWrapper:
    """A connection configured like the embedded default's (its OPTIONS), to a file of the test's own."""
    options = {**settings.DATABASES["default"]["OPTIONS"], "timeout": timeout}
    return DatabaseWrapper({**connection.settings_dict, "NAME": str(path), "OPTIONS": options}, alias=alias)


def begin(wrapper: DatabaseWrapper) -> None:
    """What transaction.atomic() does on entry."""
    wrapper.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)


def test_a_transaction_that_read_first_can_still_write(tmp_path, django_db_blocker):
    """A request reads, a render after another response commits a write meanwhile, the request then writes: it
    must not fail with 'database is locked'. The transaction that began first keeps the write lock; the
    newcomer is the one that waits (here with no patience at all, so it gives up at once)."""
    path = tmp_path / "embedded.sqlite3"
    request, render = open_file(path, "request", timeout=20), open_file(path, "render", timeout=0)
    with django_db_blocker.unblock():  # connections to the test's own file, not the test database
        run(request, render)


def write_as_a_newcomer(render: DatabaseWrapper) -> None:
    begin(render)  # BEGIN IMMEDIATE: the newcomer cannot have the write lock while the request holds it
    render.cursor().execute("INSERT INTO row (by) VALUES ('render')")  # after a deferred BEGIN this write wins


def run(request: DatabaseWrapper, render: DatabaseWrapper) -> None:
    try:
        with request.cursor() as cursor:
            cursor.execute("CREATE TABLE row (id INTEGER PRIMARY KEY, by TEXT)")
        begin(request)
        with request.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM row")
        with pytest.raises(OperationalError, match="locked"):
            write_as_a_newcomer(render)
        render.rollback()
        with request.cursor() as cursor:
            cursor.execute("INSERT INTO row (by) VALUES ('request')")
        request.commit()
        with render.cursor() as cursor:
            cursor.execute("SELECT by FROM row")
            assert cursor.fetchall() == [("request",)]
    finally:
        request.close()
        render.close()
