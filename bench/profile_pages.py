"""
Profile the learner's pages in-process: Django's test client against the flagship, no server, no wrk.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/h_perf python -m bench.profile_pages [--rounds N] [--top N]

The database named in DATABASE_URL is emptied and migrated (the name must start with ``h_perf`` or
``haltung_bench``); the flagship (content/social-media-presence) is imported, and one learner is enrolled and
part-way through it: the first half of the steps done (vignettes walked, checks answered, a reflection written)
and an open attempt of the final test. Each page is requested ``--rounds`` times under cProfile (after one
warm-up request) and the functions with the largest cumulative time are printed, with the queries per request.
Timings here are one process on a possibly busy machine: read them as shares of a request, not as throughput.
"""

import argparse
import cProfile
import io
import os
import pstats
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
FLAGSHIP = ROOT / "content" / "social-media-presence"


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")
    url = os.environ.get("DATABASE_URL", "")
    name = url.rsplit("/", 1)[-1]
    if not url.startswith("postgres") or not name.startswith(("h_perf", "haltung_bench")):
        sys.exit("Set DATABASE_URL to a PostgreSQL database whose name starts with h_perf (it is emptied).")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _seed() -> dict[str, Any]:
    from django.core.management import call_command
    from django.db import connection

    from accounts.models import User
    from courses.models import Step
    from courses.packages.importing import import_package
    from courses.packages.reading import read_package
    from courses.vignettes import walk
    from enrolments.models import StepProgress
    from enrolments.services import learning
    from quizzes import services as quizzes

    with connection.cursor() as cursor:
        cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    call_command("migrate", verbosity=0)
    version = import_package(read_package(FLAGSHIP)).version
    user = User.objects.create_user("profile@example.org", "a-long-profile-password", name="Profile Learner")
    enrollment = learning.enroll(version, user=user)
    steps = list(
        Step.objects.filter(module__version=version).select_related("module").order_by("module__position", "position")
    )
    for step in steps[: len(steps) // 2]:
        if step.kind == Step.Kind.VIGNETTE:
            for _ in range(len(step.data["nodes"])):
                pending = walk(step.data, learning.vignette_path(enrollment, step, 1)).pending
                if pending is None:
                    break
                node = step.data["nodes"][pending]
                if node["type"] == "decision":
                    selected = [node["options"][0]["id"]]
                else:
                    selected = [step.formative_items()[node["item"]]["options"][0]["id"]]
                learning.choose(enrollment, step, node=pending, selected=selected)
        elif step.kind == Step.Kind.CHECK:
            items = step.formative_items()
            learning.answer_check(
                enrollment, step, answers={i: [items[i]["options"][0]["id"]] for i in step.data["items"]}
            )
        elif step.kind == Step.Kind.REFLECTION:
            learning.save_reflection(enrollment, step, text="A reflection written while profiling.")
        else:
            learning.complete_step(enrollment, step)
        learning.visit_step(enrollment, step)
    # The quiz page: a second learner with every step done and enough active time, one open attempt.
    examinee = User.objects.create_user("examinee@example.org", "a-long-profile-password", name="Profile Examinee")
    examined = learning.enroll(version, user=examinee)
    for step in steps:
        learning.complete_step(examined, step)
    StepProgress.objects.filter(enrollment=examined).update(active_seconds=3600)
    attempt = quizzes.start_attempt(examined)
    text_step = next(s for s in steps[len(steps) // 2 :] if s.kind == Step.Kind.TEXT)
    vignette_step = next(s for s in steps if s.kind == Step.Kind.VIGNETTE)
    return {
        "users": {"learner": user, "examinee": examinee},
        "pages": {
            "course overview": ("learner", f"/learn/{enrollment.pk}/"),
            "step (text)": ("learner", f"/learn/{enrollment.pk}/steps/{text_step.pk}/"),
            "step (vignette, walked)": ("learner", f"/learn/{enrollment.pk}/steps/{vignette_step.pk}/"),
            "quiz page": ("examinee", f"/attempts/{attempt.pk}/"),
            "learner dashboard": ("learner", "/dashboard/"),
            "catalogue (anonymous)": ("anonymous", "/"),
        },
    }


def _profile(client: Any, url: str, rounds: int, top: int) -> None:
    from django.db import connection

    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    queries: list[str] = []

    def count(execute: Any, sql: str, *rest: Any) -> Any:
        queries.append(sql)
        return execute(sql, *rest)

    with connection.execute_wrapper(count):
        client.get(url)
    # CPU time of this process without the profiler first: other load on the machine disturbs it far less than
    # wall time.
    cpu_started = time.process_time()
    for _ in range(rounds):
        client.get(url)
    cpu_ms = (time.process_time() - cpu_started) / rounds * 1000
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    for _ in range(rounds):
        client.get(url)
    profiler.disable()
    per_request = (time.perf_counter() - started) / rounds * 1000
    print(
        f"\n## {url}: {len(queries)} queries, {cpu_ms:.2f} ms CPU per request without the profiler, "
        f"{per_request:.1f} ms wall under cProfile ({rounds} rounds)\n"
    )
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(top)
    lines = [line for line in out.getvalue().splitlines() if line.strip()]
    start = next(i for i, line in enumerate(lines) if line.lstrip().startswith("ncalls"))
    for line in lines[start:]:
        print("    " + line.replace(str(ROOT) + "/", "").replace(sys.prefix, "<venv>"))
    if os.environ.get("PROFILE_QUERIES"):
        for sql in queries:
            print("    SQL", sql[:160])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--only", help="profile only pages whose label contains this text")
    args = parser.parse_args()
    _setup()
    from django.conf import settings
    from django.test import Client

    # Production-like: DEBUG off (cached templates, no query log) and no instrumented template rendering.
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["testserver"]
    seeded = _seed()
    clients = {"anonymous": Client()}
    for key, user in seeded["users"].items():
        clients[key] = Client()
        clients[key].force_login(user)
    for label, (who, url) in seeded["pages"].items():
        if args.only and args.only not in label:
            continue
        print(f"\n# {label}")
        _profile(clients[who], url, args.rounds, args.top)


if __name__ == "__main__":
    main()
