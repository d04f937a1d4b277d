"""Defences against prompt injection through documents.

A document is data. Sentences in it that address the assistant (override its instructions,
change its role, dictate its output) or that tell the reader to hand over credentials are
removed before the model sees the passage and before citations are checked, so the model
cannot be steered by them, an answer repeating them has no support, and none of them is ever
quoted as an answer.

Matching runs on a normalised copy of each sentence, because the obvious patterns are easy to
dodge: compatibility forms (fullwidth letters) are folded by NFKC, invisible format characters
(zero-width spaces, soft hyphens) are dropped, look-alike letters from other scripts (Cyrillic
"о", Greek "ο") are folded to Latin with Unicode's confusables table, and wrapped lines are
joined.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache

from backend.rag.text import sentence_spans


@lru_cache(maxsize=1)
def _fold_table() -> dict[int, str]:
    """Non-ASCII letters that look like an ASCII letter or digit -> that character."""
    from confusable_homoglyphs.confusables import confusables_data

    table: dict[int, str] = {}
    for char, glyphs in confusables_data.items():
        if len(char) != 1 or char.isascii():
            continue
        targets = [g["c"] for g in glyphs if len(g["c"]) == 1 and g["c"].isascii() and g["c"].isalnum()]
        if not targets:
            continue
        # Cyrillic "І" is listed as "l"; its name says which letter it is meant to be
        named = unicodedata.name(char, "").rsplit(" ", 1)[-1]
        table[ord(char)] = named.lower() if len(named) == 1 and named.isalpha() else targets[0]
    return table


def normalise(text: str) -> str:
    """The form patterns are matched against: NFKC, no format characters, confusables folded
    to Latin, lower case, all whitespace runs (wrapped lines) as one space."""
    text = unicodedata.normalize("NFKC", text)
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    text = text.translate(_fold_table()).lower()
    return re.sub(r"\s+", " ", text).strip()


_ADDRESSEE = r"(?:assistant|ai assistant|ai model|chat ?bot|llm|language model|chatgpt|gpt-?\d*)"
_PREVIOUS = (r"(?:instructions?|prompts?|rules?|guidelines?|guidance|directions?|directives?|orders?|"
             r"commands?|context|(?:everything|anything|all)(?: (?:of )?(?:that|the text|what is))? "
             r"(?:above|before|earlier|prior|previously|said|written)|(?:the )?above|what (?:you were|was) "
             r"(?:told|said|written))")

# one of these alone marks a sentence as an instruction to the assistant
_STRONG = re.compile("|".join([
    # override what came before: "ignore / disregard / pay no attention to ... instructions"
    r"\b(?:ignore|disregard|forget|override|bypass|abandon|discard|neglect|set aside|"
    r"pay no (?:attention|heed|mind) to|take no notice of|(?:do not|don't|dont|no longer|stop) "
    r"(?:follow|obey|heed))\b.{0,60}?\b" + _PREVIOUS,
    r"\b(?:system|developer|hidden|secret) (?:prompt|instructions)\b",
    r"\byour (?:new|real|actual|true) (?:instructions?|task|role|goal|purpose)\b",
    r"\b(?:pretend|roleplay|role-play) (?:to be|as|that you)\b",
    r"\bas an? (?:ai|language model|chat ?bot|llm|ai assistant)\b",
    # a sentence that speaks to the assistant by name: "Assistant, ...", "Chatbot: ..."
    r"^(?:dear |hey |hi |attention,? |note to (?:the )?)?" + _ADDRESSEE + r"\s*[,:;!]",
    r"^(?:system|assistant)\s*:",
    r"<\|?(?:im_start|im_end|system|assistant|endoftext|eot_id|start_header_id)\|?>",
    r"\[/?inst\]|<</?sys>>",
    # dictating the output
    r"\b(?:print|output|reply with|respond with|answer with|say|write|repeat|include)\b.{0,40}?"
    r"\b(?:canary|verbatim|word for word|the secret|secret word|secret code)\b",
    # Chinese, simplified and traditional
    r"(?:忽略|忽視|忽视|无视|無視|忘记|忘記|忘掉|不要理会|不要理會|别理|別理|不用理|跳过|跳過|放弃|放棄|"
    r"覆盖|覆蓋|抛开|拋開|撇开|撇開|不要遵守|不再遵守|停止遵守).{0,12}?"
    r"(?:指令|指示|说明|說明|规则|規則|提示|要求|设定|設定|命令|约束|約束)",
    r"(?:从现在开始|從現在開始|从现在起|從現在起|从此刻起|從此刻起|从今以后|從今以後|从此以后|從此以後|"
    r"从这里开始|從這裡開始).{0,12}?(?:你|您|助手|ai|模型|机器人|機器人)",
    r"(?:你|您)(?:现在|現在)(?:是|必须|必須|只能)",
    r"(?:系统|系統|开发者|開發者)(?:提示|指令)",
    r"(?:只|仅|僅)(?:输出|輸出|回答|回复|回覆)",
    r"^(?:助手|机器人|機器人|模型)\s*[,，:：]",
]), re.IGNORECASE)

# handing credentials to someone ("email their password to ...") unless the sentence forbids it
_CREDENTIALS = re.compile(
    r"\b(?:e-?mail|send|forward|give|share|tell|provide|submit|post|reply with)\b.{0,40}?"
    r"\b(?:password|passcode|credentials|login details|pin|one-time (?:code|password)|otp|"
    r"security code|bank details)\b|"
    r"(?:发送|發送|提供|告诉|告訴|寄|邮件|郵件|电邮|電郵|分享).{0,12}?(?:密码|密碼|验证码|驗證碼)")
_FORBIDS = re.compile(r"\b(?:never|not|don't|dont|no one|nobody|nor)\b|不要|不得|切勿|禁止|絕不|绝不|不可")

# one alone is ordinary prose ("From now on, receipts are scanned"); two together instruct
_WEAK = [
    re.compile(r"\b(?:from (?:now|here|this point) on(?:ward|wards)?|henceforth)\b|"
               r"从现在|從現在|今后|今後|此后"),
    re.compile(r"\b(?:tell|inform|instruct|advise|remind|notify) (?:the |all |any )?(?:users?|employees?|"
               r"readers?|people|everyone|askers?|customers?|whoever)\b|"
               r"(?:告诉|告訴|通知|提醒)(?:用户|用戶|使用者|员工|員工|大家|所有人)"),
    re.compile(r"\b(?:reply|respond|answer|say|state|claim|output)\b|回答|回复|回覆|声称|聲稱|输出|輸出"),
    re.compile(r"\b(?:when|if|whenever) (?:asked|a user asks|someone asks|anyone asks|users ask)\b|"
               r"(?:当|當|如果)(?:有人|用户|用戶|使用者)(?:问|問)"),
    re.compile(r"\byou (?:are|must|should|will|shall) now\b|(?:你|您)(?:必须|必須|要|应该|應該|只能)"),
]


# an imperative to whoever reads it about what to tell others
_TELL_OTHERS = re.compile(r"^(?:please )?(?:tell|inform|instruct|advise|remind|notify|warn) (?:the |all |any )?"
                          r"(?:users?|employees?|readers?|people|everyone|askers?|customers?|whoever)\b|"
                          r"^(?:请|請)?(?:告诉|告訴|通知|提醒)(?:用户|用戶|使用者|员工|員工|大家|所有人)")
_LOGIN_LINK = re.compile(r"\b(?:click|visit|go to|log ?in (?:at|to|on)|sign in (?:at|to|on))\b.{0,40}?"
                         r"(?:https?:|www\.|//)")


def _asks_for_credentials(text: str) -> bool:
    return bool(_CREDENTIALS.search(text)) and not _FORBIDS.search(text)


def looks_like_instruction(sentence: str) -> bool:
    """A sentence that speaks to the assistant or dictates what it should tell people."""
    text = normalise(sentence)
    if _STRONG.search(text) or _asks_for_credentials(text):
        return True
    return sum(bool(p.search(text)) for p in _WEAK) >= 2


def addresses_reader(sentence: str) -> bool:
    """Never quoted as an answer: an instruction, or a sentence telling whoever reads it what
    to tell others, where to log in, or to hand over credentials."""
    if looks_like_instruction(sentence):
        return True
    text = normalise(sentence)
    return bool(_TELL_OTHERS.search(text) or _LOGIN_LINK.search(text))


def without_instructions(text: str) -> str:
    """``text`` minus its sentences that address the assistant."""
    spans = sentence_spans(text)
    flagged = [looks_like_instruction(text[a:b]) for a, b in spans]
    if not any(flagged):
        return text
    kept, last = [], 0
    for (a, b), bad in zip(spans, flagged):
        if bad:
            kept.append(text[last:a])
            last = b
    kept.append(text[last:])
    return re.sub(r"[ \t]{2,}", " ", "".join(kept)).strip()


# Markdown images and links, autolinks, and bare targets: schemes, protocol-relative "//host",
# "www.host", mailto: and other schemes a renderer would turn into a link
# (a target may hold balanced parentheses, as Wikipedia's do; an image whose target does not
# balance still matches up to the first ")", so none survives)
_LINK = re.compile(
    r"(?P<image>!\[(?P<alt>[^\]]*)\]\((?P<itarget>(?:[^()]|\([^()]*\))*|[^)]*)\))"
    r"|\[(?P<text>[^\]]*)\]\((?P<target>(?:[^()\s]|\([^()\s]*\))*)[^)]*\)"
    r"|<(?P<auto>[a-z][a-z0-9+.-]*:[^\s<>]+)>"
    r"|(?P<bare>\b(?:https?|ftp|file|data|javascript|vbscript|mailto|tel|sms|ssh|smb|ldap):[^\s<>)\]]+"
    r"|(?<![\w/])//[\w-]+(?:\.[\w-]+)+[^\s<>)\]]*"
    r"|\bwww\.[\w-]+(?:\.[\w-]+)+[^\s<>)\]]*)",
    re.IGNORECASE,
)


def strip_foreign_links(answer: str, sources: Sequence[str]) -> str:
    """No images at all (they load from anywhere the moment the answer is shown); links only
    when their target appears in a cited source, else just their text."""
    joined = "\n".join(sources)

    def check(match: re.Match) -> str:
        if match.group("image") is not None:
            return ""
        target = match.group("target") or match.group("auto") or match.group("bare") or ""
        # a bare URL runs to a space, so the backtick or quote closing around it comes along
        # (`-i https://host/simple`); only the end may be such punctuation, a "`@" inside
        # still makes another target
        bare = (match.group("bare") or "").rstrip("`\"'.,;:!?")
        if target and (target in joined or (bare and bare in joined)):
            return match.group(0)
        return match.group("text") or ""

    return re.sub(r"[ \t]{2,}", " ", _LINK.sub(check, answer)).strip()


def link_labels(text: str) -> str:
    """``text`` with each Markdown link as its label and each image as its alt text;
    autolinks and bare URLs stay."""
    def label(match: re.Match) -> str:
        if match.group("image") is not None:
            return match.group("alt")
        return match.group("text") if match.group("target") is not None else match.group(0)

    return _LINK.sub(label, text)
