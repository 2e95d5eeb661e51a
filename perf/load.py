"""`make load`: locust, headless, simulated users on mixed journeys against
gunicorn on PostgreSQL, for a fixed time; reports requests per second, p95 and
errors.

    python -m perf.load [--users 50] [--spawn-rate 10] [--time 60s] [--out PATH]

Steps: prepare the database (perf.server), plan the journeys from its data
(perf.targets.journeys.load_plan) with signed-in sessions for every account, start
gunicorn (no query counting), run perf/locustfile.py (its output goes to
perf-results/locust.log), read the final figures it leaves, print a summary and
write it as JSON. The drafts the simulated members filed are removed at the end
(the scores and votes they changed stay changed). Exits 1 when any request
failed. LOAD_WAIT="0.2,1.0" sets the pause between two journeys of a user.
"""

import argparse
import datetime
import json
import os
import subprocess
import sys
from importlib.util import find_spec
from pathlib import Path

from perf.server import (
    BASE_DIR,
    RESULTS_DIR,
    Gunicorn,
    HarnessError,
    ServerConfig,
    cpu_count,
)

DEFAULT_OUT = RESULTS_DIR / "load.json"
JOURNEY_CLASSES = {
    "browse": "Reader",
    "file": "Filer",
    "score": "Scorer",
    "vote": "Voter",
}


def _fmt_ms(value) -> str:
    return "-" if value is None else f"{value:,.0f}"


def format_summary(report: dict) -> str:
    """The headline figures, then each journey step, then the failures."""
    total = report["total"] or {}
    lines = [
        f"{report['users']} users, {report['run_time']}: "
        f"{total.get('requests', 0):,} requests, "
        f"{total.get('rps', 0):.1f} requests/s, "
        f"p50 {_fmt_ms(total.get('p50_ms'))} ms, "
        f"p95 {_fmt_ms(total.get('p95_ms'))} ms, "
        f"{total.get('failures', 0):,} failures "
        f"({report['failure_rate'] * 100:.2f}%)",
        "",
    ]
    width = max([len(r["name"]) for r in report["steps"]] + [4])
    lines.append(
        f"{'step':<{width}}  {'requests':>8}  {'fails':>5}  {'req/s':>6}  "
        f"{'p50 ms':>6}  {'p95 ms':>6}  {'max ms':>7}"
    )
    for row in report["steps"]:
        lines.append(
            f"{row['name']:<{width}}  {row['requests']:>8,}  {row['failures']:>5,}  "
            f"{row['rps']:>6.1f}  {_fmt_ms(row['p50_ms']):>6}  "
            f"{_fmt_ms(row['p95_ms']):>6}  {_fmt_ms(row['max_ms']):>7}"
        )
    if report["failures"]:
        lines.append("")
        lines.append("Failures:")
        for failure in report["failures"]:
            lines.append(
                f"  {failure['count']:>5} x {failure['method']} {failure['name']}: "
                f"{failure['error']}"
            )
    if report["missing"]:
        lines.append("")
        lines.append("Journeys left out (no data for them):")
        for journey, why in report["missing"].items():
            lines.append(f"  {journey}: {why}")
    return "\n".join(lines)


def locust_command(url: str, *, users, spawn_rate, run_time, classes):
    return [
        sys.executable,
        "-m",
        "locust",
        "-f",
        str(BASE_DIR / "perf" / "locustfile.py"),
        "--headless",
        "--host",
        url,
        "--users",
        str(users),
        "--spawn-rate",
        str(spawn_rate),
        "--run-time",
        run_time,
        "--stop-timeout",
        "10",
        "--only-summary",
        "--loglevel",
        "WARNING",
        "--exit-code-on-error",
        "0",
        *classes,
    ]


def run(config: ServerConfig, *, users, spawn_rate, run_time, out=sys.stdout) -> dict:
    from perf import server
    from perf.targets import journeys, signin

    # Looked up, not imported: importing locust patches this process for gevent.
    if find_spec("locust") is None:
        raise HarnessError(
            "locust is not installed: `make load` installs requirements-perf.txt."
        )
    started = datetime.datetime.now(datetime.UTC)
    env = server.prepare(config, out)
    data = server.data_summary()
    plan = journeys.load_plan()
    available = {
        "browse": bool(plan["readers"]),  # browse, search and print
        "file": bool(plan["filer"]),
        "score": bool(plan["scorers"]),
        "vote": bool(plan["voters"]),
    }
    classes = [JOURNEY_CLASSES[name] for name, ok in available.items() if ok]
    if not classes:
        raise HarnessError("No journey has data: seed the demo data first.")
    from django.db import connections

    results = Path(config.log_dir)
    results.mkdir(parents=True, exist_ok=True)
    plan_path = results / "load-plan.json"
    figures_path = results / "load-figures.json"
    figures_path.unlink(missing_ok=True)
    log_path = results / "locust.log"
    keys = []
    try:
        keys = journeys.add_sessions(plan)
        plan_path.write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")
        plan_path.chmod(0o600)  # it holds signed-in sessions
        connections.close_all()
        with Gunicorn(config, env, log_name="gunicorn-load.log").start(out) as app:
            command = locust_command(
                app.url,
                users=users,
                spawn_rate=spawn_rate,
                run_time=run_time,
                classes=classes,
            )
            out.write(
                f"locust: {users} users ({', '.join(classes)}), "
                f"{spawn_rate}/s, for {run_time}\n"
            )
            out.flush()
            with log_path.open("w") as log:
                finished = subprocess.run(  # noqa: S603 - our own interpreter
                    command,
                    cwd=BASE_DIR,
                    env={
                        **os.environ,
                        "PERF_PLAN": str(plan_path),
                        "PERF_LOAD_FIGURES": str(figures_path),
                        "PYTHONPATH": str(BASE_DIR),
                    },
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    check=False,
                )
            if finished.returncode not in (0, 1):
                tail = "\n".join(log_path.read_text().splitlines()[-20:])
                raise HarnessError(
                    f"locust stopped with {finished.returncode}; {log_path}:\n{tail}"
                )
            server_log = app.log_tail(10)
    finally:
        plan_path.unlink(missing_ok=True)
        signin.forget_sessions(keys)
        users_of_plan = journeys.plan_users(plan)
        removed = journeys.remove_load_drafts(users_of_plan, started)
        connections.close_all()
    try:
        figures = json.loads(figures_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise HarnessError(f"locust left no figures; see {log_path}.") from None
    figures_path.unlink(missing_ok=True)
    total, steps, failures = figures["total"], figures["steps"], figures["failures"]
    requests = (total or {}).get("requests", 0)
    return {
        "generated_at": started.isoformat(timespec="seconds"),
        "scale": config.scale,
        "database": config.public_database_url(),
        "data": data,
        "users": users,
        "spawn_rate": spawn_rate,
        "run_time": run_time,
        "journeys": classes,
        "missing": plan["missing"],
        "server": {
            "wsgi": "gunicorn",
            "worker_class": "gthread",
            "workers": config.workers,
            "threads": config.threads,
        },
        "machine": {"cpus": cpu_count()},
        "total": total,
        "failure_rate": round((total or {}).get("failures", 0) / requests, 4)
        if requests
        else 0.0,
        "steps": steps,
        "failures": failures,
        "drafts_removed": removed,
        "server_log_tail": server_log,
        "locust_log": str(log_path),
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=int(os.environ.get("USERS") or 50))
    parser.add_argument(
        "--spawn-rate", type=float, default=float(os.environ.get("SPAWN_RATE") or 10)
    )
    parser.add_argument("--time", default=os.environ.get("LOAD_TIME") or "60s")
    parser.add_argument("--scale", default=os.environ.get("SCALE") or "national")
    parser.add_argument("--out", default=os.environ.get("OUT") or str(DEFAULT_OUT))
    args = parser.parse_args(argv)
    try:
        config = ServerConfig.from_environment(scale=args.scale, query_count=False)
        report = run(
            config, users=args.users, spawn_rate=args.spawn_rate, run_time=args.time
        )
    except HarnessError as error:
        print(f"load: {error}", file=sys.stderr)
        return 2
    data = ", ".join(f"{v:,} {k.replace('_', ' ')}" for k, v in report["data"].items())
    server = report["server"]
    print()
    print(
        f"Load on {report['scale']} data ({data}); gunicorn {server['workers']} "
        f"workers x {server['threads']} threads on {report['machine']['cpus']} CPUs."
    )
    print()
    print(format_summary(report))
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    print()
    if report["drafts_removed"]:
        print(f"{report['drafts_removed']} drafts filed by the load test were removed.")
    print(f"Written to {out}; locust's own output in {report['locust_log']}")
    failed = (report["total"] or {}).get("failures", 0)
    return 1 if failed or not report["total"] else 0


if __name__ == "__main__":
    sys.exit(main())
