"""Secret redaction: what is scrubbed out of text before the ledger, state.db, result files or logs
keep it.

The default rules are adapted from two maintained secret scanners — gitleaks
(https://github.com/gitleaks/gitleaks, ``cmd/generate/config/rules/*.go``, MIT) and Yelp's
detect-secrets (https://github.com/Yelp/detect-secrets, ``detect_secrets/plugins/*.py``, Apache-2.0).
Only the token formats are taken (facts about how providers shape their keys), rewritten as Python
regular expressions, with boundaries so that ordinary hashes, UUIDs, git SHAs, ULIDs and ids are
left alone (``tests/test_redaction.py`` holds a corpus of innocent strings that must not change).

A rule whose regex has named groups ``secret`` (or ``secret_…``) replaces only those groups, so the
context survives: ``postgres://admin:[REDACTED]@db``, ``password=[REDACTED]``. Any other pattern
(every user pattern from ``[ledger] redact`` without such a group) replaces its whole match. A
zero-length match is never replaced: a pattern that matches the empty string cannot shred text
(and is refused when routes.toml is loaded, see :func:`empty_match_problem`).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

REDACTED = "[REDACTED]"

# A token starts where a word character does not precede it — or right after a JSON escape
# (``\\n``, ``\\t``, ``\\u00e9``): request_json holds the prompt JSON-encoded. Checked after a
# match (``SecretRule.boundary``) rather than as a leading lookbehind: a regex that starts with its
# literal prefix (``sk-``, ``ghp_``) is found by a fast scan; one that starts with a lookbehind is
# tried at every position (~20x slower on a 700 KB request).
_TOKEN_START = re.compile(r"(?:(?<![A-Za-z0-9_])|(?<=\\[nrt])|(?<=\\u[0-9a-fA-F]{4}))")
_NOT_TOKEN_AFTER = r"(?![A-Za-z0-9_])"
# The cheap pre-scan of the rules marked ``needs_token``: one search instead of one per rule. The
# shortest token of those rules has 15 characters of this class (``xapp-`` + 10, ``sk-`` + 20…);
# "[REDACTED]" inserted by a rule cannot make a new run (its brackets are not in the class).
TOKEN_RUN = 15
_MAY_HOLD_TOKEN = re.compile(r"[A-Za-z0-9_/+=.~-]{" + str(TOKEN_RUN) + r"}|://|-----BEGIN")


@dataclass(frozen=True)
class SecretRule:
    """One kind of secret: a name (for docs and tests), its regex, where the format comes from,
    and an optional extra check on the matched secret (entropy, for formats with no prefix)."""

    name: str
    pattern: str
    source: str
    check: Callable[[str], bool] | None = None
    boundary: bool = False  # the match must start a token (see _TOKEN_START)
    # Lower-case words one of which every match starts with: the text is searched for them with
    # str.find and the regex is only tried there (gitleaks' keywords). For case-insensitive
    # rules whose first letters are common, where a regex scan would try every position.
    keywords: tuple[str, ...] = ()
    # Every match holds a run of TOKEN_RUN token characters, "://" or "-----BEGIN": a text with
    # none of them (most answers, short prompts) is not searched by this rule (see Redactor).
    needs_token: bool = False

    def compiled(self) -> re.Pattern[str]:
        return re.compile(self.pattern)


def shannon_entropy(text: str) -> float:
    """Bits per character of ``text`` (gitleaks' and detect-secrets' measure of randomness)."""
    if not text:
        return 0.0
    counts = Counter(text)
    return -sum(n / len(text) * math.log2(n / len(text)) for n in counts.values())


def _looks_random_base64(text: str) -> bool:
    """A prefix-less 40-character AWS secret: mixed case and digits, and random-looking. 4.45 bits
    per character keeps ~99.5% of random 40-character keys and lets paths and CamelCase
    identifiers of the same length through (they measure 4.0-4.35)."""
    has_classes = any(c.isupper() for c in text) and any(c.islower() for c in text) and any(c.isdigit() for c in text)
    return has_classes and shannon_entropy(text) >= 4.45


_ASSIGNMENT_KEYS = (
    r"pass(?:word|wd|phrase)|secret(?:[_-]?access)?(?:[_-]?key)?|client[_-]?secret"
    r"|token|api[_-]?key|private[_-]?key|credentials?"  # access_token, id_token… end in "token"
)
# The value of a `key = value` assignment: quoted (up to the closing quote) or bare (up to a space
# or separator). Also inside JSON (`"password": "x"`) and JSON inside JSON (`\"password\": \"x\"`).
_ASSIGNED_VALUE = (
    r"""\\*["']?[ \t]*[:=][ \t]*(?:\\*"(?P<secret_dq>[^"\\\n]+)\\*"|\\*'(?P<secret_sq>[^'\\\n]+)\\*'"""
    r"""|(?P<secret>[^\s"'\\,;&=<>`)\]}][^\s"'\\,;&<>`)\]}]*))"""
)

DEFAULT_RULES: tuple[SecretRule, ...] = (
    SecretRule(
        "private-key",
        # The whole PEM block, header to footer. Cut off (no footer: a truncated tool output or
        # answer, lines re-joined by a model): every base64 run of 8+ characters that follows the
        # header, whatever separates them (newlines, ``\\n`` escapes, spaces, ``|``), and headers
        # such as ``Proc-Type: 4,ENCRYPTED``.
        r"-----BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----"
        r"(?:[\s\S]*?-----END[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----"
        r"|(?:(?:[^A-Za-z0-9+/=]|\\[nrt]|\d{1,6}(?=\t|\\t)){0,12}(?:[A-Za-z0-9+/=]{8,}|[A-Za-z-]+:[^\n\\]*))*)",
        "gitleaks private-key; detect-secrets PrivateKeyDetector",
        needs_token=True,
    ),
    SecretRule(
        "jwt",
        r"ey[A-Za-z0-9_-]{15,}\.ey[A-Za-z0-9_/-]{15,}\.[A-Za-z0-9_/-]{10,}={0,2}",
        "gitleaks jwt; detect-secrets JwtTokenDetector",
        boundary=True,
        needs_token=True,
    ),
    SecretRule(
        "url-credentials",
        # scheme://user:PASSWORD@host — the password only (scheme, user and host are kept).
        # (The match starts at "://": only the password is replaced, and a literal start is fast.)
        r"://[^\s:/?#@\"'\\]{0,100}:(?P<secret>[^\s/?#@\"'\\]+)@",
        "detect-secrets BasicAuthDetector",
        needs_token=True,
    ),
    SecretRule(
        "slack-webhook",
        r"hooks\.slack\.com/(?:services|workflows|triggers)/(?P<secret>[A-Za-z0-9+/_-]{20,})",
        "gitleaks slack-webhook-url; detect-secrets SlackDetector",
        needs_token=True,
    ),
    SecretRule(
        "slack-token",
        r"(?:xox[abeoprs]|xapp|xoxe\.xox[bp])-[A-Za-z0-9-]{10,}",
        "gitleaks slack-*-token; detect-secrets SlackDetector",
        boundary=True,
        needs_token=True,
    ),
    SecretRule(
        "aws-access-key-id",
        r"(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Z0-9])",
        "gitleaks aws-access-token; detect-secrets AWSKeyDetector",
        boundary=True,
        needs_token=True,
    ),
    SecretRule(
        "aws-secret-access-key",
        # With its name: aws_secret_access_key = …, "SecretAccessKey": "…", AWS_SECRET_KEY=…
        r"(?i:aws[\w.-]{0,20}?secret[\w.-]{0,20}|secret[_-]?access[_-]?key)\\*[\"']?[ \t]*[:=][ \t]*\\*[\"']?"
        r"(?P<secret>[A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=])",
        "gitleaks aws-secret-access-key; detect-secrets aws.get_secret_access_key",
        keywords=("aws", "secret"),
    ),
    SecretRule(
        "openai-anthropic-key",
        r"sk-(?:ant-|proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}",
        "gitleaks openai-api-key, anthropic-api-key; detect-secrets OpenAIDetector",
        boundary=True,
        needs_token=True,
    ),
    SecretRule(
        "stripe-key",
        r"(?:sk|rk)_(?:live|test|prod)_[A-Za-z0-9]{10,99}",
        "gitleaks stripe-access-token; detect-secrets StripeDetector",
        boundary=True,
        needs_token=True,
    ),
    SecretRule(
        "github-token",
        r"(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})",
        "gitleaks github-pat, github-fine-grained-pat; detect-secrets GitHubTokenDetector",
        boundary=True,
        needs_token=True,
    ),
    SecretRule(
        "gitlab-token",
        r"glpat-[A-Za-z0-9_-]{20,}",
        "gitleaks gitlab-pat",
        boundary=True,
        needs_token=True,
    ),
    SecretRule(
        "huggingface-token",
        r"(?:hf_|api_org_)[A-Za-z]{34}" + _NOT_TOKEN_AFTER,
        "gitleaks huggingface-access-token, huggingface-organization-api-token",
        boundary=True,
        needs_token=True,
    ),
    SecretRule(
        "google-api-key",
        r"AIza[0-9A-Za-z_-]{35}",
        "gitleaks gcp-api-key",
        boundary=True,
        needs_token=True,
    ),
    SecretRule(
        "google-oauth",
        r"(?:ya29\.[0-9A-Za-z_-]{20,}|GOCSPX-[0-9A-Za-z_-]{20,})",
        "Google OAuth access tokens (ya29.) and client secrets (GOCSPX-)",
        boundary=True,
        needs_token=True,
    ),
    SecretRule(
        "npm-token",
        r"npm_[A-Za-z0-9]{36}" + _NOT_TOKEN_AFTER,
        "gitleaks npm-access-token",
        boundary=True,
        needs_token=True,
    ),
    SecretRule(
        "bearer-header",
        r"(?i)bearer\s+[A-Za-z0-9._~+/=-]{20,}",
        "Authorization: Bearer headers",
        keywords=("bearer",),
    ),
    SecretRule(
        "aws-secret-access-key-bare",
        r"(?<![A-Za-z0-9/+=])(?P<secret>[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])",
        "gitleaks aws-secret-access-key (40 base64 characters, entropy > 3); after the prefixed rules",
        check=_looks_random_base64,
        needs_token=True,
    ),
    SecretRule(
        "password-assignment",
        # Anchored on the keyword (db_password, AWS_SECRET, client_secret all end in one): the
        # value is what is replaced, so the start of the name does not need matching. Not after
        # a '/': "/etc/passwd: permission denied" is a path.
        r"(?i)(?<!/)(?:" + _ASSIGNMENT_KEYS + r")" + _ASSIGNED_VALUE,
        "gitleaks generic-api-key; detect-secrets KeywordDetector",
        keywords=("pass", "secret", "token", "api", "private", "credential"),
    ),
)


def empty_match_problem(pattern: str) -> str | None:
    """Why ``pattern`` cannot be a redaction pattern, or None: it must compile, and it must not
    match the empty string anywhere (``""``, ``a*``, ``\\b``, ``^``) — such a pattern would insert
    a marker between every character, or match nothing useful."""
    try:
        compiled = re.compile(pattern)
    except re.error as exc:
        return f"invalid regular expression {pattern!r}: {exc}"
    for probe in ("", "a", "A1 b-2_.\n", "sk-x password=hunter2 x@y"):
        for match in compiled.finditer(probe):
            if match.start() == match.end():
                return f"pattern {pattern!r} matches the empty string (it would shred every text)"
    return None


class Redactor:
    """Scrubs every secret out of text before it is stored: the default rules (unless turned off)
    and the user's own patterns, in that order."""

    def __init__(self, patterns: Iterable[str | SecretRule] = (), *, defaults: bool = False) -> None:
        rules: list[SecretRule] = list(DEFAULT_RULES) if defaults else []
        for pattern in patterns:
            rules.append(pattern if isinstance(pattern, SecretRule) else SecretRule("custom", pattern, "routes.toml"))
        self.rules = rules
        self._compiled = [
            (rule.compiled(), rule.check, rule.boundary, rule.keywords, rule.needs_token) for rule in rules
        ]
        # Secrets this redactor has already recognised (in context: `password=…`, a whole PEM
        # block), redacted wherever they turn up again without that context — a grep pattern made
        # from an item's words, a tool output cut in the middle of a key, numbered lines.
        self._known: set[str] = set()

    @property
    def patterns(self) -> list[re.Pattern[str]]:
        return [compiled for compiled, *_ in self._compiled]

    def __call__(self, text: str | None) -> str | None:
        if not text:
            return text
        text = storable(text)
        may_hold_token: bool | None = None  # the pre-scan, run when the first rule needing it comes
        for compiled, check, boundary, keywords, needs_token in self._compiled:
            if needs_token:
                if may_hold_token is None:
                    may_hold_token = _MAY_HOLD_TOKEN.search(text) is not None
                if not may_hold_token:
                    continue
            replace = _replacer(compiled, check, boundary, self._remember)
            text = _sub_at_keywords(compiled, replace, text, keywords) if keywords else compiled.sub(replace, text)
        return self._redact_known(text)  # after the rules: what they left of secrets seen before


    def _remember(self, secret: str) -> None:
        for part in re.split(r"\s+|\\[nrt]", secret):  # a PEM body: its lines
            if len(part) >= MIN_KNOWN_SECRET and "-----" not in part and not part.startswith(REDACTED[:-1]):
                self._known.add(part)

    def _redact_known(self, text: str) -> str:
        """Every known secret, and every piece of one of at least FRAGMENT characters that starts
        or ends it (a cut-off key), replaced."""
        spans: list[tuple[int, int]] = []
        for secret in list(self._known):
            if len(secret) < FRAGMENT:
                spans += [(at, at + len(secret)) for at in _find_all(text, secret)]
                continue
            head, tail = secret[:FRAGMENT], secret[-FRAGMENT:]
            for at in _find_all(text, head):  # the secret, or its beginning
                end = at + FRAGMENT
                while end < len(text) and end - at < len(secret) and text[end] == secret[end - at]:
                    end += 1
                spans.append((at, end))
            for at in _find_all(text, tail):  # its end
                start, k = at, len(secret) - FRAGMENT
                while start > 0 and k > 0 and text[start - 1] == secret[k - 1]:
                    start, k = start - 1, k - 1
                spans.append((start, at + FRAGMENT))
        if not spans:
            return text
        out, last = [], 0
        for start, end in sorted(spans):
            if end <= last:
                continue
            out += [text[last : max(start, last)], REDACTED] if start >= last else []
            last = max(last, end)
        return "".join(out) + text[last:]


# A secret recognised once is remembered if it is at least this long (shorter values are too likely
# to be ordinary words); a piece of one is recognised from FRAGMENT characters on.
MIN_KNOWN_SECRET = 8
FRAGMENT = 16


def _sub_at_keywords(
    compiled: re.Pattern[str], replace: Callable[[re.Match[str]], str], text: str, keywords: tuple[str, ...]
) -> str:
    """``compiled.sub(replace, text)`` for a rule whose matches start with one of ``keywords``:
    the regex is tried only where a keyword occurs (str.find on the lower-cased text when it is
    ASCII — lower() keeps every position then — else a case-insensitive ASCII keyword search)."""
    if text.isascii():
        lower = text.lower()
        starts = sorted({at for word in keywords for at in _find_all(lower, word)})
    else:
        finder = re.compile("|".join(map(re.escape, keywords)), re.IGNORECASE | re.ASCII)
        starts = [found.start() for found in finder.finditer(text)]
    out, last = [], 0
    for at in starts:
        if at < last:
            continue  # inside the previous match
        match = compiled.match(text, at)
        if match is None or match.end() == match.start():
            continue
        out += [text[last : match.start()], replace(match)]
        last = match.end()
    return "".join(out) + text[last:] if out else text


def _find_all(text: str, word: str) -> Iterator[int]:
    at = text.find(word)
    while at >= 0:
        yield at
        at = text.find(word, at + 1)


def _replacer(
    compiled: re.Pattern[str],
    check: Callable[[str], bool] | None,
    boundary: bool,
    remember: Callable[[str], None] = lambda secret: None,
) -> Callable[[re.Match[str]], str]:
    def replace(match: re.Match[str]) -> str:
        whole = match.group(0)
        if not whole:
            return whole  # a zero-length match: never insert markers between characters
        if boundary and not _TOKEN_START.match(match.string, match.start()):
            # Inside a word (risk-assessment-… holds sk-assessment-…): not a token. A real one may
            # still start later within this match: look again from the next character.
            return whole[0] + rescan(match.string, match.start() + 1, match.end())
        spans = [
            match.span(name)
            for name in match.re.groupindex
            if (name == "secret" or name.startswith("secret_")) and match.start(name) >= 0
        ]
        if not spans:
            if check is not None and not check(whole):
                return whole
            remember(whole)
            return REDACTED
        offset = match.start()
        out, last = [], 0
        for start, end in sorted(spans):
            secret = whole[start - offset : end - offset]
            if (check is not None and not check(secret)) or secret.startswith(REDACTED[:-1]):
                continue  # not random enough, or already redacted by an earlier rule
            remember(secret)
            out += [whole[last : start - offset], REDACTED]
            last = end - offset
        return "".join(out) + whole[last:]

    def rescan(string: str, start: int, end: int) -> str:
        """``string[start:end]`` with its matches replaced; positions (not a slice) so that the
        token-start check still sees the characters before ``start``."""
        out, last = [], start
        for found in compiled.finditer(string, start, end):
            out += [string[last : found.start()], replace(found)]
            last = found.end()
        return "".join(out) + string[last:end]

    return replace


def storable(text: str) -> str:
    """Text SQLite can store: lone surrogates (undecodable bytes of a to-do file read with
    ``surrogateescape``) cannot be encoded as UTF-8, so they are written as ``\\udcff`` escapes
    instead of failing the write of a call that was already paid for."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text


__all__ = ["DEFAULT_RULES", "REDACTED", "Redactor", "SecretRule", "empty_match_problem", "shannon_entropy", "storable"]
