"""``bench/scan.py``, the daily scan's benchmark, builds, scans and removes its data."""

import random
from datetime import date
from io import StringIO

import pytest

from bench.scan import history, main
from portal.accounts.models import User
from portal.notifications.models import Notification
from stays.models import Crossing, StayStatus
from stays.rules import Stay, validate

pytestmark = pytest.mark.django_db


def bench(*args):
    out = StringIO()
    assert main(list(args), stdout=out) == 0
    return out.getvalue()


def test_it_builds_scans_and_cleans_up(applicant):
    output = bench("--people", "40", "--stays-per-person", "6", "--runs", "2", "--on", "2026-03-01")
    assert "built 40 people and 240 stays" in output
    assert "scan 1: 240 stays of 40 people" in output and "stays/s" in output
    assert "peak memory" in output and "scan 2:" in output
    assert "scans 2-2 / read floor, median: wall " in output
    assert User.objects.filter(email__endswith="@bench.invalid").count() == 0
    assert not Crossing.objects.exists() and not StayStatus.objects.exists()
    assert not Notification.objects.exists()
    assert User.objects.filter(pk=applicant.pk).exists()  # nobody else is touched


def test_it_keeps_and_reuses_its_data():
    bench("--people", "10", "--stays-per-person", "3", "--keep")
    assert Crossing.objects.count() == 30
    output = bench("--people", "10", "--stays-per-person", "3", "--reuse")
    assert "reusing 10 bench people" in output and "scan 1: 30 stays" in output
    assert not Crossing.objects.exists()


def test_its_histories_are_sound_records():
    rng = random.Random(1)
    on = date(2026, 3, 1)
    for _ in range(200):
        stays = history(rng, on, 20)
        assert validate([Stay(a, b) for a, b in stays], today=on) == []
