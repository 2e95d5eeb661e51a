"""Prepare the benchmark database and run gunicorn against it.

The harness owns one PostgreSQL database (BENCH_DATABASE_URL, by default
`sangkien_bench`): it creates it when missing, migrates it, and seeds the chosen
scale only when the data is not there yet. It never drops anything.

gunicorn runs with production-like settings (DEBUG off, a fresh secret key, the
compressed static files), on a free local port, over plain HTTP: the settings
that redirect to HTTPS or mark cookies secure are turned off, since no TLS proxy
sits in front.
"""

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/sangkien_bench"
RESULTS_DIR = BASE_DIR / "perf-results"
# Databases of other people and tools: the harness refuses to seed into them.
PROTECTED_DATABASES = {
    "postgres",
    "template0",
    "template1",
    "sangkien",
    "sangkien_local",
    "sangkien_jobs",
}
SCALES = ("demo", "tiny", "province", "national")
# The bench user (province emulation staff) must exist: the demo data is there.
DEMO_MARKER = "thidua.tinh"


def default_database_url(scale: str) -> str:
    """sangkien_bench for the national data, sangkien_bench_<scale> for the
    others: a scale adds only the provinces a database lacks, so a smaller one
    seeded first would leave a larger one short."""
    if scale == "national":
        return DEFAULT_DATABASE_URL
    return f"{DEFAULT_DATABASE_URL}_{scale}"


class HarnessError(Exception):
    """The harness cannot go on; the message says why and what to do."""


def cpu_count() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 2


def default_workers() -> tuple[int, int]:
    """gunicorn workers and threads per worker for this machine.

    One process per core plus one, so that a worker waiting on PostgreSQL (which
    runs on the same cores) or stuck in a long PDF does not leave a core idle;
    two threads each, so that a request waiting on the database or rendering a
    PDF does not hold up a quick page in the same process. On 2 cores: 3 x 2.
    More processes than that only trade CPU with PostgreSQL and the load
    generator, which share the machine.
    """
    return cpu_count() + 1, 2


@dataclass
class ServerConfig:
    database_url: str = DEFAULT_DATABASE_URL
    scale: str = "national"
    workers: int = 0
    threads: int = 0
    media_root: Path | None = None
    static_root: Path = RESULTS_DIR / "static"
    log_dir: Path = RESULTS_DIR
    # Render every print in the request, however long, so that the figures are
    # the render itself; in production long prints go to the background worker,
    # which runs the same render.
    inline_prints: bool = True
    query_count: bool = False
    secret_key: str = field(default_factory=lambda: secrets.token_urlsafe(50))

    def __post_init__(self):
        if self.scale not in SCALES:
            raise HarnessError(
                f"SCALE={self.scale!r} is not known; use one of {', '.join(SCALES)}."
            )
        default_w, default_t = default_workers()
        self.workers = self.workers or default_w
        self.threads = self.threads or default_t
        if self.media_root is None:
            self.media_root = RESULTS_DIR / "media" / self.database_name

    @classmethod
    def from_environment(cls, **overrides) -> "ServerConfig":
        values = {
            "scale": os.environ.get("SCALE") or "national",
            "workers": int(os.environ.get("BENCH_WORKERS") or 0),
            "threads": int(os.environ.get("BENCH_THREADS") or 0),
        }
        if os.environ.get("BENCH_MEDIA_ROOT"):
            values["media_root"] = Path(os.environ["BENCH_MEDIA_ROOT"])
        if os.environ.get("BENCH_STATIC_ROOT"):
            values["static_root"] = Path(os.environ["BENCH_STATIC_ROOT"])
        values.update({k: v for k, v in overrides.items() if v not in (None, "")})
        values["database_url"] = os.environ.get(
            "BENCH_DATABASE_URL"
        ) or default_database_url(values["scale"])
        return cls(**values)

    @property
    def database(self) -> dict:
        import dj_database_url

        return dj_database_url.parse(self.database_url)

    @property
    def database_name(self) -> str:
        return self.database["NAME"]

    def public_database_url(self) -> str:
        """The database URL without its password, for reports."""
        db = self.database
        port = f":{db['PORT']}" if db.get("PORT") else ""
        return f"postgres://{db.get('USER') or ''}@{db.get('HOST')}{port}/{db['NAME']}"

    def environment(self) -> dict[str, str]:
        """The environment for manage.py, gunicorn and the harness itself."""
        env = {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": self.database_url,
            "DEBUG": "0",
            "SECRET_KEY": self.secret_key,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            # Plain HTTP on the loopback: no TLS proxy in front.
            "SECURE_SSL_REDIRECT": "0",
            "SESSION_COOKIE_SECURE": "0",
            "CSRF_COOKIE_SECURE": "0",
            "SECURE_HSTS_SECONDS": "0",
            "STATIC_ROOT": str(self.static_root),
            "MEDIA_ROOT": str(self.media_root),
            "QUERY_COUNT_HEADER": "1" if self.query_count else "0",
            "LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
        }
        if self.inline_prints:
            env["JOBS_PRINT_PAGE_LIMIT"] = "1000000"
        return env


def check_database_name(name: str) -> None:
    if not name:
        raise HarnessError("BENCH_DATABASE_URL names no database.")
    if name in PROTECTED_DATABASES or name.startswith("test_"):
        raise HarnessError(
            f"Database {name!r} belongs to someone else: give the benchmark its own, "
            "e.g. BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/sangkien_bench."
        )


def ensure_database(config: ServerConfig, out=sys.stdout) -> bool:
    """Create the benchmark database if it is missing; return True if created."""
    import psycopg2
    from psycopg2 import sql

    db = config.database
    if db["ENGINE"] != "django.db.backends.postgresql":
        raise HarnessError("The benchmark runs on PostgreSQL: use a postgres:// URL.")
    check_database_name(db["NAME"])
    try:
        admin = psycopg2.connect(
            dbname="postgres",
            user=db.get("USER") or None,
            password=db.get("PASSWORD") or None,
            host=db.get("HOST") or None,
            port=db.get("PORT") or None,
        )
    except psycopg2.OperationalError as error:
        raise HarnessError(
            f"PostgreSQL at {config.public_database_url()} does not answer: {error}"
        ) from None
    admin.autocommit = True
    try:
        with admin.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]])
            if cursor.fetchone():
                return False
            cursor.execute(
                sql.SQL("CREATE DATABASE {} ENCODING 'UTF8'").format(
                    sql.Identifier(db["NAME"])
                )
            )
    finally:
        admin.close()
    out.write(f"Created database {db['NAME']}.\n")
    return True


def manage(env: dict, *args: str, out=sys.stdout) -> None:
    """Run a manage.py command in its own process with the harness environment."""
    out.write(f"$ manage.py {' '.join(args)}\n")
    out.flush()
    result = subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, str(BASE_DIR / "manage.py"), *args],
        cwd=BASE_DIR,
        env={**os.environ, **env},
        check=False,
    )
    if result.returncode != 0:
        raise HarnessError(f"manage.py {' '.join(args)} failed ({result.returncode}).")


def seeded(scale: str) -> tuple[bool, str]:
    """Whether the data of this scale is in the database (run inside Django).

    The demo accounts mark the demo data. A scale is there when the database
    holds at least the units and requests that scale builds (read from
    `sampledata.scale.units` when that module exists, else the province tree's first
    commune, which the province scale creates).
    """
    from initiatives.models import Initiative
    from units.models import Unit, User

    if not User.objects.filter(username=DEMO_MARKER).exists():
        return False, "no demo data"
    if scale == "demo":
        return True, "demo data present"
    try:
        from sampledata.scale.units import SCALES as SPECS
    except ImportError:
        SPECS = {}  # noqa: N806
    spec = SPECS.get(scale)
    if spec is None:
        if scale == "province" and Unit.objects.filter(code="CB-S-0001").exists():
            return True, "province tree present"
        return False, f"no {scale} data"
    units, requests = Unit.objects.count(), Initiative.objects.count()
    # The demo data adds its own rows on top, so "at least" is enough.
    wanted_requests = int(getattr(spec, "requests", 0) * 0.9)
    if units >= spec.units and requests >= wanted_requests:
        return True, f"{units:,} units and {requests:,} requests present"
    return False, (
        f"{units:,} units and {requests:,} requests, "
        f"{scale} needs about {spec.units:,} and {wanted_requests:,}"
    )


def data_summary() -> dict[str, int]:
    """Row counts that say how big the data behind the figures is."""
    from django.apps import apps

    wanted = {
        "units": "units.Unit",
        "people": "units.User",
        "requests": "initiatives.Initiative",
        "council_sessions": "initiatives.Session",
        "votes": "initiatives.Vote",
        "goldbook_entries": "goldbook.GoldBookEntry",
        "award_dossiers": "awards.Dossier",
    }
    summary = {}
    for name, label in wanted.items():
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        summary[name] = model._default_manager.count()
    return summary


def static_is_current(static_root: Path) -> bool:
    """Whether collected static files are complete and newer than their sources
    (collecting and compressing them takes about a minute)."""
    from django.contrib.staticfiles import finders

    manifest = Path(static_root) / "staticfiles.json"
    try:
        stamp = manifest.stat().st_mtime
        collected = json.loads(manifest.read_text())["paths"]
    except (OSError, ValueError, KeyError):
        return False
    for finder in finders.get_finders():
        for path, storage in finder.list(["CVS", ".*", "*~"]):
            if path not in collected or os.path.getmtime(storage.path(path)) > stamp:
                return False
    return True


def prepare(config: ServerConfig, out=sys.stdout) -> dict:
    """Database, data and static files ready; Django set up in this process.

    Returns the environment for gunicorn, also put into os.environ.
    """
    ensure_database(config, out)
    env = config.environment()
    os.environ.update(env)
    Path(config.media_root).mkdir(parents=True, exist_ok=True)
    manage(env, "migrate", "--noinput", "-v", "0", out=out)

    import django

    django.setup()
    present, why = seeded(config.scale)
    if present:
        out.write(f"Data: {config.scale} already seeded ({why}).\n")
    else:
        out.write(f"Data: seeding {config.scale} ({why}); this may take minutes.\n")
        args = ["seed_demo"]
        if config.scale != "demo":
            args += ["--scale", config.scale]
        try:
            manage(env, *args, out=out)
        except HarnessError as error:
            raise HarnessError(
                f"{error} Does `seed_demo --scale {config.scale}` exist yet? "
                "SCALE=demo uses the demo data alone."
            ) from None
        present, why = seeded(config.scale)
        if not present:
            raise HarnessError(
                f"After seeding, the {config.scale} data is missing: {why}. Was a "
                "smaller scale seeded into this database first? Give each scale "
                "its own BENCH_DATABASE_URL."
            )
    if static_is_current(config.static_root):
        out.write(f"Static files: up to date in {config.static_root}.\n")
    else:
        manage(env, "collectstatic", "--noinput", "-v", "0", out=out)
    return env


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Gunicorn:
    """One gunicorn master on a free loopback port, stopped by `stop()`."""

    def __init__(self, config: ServerConfig, env: dict, *, log_name: str):
        self.config = config
        self.env = env
        self.port = free_port()
        self.log_path = Path(config.log_dir) / log_name
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def command(self) -> list[str]:
        return [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(self.config.workers),
            "--threads",
            str(self.config.threads),
            "--worker-class",
            "gthread",
            # Long enough for the largest prints; a browser keeps its connection.
            "--timeout",
            "180",
            "--keep-alive",
            "30",
            "--log-level",
            "warning",
        ]

    def start(self, out=sys.stdout, wait: float = 60.0) -> "Gunicorn":
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("w")
        self.process = subprocess.Popen(  # noqa: S603 - our own interpreter
            self.command(),
            cwd=BASE_DIR,
            env={**os.environ, **self.env},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise HarnessError(
                    f"gunicorn stopped at start-up; its log:\n{self.log_tail()}"
                )
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=2) as reply:  # noqa: S310
                    if reply.status == 200:
                        out.write(
                            f"gunicorn ready at {self.url}: {self.config.workers} "
                            f"workers x {self.config.threads} threads (gthread); "
                            f"log {self.log_path}\n"
                        )
                        return self
            except (OSError, urllib.error.URLError):
                pass
            time.sleep(0.25)
        self.stop()
        raise HarnessError(f"gunicorn did not answer /healthz in {wait:.0f} s.")

    def stop(self) -> None:
        """Stop the master we started (it stops its workers), politely first."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)

    def log_tail(self, lines: int = 30) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
