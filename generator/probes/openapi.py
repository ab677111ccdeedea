"""``readiness probe openapi URL --require PATH...``: which required paths the API lists.

Steps recorded: the request(s) for the document (as :mod:`.http` records them,
expecting ``200``); the document itself (``OpenAPI document``: expected a JSON
or YAML OpenAPI document with ``paths``, actual e.g. ``OpenAPI 3.0.3 (JSON), 12
paths`` or what is wrong with it); then one step per required path,
``OpenAPI lists /hubs``: expected ``present``, actual ``present`` or
``missing`` (``not checked: no document`` when there was none).

A required path is present when it is a key of ``paths``, or when it is a key
of ``paths`` under the base path of one of the document's ``servers`` (OpenAPI
3) or its ``basePath`` (Swagger 2): ``/api/v2/hubs`` is present when
``servers: [{url: /api/v2}]`` and ``paths`` has ``/hubs``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Self
from urllib.parse import urlsplit

import yaml
from pydantic import Field, StringConstraints, model_validator

from ..errors import UsageError
from ..records.models import Url
from ..textsafe import plural
from .base import DEFAULT_TIMEOUT, PlanSettings, Probe, ProbeFields, check_url
from .http import fetch
from .record import Outcome, Step, one_line, safe_url
from .web import split_userinfo

if TYPE_CHECKING:
    import click

DOCUMENT_CHECK = "OpenAPI document"
DOCUMENT_EXPECTED = "a JSON or YAML OpenAPI document with paths"

ApiPath = Annotated[str, StringConstraints(pattern=r"^/[^\s]*$", max_length=500)]


@dataclass(frozen=True, slots=True)
class OpenApiSpec:
    """What ``readiness probe openapi`` is asked to do."""

    url: str
    require: tuple[str, ...]
    ca: Path | None = None
    timeout: float = DEFAULT_TIMEOUT

    def command(self) -> list[str]:
        argv = ["readiness", "probe", "openapi", self.url]
        for path in self.require:
            argv += ["--require", path]
        if self.ca is not None:
            argv += ["--ca", str(self.ca)]
        return [*argv, "--timeout", f"{self.timeout:g}"]


class OpenApiFields(ProbeFields):
    """An openapi probe's fields in the plan."""

    url: Url = Field(description="http, openapi, registry: the URL (a registry's base, /v2/ optional).")
    require: list[ApiPath] = Field(description="openapi: paths the document must list.")

    @model_validator(mode="after")
    def _a_path_at_least(self) -> Self:
        if not self.require:
            raise ValueError("an openapi probe needs at least one path in require")
        return self


def _plan(fields: OpenApiFields, settings: PlanSettings) -> OpenApiSpec:
    return OpenApiSpec(fields.url, tuple(fields.require), settings.ca, settings.timeout)


def _cli(url: str, require: tuple[str, ...], ca: Path | None, timeout: float) -> OpenApiSpec:
    """Check that an OpenAPI document lists paths.

    Kind endpoint-verified. Fetches the document (JSON or YAML) and reports each
    --require path as present or missing.
    """
    check_url("URL", url)
    bad = [path for path in require if not path.startswith("/") or any(ch.isspace() for ch in path)]
    if bad:
        raise UsageError("\n".join(f"--require {path}: write a path that starts with '/', like /hubs" for path in bad))
    return OpenApiSpec(url, tuple(dict.fromkeys(require)), ca, timeout)


def _params() -> list[click.Parameter]:
    import click

    return [
        click.Argument(["url"]),
        click.Option(
            ["--require", "require"],
            multiple=True,
            required=True,
            metavar="PATH",
            help="A path the document must list (repeatable).",
        ),
    ]


class NotOpenApi(Exception):
    """The document cannot be read as OpenAPI; the message says why, in one line."""


@dataclass(frozen=True, slots=True)
class Document:
    format: str
    version: str
    paths: frozenset[str]
    bases: tuple[str, ...]
    """Base paths from ``servers`` or ``basePath`` (without a trailing '/'; never empty)."""

    def find(self, path: str) -> str | None:
        """``present``, ``present as P under server B``, or ``None`` when missing."""
        if path in self.paths:
            return "present"
        for base in self.bases:
            if path.startswith(base + "/") and path[len(base) :] in self.paths:
                return f"present as {path[len(base) :]} under server {base}"
        return None


def parse_document(body: bytes, content_type: str) -> Document:
    """An OpenAPI (or Swagger) document in JSON or YAML; :class:`NotOpenApi` otherwise."""
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise NotOpenApi("not UTF-8 text") from None
    value: Any
    if "json" in content_type.lower() or text.lstrip()[:1] in ("{", "["):
        fmt = "JSON"
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            raise NotOpenApi(f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None
    else:
        fmt = "YAML"
        try:
            value = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" at line {mark.line + 1} column {mark.column + 1}" if mark is not None else ""
            problem = getattr(exc, "problem", None) or "cannot be parsed"
            raise NotOpenApi(f"not valid YAML: {one_line(problem)}{where}") from None
    if not isinstance(value, dict):
        raise NotOpenApi(f"not an OpenAPI document: the {fmt} is not a mapping")
    version = value.get("openapi", value.get("swagger"))
    if not isinstance(version, (str, int, float)) or isinstance(version, bool):
        raise NotOpenApi(f"not an OpenAPI document: no openapi or swagger version in the {fmt}")
    paths = value.get("paths")
    if not isinstance(paths, dict):
        raise NotOpenApi(f"not an OpenAPI document: no paths mapping in the {fmt}")
    bases: list[str] = []
    servers = value.get("servers")
    for server in servers if isinstance(servers, list) else []:
        url = server.get("url") if isinstance(server, dict) else None
        if isinstance(url, str):
            bases.append(urlsplit(url).path.rstrip("/"))
    base_path = value.get("basePath")
    if isinstance(base_path, str):
        bases.append(base_path.rstrip("/"))
    label = "OpenAPI" if "openapi" in value else "Swagger"
    return Document(
        format=fmt,
        version=f"{label} {version}",
        paths=frozenset(str(key) for key in paths),
        bases=tuple(dict.fromkeys(base for base in bases if base)),
    )


def probe_openapi(spec: OpenApiSpec) -> Outcome:
    """Run the openapi probe; never raises for what the network or the document does."""
    bare = split_userinfo(spec.url)[0]
    outcome = Outcome.begin("endpoint-verified", f"openapi-{urlsplit(bare).hostname or 'endpoint'}", spec.command())
    where = f"OpenAPI at {safe_url(bare)}"
    fetched = fetch(
        "GET",
        spec.url,
        expect=200,
        follow=True,
        via=spec,
        into=outcome,
        headers={"Accept": "application/json, application/yaml;q=0.9, */*;q=0.5"},
    )
    response = fetched.response
    document: Document | None = None
    if response is None or fetched.failure is not None:
        outcome.summary = f"{where}: GET failed: {fetched.failure}"
    elif response.status != 200:
        outcome.summary = f"{where}: GET returned {response.status}, expected 200"
    elif response.truncated:
        outcome.steps.append(Step(DOCUMENT_CHECK, DOCUMENT_EXPECTED, "larger than 10 MiB", False))
        outcome.summary = f"{where}: the document is larger than 10 MiB"
    else:
        try:
            document = parse_document(response.body, response.headers.get("Content-Type", ""))
        except NotOpenApi as exc:
            outcome.steps.append(Step(DOCUMENT_CHECK, DOCUMENT_EXPECTED, str(exc), False))
            outcome.summary = f"{where} is not usable: {exc}"
        else:
            actual = f"{document.version} ({document.format}), {plural(len(document.paths), 'path')}"
            outcome.steps.append(Step(DOCUMENT_CHECK, DOCUMENT_EXPECTED, actual, True))
            outcome.details.append(f"- Document: {actual}")
            if document.bases:
                outcome.details.append(f"- Server base paths: {', '.join(f'`{b}`' for b in document.bases)}")
    missing: list[str] = []
    for path in spec.require:
        found = document.find(path) if document is not None else None
        actual = "not checked: no document" if document is None else found or "missing"
        if found is None:
            missing.append(path)
        outcome.steps.append(Step(f"OpenAPI lists {path}", "present", actual, found is not None))
    if document is not None:
        listed = len(spec.require) - len(missing)
        outcome.summary = f"{where} lists {listed} of {plural(len(spec.require), 'required path')}"
        if missing:
            outcome.summary += f"; missing {', '.join(missing)}"
    return outcome


PROBE = Probe("openapi", "an", fields=OpenApiFields, from_plan=_plan, run=probe_openapi, params=_params, from_cli=_cli)
