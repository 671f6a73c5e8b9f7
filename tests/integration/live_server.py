"""Real server processes for concurrency tests: gunicorn with several worker processes on the test database.

A lock held in Python memory cannot pass a test that goes through two processes.
"""
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    def __init__(self, database_url: str, workers: int = 2, threads: int = 16, env: dict | None = None) -> None:
        self.database_url = database_url
        self.env = env or {}
        self.workers = workers
        self.threads = threads
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def start(self) -> "LiveServer":
        env = {**os.environ, "DATABASE_URL": self.database_url, "SECRET_KEY": "live-test-secret", **self.env}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{self.port}", "--workers", str(self.workers),
             "--threads", str(self.threads), "--timeout", "120", "--graceful-timeout", "3", "--log-level", "warning",
             "webapp:create_app()"],
            cwd=ROOT, env=env, start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if requests.get(self.url + "/healthz", timeout=2).status_code == 200:
                    return self
            except requests.RequestException:
                pass
            if self.process.poll() is not None:
                raise RuntimeError("gunicorn exited at start")
            time.sleep(0.1)
        self.kill()
        raise RuntimeError("gunicorn did not answer /healthz in 60 s")

    def kill(self) -> None:
        """SIGKILL the whole process group: no cleanup, no graceful shutdown."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()


def all_at_once(count: int, call) -> list:
    """call(session, n) for n in range(count), each on its own connection, released together by a barrier."""
    barrier = threading.Barrier(count)

    def run(n):
        session = requests.Session()
        barrier.wait()
        return call(session, n)

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))
