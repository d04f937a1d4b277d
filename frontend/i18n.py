"""The interface in English, Simplified Chinese (zh-CN) and Traditional Chinese (zh-TW).

The language is the user's choice (the sidebar; kept in a cookie across reloads), by default the
browser's (``navigator.language``: zh-TW, zh-HK, zh-MO and zh-Hant get Traditional, any other
Chinese locale Simplified). The Simplified table is the Traditional one converted with OpenCC's
``tw2sp`` (Taiwan phrases to mainland ones) once, then read through: 反馈 for 意见回馈, 退出登录
for 登出, 文本块 for 区块.
Texts are looked up by their English wording, which stays the fallback; placeholders are
``str.format`` fields. Document text, answers and names are never translated.
"""

from __future__ import annotations

import re

import streamlit as st

LANGUAGES = {"en": "English", "zh-CN": "简体中文", "zh-TW": "繁體中文"}
COOKIE = "citeqa_lang"

ZH_TW: dict[str, str] = {
    # app and sign-in
    "Sign in to citeqa": "登入 citeqa",
    "Sign in": "登入",
    "Sign out": "登出",
    "User name": "使用者名稱",
    "Password": "密碼",
    "Signed in as **{name}** ({role})": "已登入：**{name}**（{role}）",
    "Signed in as **{name}** ({role}; groups: {groups})": "已登入：**{name}**（{role}；群組：{groups}）",
    "Ask": "提問",
    "admin": "管理員",
    "member": "成員",
    "Documents": "文件",
    "Dashboard": "儀表板",
    "Users and keys": "使用者與金鑰",
    # ask
    "Ask your documents": "向文件提問",
    "Answers come only from the company's documents; every claim cites its source.":
        "答案只來自公司的文件，每項陳述都註明出處。",
    "Ask a question, e.g. What is our travel reimbursement limit?":
        "請輸入問題，例如：差旅費報銷上限是多少？",
    "New conversation": "新對話",
    "Your conversations": "您的對話",
    "(no question yet)": "（尚無問題）",
    "Delete this conversation": "刪除此對話",
    "Saved conversations could not be loaded.": "無法載入已儲存的對話。",
    "Related passages (the search found them, but they do not answer it):":
        "相關段落（搜尋找到了它們，但它們並未回答此問題）：",
    "Related": "相關",
    "page {page}": "第 {page} 頁",
    "Open document": "開啟文件",
    "Show the whole page": "顯示整頁",
    "The page cannot be shown: {error}": "無法顯示此頁：{error}",
    "Thanks for your feedback.": "感謝您的意見回饋。",
    "Helpful": "有幫助",
    "Not helpful": "沒有幫助",
    "What was wrong or missing? (optional)": "哪裡有誤或缺漏？（選填）",
    "Anything to add? (optional)": "還有要補充的嗎？（選填）",
    "Send feedback": "送出意見回饋",
    "The feedback could not be sent: {error}": "無法送出意見回饋：{error}",
    "Searched for: {query}": "搜尋內容：{query}",
    "Quoted from the best-matching source: the model's own answer could not be verified "
    "against the documents.": "引用自最相符的來源：模型自行產生的答案無法以文件查證。",
    "Quoted: the documents' own definition of the term.": "引文：文件本身對此詞的定義。",
    "Quoted from the best-matching source (answers here are quotes, no language model writes "
    "them).": "引用自最相符的來源（此處的答案皆為引文，不由語言模型撰寫）。",
    "The API could not answer: {error}": "API 無法回答：{error}",
    "Draft: being checked against the sources…": "草稿：正在與來源核對…",
    # documents
    "Upload PDF, Word or text files, or scanned pages (PNG, JPEG, TIFF)":
        "上傳 PDF、Word 或文字檔，或掃描頁面（PNG、JPEG、TIFF）",
    "Groups that may see them": "可檢視的群組",
    "e.g. hr, finance (empty: everyone)": "例如 hr, finance（留空：所有人）",
    "Upload and index": "上傳並建立索引",
    "Choose one or more files first.": "請先選擇一個或多個檔案。",
    "Upload refused: {error}": "上傳遭拒：{error}",
    "indexing…": "建立索引中…",
    "indexing… {done}/{total}": "建立索引中… {done}/{total}",
    "upload {status}": "上傳{status}",
    "Cannot reach the API: {error}": "無法連線到 API：{error}",
    "{n} documents": "{n} 份文件",
    "{n} pages": "{n} 頁",
    "{n} chunks": "{n} 個區塊",
    "Groups (empty: everyone)": "群組（留空：所有人）",
    "queued": "排隊中",
    "parsing": "解析中",
    "embedding": "向量化中",
    "ingested": "已建立索引",
    "replaced": "已取代",
    "unchanged": "未變更",
    "failed": "失敗",
    "ready": "就緒",
    "done": "完成",
    "running": "執行中",
    "({n} chunks)": "（{n} 個區塊）",
    "Search by name, group or uploader": "依名稱、群組或上傳者搜尋",
    "Sort by": "排序方式",
    "Newest first": "最新優先",
    "Type": "類型",
    "Most chunks": "區塊最多",
    "Status": "狀態",
    "Pages": "頁數",
    "Chunks": "區塊",
    "Uploaded": "上傳",
    "Select": "選取",
    "{n} selected": "已選取 {n} 份",
    "Re-index": "重新建立索引",
    "Read the files again with today's parsers (OCR, tables)": "以目前的解析器重新讀取檔案（OCR、表格）",
    "Change groups": "變更群組",
    "Access of {n} documents changed": "已變更 {n} 份文件的存取權限",
    "Access of {name} changed": "已變更 {name} 的存取權限",
    "Yes, delete the selected documents": "是，刪除所選文件",
    "Delete selected": "刪除所選項目",
    "Deleted {n} documents": "已刪除 {n} 份文件",
    "Deleted {name}": "已刪除 {name}",
    "Save": "儲存",
    "Delete": "刪除",
    # dashboard
    "Period": "期間",
    "{n} days": "{n} 天",
    "Questions": "問題數",
    "Refused (not covered)": "拒答（文件未涵蓋）",
    "Thumbs down": "負評",
    "Latency p50 / p95": "延遲 p50 / p95",
    "Questions per day": "每日問題數",
    "Documents and chunks": "文件與區塊",
    "Questions the documents did not cover": "文件未涵蓋的問題",
    "The content gaps to write: the most frequent questions that were refused.":
        "待補的內容缺口：最常被拒答的問題。",
    "None in this period.": "此期間內沒有。",
    "deleted user": "已刪除的使用者",
    "Download thumbs-down answers as a test file (citeqa eval --qa)":
        "下載負評答案作為測試檔（citeqa eval --qa）",
    # users and keys
    "Copy this API key now: it is shown only once.": "請立即複製此 API 金鑰：它只會顯示一次。",
    "Groups in use: {groups}": "使用中的群組：{groups}",
    "Add a user": "新增使用者",
    "Change a user": "變更使用者",
    "API keys": "API 金鑰",
    "Name": "名稱",
    "Role": "角色",
    "Groups": "群組",
    "e.g. hr, finance": "例如 hr, finance",
    "Password (at least 8 characters; empty: API keys only)": "密碼（至少 8 個字元；留空：僅能使用 API 金鑰）",
    "Add user": "新增使用者",
    "User": "使用者",
    "New password (empty: unchanged)": "新密碼（留空：不變更）",
    "Save changes": "儲存變更",
    "Yes, delete {name} and revoke their keys": "是，刪除 {name} 並撤銷其金鑰",
    "Delete user": "刪除使用者",
    "{name} has no API keys yet.": "{name} 尚無 API 金鑰。",
    "Label": "標籤",
    "e.g. intranet search script": "例如 內部網路搜尋腳本",
    "Create key": "建立金鑰",
    "Key to revoke": "要撤銷的金鑰",
    "Revoke key": "撤銷金鑰",
}

ZH_CN: dict[str, str] = {
    # app and sign-in
    "Sign in to citeqa": "登录 citeqa",
    "Sign in": "登录",
    "Sign out": "退出登录",
    "User name": "用户名",
    "Password": "密码",
    "Signed in as **{name}** ({role})": "已登录：**{name}**（{role}）",
    "Signed in as **{name}** ({role}; groups: {groups})": "已登录：**{name}**（{role}；用户组：{groups}）",
    "Ask": "提问",
    "admin": "管理员",
    "member": "成员",
    "Documents": "文档",
    "Dashboard": "仪表盘",
    "Users and keys": "用户与密钥",
    # ask
    "Ask your documents": "向文档提问",
    "Answers come only from the company's documents; every claim cites its source.":
        "答案只来自公司的文档，每项陈述都注明出处。",
    "Ask a question, e.g. What is our travel reimbursement limit?":
        "请输入问题，例如：差旅费报销上限是多少？",
    "New conversation": "新对话",
    "Your conversations": "您的对话",
    "(no question yet)": "（暂无问题）",
    "Delete this conversation": "删除此对话",
    "Saved conversations could not be loaded.": "无法加载已保存的对话。",
    "Related passages (the search found them, but they do not answer it):":
        "相关段落（搜索找到了它们，但它们没有回答此问题）：",
    "Related": "相关",
    "page {page}": "第 {page} 页",
    "Open document": "打开文档",
    "Show the whole page": "显示整页",
    "The page cannot be shown: {error}": "无法显示此页：{error}",
    "Thanks for your feedback.": "感谢您的反馈。",
    "Helpful": "有帮助",
    "Not helpful": "没有帮助",
    "What was wrong or missing? (optional)": "哪里有误或缺漏？（可选）",
    "Anything to add? (optional)": "还有要补充的吗？（可选）",
    "Send feedback": "提交反馈",
    "The feedback could not be sent: {error}": "无法提交反馈：{error}",
    "Searched for: {query}": "搜索内容：{query}",
    "Quoted from the best-matching source: the model's own answer could not be verified "
    "against the documents.": "引用自最相符的来源：模型自己生成的答案无法在文档中核实。",
    "Quoted: the documents' own definition of the term.": "引文：文档本身对该词的定义。",
    "Quoted from the best-matching source (answers here are quotes, no language model writes "
    "them).": "引用自最相符的来源（这里的答案都是引文，不由语言模型撰写）。",
    "The API could not answer: {error}": "API 无法回答：{error}",
    "Draft: being checked against the sources…": "草稿：正在与来源核对…",
    # documents
    "Upload PDF, Word or text files, or scanned pages (PNG, JPEG, TIFF)":
        "上传 PDF、Word 或文本文件，或扫描页面（PNG、JPEG、TIFF）",
    "Groups that may see them": "可查看的用户组",
    "e.g. hr, finance (empty: everyone)": "例如 hr, finance（留空：所有人）",
    "Upload and index": "上传并创建索引",
    "Choose one or more files first.": "请先选择一个或多个文件。",
    "Upload refused: {error}": "上传被拒绝：{error}",
    "indexing…": "创建索引中…",
    "indexing… {done}/{total}": "创建索引中… {done}/{total}",
    "upload {status}": "上传{status}",
    "Cannot reach the API: {error}": "无法连接到 API：{error}",
    "{n} documents": "{n} 份文档",
    "{n} pages": "{n} 页",
    "{n} chunks": "{n} 个文本块",
    "Groups (empty: everyone)": "用户组（留空：所有人）",
    "queued": "排队中",
    "parsing": "解析中",
    "embedding": "向量化中",
    "ingested": "已创建索引",
    "replaced": "已替换",
    "unchanged": "未更改",
    "failed": "失败",
    "ready": "就绪",
    "done": "完成",
    "running": "运行中",
    "({n} chunks)": "（{n} 个文本块）",
    "Search by name, group or uploader": "按名称、用户组或上传者搜索",
    "Sort by": "排序方式",
    "Newest first": "最新优先",
    "Type": "类型",
    "Most chunks": "文本块最多",
    "Status": "状态",
    "Pages": "页数",
    "Chunks": "文本块",
    "Uploaded": "上传",
    "Select": "选择",
    "{n} selected": "已选择 {n} 份",
    "Re-index": "重新创建索引",
    "Read the files again with today's parsers (OCR, tables)": "用当前的解析器重新读取文件（OCR、表格）",
    "Change groups": "更改用户组",
    "Access of {n} documents changed": "已更改 {n} 份文档的访问权限",
    "Access of {name} changed": "已更改 {name} 的访问权限",
    "Yes, delete the selected documents": "是，删除所选文档",
    "Delete selected": "删除所选项目",
    "Deleted {n} documents": "已删除 {n} 份文档",
    "Deleted {name}": "已删除 {name}",
    "Save": "保存",
    "Delete": "删除",
    # dashboard
    "Period": "时间段",
    "{n} days": "{n} 天",
    "Questions": "问题数",
    "Refused (not covered)": "拒答（文档未涵盖）",
    "Thumbs down": "差评",
    "Latency p50 / p95": "延迟 p50 / p95",
    "Questions per day": "每日问题数",
    "Documents and chunks": "文档与文本块",
    "Questions the documents did not cover": "文档未涵盖的问题",
    "The content gaps to write: the most frequent questions that were refused.":
        "待补的内容缺口：最常被拒答的问题。",
    "None in this period.": "此时间段内没有。",
    "deleted user": "已删除的用户",
    "Download thumbs-down answers as a test file (citeqa eval --qa)":
        "下载差评答案作为测试文件（citeqa eval --qa）",
    # users and keys
    "Copy this API key now: it is shown only once.": "请立即复制此 API 密钥：它只会显示一次。",
    "Groups in use: {groups}": "使用中的用户组：{groups}",
    "Add a user": "添加用户",
    "Change a user": "更改用户",
    "API keys": "API 密钥",
    "Name": "名称",
    "Role": "角色",
    "Groups": "用户组",
    "e.g. hr, finance": "例如 hr, finance",
    "Password (at least 8 characters; empty: API keys only)": "密码（至少 8 个字符；留空：仅能使用 API 密钥）",
    "Add user": "添加用户",
    "User": "用户",
    "New password (empty: unchanged)": "新密码（留空：不更改）",
    "Save changes": "保存更改",
    "Yes, delete {name} and revoke their keys": "是，删除 {name} 并撤销其密钥",
    "Delete user": "删除用户",
    "{name} has no API keys yet.": "{name} 暂无 API 密钥。",
    "Label": "标签",
    "e.g. intranet search script": "例如 内网搜索脚本",
    "Create key": "创建密钥",
    "Key to revoke": "要撤销的密钥",
    "Revoke key": "撤销密钥",
}
TABLES = {"zh-CN": ZH_CN, "zh-TW": ZH_TW}


def language_from(cookie: str | None, browser_locale: str | None) -> str:
    """The chosen language (cookie) if valid, else the browser's, else English."""
    if cookie in LANGUAGES:
        return cookie
    locale = (browser_locale or "").lower().replace("_", "-")
    if not locale.startswith("zh"):
        return "en"
    return "zh-TW" if re.match(r"zh-(?:tw|hk|mo|hant)\b", locale) else "zh-CN"


def current() -> str:
    if "lang" not in st.session_state:
        st.session_state["lang"] = language_from(st.context.cookies.get(COOKIE), st.context.locale)
    return st.session_state["lang"]


def t(text: str, **fields) -> str:
    """``text`` in the session's language, its ``{fields}`` filled in."""
    return TABLES.get(current(), {}).get(text, text).format(**fields) if fields \
        else TABLES.get(current(), {}).get(text, text)
