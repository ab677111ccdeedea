"""Messages a newcomer meets: the exact text, one cause each, with the fix."""

from __future__ import annotations

from tests.test_bad_input import NOTE, assert_problem, gate_with_check


def test_a_bad_digest_says_what_a_digest_looks_like(catalog_dir, cli) -> None:
    root = catalog_dir({"evidence/2026/e.yaml": NOTE + 'attachments: [{path: files/x.txt, sha256: "abc"}]\n'})
    line = assert_problem(cli("validate", root=root), "evidence/2026/e.yaml:4:43:")
    assert line == (
        "evidence/2026/e.yaml:4:43: 'abc' is not a SHA-256 digest: write the 64 lowercase hexadecimal "
        "characters that sha256sum prints for the file (attachments[0].sha256)"
    )


def test_an_unpadded_number_suggests_the_padded_id(catalog_dir, cli) -> None:
    gates = "- id: T-G03\n  title: Three\n  requirement: R\n- id: T-G13\n  title: Thirteen\n  requirement: R\n"
    root = catalog_dir({"data/gates.yaml": gates, "evidence/2026/e.yaml": NOTE + "assess: {T-G3: ready}\n"})
    line = assert_problem(cli("validate", root=root), "evidence/2026/e.yaml:4:10:")
    assert line == "evidence/2026/e.yaml:4:10: unknown gate 'T-G3': did you mean 'T-G03'? (assess.T-G3)"


def test_the_article_follows_the_kind(catalog_dir, cli) -> None:
    assessment = "observed: 2026-06-14\nkind: assessment\nsummary: A look\n"
    root = catalog_dir({"evidence/2026/a.yaml": assessment, "evidence/2026/b.yaml": NOTE + "resolves: [a]\n"})
    line = assert_problem(cli("validate", root=root), "evidence/2026/b.yaml:4:12:")
    assert "'a' is an assessment record: resolves closes risk-raised records only" in line


def test_a_quoted_date_in_where_says_to_write_it_unquoted(catalog_dir, cli) -> None:
    check = gate_with_check("select: waves", 'where: {target: ["2026-11-15"]}', "fields: [notes]")
    line = assert_problem(cli("validate", root=catalog_dir(check)), "data/gates.yaml:6:24:")
    assert line == (
        "data/gates.yaml:6:24: '2026-11-15' is quoted, so it is text and never matches target, which is a date: "
        "write 2026-11-15 without quotes (T-G01.checks[0].where.target[0])"
    )


def test_a_where_value_outside_a_closed_set_lists_the_set(catalog_dir, cli) -> None:
    check = gate_with_check("select: services", "where: {criticality: [1, urgent]}", "fields: [owner]")
    result = cli("validate", root=catalog_dir(check))
    assert result.code == 1, result
    assert result.stdout.splitlines()[:2] == [
        "data/gates.yaml:6:29: 1 never matches criticality, which is one of critical, high, normal, low "
        "(T-G01.checks[0].where.criticality[0])",
        "data/gates.yaml:6:32: 'urgent' never matches criticality, which is one of critical, high, normal, low "
        "(T-G01.checks[0].where.criticality[1])",
    ]
