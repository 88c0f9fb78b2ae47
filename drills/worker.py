"""A Celery worker process the drill can SIGKILL (tests/worker.py only terminates politely)."""

from __future__ import annotations

import signal
import subprocess

from tests.worker import CELERY, ROOT, worker_env


class Worker:
    def __init__(self, queue: str, log_path: str, **env):
        self.queue, self.log_path, self.env = queue, log_path, env
        self.proc: subprocess.Popen | None = None

    def start(self) -> Worker:
        log = open(self.log_path, "a")  # noqa: SIM115 - the child keeps it
        self.proc = subprocess.Popen(
            [
                CELERY,
                "-A",
                "partneros",
                "worker",
                "--pool=solo",
                "--loglevel=INFO",
                "-Q",
                self.queue,
                "--without-mingle",
                "--without-gossip",
            ],
            cwd=ROOT,
            env=worker_env(
                DJANGO_SETTINGS_MODULE="drills.settings",
                CELERY_TASK_DEFAULT_QUEUE=self.queue,
                **self.env,
            ),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        return self

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
