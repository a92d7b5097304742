"""routes.toml loading: every kind of mistake gives its exact one-line message and exit 2."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from agentrunner.config import DEFAULT_REDACT, load_config, parse_config
from agentrunner.errors import ConfigError
from tests.conftest import TEMPLATE

GOOD = """\
[tiers.local]
provider = "llama-cpp"
model = "gemma3-270m"

[tiers.premium]
provider = "anthropic"
model = "claude-sonnet-4-5"
api_key_env = "ANTHROPIC_API_KEY"
"""


def test_template_is_valid_and_ordered() -> None:
    config = parse_config(TEMPLATE)
    assert config.tier_names == ["local", "premium"]
    assert config.premium_tier == "premium"
    assert config.rules[0].when.tag == "critical"
    assert config.budgets.on_exhausted == "downgrade"


def test_top_level_routes_toml_is_the_template() -> None:
    top = Path(__file__).resolve().parents[1] / "routes.toml"
    assert top.read_text("utf-8") == TEMPLATE


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            GOOD + "\n[router]\ntreshold = 0.4\n",
            "routes.toml:11: router.treshold: unknown key (did you mean 'threshold'?)",
        ),
        (
            GOOD.replace('provider = "llama-cpp"', 'provider = "llamacpp"'),
            "routes.toml:2: tiers.local.provider: must be one of 'llama-cpp', 'ollama', 'openai' or "
            "'anthropic', got 'llamacpp'",
        ),
        (
            GOOD + '\n[agent]\nmax_steps = "many"\n',
            'routes.toml:11: agent.max_steps: must be an integer, got "many" (a string)',
        ),
        (
            GOOD + '\n[[rules]]\nwhen = { tag = "x" }\ntier = "premum"\n',
            "routes.toml:12: rules.0.tier: unknown tier 'premum' (did you mean 'premium'?)",
        ),
        (
            GOOD + '\n[[rules]]\nwhen = { regex = "([" }\ntier = "premium"\n',
            "routes.toml:11: rules.0.when.regex: invalid regular expression: "
            "unterminated character set at position 1",
        ),
        (
            GOOD + "\n[budgets]\ndaily_usd = -1\n",
            "routes.toml:11: budgets.daily_usd: Input should be greater than or equal to 0",
        ),
        (
            GOOD + "[tiers.local.price]\ninput_per_mtok = 1\n",
            "routes.toml:9: tiers.local.price.output_per_mtok: Field required",
        ),
        (GOOD + "\n[router\n", "routes.toml:10: invalid TOML: Expected ']' at the end of a table declaration"),
        ("[router]\nthreshold = 0.5\n", "routes.toml:1: no [tiers.*] table: at least one tier is needed"),
        (
            GOOD + '\n[ledger]\nredact = [""]\n',
            "routes.toml:11: ledger.redact.0: pattern '' matches the empty string (it would shred every text)",
        ),
        (
            GOOD + '\n[ledger]\nuser = "ada"\nredact = ["sk-[a-z]{20}", "a*"]\n',
            "routes.toml:12: ledger.redact.1: pattern 'a*' matches the empty string (it would shred every text)",
        ),
        (
            GOOD + '\n[ledger]\nredact = ["(unclosed"]\n',
            "routes.toml:11: ledger.redact.0: invalid regular expression '(unclosed': missing ), unterminated "
            "subpattern at position 0",
        ),
        (
            GOOD.replace('model = "gemma3-270m"', 'model = "gemma3-270m"\nmodle = "x"'),
            "routes.toml:4: tiers.local.modle: unknown key (did you mean 'model'?)",
        ),
    ],
)
def test_config_mistakes_have_exact_messages(text: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config(text)
    assert str(caught.value) == message
    assert caught.value.exit_code == 2


# Issue 13 §6: each of these gave a misleading message, the wrong line, or was accepted.
ISSUE_13_CASES = [
    pytest.param(
        '[tiers.local]\nprovider = "llama-cpp"\nmodle = "gemma3-270m"\n',
        "routes.toml:3: tiers.local.modle: unknown key (did you mean 'model'?)",
        id="unknown-key-before-field-required",
    ),
    pytest.param(
        GOOD + "price = { input_per_mtk = 1.0, output_per_mtok = 2.0 }\n",
        "routes.toml:9: tiers.premium.price.input_per_mtk: unknown key (did you mean 'input_per_mtok'?)",
        id="price-inline-unknown-key",
    ),
    pytest.param(
        GOOD + "\n[tiers.premium.price]\noutput_per_mtok = 2.0\ninput_per_mtk = 1.0\n",
        "routes.toml:12: tiers.premium.price.input_per_mtk: unknown key (did you mean 'input_per_mtok'?)",
        id="price-table-unknown-key",
    ),
    pytest.param(
        GOOD.replace('model = "gemma3-270m"', 'model = "gemma3-270m"\nn_ctx = true'),
        "routes.toml:4: tiers.local.n_ctx: must be an integer, got true (a boolean)",
        id="bool-is-not-an-int",
    ),
    pytest.param(
        GOOD + '\n[agent]\nmax_steps = "8"\n',
        'routes.toml:11: agent.max_steps: must be an integer, got "8" (a string)',
        id="string-is-not-an-int",
    ),
    pytest.param(
        GOOD + "\n[router]\nthreshold = 0.5\n\"tres\\nhold\" = 1\n",
        "routes.toml:12: router.tres\\nhold: unknown key (did you mean 'threshold'?)",
        id="key-with-embedded-newline",
    ),
    pytest.param(
        GOOD + "\n[tiers.\"a\\nb\"]\nprovider = \"openai\"\nmodel = \"m\"\nbogus = 1\n",
        "routes.toml:13: tiers.a\\nb.bogus: unknown key",
        id="table-name-with-embedded-newline",
    ),
    pytest.param(
        GOOD + "router.treshold = 0.4\n",
        "routes.toml:9: tiers.premium.router: unknown key",
        id="dotted-key-line",
    ),
]


@pytest.mark.parametrize(("text", "message"), ISSUE_13_CASES)
def test_issue_13_config_mistakes(text: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config(text)
    assert str(caught.value) == message
    assert len(str(caught.value).splitlines()) == 1


def test_a_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "routes.toml"
    path.write_bytes(b"\xef\xbb\xbf" + GOOD.encode())
    assert load_config(path).tier_names == ["local", "premium"]
    assert parse_config("\ufeff" + GOOD).tier_names == ["local", "premium"]


def test_a_float_field_takes_an_integer() -> None:
    assert parse_config(GOOD + "\n[router]\nthreshold = 1\n").router.threshold == 1.0


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda tmp: Path("/dev/urandom"), "/dev/urandom: not a regular file; --config needs a routes.toml file"),
        (lambda tmp: Path("/dev/null"), "/dev/null: not a regular file; --config needs a routes.toml file"),
        (lambda tmp: tmp, "{tmp}: a directory; --config needs a routes.toml file"),
    ],
    ids=["urandom", "dev-null", "directory"],
)
def test_config_that_is_not_a_regular_file_is_refused_at_once(
    tmp_path: Path, make: Callable[[Path], Path], message: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(make(tmp_path))
    assert str(caught.value) == message.format(tmp=tmp_path)


def test_a_huge_config_is_refused_without_reading_it_all(tmp_path: Path) -> None:
    path = tmp_path / "routes.toml"
    with path.open("wb") as handle:
        handle.write(GOOD.encode())
        handle.truncate(50_000_000)  # sparse: 50 MB of NULs after the tiers
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert str(caught.value) == f"{path}: larger than 1,000,000 bytes: not a routes.toml"


def test_a_fifo_config_does_not_block(tmp_path: Path) -> None:
    import os

    fifo = tmp_path / "fifo.toml"
    os.mkfifo(fifo)
    with pytest.raises(ConfigError, match="not a regular file"):
        load_config(fifo)


def test_cli_config_dev_urandom_is_one_line(cli: Callable) -> None:
    result = cli("--config", "/dev/urandom", "models")
    assert result.exit_code == 2
    assert result.output.strip() == "/dev/urandom: not a regular file; --config needs a routes.toml file"


def test_config_mistake_exits_2_with_one_line(cli: Callable, write_config: Callable) -> None:
    write_config(GOOD + "\n[router]\ntreshold = 0.4\n")
    result = cli("models")
    assert result.exit_code == 2
    assert result.output.strip().endswith("router.treshold: unknown key (did you mean 'threshold'?)")
    assert len(result.output.strip().splitlines()) == 1
    assert "Traceback" not in result.output


def test_missing_file_says_how_to_create_one(cli: Callable, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    missing = tmp_path / "nowhere" / "routes.toml"
    monkeypatch.setenv("AGENTRUNNER_CONFIG", str(missing))
    with pytest.raises(ConfigError, match="create one with `agentrunner init`"):
        load_config()
    result = cli("models")
    assert result.exit_code == 2
    assert "agentrunner init" in result.output


def test_env_expansion(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AR_TEST_USER", "ada")
    monkeypatch.delenv("AR_TEST_UNSET", raising=False)
    config = parse_config(GOOD + '\n[ledger]\nuser = "${AR_TEST_USER}"\nteam = "${AR_TEST_UNSET:-core}"\n')
    assert config.ledger.user == "ada"
    assert config.ledger.team == "core"


def test_redaction_defaults_cover_common_key_formats() -> None:
    from agentrunner.redaction import Redactor

    redact = Redactor(DEFAULT_REDACT)
    samples = [
        "sk-proj-" + "a" * 40,
        "sk-ant-api03-" + "b" * 40,
        "AKIA" + "ABCDEFGHIJKLMNOP",
        "ghp_" + "c" * 36,
        "github_pat_" + "d" * 40,
    ]
    for sample in samples:
        assert redact(sample) == "[REDACTED]", sample


def test_paths_follow_config_and_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "proj" / "routes.toml"
    path.parent.mkdir()
    path.write_text(GOOD, "utf-8")
    monkeypatch.delenv("AGENTRUNNER_DIR")
    config = load_config(path)
    assert config.data_dir == path.parent / ".agentrunner"
    assert config.ledger_path == path.parent / ".agentrunner" / "ledger.db"
    monkeypatch.setenv("AGENTRUNNER_DIR", str(tmp_path / "elsewhere"))
    assert config.state_path == tmp_path / "elsewhere" / "state.db"
