"""ISIC Rev.4 divisions (two-digit codes) with English and Simplified Chinese names.

``Organization.industry`` holds one of these codes; services and serializers validate against
:data:`INDUSTRIES`. Names follow the UN Statistics Division's published titles.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .languages import to_content_language

# code -> (English, 简体中文)
INDUSTRIES: dict[str, tuple[str, str]] = {
    "01": (
        "Crop and animal production, hunting and related service activities",
        "作物和牲畜生产、狩猎和相关服务活动",
    ),
    "02": ("Forestry and logging", "林业与伐木业"),
    "03": ("Fishing and aquaculture", "渔业与水产养殖"),
    "05": ("Mining of coal and lignite", "煤和褐煤的开采"),
    "06": ("Extraction of crude petroleum and natural gas", "原油和天然气的开采"),
    "07": ("Mining of metal ores", "金属矿开采"),
    "08": ("Other mining and quarrying", "其他采矿和采石"),
    "09": ("Mining support service activities", "采矿支助服务活动"),
    "10": ("Manufacture of food products", "食品的制造"),
    "11": ("Manufacture of beverages", "饮料的制造"),
    "12": ("Manufacture of tobacco products", "烟草制品的制造"),
    "13": ("Manufacture of textiles", "纺织品的制造"),
    "14": ("Manufacture of wearing apparel", "服装的制造"),
    "15": ("Manufacture of leather and related products", "皮革和相关产品的制造"),
    "16": (
        "Manufacture of wood and of products of wood and cork, except furniture; manufacture of articles of straw and plaiting materials",
        "木材、木材制品和软木制品的制造（家具除外）；草编制品及编织材料物品的制造",
    ),
    "17": ("Manufacture of paper and paper products", "纸和纸制品的制造"),
    "18": ("Printing and reproduction of recorded media", "印刷和记录媒介的复制"),
    "19": ("Manufacture of coke and refined petroleum products", "焦炭和精炼石油产品的制造"),
    "20": ("Manufacture of chemicals and chemical products", "化学品及化学制品的制造"),
    "21": (
        "Manufacture of basic pharmaceutical products and pharmaceutical preparations",
        "基本医药产品和医药制剂的制造",
    ),
    "22": ("Manufacture of rubber and plastics products", "橡胶和塑料制品的制造"),
    "23": ("Manufacture of other non-metallic mineral products", "其他非金属矿物制品的制造"),
    "24": ("Manufacture of basic metals", "基本金属的制造"),
    "25": (
        "Manufacture of fabricated metal products, except machinery and equipment",
        "金属制品的制造（机械和设备除外）",
    ),
    "26": (
        "Manufacture of computer, electronic and optical products",
        "计算机、电子和光学产品的制造",
    ),
    "27": ("Manufacture of electrical equipment", "电力设备的制造"),
    "28": ("Manufacture of machinery and equipment n.e.c.", "未另分类的机械和设备的制造"),
    "29": ("Manufacture of motor vehicles, trailers and semi-trailers", "汽车、挂车和半挂车的制造"),
    "30": ("Manufacture of other transport equipment", "其他运输设备的制造"),
    "31": ("Manufacture of furniture", "家具的制造"),
    "32": ("Other manufacturing", "其他制造业"),
    "33": ("Repair and installation of machinery and equipment", "机械和设备的修理和安装"),
    "35": ("Electricity, gas, steam and air conditioning supply", "电、煤气、蒸汽和空调的供应"),
    "36": ("Water collection, treatment and supply", "集水、水处理与水供应"),
    "37": ("Sewerage", "污水处理"),
    "38": (
        "Waste collection, treatment and disposal activities; materials recovery",
        "废物的收集、处理和处置活动；材料回收",
    ),
    "39": (
        "Remediation activities and other waste management services",
        "补救活动和其他废物管理服务",
    ),
    "41": ("Construction of buildings", "建筑物的建造"),
    "42": ("Civil engineering", "土木工程"),
    "43": ("Specialized construction activities", "专门建筑活动"),
    "45": (
        "Wholesale and retail trade and repair of motor vehicles and motorcycles",
        "汽车和摩托车的批发、零售和修理",
    ),
    "46": (
        "Wholesale trade, except of motor vehicles and motorcycles",
        "批发贸易（汽车和摩托车除外）",
    ),
    "47": (
        "Retail trade, except of motor vehicles and motorcycles",
        "零售贸易（汽车和摩托车除外）",
    ),
    "49": ("Land transport and transport via pipelines", "陆路运输与管道运输"),
    "50": ("Water transport", "水上运输"),
    "51": ("Air transport", "航空运输"),
    "52": ("Warehousing and support activities for transportation", "储存和运输辅助活动"),
    "53": ("Postal and courier activities", "邮政和快递活动"),
    "55": ("Accommodation", "住宿"),
    "56": ("Food and beverage service activities", "餐饮服务活动"),
    "58": ("Publishing activities", "出版活动"),
    "59": (
        "Motion picture, video and television programme production, sound recording and music publishing activities",
        "电影、录像和电视节目的制作、录音及音乐出版活动",
    ),
    "60": ("Programming and broadcasting activities", "节目编排和广播活动"),
    "61": ("Telecommunications", "电信"),
    "62": (
        "Computer programming, consultancy and related activities",
        "计算机程序设计、咨询及相关活动",
    ),
    "63": ("Information service activities", "信息服务活动"),
    "64": (
        "Financial service activities, except insurance and pension funding",
        "金融服务活动（保险和养恤金除外）",
    ),
    "65": (
        "Insurance, reinsurance and pension funding, except compulsory social security",
        "保险、再保险和养恤金（强制性社会保障除外）",
    ),
    "66": (
        "Activities auxiliary to financial service and insurance activities",
        "金融服务和保险辅助活动",
    ),
    "68": ("Real estate activities", "房地产活动"),
    "69": ("Legal and accounting activities", "法律和会计活动"),
    "70": (
        "Activities of head offices; management consultancy activities",
        "总部活动；管理咨询活动",
    ),
    "71": (
        "Architectural and engineering activities; technical testing and analysis",
        "建筑和工程活动；技术测试和分析",
    ),
    "72": ("Scientific research and development", "科学研究与开发"),
    "73": ("Advertising and market research", "广告业和市场调研"),
    "74": ("Other professional, scientific and technical activities", "其他专业、科学和技术活动"),
    "75": ("Veterinary activities", "兽医活动"),
    "77": ("Rental and leasing activities", "出租和租赁活动"),
    "78": ("Employment activities", "就业活动"),
    "79": (
        "Travel agency, tour operator, reservation service and related activities",
        "旅行社、旅游经营者、预订服务及相关活动",
    ),
    "80": ("Security and investigation activities", "保安和调查活动"),
    "81": ("Services to buildings and landscape activities", "建筑物和园林服务活动"),
    "82": (
        "Office administrative, office support and other business support activities",
        "办公室行政、办公支助和其他商务支助活动",
    ),
    "84": (
        "Public administration and defence; compulsory social security",
        "公共管理与国防；强制性社会保障",
    ),
    "85": ("Education", "教育"),
    "86": ("Human health activities", "人体健康活动"),
    "87": ("Residential care activities", "留宿护理活动"),
    "88": ("Social work activities without accommodation", "不配备食宿的社会工作活动"),
    "90": ("Creative, arts and entertainment activities", "创作、艺术和娱乐活动"),
    "91": (
        "Libraries, archives, museums and other cultural activities",
        "图书馆、档案馆、博物馆及其他文化活动",
    ),
    "92": ("Gambling and betting activities", "赌博和博彩活动"),
    "93": ("Sports activities and amusement and recreation activities", "体育活动和娱乐休闲活动"),
    "94": ("Activities of membership organizations", "会员组织的活动"),
    "95": (
        "Repair of computers and personal and household goods",
        "计算机以及个人和家庭用品的修理",
    ),
    "96": ("Other personal service activities", "其他个人服务活动"),
    "97": (
        "Activities of households as employers of domestic personnel",
        "家庭作为家政人员雇主的活动",
    ),
    "98": (
        "Undifferentiated goods- and services-producing activities of private households for own use",
        "私人家庭为自用而进行的无差别货物和服务生产活动",
    ),
    "99": ("Activities of extraterritorial organizations and bodies", "域外组织和机构的活动"),
}


def normalize_industry(code: object) -> str:
    """``"1"``, ``" 14 "``, ``14`` or ``"14.0"`` (a spreadsheet number) -> ``"14"`` / ``"01"``."""
    text = str(code if code is not None else "").strip()
    if text.endswith(".0"):
        text = text[:-2]
    if text.isdigit() and len(text) == 1:
        text = "0" + text
    return text


def is_industry(code: object) -> bool:
    return normalize_industry(code) in INDUSTRIES


def industry_name(code: str, language: str | None = "en") -> str:
    """The division's name in ``language`` (content tag), or the code itself when unknown."""
    names = INDUSTRIES.get(normalize_industry(code))
    if names is None:
        return code
    return names[1] if to_content_language(language) == "zh-Hans" else names[0]


def industry_choices(language: str | None = "en") -> list[tuple[str, str]]:
    return [(code, f"{code} {industry_name(code, language)}") for code in INDUSTRIES]


def validate_industry(code: object) -> str:
    """The normalized code, or a ValidationError naming the bad value."""
    normalized = normalize_industry(code)
    if normalized not in INDUSTRIES:
        raise ValidationError(
            _("'%(code)s' is not an ISIC Rev.4 division (two digits, 01-99)."),
            code="invalid_industry",
            params={"code": code},
        )
    return normalized
