"""Background work through a real Celery worker process and the Redis on this machine.

The suite otherwise runs tasks in-process (eager). Here a worker (`celery -A backend worker`)
and a driver process share a fresh database (a SQLite file, or a new PostgreSQL database when
the suite runs on PostgreSQL) and a Redis database: a campaign to 50 suppliers (in five chunks,
shared by the worker's two processes) and a register export must be carried out by the worker.
Skipped, saying why, only when no Redis answers.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("FAIRLINK_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
SUPPLIERS = 50


def _redis_answers() -> bool:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError:
        return False
    return True


pytestmark = pytest.mark.skipif(
    not _redis_answers(), reason=f"no Redis answers at {REDIS_URL}: the real-worker test needs one"
)


@pytest.fixture
def database_url(tmp_path):
    """A database of its own, outside the test transaction, that the worker can reach."""
    default = settings.DATABASES["default"]
    if default["ENGINE"] != "django.db.backends.postgresql":
        yield f"sqlite:///{tmp_path / 'worker.sqlite3'}"
        return
    import psycopg

    name = f"fairlink_worker_{uuid.uuid4().hex[:8]}"
    auth = default["USER"] + (f":{default['PASSWORD']}" if default.get("PASSWORD") else "")
    server = f"postgres://{auth}@{default['HOST'] or '127.0.0.1'}:{default['PORT'] or 5432}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{server}/{name}"
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _env(database_url: str, media: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": REDIS_URL,
        "DJANGO_SETTINGS_MODULE": "backend.settings",
        "DJANGO_DEBUG": "false",
        "EMAIL_URL": "dummymail://",
        "FAIRLINK_MEDIA_ROOT": str(media),
        # five chunks, shared by the worker's two processes
        "FAIRLINK_CAMPAIGN_CHUNK": str(SUPPLIERS // 5),
        "PYTHONPATH": str(ROOT),
    }


def _run(args: list[str], env: dict[str, str], timeout: float) -> str:
    done = subprocess.run(
        args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def test_a_campaign_of_50_and_an_export_run_in_a_real_worker(database_url, tmp_path):
    import redis

    env = _env(database_url, tmp_path / "media")
    python = sys.executable
    _run([python, "manage.py", "migrate", "--noinput", "-v0"], env, timeout=300)
    _run([python, "manage.py", "load_library", "--skip-rules"], env, timeout=300)
    redis.Redis.from_url(REDIS_URL).flushdb()
    worker = subprocess.Popen(
        [
            str(Path(python).with_name("celery")),
            "-A",
            "backend",
            "worker",
            "--concurrency",
            "2",
            "--loglevel",
            "warning",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        output = _run([python, "tests/worker/driver.py", str(SUPPLIERS), "240"], env, timeout=400)
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        try:
            log, _ = worker.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            log, _ = worker.communicate()
        redis.Redis.from_url(REDIS_URL).flushdb()

    result = json.loads(output.strip().splitlines()[-1])
    assert result["campaign_status"] == "done", (result, log[-3000:])
    assert result["campaign_total"] == result["campaign_processed"] == SUPPLIERS
    assert result["audits"] == result["distinct_suppliers"] == SUPPLIERS
    assert result["chunks_done"] == 5
    assert result["export_status"] == "done", (result, log[-3000:])
    assert result["export_file"] and result["export_rows"] == SUPPLIERS
