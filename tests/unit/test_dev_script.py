"""The README's run command: the demo's passwords are public, so it listens on this machine only by default."""
import os
import subprocess
from pathlib import Path

DEV_SH = Path(__file__).resolve().parents[2] / "dev.sh"


def listens_on(**env: str) -> str:
    clean = {k: v for k, v in os.environ.items() if k not in ("HOST", "PORT")}
    return subprocess.run(["bash", str(DEV_SH), "address"], env={**clean, **env}, capture_output=True, text=True,
                          check=True, timeout=30).stdout.strip()


def test_the_demo_server_listens_on_this_machine_only_unless_host_is_set():
    assert listens_on() == "127.0.0.1:5000"
    assert listens_on(PORT="8080") == "127.0.0.1:8080"
    assert listens_on(HOST="0.0.0.0") == "0.0.0.0:5000"
