"""Cheap, task-agnostic features of a prompt and of the cheap tier's answer to it.

Everything here is string work and regular expressions: feature extraction must cost a fraction of
a millisecond per prompt. Nothing is specific to one benchmark: the answer features look for
properties any answer can have — is it cut off, does it state a final answer, does it hedge or
refuse, is the arithmetic it writes down correct, does its code parse, does it repeat itself,
does it use the numbers the prompt gives.

:data:`FEATURE_SPEC` names and versions the whole feature pipeline (these dense features plus the
TF-IDF settings the classifier uses). Bump ``FEATURE_SPEC_VERSION`` whenever a change alters the
values a trained model would see: saved models record their spec and refuse to load under another.
"""

from __future__ import annotations

import ast
import doctest
import json
import math
import operator
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

FEATURE_SPEC_NAME = "prompt-answer-tfidf-dense"
FEATURE_SPEC_VERSION = 3  # v3: semantic models also read the embedding ridge score

# ---------------------------------------------------------------------------------------------
# Numbers and arithmetic
# ---------------------------------------------------------------------------------------------

# A number as people write it: thousands separators and decimals (sign, currency, % handled
# around it).
_NUMBER = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_NUMBER_RE = re.compile(rf"(?<![\w.])-?{_NUMBER}%?")
# "= result" after an arithmetic expression; the expression itself is found by scanning back.
_EQUALS_RESULT_RE = re.compile(rf"=\s*[$€£]?\s*(?P<rhs>-?{_NUMBER})(?P<pct>%?)")
_TOKEN_RE = re.compile(
    rf"(?P<num>[$€£]?{_NUMBER}%?)|(?P<op>\\times|\\cdot|\\div|[-+*/×÷·])|(?P<open>\()"
    r"|(?P<close>\))|(?P<word>[A-Za-z]+)|(?P<space>\s+)|(?P<other>.)"
)
# How far before an "=" an expression may start; bounds the work per equation.
_EXPRESSION_WINDOW = 160
# Small operands (unit conversions, halves, percentages...) are not "invented" quantities.
_COMMON_CONSTANTS = frozenset(
    {
        0.0,
        1.0,
        2.0,
        3.0,
        4.0,
        5.0,
        6.0,
        7.0,
        8.0,
        9.0,
        10.0,
        11.0,
        12.0,
        24.0,
        30.0,
        52.0,
        60.0,
        100.0,
        365.0,
        1000.0,
    }
)

_BINARY_OPERATORS: dict[type[ast.operator], Callable[[float, float], float]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
}


def parse_number(text: str) -> float | None:
    """'1,500' -> 1500.0, '$60%' -> 60.0 (currency and percent signs dropped), else None."""
    cleaned = text.replace(",", "").replace("%", "").strip().lstrip("$€£")
    try:
        value = float(cleaned)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def numbers_in(text: str) -> list[float]:
    return [value for value in map(parse_number, _NUMBER_RE.findall(text)) if value is not None]


def _evaluate_node(node: ast.AST) -> float:
    if isinstance(node, ast.Expression):
        return _evaluate_node(node.body)
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
        return float(node.value)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        value = _evaluate_node(node.operand)
        return -value if isinstance(node.op, ast.USub) else value
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY_OPERATORS:
        left = _evaluate_node(node.left)
        right = _evaluate_node(node.right)
        return _BINARY_OPERATORS[type(node.op)](left, right)
    raise ValueError("unsupported expression")


@lru_cache(maxsize=4096)
def evaluate_arithmetic(expression: str, percent_as_fraction: bool = True) -> float | None:
    """Safely evaluate '3 x $60 + 5%'-style arithmetic; None if it is not plain arithmetic.

    Only + - * / and parentheses over numbers are accepted (parsed with :mod:`ast`, never
    ``eval``). ``percent_as_fraction`` reads "5%" as 0.05, otherwise as 5.
    """
    text = re.sub(r"[A-Za-z]{2,}", " ", expression)  # unit words ("52 inches - 48 inches")
    text = text.replace("\\times", "*").replace("\\cdot", "*").replace("\\div", "/")
    text = re.sub(r"(?<=[\d)\s])x(?=[\s\d($])", "*", text)
    text = text.replace("×", "*").replace("·", "*").replace("÷", "/")
    text = text.replace("$", "").replace("€", "").replace("£", "")
    text = re.sub(r"(?<=\d),(?=\d{3})", "", text)
    text = re.sub(r"(\d+(?:\.\d+)?)\s*%", r"(\1/100)" if percent_as_fraction else r"\1", text)
    if not text.strip() or re.search(r"[^\d.+\-*/()\s]", text) or "**" in text:
        return None
    try:
        value = _evaluate_node(ast.parse(text.strip(), mode="eval"))
    except (SyntaxError, ValueError, ZeroDivisionError, RecursionError, OverflowError):
        return None
    return value if math.isfinite(value) else None


def _decimals(number_text: str) -> int:
    return len(number_text.split(".", 1)[1]) if "." in number_text else 0


def _matches_written_result(value: float, written: float, decimals: int) -> bool:
    # Accept any rounding to the precision the author wrote ("100/3 = 33.33", "2/3 = 0.67").
    tolerance = max(0.5 * 10.0 ** (-decimals), 1e-9 * abs(written)) + 1e-9
    return abs(value - written) <= tolerance


def _expression_before(text: str, end: int) -> str | None:
    """The arithmetic expression ('3 x $60 + 5 cups') ending right before ``end``, if any.

    Walks the tokens backwards: operand, operator, operand, ... where an operand is a number with
    optional parentheses and up to two unit words after it. Linear in the window length (a single
    regular expression for this backtracks badly on long answers).
    """
    tokens = [
        (match.lastgroup, match.group(), match.start())
        for match in _TOKEN_RE.finditer(text, max(0, end - _EXPRESSION_WINDOW), end)
        if match.lastgroup != "space"
    ]
    index = len(tokens) - 1
    operators = 0
    expression_start = -1
    while index >= 0:
        # One operand, read backwards: ")"*, unit words (at most two), number, "("*.
        while index >= 0 and tokens[index][0] == "close":
            index -= 1
        units = 0
        while index >= 0 and tokens[index][0] == "word" and units < 2:
            index -= 1
            units += 1
        if index < 0 or tokens[index][0] != "num":
            break
        operand_start = tokens[index][2]
        index -= 1
        while index >= 0 and tokens[index][0] == "open":
            operand_start = tokens[index][2]
            index -= 1
        if expression_start >= 0:
            operators += 1  # the operator read on the previous pass joined a complete operand
        expression_start = operand_start
        # An operator joins this operand to the one before it; a lone "x" means times.
        if index >= 0 and (tokens[index][0] == "op" or tokens[index][1] == "x"):
            index -= 1
            continue
        break
    if operators == 0:
        return None
    return text[expression_start:end]


@dataclass(frozen=True, slots=True)
class EquationCheck:
    """Arithmetic written as 'a op b = c' in a text, checked by evaluating the left side."""

    found: int
    wrong: int
    results: frozenset[float] = field(default_factory=frozenset)


def check_equations(text: str) -> EquationCheck:
    """Find 'a op b ... = c' in ``text`` and count those whose written result ``c`` is wrong.

    ``results`` holds every number written right after an "=" (the answer's derived quantities).
    """
    found = wrong = 0
    results: set[float] = set()
    for match in _EQUALS_RESULT_RE.finditer(text):
        rhs_text = match.group("rhs")
        written = parse_number(rhs_text)
        if written is None:
            continue
        results.add(round(written, 6))
        expression = _expression_before(text, match.start())
        if expression is None:
            continue
        values = [
            value
            for value in (evaluate_arithmetic(expression, fraction) for fraction in (True, False))
            if value is not None
        ]
        if not values:
            continue
        found += 1
        if match.group("pct"):
            values += [value * 100 for value in values]
        if not any(_matches_written_result(v, written, _decimals(rhs_text)) for v in values):
            wrong += 1
    return EquationCheck(found=found, wrong=wrong, results=frozenset(results))


# ---------------------------------------------------------------------------------------------
# Text patterns
# ---------------------------------------------------------------------------------------------

_WORD_RE = re.compile(r"[A-Za-z]+")
_SENTENCE_END_RE = re.compile(r"[.!?](?:\s|$)")
# An explicit "this is my answer" marker, in the conventions models are commonly prompted with.
_FINAL_MARKER_RE = re.compile(
    r"####|\\boxed\{|final answer|the answer is|answer\s*[:=]|the correct (?:answer|option) is",
    re.IGNORECASE,
)
_CONCLUSION_RE = re.compile(
    r"\b(?:therefore|thus|hence|in conclusion|in total|in summary|so,|so the|so there)\b",
    re.IGNORECASE,
)
_HEDGE_RE = re.compile(
    r"\b(?:approximately|roughly|assum\w*|maybe|perhaps|probably|might|unclear|not sure|i think"
    r"|however|wait|actually|mistake|re-?evaluate|re-?calculate|rounded|round|estimate\w*"
    r"|seems?|likely|unless|ambiguous)\b",
    re.IGNORECASE,
)
_REFUSAL_RE = re.compile(
    r"\b(?:i (?:cannot|can't|am unable|'m unable|do not know|don't know)|as an ai"
    r"|i'm sorry|i apologi[sz]e|not possible to (?:determine|answer)|cannot be determined"
    r"|insufficient information|not enough information)\b",
    re.IGNORECASE,
)
_CHOICE_LINE_RE = re.compile(r"^\s*\(?[A-Ha-h][.)]\s+\S", re.MULTILINE)
_CODE_FENCE_RE = re.compile(r"```[ \t]*([\w+#-]*)[^\n]*\n(.*?)```", re.DOTALL)
_CODE_CHARS = frozenset("{}[];=<>_`")
# Compiling a code block is the one costly check; bound it.
_MAX_CODE_CHARS = 8000


def _python_blocks(answer: str) -> list[str]:
    blocks = []
    for language, body in _CODE_FENCE_RE.findall(answer):
        language = language.lower()
        looks_python = re.search(r"^\s*(?:def |import |from \w+ import|class |print\()", body, re.M)
        if language in ("python", "py", "python3") or (not language and looks_python):
            blocks.append(body)
    return blocks


def _has_syntax_error(code: str) -> bool:
    if len(code) > _MAX_CODE_CHARS:
        return False
    try:
        compile(code, "<answer>", "exec", dont_inherit=True)
    except (SyntaxError, ValueError):
        return True
    return False


#: Longer texts are scored on their head and tail only, so a 100 kB prompt (an agent step with
#: file contents) costs no more than a short one. Length features still see the full length.
MAX_TEXT_CHARS = 8000
_HEAD_CHARS = 6000


def clip_text(text: str) -> str:
    """``text`` if short enough, else its first 6000 and last 2000 characters."""
    if len(text) <= MAX_TEXT_CHARS:
        return text
    return text[:_HEAD_CHARS] + "\n" + text[-(MAX_TEXT_CHARS - _HEAD_CHARS) :]


def _log1p(value: float) -> float:
    return math.log1p(max(value, 0.0))


def _final_number(answer: str) -> str | None:
    """The answer's stated final number: the first after the last explicit marker, else the last."""
    markers = list(_FINAL_MARKER_RE.finditer(answer))
    if markers:
        after = _NUMBER_RE.search(answer, markers[-1].end())
        if after is not None:
            return after.group(0)
    numbers = _NUMBER_RE.findall(answer)
    return numbers[-1] if numbers else None


def _repeated_trigram_share(words: list[str]) -> float:
    trigrams = [tuple(words[i : i + 3]) for i in range(len(words) - 2)]
    if not trigrams:
        return 0.0
    return 1.0 - len(set(trigrams)) / len(trigrams)


# ---------------------------------------------------------------------------------------------
# Code in answers: does it compile, does it pass the prompt's own doctest examples
# ---------------------------------------------------------------------------------------------

# A line that only code starts with (prose rarely does): what makes a text "look like code".
_CODE_LINE_RE = re.compile(
    r"^[ \t]*(?:def \w+\s*\(|class \w+|import \w|from [\w.]+ import |return\b|for .+ in .+:|while .+:|if .+:)",
    re.MULTILINE,
)
#: Wall-clock limit for running an answer's code against the prompt's examples.
DOCTEST_TIMEOUT_S = 5.0
#: At most this many examples are run (bounds the work per answer).
MAX_DOCTEST_EXAMPLES = 20

# The program the sandbox runs: the candidate code in a fresh namespace, then the prompt's examples
# as a doctest against it; prints {"attempted", "failed"} as JSON.
_DOCTEST_RUNNER = """
import doctest, json, sys
namespace = {"__name__": "candidate"}
source = open("candidate.py", encoding="utf-8").read()
text = open("examples.txt", encoding="utf-8").read()
try:
    exec(compile(source, "candidate.py", "exec"), namespace)
except BaseException:
    print(json.dumps({"attempted": -1, "failed": -1}))
    sys.exit(0)
parser = doctest.DocTestParser()
test = doctest.DocTest(parser.get_examples(text)[:MAX_EXAMPLES], namespace, "prompt", None, 0, text)
runner = doctest.DocTestRunner(verbose=False, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
result = runner.run(test, out=lambda _text: None, clear_globs=False)
print(json.dumps({"attempted": result.attempted, "failed": result.failed}))
""".replace("MAX_EXAMPLES", str(MAX_DOCTEST_EXAMPLES))


def looks_like_code(text: str) -> bool:
    return bool(_CODE_LINE_RE.search(text))


def _compiles(code: str) -> bool:
    return bool(code.strip()) and not _has_syntax_error(code)


def answer_program(prompt: str, answer: str) -> tuple[str | None, bool]:
    """The program an answer's code amounts to, and whether it continues the prompt's code.

    In order: the answer's fenced Python blocks; the answer itself; the prompt followed by the answer
    (a completion-style answer, e.g. a function body after a signature and docstring, when the
    prompt holds code). The first that compiles wins; (None, False) when none does."""
    blocks = _python_blocks(answer)
    if blocks:
        joined = "\n\n".join(blocks)
        return (joined, False) if _compiles(joined) else (None, False)
    if looks_like_code(answer) and _compiles(answer):
        return answer, False
    if looks_like_code(prompt):
        continued = prompt + answer
        if _compiles(continued):
            return continued, True
    return None, False


_DOCSTRING_QUOTES_RE = re.compile("\"\"\"|'''")


def examples_text(prompt: str) -> str:
    """The prompt with docstring quotes blanked: a closing ``\"\"\"`` is not part of an example's
    expected output (doctest itself reads the docstring, without its quotes)."""
    return _DOCSTRING_QUOTES_RE.sub("\n", prompt)


def doctest_examples(prompt: str) -> int:
    """How many ``>>>`` examples the prompt's text holds (the standard doctest form)."""
    if ">>>" not in prompt:
        return 0
    try:
        return len(doctest.DocTestParser().get_examples(examples_text(prompt)))
    except ValueError:  # inconsistent indentation and the like: not usable examples
        return 0


@dataclass(frozen=True, slots=True)
class DoctestRun:
    """What running an answer's code against the prompt's examples gave."""

    ran: bool  # the sandbox ran it (False: no examples, no code, or no sandbox here)
    attempted: int = 0
    failed: int = 0
    timed_out: bool = False

    @property
    def pass_share(self) -> float:
        return (self.attempted - self.failed) / self.attempted if self.ran and self.attempted > 0 else 0.0


@lru_cache(maxsize=4096)
def run_prompt_doctests(prompt: str, program: str) -> DoctestRun:
    """Run ``program`` and then the prompt's doctest examples against it, in the sandbox
    (:mod:`agentrunner.sandbox`: no network, no home folder, read-only, killed after
    :data:`DOCTEST_TIMEOUT_S`). Model-written code never runs unconfined: without a working sandbox
    this returns ``DoctestRun(ran=False)``."""
    import sys
    import tempfile

    from ..sandbox import SandboxUnavailable, run_sandboxed, sandbox_status

    if sandbox_status() is not None:
        return DoctestRun(ran=False)
    with tempfile.TemporaryDirectory(prefix="agentrunner-doctest-") as folder:
        Path(folder, "candidate.py").write_text(program, "utf-8")
        Path(folder, "examples.txt").write_text(examples_text(prompt), "utf-8")
        Path(folder, "runner.py").write_text(_DOCTEST_RUNNER, "utf-8")
        try:
            result = run_sandboxed(
                [sys.executable, "-I", "runner.py"], cwd=Path(folder), writable=False, timeout=DOCTEST_TIMEOUT_S
            )
        except SandboxUnavailable:
            return DoctestRun(ran=False)
    if result.timed_out:
        return DoctestRun(ran=True, timed_out=True)
    lines = result.output.strip().splitlines()
    try:
        counts = json.loads(lines[-1]) if lines else {}
        attempted, failed = int(counts["attempted"]), int(counts["failed"])
    except (ValueError, KeyError, TypeError):
        return DoctestRun(ran=True)  # the code killed the runner (sys.exit, os._exit …): nothing passed
    if attempted < 0:
        return DoctestRun(ran=True)  # the code raised on import
    return DoctestRun(ran=True, attempted=attempted, failed=failed)


def code_feature_values(prompt: str, answer: str) -> dict[str, float]:
    """Compiles? Passes the prompt's own examples? For any answer that holds code."""
    program, continued = answer_program(prompt, answer)
    examples = doctest_examples(prompt)
    run = run_prompt_doctests(prompt, program) if program is not None and examples else DoctestRun(ran=False)
    return {
        "answer_looks_like_code": float(looks_like_code(answer) or bool(_python_blocks(answer))),
        "answer_code_compiles": float(program is not None),
        "answer_code_continues_prompt": float(continued),
        "answer_doctests_ran": float(run.ran),
        "answer_doctest_pass_share": run.pass_share,
        "answer_doctests_all_pass": float(run.ran and run.attempted > 0 and run.failed == 0),
        "answer_doctests_timed_out": float(run.timed_out),
    }


# ---------------------------------------------------------------------------------------------
# Feature vectors
# ---------------------------------------------------------------------------------------------


def prompt_feature_values(prompt: str) -> dict[str, float]:
    full_length = len(prompt)
    prompt = clip_text(prompt)
    numbers = numbers_in(prompt)
    words = _WORD_RE.findall(prompt)
    return {
        "prompt_log_chars": _log1p(full_length),
        "prompt_log_words": _log1p(len(words)),
        "prompt_sentences": float(len(_SENTENCE_END_RE.findall(prompt))),
        "prompt_lines": float(prompt.count("\n") + 1),
        "prompt_numbers": float(len(numbers)),
        "prompt_distinct_numbers": float(len(set(numbers))),
        "prompt_decimal_numbers": float(sum(1 for value in numbers if value != int(value))),
        "prompt_percent_signs": float(prompt.count("%")),
        "prompt_question_marks": float(prompt.count("?")),
        "prompt_max_number_log": _log1p(max((abs(value) for value in numbers), default=0.0)),
        "prompt_code_char_share": sum(1 for char in prompt if char in _CODE_CHARS)
        / max(len(prompt), 1),
        "prompt_code_fences": float(prompt.count("```") // 2),
        "prompt_choice_lines": float(len(_CHOICE_LINE_RE.findall(prompt))),
        "prompt_looks_like_code": float(looks_like_code(prompt)),
        "prompt_doctest_examples": float(doctest_examples(prompt)),
    }


def answer_feature_values(prompt: str, answer: str | None) -> dict[str, float]:
    """Features of the cheap tier's answer; all zero (``answer_present`` 0) if there is none."""
    if answer is None or not answer.strip():
        return dict.fromkeys(ANSWER_FEATURE_NAMES, 0.0)
    full_length = len(answer.strip())
    text = clip_text(answer.strip())
    prompt = clip_text(prompt)
    words = _WORD_RE.findall(text)
    lowered_words = [word.lower() for word in words]
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    hedges = len(_HEDGE_RE.findall(text))
    markers = list(_FINAL_MARKER_RE.finditer(text))
    chars_after_marker = len(text) - markers[-1].end() if markers else len(text)
    answer_numbers = numbers_in(text)
    prompt_numbers = {round(value, 6) for value in numbers_in(prompt)}
    equations = check_equations(text)
    final_text = _final_number(text)
    final_value = parse_number(final_text) if final_text is not None else None
    has_final = final_value is not None
    final = final_value if final_value is not None else 0.0
    # Operands that come neither from the prompt, nor from an earlier result, nor are common
    # constants suggest the answer invented or misread a quantity.
    known = prompt_numbers | equations.results | _COMMON_CONSTANTS
    unsupported = sum(1 for value in answer_numbers if round(value, 6) not in known)
    answer_number_set = {round(value, 6) for value in answer_numbers}
    prompt_numbers_used = sum(1 for value in prompt_numbers if value in answer_number_set)
    opening = text.count("(") + text.count("[") + text.count("{") + text.count("<<")
    closing = text.count(")") + text.count("]") + text.count("}") + text.count(">>")
    python_blocks = _python_blocks(text)
    last_char = text[-1]
    return {
        "answer_present": 1.0,
        "answer_log_chars": _log1p(full_length),
        "answer_log_words": _log1p(len(words)),
        "answer_chars_per_word": len(text) / max(len(words), 1),
        "answer_lines": float(len(lines)),
        "answer_log_length_ratio": math.log((full_length + 1) / (len(prompt) + 1)),
        "answer_ends_sentence": float(last_char in ".!?)]}\"'`*"),
        "answer_ends_digit": float(last_char.isdigit() or last_char == "%"),
        "answer_unbalanced_brackets": float(opening != closing),
        "answer_unclosed_code_fence": float(text.count("```") % 2 == 1),
        "answer_final_marker": float(bool(markers)),
        "answer_final_marker_at_end": float(bool(markers) and chars_after_marker < 60),
        "answer_conclusion_phrase": float(bool(_CONCLUSION_RE.search(text))),
        "answer_hedges": float(hedges),
        "answer_hedge_rate": hedges / max(len(words), 1),
        "answer_refusal": float(bool(_REFUSAL_RE.search(text))),
        "answer_repeated_line_share": 1.0 - len(set(lines)) / max(len(lines), 1),
        "answer_repeated_trigram_share": _repeated_trigram_share(lowered_words),
        "answer_distinct_word_share": len(set(lowered_words)) / max(len(lowered_words), 1),
        "answer_numbers": float(len(answer_numbers)),
        "answer_equations": float(equations.found),
        "answer_wrong_equations": float(equations.wrong),
        "answer_any_wrong_equation": float(equations.wrong > 0),
        "answer_final_number_present": float(has_final),
        "answer_final_number_integer": float(has_final and final == int(final)),
        "answer_final_number_negative": float(final < 0),
        "answer_final_number_decimals": float(_decimals(final_text or "")),
        "answer_final_number_log": _log1p(abs(final)),
        "answer_final_number_in_prompt": float(has_final and round(final, 6) in prompt_numbers),
        "answer_final_number_computed": float(has_final and round(final, 6) in equations.results),
        "answer_prompt_numbers_used": prompt_numbers_used / max(len(prompt_numbers), 1),
        "answer_unsupported_numbers": float(unsupported),
        "answer_distinct_last_numbers": float(len({round(v, 6) for v in answer_numbers[-3:]})),
        "answer_python_blocks": float(len(python_blocks)),
        "answer_python_syntax_error": float(any(map(_has_syntax_error, python_blocks))),
        **code_feature_values(prompt, clip_text(answer)),
    }


PROMPT_FEATURE_NAMES: tuple[str, ...] = tuple(prompt_feature_values(""))
ANSWER_FEATURE_NAMES: tuple[str, ...] = tuple(answer_feature_values("", "x"))
DENSE_FEATURE_NAMES: tuple[str, ...] = PROMPT_FEATURE_NAMES + ANSWER_FEATURE_NAMES


def prompt_features(prompt: str) -> NDArray[np.float64]:
    values = prompt_feature_values(prompt)
    return np.fromiter((values[name] for name in PROMPT_FEATURE_NAMES), np.float64)


def dense_features(prompt: str, answer: str | None) -> NDArray[np.float64]:
    """Prompt features followed by answer features, in :data:`DENSE_FEATURE_NAMES` order."""
    values = prompt_feature_values(prompt) | answer_feature_values(prompt, answer)
    return np.fromiter((values[name] for name in DENSE_FEATURE_NAMES), np.float64)


# ---------------------------------------------------------------------------------------------
# The feature spec a trained model is tied to
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FeatureSpec:
    """Name, version and parameters of the feature pipeline; saved next to every model."""

    name: str
    version: int
    params: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FeatureSpec:
        return cls(
            name=str(data["name"]), version=int(data["version"]), params=dict(data["params"])
        )

    def describe(self) -> str:
        return f"{self.name} v{self.version}"


#: TF-IDF settings for the prompt and for the cheap answer (word unigrams and bigrams).
TEXT_VECTORIZER_PARAMS: dict[str, Any] = {
    "ngram_range": [1, 2],
    "min_df": 2,
    "max_features": 20000,
    "sublinear_tf": True,
    "lowercase": True,
}

def feature_spec(embedding: dict[str, Any] | None = None) -> FeatureSpec:
    """The spec of the fast features, plus the prompt embedding's when a model reads one."""
    params: dict[str, Any] = {
        "max_text_chars": MAX_TEXT_CHARS,
        "prompt_dense": list(PROMPT_FEATURE_NAMES),
        "answer_dense": list(ANSWER_FEATURE_NAMES),
        "prompt_tfidf": TEXT_VECTORIZER_PARAMS,
        "answer_tfidf": TEXT_VECTORIZER_PARAMS,
        "doctest_timeout_s": DOCTEST_TIMEOUT_S,
    }
    if embedding is not None:
        params["embedding"] = dict(embedding)
    return FeatureSpec(name=FEATURE_SPEC_NAME, version=FEATURE_SPEC_VERSION, params=params)


#: The spec of a model without embeddings (``router train`` without ``--embed``).
FEATURE_SPEC = feature_spec()
