"""Regenerate the sample corpus in data/samples (fictional company: Halden Instruments).

Run: .venv/bin/python scripts/make_samples.py   (needs the test extra: reportlab)
The generated files are committed; this script documents exactly what is in them.
"""

from __future__ import annotations

from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "data" / "samples"

HANDBOOK_PAGES = [
    ("Welcome to Halden Instruments", [
        "Halden Instruments designs optical measurement instruments for laboratories. The company "
        "was founded in 2009 in Tromsø and today employs 240 people in three offices: Tromsø, "
        "Rotterdam and Austin.",
        "This handbook explains how we work together. The policies in it apply to every employee. "
        "Questions about the handbook go to the People team at people@halden.example.",
    ]),
    ("Working hours and remote work", [
        "The standard working week is 37.5 hours. Core hours, when everyone should be reachable, "
        "are 10:00 to 15:00 local time, Monday to Friday.",
        "Employees may work remotely up to three days per week after agreeing the schedule with "
        "their manager. Remote work from another country is limited to 20 working days per "
        "calendar year and must be approved by the People team in advance.",
    ]),
    ("Vacation and leave", [
        "Every full-time employee receives 25 days of paid annual leave per calendar year. "
        "Part-time employees receive leave in proportion to their contracted hours.",
        "Up to 5 unused vacation days may be carried over into the next year; carried-over days "
        "expire if they are not taken by March 31. Vacation requests longer than two weeks must "
        "be submitted at least 30 days in advance.",
        "Sick leave is paid in full for up to 12 weeks. A doctor's note is required from the "
        "fourth consecutive day of absence. Parents receive 16 weeks of paid parental leave, "
        "which can be split into at most three blocks.",
    ]),
    ("Equipment and IT security", [
        "New employees receive a laptop on their first day. Laptops must use full-disk "
        "encryption and lock the screen after 5 minutes of inactivity.",
        "Passwords must be at least 14 characters long. Multi-factor authentication is mandatory "
        "for email, the VPN and the expense portal. Lost or stolen devices must be reported to "
        "the IT help desk within 24 hours.",
    ]),
    ("Code of conduct", [
        "We expect respectful, honest behaviour towards colleagues, customers and suppliers. "
        "Gifts from suppliers worth more than 50 euros must be declined or reported to Legal.",
        "Concerns about misconduct can be raised anonymously through the ethics hotline, which "
        "is run by an independent provider and is available around the clock.",
    ]),
]

TRAVEL_DOCX = [
    ("h1", "Travel and Expense Reimbursement Policy"),
    ("p", "This policy applies to all business travel by Halden Instruments employees. It "
          "was last revised in January 2026."),
    ("h2", "Booking travel"),
    ("p", "All flights, trains and hotels are booked through the company travel portal, "
          "Wayfarer. Bookings made outside Wayfarer are only reimbursed if they were at least "
          "15 percent cheaper."),
    ("p", "Economy class is the standard for flights. Business class is allowed for flights "
          "longer than 6 hours."),
    ("h2", "Reimbursement limits"),
    ("p", "The travel reimbursement limit is 2,500 euros per trip. Trips expected to cost more "
          "need written approval from a department head before booking."),
    ("table", [["Expense", "Limit"],
               ["Hotel", "180 euros per night"],
               ["Meals", "60 euros per day"],
               ["Taxi and local transport", "40 euros per day"]]),
    ("h2", "Mileage"),
    ("p", "Employees who use their own car for business travel are reimbursed 0.30 euros per "
          "kilometre."),
    ("h2", "Submitting expenses"),
    ("p", "Expense claims must be submitted in the Expensa portal within 30 days after the "
          "trip ends. Receipts are required for every expense above 25 euros. Claims are paid "
          "with the next monthly salary."),
]

IT_FAQ = """# IT help desk FAQ

## How do I reach the IT help desk?
Call extension 4357 (HELP) or write to it@halden.example. The help desk is staffed from 08:00 to 18:00 on working days.

## How do I connect to the VPN?
Install the Halden VPN client from the software portal and sign in with your company account. Multi-factor authentication is required.

## How do I reset my password?
Go to https://password.halden.example and follow the steps. A new password must be at least 14 characters long.

## What is the guest Wi-Fi?
Guests use the network HaldenGuest. The password changes every Monday and is shown on the screen at reception.

## Can I install my own software?
Only software from the company software portal may be installed. Requests for other software go through the help desk and are reviewed by IT security within 3 working days.
"""

# Traditional Chinese, saved as Big5: benefits.
BENEFITS_ZH_HANT = """# 員工福利說明

## 健康補助
每位正職員工每年可申請新台幣一萬二千元的健康補助，用於健身房、健康檢查或眼鏡。申請時須附上收據。

## 教育訓練
公司每年為每位員工提供最多三萬元的進修補助。課程須與工作相關，並事先經主管核准。

## 員工餐廳
台北辦公室的員工餐廳於週一至週五中午提供免費午餐。
"""

# Simplified Chinese, saved as GBK: domestic travel in China.
TRAVEL_ZH_HANS = """# 国内出差规定

## 住宿标准
在中国境内出差时，住宿费用上限为每晚五百元人民币。一线城市（北京、上海、广州、深圳）的上限为每晚七百元人民币。

## 餐费补贴
出差期间每天的餐费补贴为一百五十元人民币，无需提供发票。

## 交通
高铁二等座为标准。出差结束后十五天内须在报销系统中提交报销申请。
"""

LEAVE_ZH_DOCX = [
    ("h1", "休假制度"),
    ("p", "本制度适用于哈尔登仪器中国分公司的全体员工。"),
    ("h2", "年假"),
    ("p", "入职满一年的员工每年享有十五天带薪年假。未休完的年假最多可顺延五天至次年六月三十日。"),
    ("h2", "病假"),
    ("p", "员工每年享有十天全薪病假。连续病假超过两天须提供医院证明。"),
    ("h2", "婚假"),
    ("p", "员工结婚可享受十天带薪婚假，须在领取结婚证后一年内休完。"),
]


def make_pdf(path: Path) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer

    styles = getSampleStyleSheet()
    story = [Paragraph("Halden Instruments Employee Handbook", styles["Title"])]
    for i, (title, paras) in enumerate(HANDBOOK_PAGES):
        if i:
            story.append(PageBreak())
        story.append(Paragraph(f"{i + 1}. {title}", styles["Heading1"]))
        for p in paras:
            story += [Paragraph(p, styles["BodyText"]), Spacer(1, 8)]
    doc = SimpleDocTemplate(str(path), pagesize=A4, title="Employee Handbook",
                            author="Halden Instruments", invariant=1)
    doc.build(story)


def make_docx(path: Path, blocks) -> None:
    import docx

    document = docx.Document()
    for kind, content in blocks:
        if kind == "h1":
            document.add_heading(content, level=1)
        elif kind == "h2":
            document.add_heading(content, level=2)
        elif kind == "p":
            document.add_paragraph(content)
        else:
            table = document.add_table(rows=len(content), cols=len(content[0]))
            for r, row in enumerate(content):
                for c, value in enumerate(row):
                    table.cell(r, c).text = value
    document.core_properties.author = "Halden Instruments"
    document.save(str(path))


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    make_pdf(OUT / "employee_handbook.pdf")
    make_docx(OUT / "travel_reimbursement_policy.docx", TRAVEL_DOCX)
    make_docx(OUT / "leave_policy_zh_hans.docx", LEAVE_ZH_DOCX)
    (OUT / "it_helpdesk_faq.md").write_text(IT_FAQ, encoding="utf-8")
    (OUT / "employee_benefits_zh_hant.txt").write_bytes(BENEFITS_ZH_HANT.encode("big5"))
    (OUT / "domestic_travel_zh_hans.txt").write_bytes(TRAVEL_ZH_HANS.encode("gbk"))
    print(f"wrote {len(list(OUT.iterdir()))} files to {OUT}")


if __name__ == "__main__":
    main()
