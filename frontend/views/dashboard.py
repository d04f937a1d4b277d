"""Dashboard (admins): are people getting answers? Questions, refusals, feedback, latency,
the collection, and the questions the documents did not cover."""

import pandas as pd
import streamlit as st

from frontend.api_client import ApiClient, ApiError
from frontend.i18n import t
from frontend.render import md_escape, passage_html

api: ApiClient = st.session_state["api"]
st.title(t("Dashboard"))
days = st.segmented_control(t("Period"), [7, 30, 90], default=30,
                            format_func=lambda d: t("{n} days", n=d))
try:
    figures = api.dashboard(days or 30)
    thumbs_down = api.feedback_list("down")
except (ApiError, OSError) as exc:
    st.error(t("The API could not answer: {error}", error=md_escape(str(exc))))
    st.stop()

a, b, c, d = st.columns(4)
a.metric(t("Questions"), figures["questions"])
b.metric(t("Refused (not covered)"), f"{figures['refused_share']:.0%}")
c.metric(t("Thumbs down"), f"{figures['thumbs_down_share']:.0%}")
latency = figures["latency_ms"]
d.metric(t("Latency p50 / p95"), "—" if latency["p50"] is None
         else f"{latency['p50'] / 1000:.1f} / {latency['p95'] / 1000:.1f} s")

if figures["per_day"]:
    st.subheader(t("Questions per day"))
    st.bar_chart(pd.DataFrame(figures["per_day"]).set_index("day"),
                 y=["questions", "refused", "thumbs_down"], stack=False)
if figures["collection"]:
    st.subheader(t("Documents and chunks"))
    st.line_chart(pd.DataFrame(figures["collection"]).set_index("day"))

st.subheader(t("Questions the documents did not cover"))
st.caption(t("The content gaps to write: the most frequent questions that were refused."))
if figures["content_gaps"]:
    for gap in figures["content_gaps"]:
        st.html(passage_html(f"{gap['times']} × {gap['question']}"))
else:
    st.caption(t("None in this period."))

st.subheader(t("Thumbs down"))
for item in thumbs_down[:50]:
    with st.expander(md_escape(f"{item['question']} ({item['user'] or t('deleted user')})")):
        st.html(passage_html(f"Answer: {item['answer']}"))
        if item["comment"]:
            st.html(passage_html(f"Comment: {item['comment']}"))
st.download_button(t("Download thumbs-down answers as a test file (citeqa eval --qa)"),
                   data=api.feedback_export(), file_name="feedback.jsonl",
                   mime="application/x-ndjson", icon=":material/download:")
