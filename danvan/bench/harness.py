"""What the benchmark commands share: memory figures, the machine and database they ran
on, the staff user and client they request pages as, and wrk over the loopback."""

import datetime
import json
import os
import platform
import re
import resource
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

from django.core.management.base import CommandError
from django.db import connection
from django.test import Client

from danvan.accounts.models import Role, User
from danvan.accounts.services import assign_role, create_user


def mb(n_bytes: float) -> float:
    return round(n_bytes / (1024 * 1024), 1)


def max_rss_mb() -> float:
    """The process's peak resident set (getrusage; KiB on Linux)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def proc_status_mb(field: str) -> float | None:
    """A figure of /proc/self/status in MB: VmRSS (now) or VmHWM (this process's peak)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return None


def machine() -> dict:
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "processor": platform.machine(),
        "cpus": os.cpu_count(),
        # Other processes on the machine skew timings: the load when we finished.
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }


def db_version() -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("select sqlite_version()")
        else:
            cursor.execute("select version()")
        return str(cursor.fetchone()[0])


def write_results(folder: str, benchmark: str, vendor: str, report: dict) -> Path:
    """Write a run's figures as JSON into `folder`, named by benchmark, database and time."""
    out_dir = Path(folder)
    out_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    out_file = out_dir / f"{benchmark}-{vendor}-{stamp}.json"
    out_file.write_text(
        json.dumps(report, ensure_ascii=False, indent=2, default=str), encoding="utf-8"
    )
    return out_file


class BenchPages:
    """The staff user a benchmark logs in as, its client, and a GET that must answer 200."""

    def _user(self, username: str, full_name: str, role: Role, unit):
        user = User.objects.filter(username=username).first()
        if user is None:
            user = create_user(actor=None, username=username, password=None, full_name=full_name)
        assign_role(actor=None, user=user, role=role, unit=unit)
        return User.objects.get(pk=user.pk)

    def _client(self, user) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    def _get(self, client: Client, url: str):
        response = client.get(url)
        if response.status_code != 200:
            raise CommandError(f"GET {url} answered {response.status_code}, not 200.")
        return response


# Throughput over HTTP ----------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, server: subprocess.Popen, timeout: float = 60) -> None:
    """Wait until a server we started answers 200 at `url`; CommandError if it stopped."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise CommandError(f"The benchmark server stopped (exit {server.returncode}).")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise CommandError(f"The benchmark server did not answer at {url}.")


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text: str) -> float | None:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip())
    return round(float(match[1]) * _UNITS[match[2]], 2) if match else None


def parse_wrk(output: str) -> dict:
    """The figures of wrk's report: requests, duration, requests/s, latencies, errors."""
    done = re.search(r"(\d+) requests in ([\d.]+)(us|ms|s|m)", output)
    latency = dict(re.findall(r"^\s+(50|75|90|99)%\s+(\S+)", output, re.M))
    non_ok = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(r"Socket errors: (.*)", output)
    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    return {
        "requests": int(done[1]) if done else 0,
        "seconds": round(float(done[2]) * _UNITS[done[3]] / 1000, 2) if done else 0,
        "rps": float(rps[1]) if rps else 0.0,
        "latency_p50_ms": _ms(latency["50"]) if "50" in latency else None,
        "latency_p99_ms": _ms(latency["99"]) if "99" in latency else None,
        "non_2xx_3xx": int(non_ok[1]) if non_ok else 0,
        "socket_errors": errors[1].strip() if errors else "",
    }


def run_wrk(wrk: str, url: str, seconds: int, conns: int, script: Path | None = None) -> dict:
    """One wrk run (two threads at most) over `url`, with its figures."""
    threads = max(1, min(2, conns))
    command = [wrk, f"-t{threads}", f"-c{conns}", f"-d{seconds}s", "--latency"]
    if script is not None:
        command += ["-s", str(script)]
    done = subprocess.run(  # noqa: S603 - wrk with our arguments
        [*command, url], capture_output=True, text=True, timeout=seconds + 60, check=False
    )
    if done.returncode != 0:
        raise CommandError(f"wrk failed: {done.stderr or done.stdout}")
    return parse_wrk(done.stdout)
