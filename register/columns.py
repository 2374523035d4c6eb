"""Column definitions of the risk register (DESIGN section 7), as data.

The database side builds DataFrames whose column names are the ``key`` of these columns; the
writers take headers, number formats and colours from ``kind``. Nothing here imports Django.

Every table also carries the join key ``supplier_id`` (any hashable id, unique per supplier in
the register). It is not an output column: it only ties findings and actions to register rows so
that filtering the register filters them too.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

Kind = Literal[
    "text", "int", "score", "date", "datetime", "rating", "priority", "severity", "bool", "delta"
]
Language = Literal["en", "zh-Hans"]

LANGUAGES: tuple[str, ...] = ("en", "zh-Hans")
JOIN_KEY = "supplier_id"
# The id a linked cell's page is built from, per link kind (``Column.link``): the hidden column
# ``relationship_id`` for a supplier (its portal page is the buyer's relationship), the cell's
# own value for an audit or a corrective action.
LINK_ID_KEYS: dict[str, str | None] = {"supplier": "relationship_id", "audit": None, "action": None}
# Kept in a frame that has them, never written as a column: the supplier's page id (links) and
# its number of overdue critical actions (the summary, without reading every action).
HIDDEN_KEYS: tuple[str, ...] = ("relationship_id", "overdue_critical_actions")
# Per link kind, the text before and after the id of its page's absolute address.
Links = Mapping[str, tuple[str, str]]

# Readable words of coded values, per code list (a ``Column.codes``): ``{"rating": {"low":
# "Low risk", ...}, "bool": {True: "Yes", False: "No"}, ...}``. Built in the reader's language by
# ``register.labels.register_labels`` (Django's catalogue); the XLSX and CSV writers show these
# words, the JSON keeps the codes.
Labels = Mapping[str, Mapping[Any, str]]


@dataclass(frozen=True, slots=True)
class Column:
    """One output column: stable ``key``, English and Simplified Chinese header, value kind,
    ``codes``: the code list (a key of ``Labels``) whose words the XLSX and CSV show, and
    ``link``: the portal page its XLSX cells link to (``LINKS``)."""

    key: str
    en: str
    zh: str
    kind: Kind
    codes: str | None = None
    link: str | None = None

    def header(self, language: str) -> str:
        """The header in ``language`` (``en`` or ``zh-Hans``)."""
        return self.zh if language == "zh-Hans" else self.en


CATEGORIES: tuple[str, ...] = ("management", "employee", "environment", "market", "community")
SEVERITIES: tuple[str, ...] = ("critical", "major", "minor", "observation")
RATINGS: tuple[str, ...] = ("low", "medium", "high", "critical", "not_rated")
PRIORITIES: tuple[str, ...] = ("P1", "P2", "P3", "P4")
# The code of ``priority_note`` when the inherent risk is unknown and counted as medium.
PRIORITY_NOTE_INHERENT_UNKNOWN = "inherent_unknown"

CATEGORY_LABELS: dict[str, tuple[str, str]] = {
    "management": ("Management", "管理责任"),
    "employee": ("Employees", "员工责任"),
    "environment": ("Environment", "环境责任"),
    "market": ("Market", "市场责任"),
    "community": ("Community", "社区责任"),
}

REGISTER_COLUMNS: tuple[Column, ...] = (
    Column("buyer_ref", "Buyer ref", "采购方编号", "text"),
    Column("supplier_name", "Supplier", "供应商", "text", link="supplier"),
    Column("legal_id", "Legal ID", "统一社会信用代码", "text"),
    Column("country", "Country", "国家/地区", "text", "country"),
    Column("country_code", "Country code", "国家/地区代码", "text"),
    Column("industry", "Industry", "行业", "text", "industry"),
    Column("industry_code", "Industry code", "行业代码", "text"),
    Column("size_class", "Size", "企业规模", "text", "size_class"),
    Column("criticality", "Criticality", "重要程度", "text", "criticality"),
    Column("category", "Category", "采购类别", "text"),
    Column("inherent_risk", "Inherent risk", "固有风险", "rating", "inherent"),
    Column("last_audit_accepted_at", "Last audit accepted", "最近审核通过日期", "date"),
    Column("latest_audit_id", "Latest audit", "最近审核编号", "int", link="audit"),
    Column("questionnaire", "Questionnaire", "问卷", "text"),
    Column("ruleset", "Rule set", "规则集", "text"),
    Column("overall_score", "Overall score", "总分", "score"),
    *(
        Column(f"score_{cat}", f"{en} score", f"{zh}得分", "score")
        for cat, (en, zh) in CATEGORY_LABELS.items()
    ),
    Column("rating", "Rating", "风险评级", "rating", "rating"),
    Column("rating_band", "Score band", "得分区间评级", "rating", "rating"),
    Column("rating_reason", "Rating reason", "评级原因", "text"),
    Column("priority", "Priority", "优先级", "priority"),
    Column("priority_note", "Priority note", "优先级说明", "text", "priority_note"),
    Column("next_assessment_due", "Next assessment due", "下次评估到期日", "date"),
    Column("expired", "Score expired", "评分已过期", "bool", "bool"),
    Column("audit_status", "Audit in progress", "进行中的审核", "text", "audit_status"),
    Column("audit_due_date", "Audit due date", "审核截止日期", "date"),
    Column("audit_days_overdue", "Audit days overdue", "审核逾期天数", "int"),
    Column("open_findings_critical", "Open findings: critical", "未关闭发现项：严重", "int"),
    Column("open_findings_major", "Open findings: major", "未关闭发现项：主要", "int"),
    Column("open_findings_minor", "Open findings: minor", "未关闭发现项：次要", "int"),
    Column("open_findings_observation", "Open findings: observation", "未关闭发现项：观察", "int"),
    Column("open_actions", "Open actions", "未关闭整改措施", "int"),
    Column("overdue_actions", "Overdue actions", "逾期整改措施", "int"),
    Column("overdue_critical", "Overdue critical action", "存在逾期严重整改", "bool", "bool"),
    Column("next_due_date", "Next due date", "下一截止日期", "date"),
    Column("score_delta", "Change since previous audit", "较上次审核变化", "delta"),
    Column("previous_overall_score", "Previous overall score", "上次总分", "score"),
    Column("previous_rating", "Previous rating", "上次风险评级", "rating", "rating"),
    *(
        Column(f"delta_{cat}", f"Change: {en}", f"变化：{zh}", "delta")
        for cat, (en, zh) in CATEGORY_LABELS.items()
    ),
    # The latest assessment is one the supplier shared (issued by another buyer).
    Column("shared", "Shared by supplier", "供应商共享", "bool", "bool"),
)

# One row per accepted (and scored) audit and category: the supplier's score history.
HISTORY_COLUMNS: tuple[Column, ...] = (
    Column("supplier_name", "Supplier", "供应商", "text"),
    Column("audit_id", "Audit", "审核编号", "int"),
    Column("accepted_at", "Accepted", "审核通过日期", "date"),
    Column("ruleset", "Rule set", "规则集", "text"),
    Column("overall_score", "Overall score", "总分", "score"),
    Column("rating", "Rating", "风险评级", "rating", "rating"),
    Column("category", "Category", "类别", "text", "csr_category"),
    Column("category_score", "Category score", "类别得分", "score"),
    Column("category_delta", "Change since previous audit", "较上次审核变化", "delta"),
)

FINDING_COLUMNS: tuple[Column, ...] = (
    Column("supplier_name", "Supplier", "供应商", "text"),
    Column("audit_id", "Audit", "审核编号", "int"),
    Column("accepted_at", "Accepted", "审核通过日期", "date"),
    Column("rule_code", "Rule", "规则代码", "text"),
    Column("severity", "Severity", "严重程度", "severity", "severity"),
    Column("category", "Category", "类别", "text", "csr_category"),
    Column("title", "Finding", "发现项", "text"),
    Column("action_status", "Action status", "整改状态", "text", "action_status"),
    Column("due_date", "Due date", "截止日期", "date"),
)

ACTION_COLUMNS: tuple[Column, ...] = (
    Column("supplier_name", "Supplier", "供应商", "text"),
    Column("action_id", "Corrective action", "整改措施编号", "int", link="action"),
    Column("audit_id", "Audit", "审核编号", "int"),
    Column("finding_code", "Finding", "发现项代码", "text"),
    Column("severity", "Severity", "严重程度", "severity", "severity"),
    Column("status", "Status", "状态", "text", "action_status"),
    Column("due_date", "Due date", "截止日期", "date"),
    Column("overdue", "Overdue", "是否逾期", "bool", "bool"),
    Column("days_overdue", "Days overdue", "逾期天数", "int"),
    Column("owner", "Responsible", "负责人", "text"),
    Column("updated_at", "Last update", "最近更新", "datetime"),
)

# The Method sheet is a three-column table built from the ``method`` mapping.
METHOD_COLUMNS: tuple[Column, ...] = (
    Column("section", "Section", "项目", "text"),
    Column("item", "Item", "条目", "text"),
    Column("value", "Value", "取值", "text"),
)

METHOD_SECTIONS: dict[str, tuple[str, str]] = {
    "about": ("In plain words", "简要说明"),
    "ruleset": ("Rule set", "规则集"),
    "categories": ("Category weight", "类别权重"),
    "rating_bands": ("Rating band (minimum score)", "评级区间（最低分）"),
    "severity_floor": ("Severity floor", "严重程度评级下限"),
    "sla_days": ("Corrective action SLA (days)", "整改期限（天）"),
    "priority_formula": ("Priority", "优先级"),
}

# The topics of the plain-words explanation (``labels["method_text"]``), in display order.
METHOD_TOPICS: dict[str, tuple[str, str]] = {
    "score": ("Score", "得分"),
    "rating": ("Rating", "风险评级"),
    "inherent": ("Inherent risk", "固有风险"),
    "priority": ("Priority", "优先级"),
    "expiry": ("Expiry", "有效期"),
    "full_method": ("Full method", "完整方法"),
}

DEFAULT_PRIORITY_FORMULA: tuple[str, str] = (
    "rank(rating) + rank(inherent risk); rating low 0, medium 1, high 2, critical 3 "
    "(not yet assessed 2); inherent low 0, medium 1, high 2; P1 if >= 4, P2 if 3, P3 if 2, "
    "else P4",
    "评级等级 + 固有风险等级；评级 低 0、中 1、高 2、严重 3（未评估按 2）；固有风险 低 0、中 1、"
    "高 2；≥4 为 P1，3 为 P2，2 为 P3，其余为 P4",
)

# Summary figures, in display order: key -> (English label, Chinese label).
SUMMARY_FIGURES: dict[str, tuple[str, str]] = {
    "suppliers": ("Suppliers", "供应商数"),
    "assessed_suppliers": ("Assessed suppliers", "已评估供应商数"),
    "open_findings_critical": ("Open findings: critical", "未关闭发现项：严重"),
    "open_findings_major": ("Open findings: major", "未关闭发现项：主要"),
    "open_findings_minor": ("Open findings: minor", "未关闭发现项：次要"),
    "open_findings_observation": ("Open findings: observation", "未关闭发现项：观察"),
    "open_actions": ("Open corrective actions", "未关闭整改措施"),
    "overdue_actions": ("Overdue corrective actions", "逾期整改措施"),
    "overdue_critical_actions": ("Overdue critical actions", "逾期严重整改措施"),
}

SHEET_NAMES: dict[str, tuple[str, str]] = {
    "summary": ("Summary", "汇总"),
    "register": ("Register", "风险登记册"),
    "findings": ("Findings", "发现项"),
    "actions": ("Corrective actions", "整改措施"),
    "history": ("History", "历史记录"),
    "heat_map": ("Heat map", "风险热力图"),
    "method": ("Method", "评分方法"),
}

LABELS: dict[str, tuple[str, str]] = {
    "buyer": ("Buyer", "采购方"),
    "generated_at": ("Generated", "生成时间"),
    "figure": ("Figure", "指标"),
    "value": ("Value", "数值"),
    "rating": ("Rating", "风险评级"),
    "priority": ("Priority", "优先级"),
    "suppliers": ("Suppliers", "供应商数"),
    "category": ("Category", "类别"),
    "average_score": ("Average score", "平均得分"),
    "by_rating_title": ("Suppliers by rating", "按评级统计供应商"),
    "by_priority_title": ("Suppliers by priority", "按优先级统计供应商"),
    "avg_scores_title": ("Average category scores", "各类别平均得分"),
    "heat_map_title": (
        "Suppliers by inherent risk (rows) and rating (columns)",
        "按固有风险（行）与风险评级（列）统计供应商",
    ),
    "inherent_risk": ("Inherent risk", "固有风险"),
    "total": ("Total", "合计"),
}

# The rows of the heat map (inherent risk), the columns being ``RATINGS``.
INHERENT_LEVELS: tuple[str, ...] = ("low", "medium", "high", "unknown")


def label(table: dict[str, tuple[str, str]], key: str, language: str) -> str:
    """Look up a bilingual label; ``zh-Hans`` picks the Chinese text, anything else English."""
    en, zh = table[key]
    return zh if language == "zh-Hans" else en
