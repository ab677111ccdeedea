"""A corpus for the secret scanner: positives (at least one per rule) and near-misses.

Every positive is a made-up value shaped like its kind, built here from a fixed seed (no real
secret is stored). Each is scanned as written in a record and in the other forms the scanner meets
in raw text: JSON-escaped (``\\n`` in a PEM, ``\\/`` in a URL, ``\\"`` around values) and, for values
that travel in URLs, URL-encoded. Decoding base64 or YAML escapes is the loader's job, before it
calls ``scan``; it is not measured here.

Recall is found positives / positives; a positive counts as found only when a finding of its kind
masks the start of its value (and, written plainly, has the value's fingerprint). A false positive
is a near-miss (commit shas, digests, UUIDs, placeholders, port flags...) with any finding.

Run ``python -m tests.secret_corpus`` for per-rule recall and the false positives, and
``python -m tests.secret_corpus --time DIR`` to time ``scan`` over DIR/evidence/**/*.yaml too
(for instance a catalog from ``python -m bench.synthetic large DIR``).
"""

from __future__ import annotations

import argparse
import base64
import json
import random
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from generator.records.secrets import Finding, fingerprint, mask, scan

_rng = random.Random(20260614)

UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
LOWER = "abcdefghijklmnopqrstuvwxyz"
DIGITS = "0123456789"
ALNUM = UPPER + LOWER + DIGITS
HEX = "0123456789abcdef"
B64 = ALNUM + "+/"
URLSAFE = ALNUM + "-_"


def rand(n: int, alphabet: str = ALNUM) -> str:
    return "".join(_rng.choice(alphabet) for _ in range(n))


def b64(data: bytes | str) -> str:
    return base64.b64encode(data.encode() if isinstance(data, str) else data).decode()


def b64url(data: str) -> str:
    return base64.urlsafe_b64encode(data.encode()).decode().rstrip("=")


def uuid() -> str:
    return "-".join(rand(n, HEX) for n in (8, 4, 4, 4, 12))


def pem_body(lines: int = 3) -> str:
    return "\n".join(rand(64, B64) for _ in range(lines))


def json_escape(text: str) -> str:
    """``text`` as it appears inside a JSON string written by an encoder that also escapes ``/``."""
    return json.dumps(text, ensure_ascii=False)[1:-1].replace("/", "\\/")


def url_encode(text: str) -> str:
    return quote(text, safe="")


ENCODINGS: dict[str, Callable[[str], str]] = {"plain": str, "json": json_escape, "url": url_encode}
"""How a value may be written in raw text; ``url`` only applies to cases marked ``url``."""


@dataclass(frozen=True)
class Positive:
    kind: str
    text: str
    secret: str
    """The value the finding is about (for a private key: the text where the key starts)."""
    url: bool = False
    """The value travels in URLs, so its URL-encoded form is a case too."""


@dataclass(frozen=True)
class NearMiss:
    text: str
    why: str
    url: bool = False


def _pem(label: str) -> Positive:
    header = f"-----BEGIN {label}-----"
    end = label.removesuffix(" BLOCK")
    text = f"key: |\n  {header}\n  " + pem_body().replace("\n", "\n  ") + f"\n  -----END {end}-----\n"
    return Positive("private key", text, header)


def _putty(version: int) -> Positive:
    header = f"PuTTY-User-Key-File-{version}: ssh-ed25519"
    text = (
        f"{header}\nEncryption: none\nComment: ops@bastion\nPublic-Lines: 2\n{rand(64, B64)}\n{rand(20, B64)}\n"
        f"Private-Lines: 1\n{rand(44, B64)}\nPrivate-MAC: {rand(64, HEX)}\n"
    )
    return Positive("private key", text, header)


def _service_account() -> Positive:
    account = {
        "type": "service_account",
        "project_id": "ops-hub",
        "private_key_id": rand(40, HEX),
        "private_key": "-----BEGIN PRIVATE KEY-----\n" + pem_body() + "\n-----END PRIVATE KEY-----\n",
        "client_email": "deploy@ops-hub.iam.gserviceaccount.com",
    }
    return Positive("private key", json.dumps(account, indent=2), "-----BEGIN PRIVATE KEY-----")


def p(kind: str, template: str, secret: str, *, url: bool = False) -> Positive:
    """A positive whose text is ``template`` with ``{s}`` replaced by ``secret``."""
    return Positive(kind, template.replace("{s}", secret), secret, url)


def _positives() -> list[Positive]:
    jwt = (
        b64url('{"alg":"RS256","typ":"JWT"}')
        + "."
        + b64url('{"sub":"deploy","iss":"https://sso.example","exp":1781000000}')
        + "."
        + rand(43, URLSAFE)
    )
    pw = [rand(6, ALNUM) + "-" + rand(6, ALNUM) for _ in range(20)]
    gitea = rand(40, HEX)
    base32 = UPPER + "234567"
    return [
        # private keys, in every container
        _pem("RSA PRIVATE KEY"),
        _pem("EC PRIVATE KEY"),
        _pem("DSA PRIVATE KEY"),
        _pem("OPENSSH PRIVATE KEY"),
        _pem("ENCRYPTED PRIVATE KEY"),
        _pem("PRIVATE KEY"),
        _pem("PGP PRIVATE KEY BLOCK"),
        p("private key", "{s}\n" + pem_body(), "---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----"),
        _putty(2),
        _putty(3),
        p("private key", "# age key\n{s}", "AGE-SECRET-KEY-1" + rand(58, "QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L")),
        _service_account(),
        # AWS
        p("AWS access key", "aws_access_key_id = {s}", "AKIA" + rand(16, base32)),
        p("AWS access key", "AccessKeyId: {s}", "ASIA" + rand(16, base32)),
        p("AWS access key", "key: {s}", "A3TX" + rand(16, UPPER + DIGITS)),
        p("AWS secret access key", "[default]\naws_secret_access_key = {s}\n", rand(40, B64)),
        p("AWS secret access key", '{"SecretAccessKey": "{s}"}', rand(40, B64)),
        p("AWS secret access key", "export AWS_SECRET_ACCESS_KEY={s}", rand(40, B64)),
        p("AWS secret access key", "secretAccessKey: {s}", rand(40, B64)),
        p("AWS secret access key", "aws configure set aws_secret_access_key {s}", rand(40, B64)),
        # forges
        *(
            p("GitHub token", "login with {s} ok", f"{prefix}_{rand(36)}")
            for prefix in ("ghp", "gho", "ghu", "ghs", "ghr")
        ),
        p("GitHub token", "GH_TOKEN={s}", f"github_pat_{rand(22)}_{rand(59)}"),
        p("GitLab token", "PRIVATE-TOKEN: {s}", "glpat-" + rand(20, URLSAFE)),
        p("GitLab token", "token: {s}", f"glpat-{rand(27, URLSAFE)}.01{rand(7, LOWER + DIGITS)}"),
        *(
            p("GitLab token", "gitlab: {s}", prefix + rand(20, URLSAFE))
            for prefix in ("gldt-", "glrt-", "glsoat-", "glffct-", "glft-", "GR1348941")
        ),
        p("GitLab token", "trigger: {s}", "glptt-" + rand(40, HEX)),
        p("GitLab token", "CI_JOB_TOKEN={s}", "glcbt-64_" + rand(20, URLSAFE)),
        p("GitLab token", "mail: {s}", "glimt-" + rand(25, URLSAFE)),
        p("GitLab token", "agent: {s}", "glagent-" + rand(50, URLSAFE)),
        p("GitLab token", "oauth: {s}", "gloas-" + rand(64, URLSAFE)),
        p("Gitea token", "tea login add --url https://gitea.example --token {s}", gitea),
        p("Gitea token", "runner: act_runner register --token={s}", rand(40, HEX)),
        p("Gitea token", "GITEA_TOKEN: {s}", rand(40, HEX)),
        p("Gitea token", "the deploy token {s} was used", rand(40, HEX)),
        p("Gitea token", "https://gitea.example/api/v1/repos?token={s}", rand(40, HEX), url=True),
        # chat
        p("Slack token", "SLACK_BOT_TOKEN={s}", f"xoxb-{rand(12, DIGITS)}-{rand(13, DIGITS)}-{rand(24)}"),
        p("Slack token", "user: {s}", f"xoxp-{rand(12, DIGITS)}-{rand(12, DIGITS)}-{rand(13, DIGITS)}-{rand(32, HEX)}"),
        p("Slack token", "app: {s}", f"xapp-1-A{rand(10, UPPER + DIGITS)}-{rand(13, DIGITS)}-{rand(64, HEX)}"),
        p(
            "Slack webhook",
            "webhook: {s}",
            f"https://hooks.slack.com/services/T{rand(8, UPPER + DIGITS)}/B{rand(8, UPPER + DIGITS)}/{rand(24)}",
            url=True,
        ),
        p(
            "Slack webhook",
            "notify {s} when done",
            f"https://hooks.slack.com/workflows/T{rand(8, UPPER)}/A{rand(10, UPPER)}/{rand(18, DIGITS)}/{rand(24)}",
            url=True,
        ),
        p(
            "Microsoft Teams webhook",
            "alerts: {s}",
            f"https://contoso.webhook.office.com/webhookb2/{uuid()}@{uuid()}/IncomingWebhook/{rand(32, HEX)}/{uuid()}",
            url=True,
        ),
        # payment, package registries, clouds, services
        p("Stripe key", "STRIPE_KEY={s}", "sk_live_" + rand(24)),
        p("Stripe key", "restricted: {s}", "rk_live_" + rand(24)),
        p("Stripe key", "test key {s}", "sk_test_" + rand(24)),
        p("npm token", "//registry.npmjs.org/:_authToken={s}", "npm_" + rand(36)),
        p("npm token", "//npm.example/:_authToken={s}", uuid()),
        p("PyPI token", "password = {s}", "pypi-AgEIcHlwaS5vcmc" + rand(70, URLSAFE)),
        p("PyPI token", "TWINE_PASSWORD={s}", "pypi-AgENdGVzdC5weXBpLm9yZw" + rand(70, URLSAFE)),
        p("Google API key", "maps: {s}", "AIza" + rand(35, URLSAFE)),
        p(
            "Azure access key",
            "DefaultEndpointsProtocol=https;AccountName=opsbackups;AccountKey={s};EndpointSuffix=core.windows.net",
            rand(86, B64) + "==",
        ),
        p(
            "Azure access key",
            "Endpoint=sb://ops.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey={s}",
            rand(43, B64) + "=",
        ),
        p("Vault token", "VAULT_TOKEN={s}", "hvs." + rand(90, URLSAFE)),
        p("Vault token", "batch: {s}", "hvb." + rand(140, URLSAFE)),
        p("Grafana token", "GRAFANA_TOKEN={s}", f"glsa_{rand(32)}_{rand(8, HEX)}"),
        p("Grafana token", "cloud: {s}", f"glc_{rand(60)}=="),
        p("Sentry token", "SENTRY_AUTH_TOKEN={s}", "sntryu_" + rand(64, HEX)),
        p("Sentry token", "org: {s}", f"sntrys_eyJpYXQiOjE3{rand(80)}_{rand(43)}"),
        p("DigitalOcean token", "DIGITALOCEAN_TOKEN={s}", "dop_v1_" + rand(64, HEX)),
        p("Terraform Cloud token", 'token = "{s}"', f"{rand(14)}.atlasv1.{rand(67, URLSAFE)}"),
        p("Artifactory token", "api key {s}", "AKCp" + rand(69)),
        p("Artifactory token", "ref: {s}", "cmVmd" + rand(59)),
        p("SendGrid key", "SENDGRID_API_KEY={s}", f"SG.{rand(22, URLSAFE)}.{rand(43, URLSAFE)}"),
        p("OpenAI key", "OPENAI_API_KEY={s}", f"sk-proj-{rand(74, URLSAFE)}T3BlbkFJ{rand(74, URLSAFE)}"),
        p("Anthropic key", "x-api-key: {s}", f"sk-ant-api03-{rand(93, URLSAFE)}AA"),
        p("JSON web token", "id_token: {s}", jwt),
        # passwords in URLs, headers, query strings and command lines
        p("password in URL", "url: https://deploy:{s}@registry.example/v2/", pw[0], url=True),
        p("password in URL", "DATABASE_URL=postgres://app:{s}@db.example:5432/orders", pw[1], url=True),
        p("password in URL", "redis://:{s}@cache.example:6379/0", pw[2], url=True),
        p("password in URL", "mongodb+srv://ops:{s}@cluster0.example.net/?retryWrites=true", pw[3], url=True),
        p("password in URL", "amqp://ops:{s}@rabbit.example//", "p%40ss:" + pw[4], url=True),
        p("docker login password", "docker login -u ops -p {s} registry.example", pw[5]),
        p("docker login password", "docker login registry.example --username ops --password={s}", pw[6]),
        p("registry or HTTP authorization", "Authorization: Basic {s}", b64("ops:" + rand(16))),
        p("registry or HTTP authorization", "Authorization: token {s}", gitea),
        p("registry or HTTP authorization", 'curl -H "Authorization: Bearer {s}" https://api.example', pw[7] + pw[8]),
        p("registry or HTTP authorization", '{"headers": {"Authorization": "Bearer {s}"}}', pw[9]),
        *(
            p("credential in URL query", "https://api.example/v1/items?" + key + "={s}&page=2", value, url=True)
            for key, value in (
                ("access_token", rand(32)),
                ("token", rand(24)),
                ("api_key", rand(32, HEX)),
                ("apikey", rand(32)),
                ("password", pw[10]),
                ("secret", rand(20)),
                ("client_secret", rand(32)),
                ("private_token", rand(20, URLSAFE)),
            )
        ),
        p(
            "credential in URL query",
            "https://opsbackups.blob.core.windows.net/dumps/db.sql.gz?sv=2022-11-02&ss=b&srt=o&sp=r"
            "&se=2026-07-01T00:00:00Z&sig={s}",
            rand(40) + "%2B" + rand(5) + "%3D",
            url=True,
        ),
        p(
            "credential in URL query",
            "https://dumps.s3.amazonaws.com/db.sql.gz?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=20260614T100000Z"
            "&X-Amz-Expires=3600&X-Amz-Signature={s}",
            rand(64, HEX),
            url=True,
        ),
        p("credential in URL query", "https://grafana.example/render?signature={s}", pw[11], url=True),
        p("password on a command line", "gitea admin user create --username ops --password {s}", pw[12]),
        p("password on a command line", "vault login --token={s}", pw[13]),
        p("password on a command line", "argocd login argo.example --auth-token {s}", pw[14]),
        p("password on a command line", "mysql -h db.example -u root -p{s} orders", pw[15]),
        p("password on a command line", "mysql -h db.example -u app -p {s}", pw[16]),
        p("password on a command line", "sshpass -p '{s}' ssh ops@bastion", pw[17]),
        p("password on a command line", "podman login -u ops -p {s} registry.example", pw[18]),
        p("password on a command line", "redis-cli -h cache.example -a {s} ping", pw[19]),
        p("password on a command line", "curl -fsS -u deploy:{s} https://ci.example/api", pw[0]),
        p("password on a command line", 'curl --user "deploy:{s}" https://ci.example/api', pw[1]),
        p("password on a command line", "openssl pkcs12 -export -passout pass:{s} -out ops.p12", pw[2]),
        p(
            "Docker config auth",
            'config: \'{"auths": {"registry.example": {"auth": "{s}"}}}\'',
            b64("ops:" + pw[3]),
        ),
        p(
            "kubeconfig client key",
            "users:\n- name: ops\n  user:\n    client-key-data: {s}\n",
            b64("-----BEGIN EC PRIVATE KEY-----" + rand(40)),
        ),
        p("password, secret or token", "details: 'db_password = {s}'", pw[4]),
        p("password, secret or token", "client_secret: {s}", pw[5]),
        p("password, secret or token", "kube: |\n  token: {s}", pw[6]),
        p("password, secret or token", '{"user": "ops", "password": "{s}"}', pw[7]),
        p("password, secret or token", "env:\n  API_KEY={s}", pw[8]),
        p("password, secret or token", "DB-PASSWORD: {s}", pw[9]),
        p("password, secret or token", "kubectl create secret generic db --from-literal=password={s}", pw[10]),
    ]


def _near_misses() -> list[NearMiss]:
    sha = rand(40, HEX)
    digest = rand(64, HEX)
    return [
        NearMiss(sha, "a commit sha"),
        NearMiss(f"Commit {sha} fixed it", "a commit sha after 'commit'"),
        NearMiss(f"commit: {sha}", "a commit sha as a field"),
        NearMiss(f"git checkout {sha}", "a commit sha in a command"),
        NearMiss(f"revision: {sha}\nsha: {rand(40, HEX)}", "shas as fields"),
        NearMiss(f"https://gitea.example/ops/hub/commit/{sha}", "a commit URL", url=True),
        NearMiss("fixed in abc1234 and 9f8e7d6", "short shas"),
        NearMiss(digest, "a sha256 sum"),
        NearMiss(f"sha256: {digest}", "a sha256 field"),
        NearMiss(f"image: registry.example/app@sha256:{digest}", "an image digest"),
        NearMiss(f"{digest}  backup.tar.gz", "sha256sum output"),
        NearMiss(f"id: {uuid()}\nrequest_id={uuid()}", "UUIDs"),
        NearMiss(f"data: {b64('hello from the ops team')}", "base64 of harmless text"),
        NearMiss(f"echo {b64('restore finished')} | base64 -d", "base64 in a command"),
        NearMiss("The registry token was rotated; token: rotated", "prose"),
        NearMiss("password: see vault", "prose"),
        NearMiss("tea login add --token $GITEA_TOKEN", "an environment variable"),
        NearMiss("token: ${GITEA_TOKEN}\npassword: <password>\nsecret: ***", "placeholders"),
        NearMiss("password: REDACTED\napi_key: changeme\nclient_secret: example-secret\nsecret: xxx", "placeholders"),
        NearMiss("Authorization: Bearer $TOKEN\nAuthorization: Bearer <token>", "placeholder headers"),
        NearMiss("ghp_" + "x" * 36 + " and sk_live_" + "X" * 24, "filler in a token's shape"),
        NearMiss("AKIAIOSFODNN7EXAMPLE", "AWS's documented example access key"),
        NearMiss("aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "AWS's documented example"),
        NearMiss("v1.27.4 and 1.27.4-gke.1200, image: registry.example/app:2.3.1", "version strings"),
        NearMiss("observed: 2026-06-14T10:00:00+02:00\nuntil: 2026-06-30", "ISO dates"),
        NearMiss("https://ci.example/runs/16155?page=2&sort=asc", "a URL without credentials", url=True),
        NearMiss("https://grafana.example/d/abc?orgId=1&from=now-6h&refresh=30s", "a dashboard URL", url=True),
        NearMiss("https://auth.example/cb?token_type=bearer&expires_in=3600", "OAuth fields", url=True),
        NearMiss("https://host.example:8443/path@v1", "a port and an @ in a path", url=True),
        NearMiss("ssh://git@gitea.example:2222/ops/hub.git and git@github.com:org/repo.git", "ssh remotes"),
        NearMiss("mail ops@example.com, see mailto:ops@example.com", "mail addresses"),
        NearMiss("docker run -p 8080:80 nginx", "a docker port mapping"),
        NearMiss("ssh -p 2222 ops@bastion && scp -P 2222 a ops@bastion:", "ssh ports"),
        NearMiss("psql -h db.example -p 5432 -U app orders", "a psql port"),
        NearMiss("redis-cli -h cache.example -p 6379 ping", "a redis port"),
        NearMiss("kubectl get pods -A", "kubectl"),
        NearMiss("mysql -u root -p\nmysql -u app -p orders", "mysql prompting for the password"),
        NearMiss("docker login -u ops --password-stdin registry.example", "docker login from stdin"),
        NearMiss("docker login -u ops -p $REGISTRY_TOKEN registry.example", "docker login with a variable"),
        NearMiss('curl -u "$USER:$PASS" https://ci.example && curl -u ops: https://ci.example', "curl variables"),
        NearMiss("curl -fsS https://ci.example/health", "curl"),
        NearMiss('sshpass -p "$SSHPASS" ssh ops@bastion', "sshpass with a variable"),
        NearMiss("openssl pkcs12 -export -passout pass:$P12_PASS -out ops.p12", "openssl with a variable"),
        NearMiss("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----", "a certificate"),
        NearMiss("-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----", "a public key"),
        NearMiss(f"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI{rand(43, B64)} ops@laptop", "an SSH public key"),
        NearMiss("The private key was rotated. Rotate the token every 30 days.", "prose"),
        NearMiss("min_password_length: 12\ntoken_ttl: 3600\nsecret_name: db-creds\npasswordless: true", "settings"),
        NearMiss("pwd: /home/ops\npassword_file: /etc/ops/db.pass", "paths"),
        NearMiss("valueFrom: {secretKeyRef: {name: db, key: password}}", "a reference to a secret"),
        NearMiss("auth: required\nauth: oauth2\ntoken_type: bearer", "auth settings"),
        NearMiss("publishable: pk_live_" + rand(24), "a Stripe publishable key (public)"),
        NearMiss(f"token_sha1: {sha}", "a token's hash"),
        NearMiss("https://acct.blob.core.windows.net/c?sv=2022-11-02&sig=<SAS>", "a SAS placeholder", url=True),
        NearMiss("mysql -e 'select 1' && docker run -p 8080:80 app", "a port after another command"),
        NearMiss("curl -u ops https://ci.example && docker run --user 1000:1000 app", "a user without password"),
        NearMiss("npm_config_registry=https://npm.example\n//npm.example/:_authToken=${NPM_TOKEN}", "npm settings"),
        NearMiss("AccountKey=$STORAGE_KEY;AccountName=ops", "an Azure key variable"),
        NearMiss("https://host.example:8443?notify=ops@example.com", "a port, then an address in the query"),
        NearMiss("postgres://app@db.example:5432/orders and https://ops@registry.example/", "users without password"),
        NearMiss('password: "{{ vault_db_password }}"\ntoken: !vault |\nsecret: !Ref DbSecret', "templates, tags"),
        NearMiss('--password "$(cat /run/secrets/db)" --token <token>', "command substitution, placeholder"),
        NearMiss("--token-file /run/secrets/token --password-file=/run/secrets/db", "files holding secrets"),
        NearMiss("https://o123.ingest.sentry.io/api/1/envelope/?sentry_key=" + rand(32, HEX), "a public Sentry DSN"),
    ]


POSITIVES: tuple[Positive, ...] = tuple(_positives())
NEAR_MISSES: tuple[NearMiss, ...] = tuple(_near_misses())


@dataclass(frozen=True)
class Case:
    kind: str
    encoding: str
    text: str
    secret: str
    plain: Positive


def positive_cases() -> list[Case]:
    """Every positive in every encoding that applies to it and changes its text."""
    cases = []
    for positive in POSITIVES:
        secret = positive.secret
        for name, encode in ENCODINGS.items():
            if name == "url" and not positive.url:
                continue
            text = encode(positive.text)
            if name != "plain" and text == positive.text:
                continue
            cases.append(Case(positive.kind, name, text, encode(secret), positive))
    return cases


def near_miss_cases() -> list[tuple[str, str, NearMiss]]:
    """(encoding, text, near-miss) for every near-miss in every encoding that applies to it."""
    cases = []
    for near in NEAR_MISSES:
        for name, encode in ENCODINGS.items():
            if name == "url" and not near.url:
                continue
            text = encode(near.text)
            if name == "plain" or text != near.text:
                cases.append((name, text, near))
    return cases


def found(case: Case, findings: Sequence[Finding]) -> bool:
    """A finding of the case's kind that masks the start of its value (and, plain, has its fingerprint).

    Decoded cases (:data:`DECODINGS`) count a finding of any kind that masks the value: a file
    spelled another way may put the secret where a second rule sees it first in the raw text
    (``--password=X`` folded onto its own line), and the secret is reported once, by that rule."""
    if case.encoding in DECODINGS:
        return any(finding.masked == mask(case.secret) for finding in findings)
    for finding in findings:
        if finding.kind != case.kind or finding.masked != mask(case.secret):
            continue
        if case.encoding != "plain" or case.kind == "private key":
            return True
        if finding.fingerprint == fingerprint(case.secret):
            return True
    return False


@dataclass(frozen=True)
class Measurement:
    per_kind: dict[str, tuple[int, int]]
    """kind -> (found, positives)"""
    missed: list[Case]
    false_positives: list[tuple[str, NearMiss, list[Finding]]]
    near_misses: int

    @property
    def recall(self) -> float:
        found_total = sum(found for found, _ in self.per_kind.values())
        return found_total / sum(total for _, total in self.per_kind.values())


def _yaml_escaped(text: str) -> str:
    """A record file whose ``details`` holds ``text`` with every character a YAML escape."""
    escaped = "".join(f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}" for c in text)
    return f'observed: 2026-06-14\nkind: note\nsummary: corpus\ndetails: "{escaped}"\n'


def _yaml_folded(text: str) -> str:
    """A record file whose ``details`` holds ``text`` as a plain scalar wrapped over lines at its spaces."""
    if "\n" in text or ": " in text or " #" in text or text[:1] in "!&*-?[]{}|>'\"%@`#,":
        return _yaml_escaped(text)  # not representable as a folded plain scalar: escaped instead
    return "observed: 2026-06-14\nkind: note\nsummary: corpus\ndetails:\n  " + text.replace(" ", "\n  ") + "\n"


def _scan_record_text(record: str) -> list[Finding]:
    from generator.records import yamlstrict
    from generator.records.scantext import scan_record

    parsed = yamlstrict.parse(record, "corpus.yaml", [])
    return scan_record(record, parsed.node if parsed is not None else None)


def _scan_attached(name: str, data: bytes) -> list[Finding]:
    from generator.records.scantext import scan_attachment

    return list(scan_attachment(name, data, text_by_name=True).findings)


DECODINGS: dict[str, Callable[[str], list[Finding]]] = {
    "yaml escapes": lambda text: _scan_record_text(_yaml_escaped(text)),
    "yaml folded": lambda text: _scan_record_text(_yaml_folded(text)),
    "utf-16 attachment": lambda text: _scan_attached("a.txt", text.encode("utf-16")),
    "utf-32-be attachment": lambda text: _scan_attached("a.log", text.encode("utf-32-be")),
    "json attachment": lambda text: _scan_attached(
        "a.json", json.dumps({"value": text}, ensure_ascii=True).replace("/", "\\/").encode()
    ),
    "base64 in a Secret": lambda text: _scan_attached(
        "secret.yaml", f"apiVersion: v1\nkind: Secret\ndata:\n  value: {b64(text)}\n".encode()
    ),
}
"""How the loader reads a value before scanning it: each positive, in its plain text, is written
this way and must still be found (the decoding is generator/records/scantext.py's)."""


def decoded_cases() -> list[Case]:
    """Every positive written in every way the loader decodes."""
    return [
        Case(positive.kind, name, positive.text, positive.secret, positive)
        for positive in POSITIVES
        for name in DECODINGS
    ]


def measure() -> Measurement:
    per_kind: dict[str, tuple[int, int]] = {}
    missed = []
    for case in [*positive_cases(), *decoded_cases()]:
        findings = DECODINGS[case.encoding](case.text) if case.encoding in DECODINGS else list(scan(case.text))
        hit = found(case, findings)
        done, total = per_kind.get(case.kind, (0, 0))
        per_kind[case.kind] = (done + hit, total + 1)
        if not hit:
            missed.append(case)
    false_positives = []
    near = [*near_miss_cases(), *((name, n.text, n) for n in NEAR_MISSES for name in DECODINGS)]
    for encoding, text, near_miss in near:
        findings = DECODINGS[encoding](text) if encoding in DECODINGS else list(scan(text))
        if findings:
            false_positives.append((encoding, near_miss, findings))
    return Measurement(per_kind, missed, false_positives, len(near))


def summary(result: Measurement) -> str:
    positives = sum(total for _, total in result.per_kind.values())
    return (
        f"recall {result.recall:.3f} ({positives - len(result.missed)}/{positives} positives, "
        f"{len(result.per_kind)} rules); false positives {len(result.false_positives)}/{result.near_misses} near-misses"
    )


def _time_scan(root: Path, runs: int = 7) -> str:
    texts = [path.read_text(encoding="utf-8") for path in sorted((root / "evidence").rglob("*.yaml"))]
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        for text in texts:
            for _finding in scan(text):
                pass
        times.append(time.perf_counter() - start)
    return f"scan of {len(texts)} records ({sum(map(len, texts))} characters): median {statistics.median(times):.3f} s"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.secret_corpus", description=__doc__.split("\n\n")[0])
    parser.add_argument("--time", metavar="DIR", type=Path, help="also time scan over DIR/evidence/**/*.yaml")
    args = parser.parse_args(argv)
    result = measure()
    width = max(map(len, result.per_kind))
    print(f"{'rule':<{width}}  found/positives  recall")
    for kind, (done, total) in result.per_kind.items():
        print(f"{kind:<{width}}  {done:>5}/{total:<9}  {done / total:.2f}")
    for case in result.missed:
        print(f"missed: {case.kind} ({case.encoding}): {mask(case.secret)}")
    for encoding, near_miss, findings in result.false_positives:
        kinds = ", ".join(sorted({finding.kind for finding in findings}))
        print(f"false positive: {near_miss.why} ({encoding}): {kinds}")
    print(summary(result))
    if args.time is not None:
        print(_time_scan(args.time))
    return 0 if result.recall == 1.0 and not result.false_positives else 1


if __name__ == "__main__":
    sys.exit(main())
