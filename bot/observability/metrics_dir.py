"""Each process's own multi-process metrics directory under the shared one.

prometheus_client's multi-process mode keeps one file per process and metric type in
``PROMETHEUS_MULTIPROC_DIR``, and a process's endpoint sums every file there. Several bot processes
of one kind on one host (``honcho start -c worker=4``, ``python -m bot worker --count 4``, two
systemd units) must neither wipe each other's files at start nor report each other's counts as
their own: each takes ``<dir>/<kind>-<pid>`` (its forked children, rq's work horses and gunicorn's
workers, inherit it), empties it, and removes the directories of processes that are gone. Must run
before anything imports ``prometheus_client``'s values (``bot.__main__`` calls it first).
"""

from __future__ import annotations

import logging
import os
import re
import shutil
from pathlib import Path

logger = logging.getLogger(__name__)

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
#: the directory the operator configured, kept for the children a process starts (make run)
ROOT_ENV = "BACKUP_DOCTOR_METRICS_ROOT"
_OWN = re.compile(r"^(?P<kind>[a-z]+)-(?P<pid>\d+)$")


def own_multiprocess_dir(kind: str, pid: int | None = None) -> Path | None:
    """Point ``PROMETHEUS_MULTIPROC_DIR`` at this process's own empty directory; return it.

    None (and nothing changed) when multi-process mode is off.
    """
    root_value = os.environ.get(ROOT_ENV) or os.environ.get(MULTIPROC_ENV)
    if not root_value:
        return None
    root = Path(root_value)
    root.mkdir(parents=True, exist_ok=True)
    pid = os.getpid() if pid is None else pid
    _remove_gone(root)
    own = root / f"{kind}-{pid}"
    if own.exists():
        shutil.rmtree(own)  # a pid reused after a restart: the old process's values are not ours
    own.mkdir()
    os.environ[ROOT_ENV] = str(root)
    os.environ[MULTIPROC_ENV] = str(own)
    return own


def _remove_gone(root: Path) -> None:
    for entry in root.iterdir():
        found = _OWN.match(entry.name)
        if found is None or not entry.is_dir() or _alive(int(found["pid"])):
            continue
        shutil.rmtree(entry, ignore_errors=True)
        logger.debug("removed the metrics of a process that is gone: %s", entry)


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True
    return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")
