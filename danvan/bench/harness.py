"""What the benchmark commands share: memory figures, the machine and database they ran
on, and the staff user and client they request pages as."""

import datetime
import json
import os
import platform
import resource
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
