"""Messages a newcomer meets: the exact text, one cause each, with the fix."""

from __future__ import annotations

import pytest

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


def _validate_lines(catalog_dir, cli, files: dict[str, str | None]) -> list[str]:
    """The problems ``readiness validate`` prints (it exits 1 with at least one)."""
    result = cli("validate", root=catalog_dir(files))
    assert result.code == 1, result
    return result.stdout.splitlines()


EV = "evidence/2026/e.yaml"
HEAD = "observed: 2026-06-14\nkind: note\n"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            HEAD + 'summary: "An unclosed quote\nabout: [service:svc]\ndetails: |\n  more\n',
            '3:10: this value opens a quote (") that is never closed: end the value with " '
            "(YAML read on to the end of the file looking for it)",
            id="unclosed-quote-at-its-opening",
        ),
        pytest.param(
            HEAD + "summary: this has: a colon\n",
            "3:10: this value holds ': ', which YAML reads as the start of a key: quote the whole value "
            '("this has: a colon")',
            id="colon-in-a-value",
        ),
        pytest.param(
            HEAD + "summary: 'It's broken'\n",
            "3:10: the apostrophe after 'It' ends this single-quoted value: write it twice ('It''s broken') "
            'or quote the value with double quotes ("It\'s broken")',
            id="apostrophe-in-single-quotes",
        ),
        pytest.param(
            HEAD + 'summary: "say "hi" now"\n',
            "3:10: the quote after 'say' ends this double-quoted value: write it as \\\" "
            '("say \\"hi\\" now") or quote the value with single quotes (\'say "hi" now\')',
            id="quote-in-double-quotes",
        ),
        pytest.param(
            "observed: 2026-06-14\nkind: note\n  summary: Indented\n",
            "3:3: this key is indented deeper than the line above (line 2), which already has a value: "
            "start it at column 1, like that line",
            id="key-indented-under-a-value",
        ),
        pytest.param(
            HEAD + "summary: S\nassess:\n  T-G01: partial\n T-G02: partial\n",
            "6:2: this line starts at column 2, where no key above it starts: indent it like the keys it "
            "belongs with (keys above start at column 1 or 3)",
            id="key-at-no-column-above",
        ),
        pytest.param(
            HEAD + "summary: S\nabout:\n  - service:svc\n    - store:svc-db\n",
            "6:5: this line starts with '- ' but YAML reads it as more of the value above ('service:svc'): "
            "put its '-' at column 3, like the item above",
            id="over-indented-list-item",
        ),
        pytest.param(
            HEAD + "summary: S\nabout: service:svc\n  - store:svc-db\n",
            "5:3: this line starts with '- ' but YAML reads it as more of the value above ('service:svc'): "
            "write 'about:' alone on its line and each item below it as '- item', every '-' at one column",
            id="list-item-under-a-value",
        ),
        pytest.param(
            HEAD + "summary: issue #12 fixed\n",
            "3:16: ' #' starts a comment, so this value ends before it and '#12 fixed' is dropped: quote the value "
            "to keep it (\"issue #12 fixed\"), or write '# ' if it is a comment",
            id="hash-drops-the-rest",
        ),
        pytest.param(
            HEAD + "summary: S\nabout: [service:svc\ndetails: more\n",
            "4:8: the list opened with '[' here is not closed: end it with ']', and separate its items with ', '",
            id="unclosed-bracket-at-its-opening",
        ),
        pytest.param(
            HEAD + "summary: S\nabout: [service:svc\n",
            "4:8: the list opened with '[' here is not closed: end it with ']', and separate its items with ', '",
            id="unclosed-bracket-at-the-end",
        ),
        pytest.param(
            HEAD + "summary: S\nabout\n  - service:svc\n",
            "4:1: 'about' has no ': ' after its key: write 'key: value', or remove the line",
            id="key-without-a-colon-before-an-indented-line",
        ),
        pytest.param(
            HEAD + "summary:S\n",
            "3:1: 'summary:' needs a space after the colon ('summary: ...'), or YAML reads the line as text",
            id="no-space-after-colon",
        ),
        pytest.param(
            HEAD + "summary: `make` ran\n",
            '3:10: YAML reserves a backquote at the start of a value: quote the value ("`make` ran")',
            id="backquote-starts-a-value",
        ),
        pytest.param(
            HEAD + "summary: S\nabout: - service:svc\n",
            "4:8: a list cannot start on the line of its key: end the line after the key's ':' and write each item "
            "on a line of its own below it, as '- item'",
            id="list-on-the-line-of-its-key",
        ),
        pytest.param(
            HEAD + "summary: S\nabout: [service:svc]]\n",
            "4:21: YAML did not expect ']' after the value: remove it, or quote the whole value",
            id="text-after-a-value",
        ),
        pytest.param(
            HEAD + "summary: S\nassess:\n  T-G01: partial\n  - T-G01\n",
            "6:3: a list item ('- ') among the keys of a mapping: give it a key of its own, or indent it under the "
            "key whose list it belongs to",
            id="list-item-among-keys",
        ),
        pytest.param(
            HEAD + "summary\nabout: [service:svc]\n",
            "3:1: 'summary' has no ': ' after its key: write 'key: value', or remove the line",
            id="line-without-a-colon",
        ),
        pytest.param(
            HEAD + "summary: no\n",
            "3:10: 'no' unquoted reads as the boolean false in YAML 1.1, and this field is text: "
            'quote it ("no") (summary)',
            id="no-in-a-text-field",
        ),
        pytest.param(
            "observed: 2026-13-01\nkind: note\nsummary: S\n",
            "1:11: '2026-13-01' is not a valid date (month must be in 1..12): write a real date like 2026-06-14 "
            "(observed)",
            id="month-13-in-a-date-field",
        ),
        pytest.param(
            HEAD + "summary: 2026-13-01\n",
            "3:10: '2026-13-01' unquoted reads as a date in YAML 1.1, and this field is text: "
            'quote it ("2026-13-01") (summary)',
            id="bad-date-in-a-text-field",
        ),
        pytest.param(
            "observed: 2026-06-14\nkind: backup-verified\nresult: no\nsummary: S\n",
            "3:9: 'no' is not allowed here: use one of 'pass' or 'fail' (result)",
            id="no-in-a-choice",
        ),
        pytest.param(
            "# only a comment\n",
            "1:1: this file is empty: it holds one evidence record as 'key: value' lines, at least observed, kind "
            "and summary",
            id="empty-evidence-file",
        ),
    ],
)
def test_yaml_mistakes_are_located_where_they_start_with_the_fix(catalog_dir, cli, text, expected) -> None:
    assert _validate_lines(catalog_dir, cli, {EV: text}) == [f"{EV}:{expected}"]


def test_a_boolean_word_in_a_true_or_false_field_says_which_to_write(catalog_dir, cli) -> None:
    gates = "- id: T-G01\n  title: First gate\n  requirement: R\n  retired: off\n"
    assert _validate_lines(catalog_dir, cli, {"data/gates.yaml": gates}) == [
        "data/gates.yaml:4:12: 'off' reads as the boolean false in YAML 1.1, and this field takes only true or "
        "false: write false (T-G01.retired)"
    ]


def test_an_empty_list_file_is_the_one_problem_not_every_reference_to_it(catalog_dir, cli) -> None:
    lines = _validate_lines(catalog_dir, cli, {"data/gates.yaml": "# gates go here\n"})
    assert lines == [
        "data/gates.yaml:1:1: this file is empty: it holds the readiness gates as a list, each item starting "
        "with '- id: ...' (write [] for none)"
    ]


def test_a_list_file_that_does_not_parse_hides_the_references_to_its_records(catalog_dir, cli) -> None:
    lines = _validate_lines(catalog_dir, cli, {"data/gates.yaml": "- id: T-G01\n  title: [First\n"})
    assert lines == [
        "data/gates.yaml:2:10: the list opened with '[' here is not closed: end it with ']', and separate its "
        "items with ', '"
    ]


def test_a_service_file_that_does_not_parse_hides_the_references_to_its_stores(catalog_dir, cli) -> None:
    files = {
        "data/services/svc.yaml": "id: svc\nname: 'Service\n",
        EV: HEAD + "summary: S\nabout: [store:svc-db, service:svc]\n",
    }
    assert _validate_lines(catalog_dir, cli, files) == [
        "data/services/svc.yaml:2:7: this value opens a quote (') that is never closed: end the value with ' "
        "(YAML read on to the end of the file looking for it)"
    ]


def test_a_comment_after_a_space_is_still_a_comment(catalog_dir, cli) -> None:
    result = cli("validate", root=catalog_dir({EV: HEAD + "summary: S  # a comment\n"}))
    assert result.code == 0, result


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        pytest.param(
            ("evidence", "new", "--kind", "note", "--summary", "S", "--observed", "2026-13-01"),
            "error: --observed '2026-13-01' is not a valid date (month must be in 1..12): write YYYY-MM-DD, "
            "e.g. 2026-06-14",
            id="observed-month-13",
        ),
        pytest.param(
            ("evidence", "new", "--kind", "note", "--summary", "S", "--observed", "14/06/2026"),
            "error: --observed '14/06/2026' is not a date: write YYYY-MM-DD, e.g. 2026-06-14",
            id="observed-not-iso",
        ),
        pytest.param(
            ("status", "--as-of", "2026-02-30"),
            "error: --as-of '2026-02-30' is not a valid date (day is out of range for month): write YYYY-MM-DD, "
            "e.g. 2026-06-14",
            id="as-of-february-30",
        ),
        pytest.param(
            ("probe", "tls", "https://git.example:8443/api"),
            "error: HOST[:PORT] https://git.example:8443/api: write the host without 'https://' and path, "
            "e.g. git.example:8443",
            id="tls-target-with-a-scheme",
        ),
    ],
)
def test_option_values_say_what_is_wrong_and_the_form(catalog_dir, cli, args, expected) -> None:
    result = cli(*args, root=catalog_dir())
    assert (result.code, result.stdout, result.stderr.strip()) == (2, "", expected)


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
