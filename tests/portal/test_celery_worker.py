"""A real Celery worker, in its own process, takes a task from Redis and runs it to completion."""

import pytest

from portal.core.models import Heartbeat
from portal.core.tasks import heartbeat_task
from tests.conftest import wait_for


@pytest.mark.services
def test_it_runs_a_task_in_a_real_worker(celery_worker_process):
    assert not Heartbeat.objects.filter(name="worker-test").exists()

    heartbeat_task.delay("worker-test")

    assert wait_for(lambda: Heartbeat.objects.filter(name="worker-test").exists()), (
        celery_worker_process.output()
    )
    assert "heartbeat_task" in celery_worker_process.output()


def test_it_runs_tasks_in_process_without_a_broker(db, settings):
    # The embedded default: no CELERY_BROKER_URL, so .delay() runs the task at once.
    heartbeat_task.delay("eager-test")
    assert Heartbeat.objects.filter(name="eager-test").exists()
