"""Word pools and name generators for the demo data. Pure: a `random.Random` comes in, text goes out.

Every character of the pools is simplified and left alone by OpenCC's t2s (乾 is not: t2s turns
it into 干, so it is not in the pools); only place names from the region data (乾安县, 乾县) can
make a name's search key differ from the name.
"""

from __future__ import annotations

import random

# Prefecture-level names that are not places one would put in a company name.
GENERIC_PREFECTURES = frozenset({"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"})

_AUTONOMY_SUFFIXES = ("自治区", "自治州", "自治县", "自治旗")
_PLAIN_SUFFIXES = ("特别行政区", "林区", "新区", "地区", "特区", "盟", "区", "县", "市", "旗", "省")
# Ethnic names that follow the place name in autonomous units (秀山土家族苗族自治县 → 秀山).
_ETHNIC = (
    "维吾尔",
    "土家族",
    "苗族",
    "回族",
    "蒙古族",
    "蒙古",
    "藏族",
    "彝族",
    "壮族",
    "满族",
    "侗族",
    "瑶族",
    "白族",
    "哈尼族",
    "傣族",
    "黎族",
    "畲族",
    "羌族",
    "布依族",
    "仡佬族",
    "水族",
    "纳西族",
    "傈僳族",
    "拉祜族",
    "佤族",
    "景颇族",
    "布朗族",
    "普米族",
    "怒族",
    "独龙族",
    "哈萨克",
    "柯尔克孜",
    "锡伯",
    "塔吉克",
    "裕固族",
    "东乡族",
    "保安族",
    "撒拉族",
    "土族",
    "达斡尔族",
    "鄂温克族",
    "鄂伦春族",
    "朝鲜族",
    "各族",
    "毛南族",
    "仫佬族",
    "京族",
)


def short_name(name: str) -> str:
    """The short form of a division name as used in company names: 荣昌区 → 荣昌,
    秀山土家族苗族自治县 → 秀山, 内蒙古自治区 → 内蒙古, 浦东新区 → 浦东. Two-character names keep
    their suffix (和县, 城区)."""
    for suffix in _AUTONOMY_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            stem = name[: -len(suffix)]
            cut = min((i for e in _ETHNIC if (i := stem.find(e)) >= 2), default=len(stem))
            return stem[:cut]
    for suffix in _PLAIN_SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


# 字号: two characters drawn from words firms like in their trade names.
TRADE_NAME_CHARS = (
    "鑫瑞华盛泰丰源通达宏远恒昌兴隆金银聚福祥和顺安康嘉德美佳优品尚汇鼎益诚信天宇博创新锐智慧云海"
    "星辰光明辉煌晨阳春秋景润泽宝利元亨道合众邦凯越腾飞雅韵锦绣正方圆融汇川江河湖山林竹梅兰菊"
    "旺升荣启航骏驰翔鹏彩虹蓝绿青紫朗晴悦欣乐享家和坤晟昊煜炜琪璟瑜"
)

INDUSTRY_WORDS: dict[str, tuple[str, ...]] = {
    "retail": ("电子商务", "网络科技", "商贸", "电子商务", "日用品", "服饰", "农特产品", "食品"),
    "wholesale": ("贸易", "供应链", "商贸", "进出口", "供应链管理", "国际贸易"),
    "software": ("信息技术", "软件", "网络科技", "数字科技", "智能科技", "大数据"),
    "info_transmission": ("互联网科技", "信息服务", "网络传媒", "数字传媒", "直播科技"),
    "warehousing": ("仓储", "供应链", "冷链物流", "仓储服务"),
    "postal": ("快递", "速递", "物流", "配送服务"),
    "industry": ("实业", "工贸", "食品", "服饰", "家居用品", "陶瓷"),
    "agriculture": ("农业开发", "生态农业", "农业科技", "果蔬", "茶业"),
    "leasing_business": ("电商服务", "企业管理", "品牌管理", "营销策划", "文化传媒", "电子商务服务"),
    "other": ("科技", "文化", "发展", "实业"),
}

MAIN_BUSINESS: dict[str, tuple[str, ...]] = {
    "retail": ("网络零售（服装鞋帽）", "网络零售（农特产品）", "网络零售（日用百货）", "直播电商", "社交电商"),
    "wholesale": ("B2B 批发", "跨境电商出口", "跨境电商进口", "网上批发（小商品）"),
    "software": ("电商平台开发", "电商 SaaS 服务", "数据分析服务", "小程序开发"),
    "info_transmission": ("互联网信息服务", "直播平台运营", "网络广告"),
    "warehousing": ("电商仓储", "云仓服务", "冷链仓储"),
    "postal": ("快递服务", "同城配送", "农村物流配送"),
    "industry": ("产品生产及网络销售", "工厂直销", "食品加工及网销"),
    "agriculture": ("农产品种植及网销", "生鲜电商", "特色农产品上行"),
    "leasing_business": ("电商代运营", "电商培训", "品牌营销", "摄影美工外包"),
    "other": ("综合服务", "文化创意"),
}

COMPANY_FORMS = ("有限公司", "有限公司", "有限公司", "有限责任公司", "股份有限公司")
INDIVIDUAL_FORMS = ("商行", "经营部", "网店", "商贸行", "电商服务部")
COOPERATIVE_GOODS = ("蔬菜", "水果", "茶叶", "中药材", "畜禽养殖", "水产养殖", "食用菌", "粮油", "花卉苗木")

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN_CHARS = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏飞辉建国志文斌宇浩凯婷雪琳晶欣怡佳颖"
    "俊峰宁波新民海燕丹梅琴云莉亮晨阳慧雯倩博然鑫瑶嘉豪子涵若曦思远一鸣"
)
PHONE_PREFIXES = tuple(
    f"{n}"
    for n in (
        *range(130, 140),
        150,
        151,
        152,
        153,
        *range(155, 160),
        166,
        *range(173, 179),
        *range(180, 190),
        191,
        198,
        199,
    )
)

BASE_PATTERNS = (
    "电子商务产业园",
    "电子商务产业园",
    "电商产业园",
    "电子商务创业园",
    "电子商务示范基地",
    "跨境电子商务产业园",
    "网络经济产业园",
    "数字经济产业园",
    "电子商务孵化园",
    "电商物流园",
    "电子商务集聚区",
    "农村电子商务产业园",
    "直播电商基地",
    "电子商务总部基地",
    "电子商务创新港",
    "电商小镇",
)
OPERATOR_FORMS = (
    "产业园运营管理有限公司",
    "投资发展有限公司",
    "电子商务发展有限公司",
    "科技园开发建设有限公司",
    "产业发展集团有限公司",
)
ROADS = (
    "创业大道",
    "科技路",
    "长江路",
    "人民路",
    "滨江路",
    "金桥路",
    "文化路",
    "新华路",
    "商贸大道",
    "高新大道",
    "工业园路",
    "电商路",
    "迎宾大道",
    "解放路",
    "建设路",
)


def trade_name(rng: random.Random) -> str:
    a, b = rng.sample(TRADE_NAME_CHARS, 2)
    return a + b


def person_name(rng: random.Random) -> str:
    given = rng.choice(GIVEN_CHARS) + (rng.choice(GIVEN_CHARS) if rng.random() < 0.7 else "")
    return rng.choice(SURNAMES) + given


def phone(rng: random.Random) -> str:
    """A mobile number of the right shape; demo data only (not a real subscriber)."""
    return rng.choice(PHONE_PREFIXES) + f"{rng.randrange(10**8):08d}"


def company_name(rng: random.Random, place: str, category: str, industry: str) -> str:
    """A name after the rule 行政区划 + 字号 + 行业 + 组织形式."""
    mark = trade_name(rng)
    if category == "cooperative":
        return f"{place}{mark}{rng.choice(COOPERATIVE_GOODS)}专业合作社"
    word = rng.choice(INDUSTRY_WORDS[industry])
    if category == "individual":
        return f"{place}{mark}{word}{rng.choice(INDIVIDUAL_FORMS)}"
    return f"{place}{mark}{word}{rng.choice(COMPANY_FORMS)}"


def base_name(rng: random.Random, place: str) -> str:
    return place + rng.choice(BASE_PATTERNS)


def operator_name(rng: random.Random, place: str) -> str:
    return place + trade_name(rng) + rng.choice(OPERATOR_FORMS)


def address(rng: random.Random, full_place: str) -> str:
    return f"{full_place}{rng.choice(ROADS)}{rng.randint(1, 999)}号"
