"""The secret scanner against its corpus: every positive found, no near-miss flagged."""

from __future__ import annotations

import pytest

from generator.records import secrets
from generator.records.secrets import mask, mask_secrets, scan
from tests.secret_corpus import (
    DECODINGS,
    POSITIVES,
    Case,
    decoded_cases,
    measure,
    near_miss_cases,
    positive_cases,
    summary,
)


def test_recall_is_complete_and_no_near_miss_is_flagged() -> None:
    result = measure()
    print("\n" + summary(result))
    missed = [f"{case.kind} ({case.encoding}): {mask(case.secret)}" for case in result.missed]
    assert result.recall == 1.0, missed
    flagged = [
        f"{near.why} ({encoding}): {', '.join(finding.kind for finding in findings)}"
        for encoding, near, findings in result.false_positives
    ]
    assert not flagged


def test_every_rule_has_positives_and_markers() -> None:
    kinds = [kind for kind, _ in secrets._RULES]
    assert len(set(kinds)) == len(kinds), "one rule per finding kind"
    assert {positive.kind for positive in POSITIVES} == set(kinds)
    assert len(secrets._MARKERS) == len(secrets._RULES)
    assert all(marker == marker.lower() for markers in secrets._MARKERS for marker in markers)


def test_the_corpus_covers_every_encoding() -> None:
    assert {case.encoding for case in positive_cases()} == {"plain", "json", "url"}
    assert {case.encoding for case in decoded_cases()} == set(DECODINGS)
    assert {encoding for encoding, _, _ in near_miss_cases()} == {"plain", "json", "url"}


# A marker inside a longer one (not at its start) is not seen where the longer one is (the
# prefilter's pass does not overlap). Each such pair was checked: no rule needing the inner
# marker can match inside the outer one's text.
REVIEWED_INNER_MARKERS = {
    ("age-secret-key-1", "secret"),  # "AGE-SECRET-KEY-1..." has no "secret" key with a value
    ("authtoken", "token"),  # "_authToken=" is the npm rule's; "token" rules need a separator before it
    ("sharedaccesskey", "access"),  # "SharedAccessKey=" is the Azure rule's; "access_key" needs a separator
}


def test_no_marker_hides_another() -> None:
    words = secrets._MARKER_WORDS
    inner = {(outer, word) for outer in words for word in words if outer != word and outer.find(word) > 0}
    assert inner == REVIEWED_INNER_MARKERS


@pytest.mark.parametrize("case", positive_cases(), ids=lambda case: f"{case.kind}-{case.encoding}")
def test_a_found_secret_is_shown_by_its_first_4_characters_only(case: Case) -> None:
    findings = list(scan(case.text))
    assert all(len(finding.masked) <= 5 and finding.masked.endswith("…") for finding in findings)
    if case.kind != "private key":  # a key is reported where it starts; its text is not a value
        assert case.secret[4:] not in mask_secrets(case.text)


def test_mask_secrets_keeps_the_text_around_a_value_found_twice() -> None:
    token = next(positive.secret for positive in POSITIVES if positive.kind == "GitHub token")
    assert mask_secrets(f"token: {token} and the rest") == "token: ghp_… and the rest"
