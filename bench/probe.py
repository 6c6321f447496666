"""Where the time of each benchmark page goes: one request at a time, in this process.

    .venv/bin/python bench/probe.py [--repeat 5] [--pages a,b] [--explain]
    .venv/bin/python bench/probe.py --instructions [--pages a,b]

Uses the database and data of ``bench/run.py`` (run it once first) with the same production
settings, through Django's test client, as the first person of each group of the benchmark's
sessions (every page renders afresh; a visitor's catalogue pages may come from the catalogue
cache): for each page, the median time of ``--repeat``
requests, the number of queries, the time spent in SQL, the CPU time of the request's
PostgreSQL backend per request (``db cpu``, read from ``/proc``: the database on this machine;
take a few hundred requests, the kernel counts in 10 ms ticks) and the slowest statements
(``--explain`` adds PostgreSQL's plan of the slowest one, ``--cprofile N`` the N functions with
the most cumulative time).

``--instructions`` counts, instead of timing, the machine instructions each request executes,
under valgrind (``apt-get install valgrind``; about fifty times slower): a figure that does not
move with the other processes of a shared machine or the hour, to compare two versions of the
code. A page's milliseconds are roughly its instructions divided by what the machine executes
in a millisecond (``ping`` and ``home`` give the scale).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--pages", default="")
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--slowest", type=int, default=3)
    parser.add_argument(
        "--cprofile", type=int, default=0, help="also print the N costliest functions per page"
    )
    parser.add_argument("--sort", default="cumulative", help="cProfile order: cumulative, tottime")
    parser.add_argument(
        "--instructions",
        action="store_true",
        help="count the instructions of each request under valgrind instead of timing it",
    )
    args = parser.parse_args()
    if args.instructions and not os.environ.get(_COUNTING):
        return _count_instructions(args)
    counting = bool(os.environ.get(_COUNTING))

    sys.path.insert(0, str(ROOT))
    from bench import run

    for name in run.NOT_INHERITED:
        os.environ.pop(name, None)
    os.environ.update(run._environment())
    import django

    django.setup()
    import logging

    import portal.wsgi  # noqa: F401  the web process as gunicorn starts it (the collector's settings)

    logging.disable(logging.INFO)  # the JSON request log would drown the figures
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench import data

    facts = data.facts()
    # The first person of each group of the benchmark's sessions.
    applicant, application = facts.applicants[0]
    people = {
        "": run.Person("", ""),
        "applicant": run.Person(run._session_cookie(applicant), "", application),
        "employer": run.Person(run._session_cookie(facts.employer_user), ""),
        "other employer": run.Person(run._session_cookie(facts.other_employer_users[0]), ""),
        "reviewer": run.Person(run._session_cookie(facts.reviewer, verified=True), ""),
    }
    pages = run._pages(facts, argparse.Namespace(no_export=False, pages=args.pages))
    seen = set()
    for page in pages:
        if page.path in seen and page.name.startswith("ping"):
            continue
        seen.add(page.path)
        person = people[page.who]
        page.path = page.path.format(application=person.application)
        client = Client(HTTP_HOST="127.0.0.1")
        if page.who:
            for pair in person.cookie.split("; "):
                name, value = pair.split("=", 1)
                client.cookies[name] = value
        client.get(page.path, secure=True)  # warm: templates, translations, connections
        if counting:
            _counted(client, page.path, args.repeat, page.name)
            continue
        times, cpu, captured = [], [], None
        backend_started = _backend_cpu(connection)
        for _ in range(args.repeat):
            with CaptureQueriesContext(connection) as queries:
                started, started_cpu = time.perf_counter(), time.process_time()
                response = client.get(page.path, secure=True)
                if getattr(response, "streaming", False):
                    b"".join(response.streaming_content)
                times.append((time.perf_counter() - started) * 1000)
                cpu.append((time.process_time() - started_cpu) * 1000)
            captured = queries
        assert captured is not None
        db_cpu = (_backend_cpu(connection) - backend_started) / args.repeat * 1000
        sql_ms = sum(float(q["time"]) for q in captured.captured_queries) * 1000
        print(
            f"{page.name:22} {response.status_code}  median {statistics.median(times):7.1f} ms  "
            f"cpu {statistics.median(cpu):6.1f} ms  "
            f"queries {len(captured.captured_queries):3}  sql {sql_ms:7.1f} ms  "
            f"db cpu {db_cpu:5.2f} ms"
        )
        slowest = sorted(captured.captured_queries, key=lambda q: -float(q["time"]))
        for q in slowest[: args.slowest]:
            print(f"    {float(q['time']) * 1000:7.1f} ms  {q['sql'][:300]}")
        if args.cprofile:
            _cprofile(client, page.path, args.repeat, args.cprofile, args.sort)
        if args.explain and slowest and float(slowest[0]["time"]) > 0.005:
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + slowest[0]["sql"])
                print("\n".join("      " + row[0] for row in cursor.fetchall()))
    return 0


_COUNTING = "BENCH_PROBE_COUNTING"


def _backend_cpu(connection: object) -> float:
    """CPU seconds the PostgreSQL backend of ``connection`` has used (it must run on this
    machine; the kernel counts in ticks of 10 ms, so take many requests)."""
    with connection.cursor() as cursor:  # type: ignore[attr-defined]
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _count_instructions(args: argparse.Namespace) -> int:
    """Run this script again under valgrind's callgrind; print instructions per request."""
    import shutil
    import subprocess
    import tempfile

    if not shutil.which("valgrind") or not shutil.which("callgrind_control"):
        print("--instructions needs valgrind: apt-get install valgrind", file=sys.stderr)
        return 2
    out = Path(tempfile.mkdtemp(prefix="probe-callgrind-"))
    command = [
        "valgrind",
        "--tool=callgrind",
        "--cache-sim=no",
        f"--callgrind-out-file={out}/callgrind.out",
        sys.executable,
        __file__,
        f"--repeat={args.repeat}",
        f"--pages={args.pages}",
    ]
    print(f"under valgrind, {args.repeat} requests a page (minutes)...", flush=True)
    done = subprocess.run(command, env={**os.environ, _COUNTING: "1"}, capture_output=True)
    if done.returncode != 0:
        print(done.stderr.decode()[-2000:], file=sys.stderr)
        return done.returncode
    print(f"{'page':28} {'M instructions a request':>26}")
    for dump in sorted(out.glob("callgrind.out.*"), key=lambda p: int(p.suffix[1:])):
        name, total = "", 0
        for line in dump.read_text().splitlines():
            if line.startswith("desc: Trigger:"):
                name = line.split("dump ", 1)[-1].removeprefix("page ")
            elif line.startswith("summary:"):
                total = int(line.split()[1])
        print(f"{name:28} {total / args.repeat / 1e6:26.2f}")
    shutil.rmtree(out)
    return 0


def _counted(client: object, path: str, repeat: int, name: str) -> None:
    """Under callgrind: zero the counts, make ``repeat`` requests, write the counts out."""
    import re
    import subprocess

    def control(*arguments: str) -> None:
        subprocess.run(
            ["callgrind_control", *arguments, str(os.getpid())],
            check=True,
            stdout=subprocess.DEVNULL,
        )

    import gc

    gc.collect()  # the earlier pages' garbage is not this page's to collect
    control("--zero")
    for _ in range(repeat):
        response = client.get(path, secure=True)  # type: ignore[attr-defined]
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)
    control(f"--dump=page {re.sub(r'[^A-Za-z0-9 ~,.-]+', ' ', name).strip()}")


def _cprofile(client: object, path: str, repeat: int, top: int, sort: str) -> None:
    import cProfile
    import io
    import pstats

    # CPU time, not wall time: on a shared machine another process's turn is not this page's.
    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    for _ in range(repeat):
        response = client.get(path, secure=True)  # type: ignore[attr-defined]
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats(sort).print_stats(top)
    lines = [line for line in out.getvalue().splitlines() if line.strip()]
    print("\n".join("      " + line for line in lines[-top - 1 :]))


if __name__ == "__main__":
    sys.exit(main())
