import logging
import signal

from django.core.management.base import BaseCommand

from jobs.worker import Worker


class Command(BaseCommand):
    help = (
        "Run the background worker: send queued mail and make long prints, taking "
        "jobs from the database queue until stopped (SIGTERM or Ctrl+C lets the "
        "current job finish; a second Ctrl+C stops at once). A job whose worker "
        "died is run again once its lease expires. --once runs what is due, then "
        "exits. Any number of workers may run side by side."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--once",
            action="store_true",
            help="Run the jobs that are due, then exit.",
        )
        parser.add_argument(
            "--interval",
            type=float,
            default=1.0,
            help="Seconds to wait when the queue is empty (default 1).",
        )
        parser.add_argument("--name", default=None, help="The worker's name in logs.")

    def handle(self, *args, once=False, interval=1.0, name=None, **options):
        log = logging.getLogger("jobs")
        if not log.handlers:
            handler = logging.StreamHandler(self.stdout)
            handler.setFormatter(logging.Formatter("%(asctime)s %(message)s"))
            log.addHandler(handler)
            log.setLevel(logging.INFO)
            log.propagate = False
        worker = Worker(name=name, interval=max(interval, 0.1))

        def stop(signum, frame):
            if worker.stopping:
                raise KeyboardInterrupt
            self.stdout.write("Stopping after the current job (again to stop now).")
            worker.stop()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        self.stdout.write(f"Worker {worker.name} started.")
        count = worker.run(until_empty=once)
        self.stdout.write(f"Worker {worker.name} stopped after {count} jobs.")
