"""Building and previewing the site with MkDocs, programmatically.

``build_site`` validates first, then builds strictly into a temporary
directory beside the target and swaps it in, so a failed build leaves the
previous site untouched. MkDocs' own dates follow the as-of moment
(``SOURCE_DATE_EPOCH``), so the same records and as-of give the same bytes.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import logging
import os
import shutil
import socket
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..asof import format_moment
from ..errors import ReadinessError, UsageError
from ..progress import Progress
from ..validation import load_valid

log = logging.getLogger("mkdocs")


@dataclass(frozen=True, slots=True)
class BuildReport:
    site_dir: Path
    pages: int
    seconds: float


@contextlib.contextmanager
def _source_date(as_of: dt.datetime) -> Iterator[None]:
    old = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(int(as_of.timestamp()))
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = old


def _config_file(root: Path, config_file: Path | None) -> Path:
    path = config_file or root / "mkdocs.yml"
    if not path.is_file():
        raise ReadinessError(f"no MkDocs configuration at {path}: pass --config-file or add mkdocs.yml")
    return path


@dataclass(frozen=True, slots=True)
class BuildOptions:
    """What a caller (``readiness publish``) sets on top of mkdocs.yml for one build."""

    plugin: dict[str, Any] = field(default_factory=dict)
    """Options of the readiness plugin (e.g. ``version``, ``previous_commit``)."""
    extra: dict[str, Any] = field(default_factory=dict)
    """Keys merged into mkdocs.yml's ``extra`` (e.g. Material's ``version`` selector)."""


def build_site(
    root: Path,
    as_of: dt.datetime,
    site_dir: Path | None = None,
    config_file: Path | None = None,
    options: BuildOptions | None = None,
    progress: Progress | None = None,
) -> BuildReport:
    """Validate, then build strictly into ``site_dir`` (default ROOT/site) by swapping a fresh build in.

    ``progress`` is told how far the build got: the commits of the history, then the
    pages MkDocs converts and writes (:class:`~generator.mkdocs.plugin.ReadinessPlugin`).
    """
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    started = time.perf_counter()
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")  # Material's end-of-life banner on every build
    load_valid(root)  # fail early with path:line:column problems, before MkDocs starts
    config_path = _config_file(root, config_file)
    target = (site_dir or root / "site").resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.build-", dir=target.parent))
    try:
        with _source_date(as_of):
            config = load_config(config_file=str(config_path), strict=True, site_dir=str(staging))
            plugin = config.plugins.get("readiness")
            if plugin is None:
                raise ReadinessError(f"{config_path} does not enable the 'readiness' plugin")
            plugin.config["as_of"] = format_moment(as_of) if as_of.microsecond == 0 else as_of.isoformat()
            plugin.config["root"] = str(root.resolve())
            plugin.progress = progress
            if options is not None:
                plugin.config.update(options.plugin)
                config.extra.update(options.extra)
            try:
                build(config)
            except MkDocsException as exc:
                raise ReadinessError(f"site build failed: {exc}") from None
        pages = sum(1 for _ in staging.rglob("index.html"))
        _swap(staging, target)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return BuildReport(target, pages, time.perf_counter() - started)


def _swap(new: Path, target: Path) -> None:
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.old-{os.getpid()}")
        target.rename(old)
    new.rename(target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def serve_address(dev_addr: str) -> str:
    """The URL ``readiness serve`` answers on; :class:`UsageError` for a malformed address or a
    port something else already listens on (checked before MkDocs starts)."""
    host, sep, port_text = dev_addr.rpartition(":")
    if not sep or not host or not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise UsageError(f"--dev-addr {dev_addr}: write HOST:PORT, e.g. 127.0.0.1:8000")
    port = int(port_text)
    with socket.socket(socket.AF_INET6 if ":" in host.strip("[]") else socket.AF_INET) as probe:
        try:
            probe.bind((host.strip("[]"), port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise UsageError(
                    f"--dev-addr {dev_addr}: port {port} is in use: stop what listens there, or pass another port, "
                    f"e.g. --dev-addr {host}:{port + 1}"
                ) from None
            raise UsageError(f"--dev-addr {dev_addr}: cannot listen there ({exc.strerror})") from None
    return f"http://{host}:{port}/"


class _NoDirtyNotice(logging.Filter):
    """MkDocs warns on every rebuild that a dirty build may have stale links; the plugin renders
    every changed page and merges the search index, so the notice says nothing true here."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "'dirty' build" not in record.getMessage()


def serve_site(root: Path, as_of: str | None, dev_addr: str, config_file: Path | None = None) -> None:
    """``mkdocs serve`` with live reload; data/ and evidence/ are watched by the plugin."""
    from mkdocs.commands.serve import serve

    logging.getLogger("mkdocs.commands.build").addFilter(_NoDirtyNotice())
    config_path = _config_file(root, config_file)
    if as_of:
        os.environ["READINESS_AS_OF"] = as_of
    # Dirty rebuilds: the plugin renders again only the pages whose content changed and
    # keeps the search index whole (MkDocs' own --dirty would leave it partial).
    # Preview: warnings are shown but do not stop it (a dirty build always warns once).
    serve(config_file=str(config_path), livereload=True, build_type="dirty", dev_addr=dev_addr, strict=False)
