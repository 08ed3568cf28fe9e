"""One crawl at a time per output folder, and never a lock left to a dead process.

The lock is an OS file lock (filelock: `flock`), which the kernel releases when
its process dies, however it dies. Beside it, `crawl.owner` names the run
holding it (pid, start time), so a run that finds the lock taken can say who
holds it, and a run that finds the owner file of a process that is gone knows
the last run died and says so. A lock still held in the name of a dead
process (a child it left behind keeps the file open) is taken over: the lock
file is replaced, and the orphan holds a lock nobody asks for.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from filelock import FileLock, Timeout

OWNER_GRACE = 0.5
"""Seconds to let a run that holds the lock write its owner file before reading it."""


class CrawlLocked(Exception):
    """Another crawl, still alive, holds the lock on this output folder."""


@dataclass(frozen=True)
class Owner:
    pid: int
    started: str

    def describe(self) -> str:
        return f"pid {self.pid}, started {self.started}"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def _read_owner(path: Path) -> Owner | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return Owner(int(data["pid"]), str(data["started"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


class RunLock:
    """`acquire()` or `CrawlLocked`; `taken_over` says whose dead run's lock this one took."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / "crawl.lock"
        self.owner_path = folder / "crawl.owner"
        self._lock = FileLock(self.path)
        self.taken_over: Owner | None = None

    def acquire(self) -> None:
        previous = _read_owner(self.owner_path)
        try:
            self._lock.acquire(timeout=0)
        except Timeout:
            time.sleep(OWNER_GRACE)  # a run that has just taken the lock writes its name right after
            previous = _read_owner(self.owner_path)
            if previous is not None and _alive(previous.pid):
                raise CrawlLocked(f"another crawl ({previous.describe()}) is running on this folder") from None
            if previous is None:
                raise CrawlLocked(f"another crawl holds {self.path}") from None
            self.path.unlink(missing_ok=True)  # held in a dead run's name: take it over
            self._lock = FileLock(self.path)
            try:
                self._lock.acquire(timeout=0)
            except Timeout:
                raise CrawlLocked(f"another crawl holds {self.path}") from None
        if previous is not None and previous.pid != os.getpid() and not _alive(previous.pid):
            self.taken_over = previous
        started = datetime.now(UTC).isoformat(timespec="seconds")
        self.owner_path.write_text(json.dumps({"pid": os.getpid(), "started": started}), encoding="utf-8")

    def release(self) -> None:
        """Let the lock go, if this run holds it (never another run's owner file)."""
        if self._lock.is_locked:
            self.owner_path.unlink(missing_ok=True)
            self._lock.release()
