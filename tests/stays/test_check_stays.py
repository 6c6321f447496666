"""``manage.py check_stays``: the worked examples, bad input, and a run as a real process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from stays.models import CountryRule
from tests.conftest import ROOT, _database_url

EXAMPLES = Path(__file__).resolve().parent / "data" / "stay_examples.json"  # see data/README.md

pytestmark = pytest.mark.django_db


def _examples() -> list[Any]:
    examples = json.loads(EXAMPLES.read_text())  # in the repository: never skipped
    assert examples
    return [pytest.param(ex, id=ex["id"]) for ex in examples]


def write_csv(tmp_path: Path, stays: list[list[str | None]]) -> Path:
    path = tmp_path / "stays.csv"
    lines = ["entry,exit", *(f"{a},{b or ''}" for a, b in stays)]
    path.write_text("\n".join(lines) + "\n")
    return path


def check(path: Path, regime: str, on: str | None) -> dict[str, Any]:
    out = StringIO()
    args = [str(path), "--regime", regime] + (["--on", on] if on else [])
    call_command("check_stays", *args, stdout=out)
    return json.loads(out.getvalue())


@pytest.mark.parametrize("example", _examples())
@pytest.mark.parametrize("regime, single", [("visa_free", 30), ("eaeu", 90)])
def test_it_answers_every_worked_example(tmp_path, example, regime, single):
    # The worked examples count every day of presence, as if the period limit had always
    # applied; two of them begin on 1 January 2023, before the rules of 27 January 2023 that
    # brought it. Counted from the rule's start they have other answers (the next test).
    CountryRule.objects.update(rolling_from=date(2023, 1, 1))
    answer = check(write_csv(tmp_path, example["stays"]), regime, example["on"])
    for key in (
        "days_in_window",
        "days_remaining",
        "rolling_violation",
        "first_violation_date",
        "max_single_stay_days",
    ):
        assert answer[key] == example[key], key
    assert answer["single_stay_violation"] == example[f"single_stay_over_{single}"]
    assert answer["days_remaining"] >= 0
    kinds = {v["kind"] for v in answer["violations"]}
    assert ("rolling_90_180" in kinds) == example["rolling_violation"]
    assert ("single_stay" in kinds) == answer["single_stay_violation"]
    rolling = [v for v in answer["violations"] if v["kind"] == "rolling_90_180"]
    if rolling:
        assert rolling[0]["first_day"] == example["first_violation_date"]
    ongoing = any(b is None for _, b in example["stays"])
    assert (answer["latest_exit_date"] is not None) == ongoing


def test_it_counts_the_period_limit_from_its_start(tmp_path):
    # The worked example "gen-exact-91-nonleap" under the country rules as seeded: presence
    # before 27 January 2023 does not count toward the period.
    answer = check(write_csv(tmp_path, [["2023-01-01", "2023-04-01"]]), "eaeu", "2023-04-01")
    assert answer["days_in_window"] == 65 and not answer["rolling_violation"]
    answer = check(write_csv(tmp_path, [["2023-01-27", "2023-04-27"]]), "eaeu", "2023-04-27")
    assert answer["days_in_window"] == 91
    assert answer["rolling_violation"] and answer["first_violation_date"] == "2023-04-27"


def test_it_gives_the_latest_exit_date_of_an_ongoing_stay(tmp_path):
    answer = check(write_csv(tmp_path, [["2024-06-01", None]]), "visa_free", "2024-06-10")
    assert answer["latest_exit_date"] == "2024-06-30" and answer["in_country"]
    answer = check(write_csv(tmp_path, [["2024-06-01", None]]), "eaeu", "2024-06-10")
    assert answer["latest_exit_date"] == "2024-08-29"  # 90 days


def test_only_days_up_to_the_date_count(tmp_path):
    path = write_csv(tmp_path, [["2024-01-01", "2024-03-30"], ["2024-05-01", "2024-06-30"]])
    answer = check(path, "eaeu", "2024-03-30")
    assert answer["days_in_window"] == 90 and not answer["rolling_violation"]
    answer = check(path, "eaeu", "2024-05-01")
    assert answer["rolling_violation"] and answer["first_violation_date"] == "2024-05-01"


def test_it_uses_the_limits_staff_keep(tmp_path):
    CountryRule.objects.filter(regime="visa_free").update(single_stay_days=15)
    answer = check(write_csv(tmp_path, [["2024-04-01", "2024-04-20"]]), "visa_free", "2024-05-01")
    assert answer["limits"]["single_stay_days"] == 15 and answer["single_stay_violation"]


@pytest.mark.parametrize(
    "text, words",
    [
        ("entry,exit\n2024-01-10,2024-01-01\n", "line 2, exit: The exit date is before"),
        (
            "entry,exit\n2024-01-01,2024-01-10\n2024-01-05,2024-01-20\n",
            "line 3: This stay overlaps the stay on line 2",
        ),
        (
            "entry,exit\n2024-01-01,2024-01-10\n2024-01-01,2024-01-10\n",
            "line 3: This stay is already recorded",
        ),
        ("entry,exit\n2024-01-01,\n2024-02-01,\n", "line 3, exit: Only one stay"),
        (
            "entry,exit\n1985-01-01,1985-01-10\n",
            "line 2, entry: Enter a date on or after 1991-12-16",
        ),
        ("entry,exit\n2024-01-01,soon\n", "line 2, exit: “soon” is not a date"),
        ("entry,exit\n2024-01-01\n", "line 2: Expected 2 values, found 1"),
        ("start,end\n2024-01-01,\n", "line 1, start: Unknown column"),
        ("", "line 1: The file is empty"),
    ],
)
def test_it_refuses_bad_input_naming_the_line(tmp_path, text, words):
    path = tmp_path / "bad.csv"
    path.write_text(text)
    with pytest.raises(CommandError) as caught:
        call_command("check_stays", str(path), "--regime", "visa_free", "--on", "2024-06-01")
    assert words in str(caught.value)
    assert caught.value.returncode == 1


def test_it_refuses_a_missing_file_and_a_bad_date(tmp_path):
    with pytest.raises(CommandError, match="cannot read"):
        call_command("check_stays", str(tmp_path / "nope.csv"), "--regime", "eaeu")
    path = write_csv(tmp_path, [["2024-01-01", None]])
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("check_stays", str(path), "--regime", "eaeu", "--on", "2024-13-01")


def _run(*args: str, **environ: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "SECRET_KEY": os.environ.get("SECRET_KEY", "tests-only-secret-key"),
    }
    env.pop("DEBUG", None)
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        env.pop(name, None)
    env.update(environ)
    return subprocess.run(
        [sys.executable, "manage.py", "check_stays", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_it_runs_as_a_command_line_program(tmp_path):
    example = {"stays": [["2024-01-01", "2024-01-30"], ["2024-06-10", "2024-09-08"]]}
    path = write_csv(tmp_path, example["stays"])
    done = _run(str(path), "--regime", "visa_free", "--on", "2024-09-08")
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer["days_in_window"] == 91 and answer["first_violation_date"] == "2024-09-08"
    assert [v["kind"] for v in answer["violations"]] == ["single_stay", "rolling_90_180"]

    bad = tmp_path / "bad.csv"
    bad.write_text("entry,exit\n2024-01-01,2024-01-10\n2024-01-05,2024-01-20\n")
    done = _run(str(bad), "--regime", "eaeu", "--on", "2024-09-08")
    assert done.returncode != 0 and "line 3" in done.stderr and not done.stdout


# --- Files and dates as people write them ----------------------------------------------------


def test_it_reads_the_web_imports_file(tmp_path):
    # What the stays page takes, check_stays takes: a blank first line, the note column,
    # semicolons, DD.MM.YYYY dates, Excel's empty trailing columns.
    path = tmp_path / "stays.csv"
    path.write_text("\nentry;exit;note;;\n01.01.2024;10.01.2024;conference;;\n")
    answer = check(path, "visa_free", "01.02.2024")
    assert answer["on"] == "2024-02-01" and answer["days_in_window"] == 10


@pytest.mark.parametrize("text", ["entry,exit\n", "entry,exit,note\n\n", "\nentry;exit\n;\n"])
def test_a_history_with_no_stays_is_0_days_used(tmp_path, text):
    path = tmp_path / "empty.csv"
    path.write_text(text)
    answer = check(path, "eaeu", "2024-06-01")
    assert answer["days_in_window"] == 0 and answer["days_remaining"] == 90
    assert not answer["in_country"] and answer["violations"] == []


def test_a_bad_date_is_a_message_in_the_readers_language(tmp_path):
    path = write_csv(tmp_path, [["2024-01-01", None]])
    with pytest.raises(CommandError) as caught:
        call_command("check_stays", str(path), "--regime", "eaeu", "--on", "1/3/2024")
    assert str(caught.value) == (
        "--on: “1/3/2024” is not a date; write it as YYYY-MM-DD or DD.MM.YYYY."
    )
    with pytest.raises(CommandError) as caught:
        call_command(
            "check_stays", str(path), "--regime", "eaeu", "--on", "31.02.2024", "--language", "kk"
        )
    assert str(caught.value) == (
        "--on: «31.02.2024» күн емес; оны ЖЖЖЖ-АА-КК немесе КК.АА.ЖЖЖЖ пішімінде жазыңыз."
    )


def test_from_a_terminal_a_bad_date_is_an_error_message_not_a_traceback(tmp_path):
    path = write_csv(tmp_path, [["2024-01-01", None]])
    done = _run(str(path), "--regime", "eaeu", "--on", "2024-13-01")
    assert done.returncode == 1 and not done.stdout
    assert "“2024-13-01” is not a date" in done.stderr and "Traceback" not in done.stderr

    # In the terminal's language when the portal has it.
    done = _run(str(path), "--regime", "eaeu", "--on", "2024-13-01", LANG="ru_RU.UTF-8")
    assert done.returncode == 1
    assert "«2024-13-01» не является датой" in done.stderr and "Traceback" not in done.stderr
    bad = tmp_path / "bad.csv"
    bad.write_text("entry,exit\n2024-01-10,2024-01-01\n")
    done = _run(str(bad), "--regime", "eaeu", "--on", "2024-06-01", LANG="kk_KZ.UTF-8")
    assert done.returncode == 1
    assert "2-жол, exit: Кету күні келу күнінен бұрын." in done.stderr, done.stderr
