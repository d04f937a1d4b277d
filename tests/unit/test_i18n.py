"""Every interface text has its Simplified and Traditional Chinese wording, with the same
placeholders."""

import ast
import string
from pathlib import Path

from frontend.i18n import LANGUAGES, ZH_CN, ZH_TW, language_from

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
    for table in (ZH_CN, ZH_TW):
        missing = sorted(texts - table.keys())
        assert not missing, missing
        for english in texts:
            assert fields(table[english]) == fields(english), english
        assert not sorted(table.keys() - texts), "translations nobody uses"
    # the Simplified table is no copy of the Traditional one
    assert ZH_CN["Sign out"] == "退出登录" and ZH_TW["Sign out"] == "登出"


def test_the_language_is_the_choice_else_the_browsers_else_english():
    assert language_from("zh-TW", "en-US") == "zh-TW"
    assert language_from("en", "zh-TW") == "en"
    assert language_from(None, "zh-TW") == language_from(None, "zh-HK") == "zh-TW"
    assert language_from(None, "zh-Hant-TW") == "zh-TW"
    assert language_from(None, "zh-CN") == language_from(None, "zh") == "zh-CN"
    assert language_from(None, "zh-SG") == language_from(None, "zh-Hans-CN") == "zh-CN"
    assert language_from("zh-CN", "zh-TW") == "zh-CN"
    assert language_from("klingon", "de-DE") == language_from(None, None) == "en"
    assert set(LANGUAGES) == {"en", "zh-CN", "zh-TW"}
