"""Every interface text has its Traditional Chinese wording, with the same placeholders."""

import ast
import string
from pathlib import Path

from frontend.i18n import LANGUAGES, ZH_TW, language_from

FRONTEND = Path(__file__).resolve().parents[2] / "frontend"
# options shown through format_func=t
TASKS = ["Add a user", "Change a user", "API keys", "member", "admin", "Newest first", "Name",
         "Type", "Most chunks", "Status"]


def texts_passed_to_t() -> set[str]:
    found = set()
    for path in FRONTEND.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "t" and node.args:
                first = node.args[0]
                assert isinstance(first, ast.Constant), f"{path.name}:{node.lineno}: t() needs a literal"
                found.add(first.value)
    return found


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_text_is_translated_with_the_same_placeholders():
    texts = texts_passed_to_t() | set(TASKS)
    assert len(texts) > 80
    missing = sorted(texts - ZH_TW.keys())
    assert not missing, missing
    for english in texts:
        assert fields(ZH_TW[english]) == fields(english), english
    assert not sorted(ZH_TW.keys() - texts), "translations nobody uses"


def test_the_language_is_the_choice_else_the_browsers_else_english():
    assert language_from("zh-TW", "en-US") == "zh-TW"
    assert language_from("en", "zh-TW") == "en"
    assert language_from(None, "zh-TW") == language_from(None, "zh-CN") == "zh-TW"
    assert language_from("klingon", "de-DE") == language_from(None, None) == "en"
    assert set(LANGUAGES) == {"en", "zh-TW"}
