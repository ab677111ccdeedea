"""The history's cache: a build after one new commit computes one point, and no cache, however
broken, changes an answer."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from bench.synthetic import write_catalog
from generator.cache import HistoryCache, cache_dir, fingerprint
from generator.history import History, compute_history
from generator.records.kinds import EVIDENCE, KINDS, SERVICE
from generator.records.loader import load_catalog
from generator.records.loader.documents import list_file, one_file
from generator.records.loader.files import FileResult
from generator.records.loader.stored import StoredFile, restore, store
from generator.records.tree import WorkTree
from tests.conftest import MINIMAL, Result
from tests.test_history import Repo, assessment
from tests.test_incremental import SIZE, generated_history

UTC = dt.UTC
Cli = Callable[..., Result]


def answer(history: History) -> tuple[object, ...]:
    """Everything a history says (what the site and `readiness history` show)."""
    return (
        [(p.commit, p.gates, p.waves, p.added, p.problems) for p in history.points],
        history.transitions,
        history.added_by,
    )


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generated_history(tmp_path_factory.mktemp("cache") / "repo", seed=5, commits=40)


def test_a_warm_cache_answers_as_no_cache_and_computes_only_new_commits(generated: Path, tmp_path: Path) -> None:
    root = tmp_path / "repo"
    shutil.copytree(generated, root)
    changing = Repo(root).git("rev-list", "--reverse", "--first-parent", "HEAD", "--", "data", "evidence").split()
    Repo(root).git("reset", "-q", "--hard", changing[-4])
    cache = tmp_path / "cache"
    cold = compute_history(root, cache=HistoryCache(cache))
    assert cold.computed == len(cold.points)
    assert answer(cold) == answer(compute_history(root))
    warm = compute_history(root, cache=HistoryCache(cache))
    assert warm.computed == 0
    assert answer(warm) == answer(cold)
    for sha in changing[-3:]:  # one new commit at a time: one point computed each time
        Repo(root).git("reset", "-q", "--hard", sha)
        later = compute_history(root, cache=HistoryCache(cache))
        assert later.computed == 1
        assert answer(later) == answer(compute_history(root))


def rewrite(path: Path, change: Callable[[object], object]) -> None:
    """Change a cache file's content and write it back with a digest that fits: only the
    validation of what it holds can refuse it."""
    head, _, body = path.read_bytes().partition(b"\n")
    new = json.dumps(change(json.loads(body))).encode("ascii")
    header = json.loads(head)
    header["sha256"] = hashlib.sha256(new).hexdigest()
    path.write_bytes(json.dumps(header).encode("ascii") + b"\n" + new)


def first_point(points: object) -> dict[str, object]:
    assert isinstance(points, list)
    point = points[0][1]
    assert isinstance(point, dict)
    return point


def _gone_unknown(points: object) -> object:
    first_point(points)["gone_gates"] = ["SYN-G999"]
    return points


def _set_status(points: object) -> object:
    first_point(points)["gates"] = {"SYN-G001": "done"}
    return points


def _extra_field(points: object) -> object:
    first_point(points)["note"] = "not a field"
    return points


def _bad_id(points: object) -> object:
    first_point(points)["gates"] = {"<script>": "ready"}
    return points


def _record_refused(files: object) -> object:
    assert isinstance(files, dict)
    files["evidence"][0][2]["observed"] = "yesterday"
    return files


def _rule_broken(files: object) -> object:
    assert isinstance(files, dict)
    record = next(r for _, _, r in files["evidence"] if r.get("kind") == "backup-verified")
    record.update(result="fail", assess={"SYN-G001": "ready"})
    return files


def _other_refused(files: object) -> object:
    assert isinstance(files, dict)
    stored = files["other"][0]["records"][0]
    stored["record"] = json.dumps({**json.loads(stored["record"]), "id": "Not An Id"})
    return files


def _not_a_record(files: object) -> object:
    assert isinstance(files, dict)
    files["evidence"][0][1] = "data/gates.yaml"
    return files


def _header(change: Callable[[dict[str, object]], None]) -> Callable[[Path], None]:
    def apply(path: Path) -> None:
        head, _, body = path.read_bytes().partition(b"\n")
        header = json.loads(head)
        change(header)
        path.write_bytes(json.dumps(header).encode("ascii") + b"\n" + body)

    return apply


CORRUPTIONS: dict[str, tuple[str, Callable[[Path], None]]] = {
    "truncated points": ("points.json", lambda p: p.write_bytes(p.read_bytes()[: len(p.read_bytes()) // 2])),
    "truncated files": ("files.json", lambda p: p.write_bytes(p.read_bytes()[:-100])),
    "not JSON": ("points.json", lambda p: p.write_text("{not json", encoding="utf-8")),
    "empty": ("points.json", lambda p: p.write_bytes(b"")),
    "binary": ("files.json", lambda p: p.write_bytes(bytes(range(256)))),
    "a byte changed": ("points.json", lambda p: p.write_bytes(p.read_bytes().replace(b'"ready"', b'"ready "', 1))),
    "another format": ("points.json", _header(lambda h: h.update(format=2))),
    "another generator": ("points.json", _header(lambda h: h.update(generator="readiness 0.0.9"))),
    "another catalog": ("points.json", _header(lambda h: h.update(scope="elsewhere/"))),
    "written later": ("points.json", _header(lambda h: h.update(written="2999-01-01T00:00:00+00:00"))),
    "no time zone": ("points.json", _header(lambda h: h.update(written="2026-01-01T00:00:00"))),
    "header fields": ("points.json", _header(lambda h: h.update(extra=1))),
    "a status that is none": ("points.json", lambda p: rewrite(p, _set_status)),
    "an unknown field": ("points.json", lambda p: rewrite(p, _extra_field)),
    "an id that is none": ("points.json", lambda p: rewrite(p, _bad_id)),
    "a map for a list": ("points.json", lambda p: rewrite(p, lambda _: {"a": 1})),
    "a status gone that was never there": ("points.json", lambda p: rewrite(p, _gone_unknown)),
    "a record its model refuses": ("files.json", lambda p: rewrite(p, _record_refused)),
    "a record rule broken": ("files.json", lambda p: rewrite(p, _rule_broken)),
    "a data record its model refuses": ("files.json", lambda p: rewrite(p, _other_refused)),
    "an evidence path that is no record": ("files.json", lambda p: rewrite(p, _not_a_record)),
    "a directory": ("points.json", lambda p: (p.unlink(), p.mkdir())),
}


@pytest.mark.parametrize("name", sorted(CORRUPTIONS))
def test_a_corrupt_or_stale_cache_is_ignored_and_written_again(generated: Path, tmp_path: Path, name: str) -> None:
    root = tmp_path / "repo"
    shutil.copytree(generated, root)
    changing = Repo(root).git("rev-list", "--reverse", "--first-parent", "HEAD", "--", "data", "evidence").split()
    Repo(root).git("reset", "-q", "--hard", changing[-2])
    cache = tmp_path / "cache"
    expected = answer(compute_history(root, cache=HistoryCache(cache)))
    target, corrupt = CORRUPTIONS[name]
    corrupt(cache / target)
    again = compute_history(root, cache=HistoryCache(cache))
    assert answer(again) == expected
    if target == "points.json" and name != "a directory":
        assert again.computed == len(again.points)  # nothing was taken from it
        assert compute_history(root, cache=HistoryCache(cache)).computed == 0  # and it was written again
    # A new commit loads its tree whole: from the stored parse results, or parsing again.
    Repo(root).git("reset", "-q", "--hard", changing[-1])
    assert answer(compute_history(root, cache=HistoryCache(cache))) == answer(compute_history(root))


def test_the_cache_key_is_the_generator_and_its_code() -> None:
    key = fingerprint()
    assert key.startswith("readiness ") and "pydantic " in key and "pyyaml " in key and "python 3." in key
    assert fingerprint() == key


def test_a_gap_from_a_record_observed_after_the_present_holds_only_until_then(repo: Repo, tmp_path: Path) -> None:
    """Validation refuses records observed after the real present: a point that was a gap for
    that reason is not taken from the cache once the present has passed the record's moment."""
    repo.commit("2026-06-01", "catalog", dict(MINIMAL))
    repo.commit("2026-06-02", "early", {"evidence/2026/a.yaml": assessment("2026-07-10", "T-G01", "ready")})
    cache = tmp_path / "cache"
    before = dt.datetime(2026, 7, 1, tzinfo=UTC)
    after = dt.datetime(2026, 7, 20, tzinfo=UTC)
    first = compute_history(repo.root, cache=HistoryCache(cache), now=before)
    assert first.points[-1].gap and "in the future" in str(first.points[-1].problems[0])
    assert compute_history(repo.root, cache=HistoryCache(cache), now=before).computed == 0
    later = compute_history(repo.root, cache=HistoryCache(cache), now=after)
    assert later.computed == 1
    assert answer(later) == answer(compute_history(repo.root, now=after))
    assert not later.points[-1].gap


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    return Repo(tmp_path / "repo")


def test_stored_parse_results_give_back_every_record_exactly(tmp_path: Path) -> None:
    """Every record of a synthetic catalog (hostile text included) comes back from its stored
    form equal, with the same fields written (absent stays absent), through JSON."""
    root = tmp_path / "catalog"
    write_catalog(root, SIZE, seed=9)
    tree = WorkTree(root)
    checked = 0
    for kind in KINDS:
        if kind.layout.form == "list" and tree.entry(kind.layout.path) is not None:
            checked += _round_trip(
                kind.layout.path, list_file(tree, kind.layout.path, kind.model, kind.name, kind.title)
            )
    for path in sorted((root / "data" / "services").glob("*.yaml")):
        rel = path.relative_to(root).as_posix()
        checked += _round_trip(rel, one_file(tree, rel, SERVICE))
    for path in sorted((root / "evidence").rglob("*.yaml")):
        rel = path.relative_to(root).as_posix()
        if not rel.startswith("evidence/files/"):
            checked += _round_trip(rel, one_file(tree, rel, EVIDENCE))
    assert checked == len(load_catalog(root).evidence) + sum(
        len(table) for table in (load_catalog(root).services, load_catalog(root).gates, load_catalog(root).waves)
    ) + len(load_catalog(root).repos) + len(load_catalog(root).environments)


def _round_trip(rel: str, result: FileResult) -> int:
    stored = store("a" * 40, rel, result)
    assert stored is not None, rel
    again = restore(StoredFile.model_validate(json.loads(json.dumps(stored.model_dump()))))
    assert again is not None
    assert again.records == result.records
    for (mine, _), (theirs, _) in zip(again.records, result.records, strict=True):
        assert mine.model_dump(exclude_unset=True) == theirs.model_dump(exclude_unset=True)
    return len(result.records)


def test_a_result_with_a_problem_is_not_stored(catalog_dir: Callable[..., Path]) -> None:
    root = catalog_dir({"evidence/2026/x.yaml": "observed: 2026-06-01\nkind: note\nsummary: [unclosed\n"})
    result = one_file(WorkTree(root), "evidence/2026/x.yaml", EVIDENCE)
    assert result.problems and store("a" * 40, "evidence/2026/x.yaml", result) is None


# ------------------------------------------------------------------ where it lives


def test_where_the_cache_lives() -> None:
    root = Path("/repo")
    assert cache_dir(root, {}) == root / ".cache" / "readiness"
    assert cache_dir(root, {"READINESS_CACHE_DIR": ""}) == root / ".cache" / "readiness"
    assert cache_dir(root, {"READINESS_CACHE_DIR": "ci-cache"}) == root / "ci-cache"
    assert cache_dir(root, {"READINESS_CACHE_DIR": "/var/cache/r"}) == Path("/var/cache/r")
    assert cache_dir(root, {"READINESS_CACHE_DIR": "off"}) is None
    assert cache_dir(root, {"READINESS_CACHE_DIR": " OFF "}) is None


def test_the_cli_keeps_its_cache_out_of_git_and_can_do_without(cli: Cli, repo: Repo, tmp_path: Path) -> None:
    repo.commit("2026-06-01", "catalog", dict(MINIMAL))
    repo.commit("2026-06-02", "look", {"evidence/2026/a.yaml": assessment("2026-06-02", "T-G01", "partial")})
    status = repo.git("status", "--porcelain")
    first = cli("history", "--json", root=repo.root)
    assert first.code == 0, first.stderr
    cached = repo.root / ".cache" / "readiness"
    assert sorted(p.name for p in cached.iterdir()) == [".gitignore", "files.json", "points.json"]
    assert repo.git("status", "--porcelain") == status  # the cache ignores itself
    assert cli("history", "--json", root=repo.root).stdout == first.stdout
    elsewhere = tmp_path / "elsewhere"
    assert cli("history", "--json", root=repo.root, env={"READINESS_CACHE_DIR": str(elsewhere)}).stdout == first.stdout
    assert (elsewhere / "points.json").is_file()
    shutil.rmtree(cached)
    off = cli("history", "--json", root=repo.root, env={"READINESS_CACHE_DIR": "off"})
    assert off.stdout == first.stdout and not cached.exists()


def test_a_cache_that_cannot_be_written_is_no_error(cli: Cli, repo: Repo, tmp_path: Path) -> None:
    repo.commit("2026-06-01", "catalog", dict(MINIMAL))
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory\n", encoding="utf-8")
    result = cli("history", "--json", root=repo.root, env={"READINESS_CACHE_DIR": str(blocker / "cache")})
    assert result.code == 0, result.stderr
    assert json.loads(result.stdout)["commits"] == 1


def test_a_gap_that_names_a_path_that_is_no_utf8_is_computed_again(repo: Repo, tmp_path: Path) -> None:
    """JSON cannot carry a path that is not UTF-8: that point is not stored (the others are), and
    each run computes it again, with the same answer."""
    repo.commit("2026-06-01", "catalog", dict(MINIMAL))
    folder = bytes(repo.root / "evidence" / "2026") + b"/"
    (repo.root / "evidence" / "2026").mkdir(parents=True)
    with open(folder + b"bad-\xff.yaml", "wb") as handle:
        handle.write(b"observed: 2026-06-02\nkind: note\nsummary: x\n")
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "a name that is no UTF-8", date="2026-06-02")
    cache = tmp_path / "cache"
    expected = answer(compute_history(repo.root))
    first = compute_history(repo.root, cache=HistoryCache(cache))
    assert first.points[-1].gap and answer(first) == expected
    again = compute_history(repo.root, cache=HistoryCache(cache))
    assert answer(again) == expected and again.computed == 1
