"""Demo catalog (R-PRC-1): 60 fire-equipment products in 8 categories (the extinguishers in
three sub-categories), with their units, other units (1 箱 = 4 具 ...), installation,
warranty, inspection cycle and service life. Made through the catalog services by the sales
director. Deterministic: the product codes below are stable, so the pricing, quote and
contract demos can refer to products by code (``product_ids()`` maps code → id).

Product codes (category: codes):
- 干粉灭火器 EXT-DP: MFZ-ABC1, MFZ-ABC2, MFZ-ABC3, MFZ-ABC4, MFZ-ABC5, MFZ-ABC8,
  MFZL-ABC4 (储压式), MFTZ-ABC35 (推车式), MFTZ-ABC50 (推车式)
- 二氧化碳灭火器 EXT-CO2: MT-2, MT-3, MT-5, MT-7, MTT-24 (推车式)
- 泡沫/水基灭火器 EXT-FW: MPZ-6, MPZ-9, MSZ-3, MSZ-6, MPTZ-45 (推车式)
- 消火栓 HYD: SN65, SN65-R (减压稳压), SNW65, SS100, SS150, SA100 (地下), XHX-A (消火栓箱),
  XHX-B (组合式消火栓箱), XBX (水泵接合器)
- 水带水枪 HOSE: HOSE-65-20, HOSE-65-25, HOSE-50-20, QZ19, QZG-65 (多功能水枪),
  JPS0.8-19 (消防软管卷盘)
- 火灾报警 ALARM: JTY-GD-G3, JTW-ZCD-G3N, JTF-GOM (感烟感温复合), J-SAP-8401 (手报),
  J-SAM-GST9121 (消火栓按钮), HX-100B (声光警报器), JB-QB-GST200 (控制器),
  JB-QG-GST5000 (柜式控制器), GST-LD-8301 (输入模块), GST-LD-8305 (输入输出模块)
- 自动喷淋 SPR: ZSTX15-68, ZSTX15-93, ZSTZ15-68 (直立), ZSTDY15-68 (隐蔽), ZSFZ100 (湿式
  报警阀组), ZSFZ150, ZSJZ100 (水流指示器), ZSPM-80 (末端试水装置), XBD-40 (消防泵)
- 应急照明与疏散指示 EMG: ZFJC-E3W, ZFZD-E1W-A (出口), ZFZD-E1W-L (左向), ZFZD-E1W-R (右向),
  ZFZD-E1W-DM (地埋), ZFJC-E5W-X (集中电源型)
- 防火门 DOOR: GFM-1021-A1.5, GFM-1521-A1.0, GFM-1221-A0.5, MFM-1021-A1.0 (木质)
- 消防器材配套 ACC: XMJ-4 (灭火器箱), XMJ-2, TZL30 (过滤式自救呼吸器), ZFMH-1 (消防服)

Units: 具, 个, 套, 台, 根, 米, 樘, 箱; other units e.g. 1 箱 = 4 具 (4 kg extinguishers),
1 箱 = 20 个 (detectors), 1 米 = 0.05 根 (20-metre hoses, also sold by the metre).
"""

from __future__ import annotations

from typing import Any

from xiaoguan.catalog.models import Product, Unit
from xiaoguan.catalog.services.products import (
    CategoryData,
    ProductData,
    ProductUnitData,
    UnitData,
    category_create,
    product_create,
    product_deactivate,
)

UNITS = [
    ("JU", "具"),
    ("GE", "个"),
    ("TAO", "套"),
    ("TAI", "台"),
    ("GEN", "根"),
    ("M", "米"),
    ("TANG", "樘"),
    ("XIANG", "箱"),
]

# code, name, parent code, position
CATEGORIES = [
    ("EXT", "灭火器", None, 10),
    ("EXT-DP", "干粉灭火器", "EXT", 11),
    ("EXT-CO2", "二氧化碳灭火器", "EXT", 12),
    ("EXT-FW", "泡沫及水基灭火器", "EXT", 13),
    ("HYD", "消火栓", None, 20),
    ("HOSE", "水带水枪", None, 30),
    ("ALARM", "火灾自动报警", None, 40),
    ("SPR", "自动喷水灭火系统", None, 50),
    ("EMG", "应急照明与疏散指示", None, 60),
    ("DOOR", "防火门", None, 70),
    ("ACC", "消防器材配套", None, 80),
]

# Extinguishers: 12-month inspection (GB 50444); service life by agent: dry powder 10 years,
# CO2 12, foam and water-based 6.
_EXT = {"inspection_cycle_months": 12, "warranty_months": 12}

# code, name, model, spec, category, unit, other units, fields
PRODUCTS: list[tuple[str, str, str, str, str, str, dict[str, Any], dict[str, Any]]] = [
    ("MFZ-ABC1", "手提式干粉灭火器", "MFZ/ABC1", "1kg ABC 干粉", "EXT-DP", "具", {"箱": 10}, {**_EXT, "service_life_years": 10}),
    ("MFZ-ABC2", "手提式干粉灭火器", "MFZ/ABC2", "2kg ABC 干粉", "EXT-DP", "具", {"箱": 8}, {**_EXT, "service_life_years": 10}),
    ("MFZ-ABC3", "手提式干粉灭火器", "MFZ/ABC3", "3kg ABC 干粉", "EXT-DP", "具", {"箱": 6}, {**_EXT, "service_life_years": 10}),
    ("MFZ-ABC4", "手提式干粉灭火器", "MFZ/ABC4", "4kg ABC 干粉，2A 55B", "EXT-DP", "具", {"箱": 4}, {**_EXT, "service_life_years": 10}),
    ("MFZ-ABC5", "手提式干粉灭火器", "MFZ/ABC5", "5kg ABC 干粉，3A 89B", "EXT-DP", "具", {"箱": 4}, {**_EXT, "service_life_years": 10}),
    ("MFZ-ABC8", "手提式干粉灭火器", "MFZ/ABC8", "8kg ABC 干粉，4A 144B", "EXT-DP", "具", {"箱": 2}, {**_EXT, "service_life_years": 10}),
    ("MFZL-ABC4", "手提式储压干粉灭火器", "MFZL/ABC4", "4kg ABC 干粉，储压式带压力表", "EXT-DP", "具", {"箱": 4}, {**_EXT, "service_life_years": 10}),
    ("MFTZ-ABC35", "推车式干粉灭火器", "MFTZ/ABC35", "35kg ABC 干粉", "EXT-DP", "具", {}, {**_EXT, "service_life_years": 10}),
    ("MFTZ-ABC50", "推车式干粉灭火器", "MFTZ/ABC50", "50kg ABC 干粉", "EXT-DP", "具", {}, {**_EXT, "service_life_years": 10}),
    ("MT-2", "手提式二氧化碳灭火器", "MT/2", "2kg CO₂", "EXT-CO2", "具", {"箱": 4}, {**_EXT, "service_life_years": 12}),
    ("MT-3", "手提式二氧化碳灭火器", "MT/3", "3kg CO₂，21B", "EXT-CO2", "具", {"箱": 4}, {**_EXT, "service_life_years": 12}),
    ("MT-5", "手提式二氧化碳灭火器", "MT/5", "5kg CO₂，34B", "EXT-CO2", "具", {"箱": 2}, {**_EXT, "service_life_years": 12}),
    ("MT-7", "手提式二氧化碳灭火器", "MT/7", "7kg CO₂，55B", "EXT-CO2", "具", {"箱": 2}, {**_EXT, "service_life_years": 12}),
    ("MTT-24", "推车式二氧化碳灭火器", "MTT/24", "24kg CO₂", "EXT-CO2", "具", {}, {**_EXT, "service_life_years": 12}),
    ("MPZ-6", "手提式泡沫灭火器", "MPZ/6", "6L AFFF 泡沫", "EXT-FW", "具", {"箱": 4}, {**_EXT, "service_life_years": 6}),
    ("MPZ-9", "手提式泡沫灭火器", "MPZ/9", "9L AFFF 泡沫", "EXT-FW", "具", {"箱": 2}, {**_EXT, "service_life_years": 6}),
    ("MSZ-3", "手提式水基型灭火器", "MSZ/3", "3L 水基型", "EXT-FW", "具", {"箱": 6}, {**_EXT, "service_life_years": 6}),
    ("MSZ-6", "手提式水基型灭火器", "MSZ/6", "6L 水基型", "EXT-FW", "具", {"箱": 4}, {**_EXT, "service_life_years": 6}),
    ("MPTZ-45", "推车式泡沫灭火器", "MPTZ/45", "45L AFFF 泡沫", "EXT-FW", "具", {}, {**_EXT, "service_life_years": 6}),
    ("SN65", "室内消火栓", "SN65", "DN65 旋转式，铜芯", "HYD", "套", {}, {"warranty_months": 24, "service_life_years": 15}),
    ("SN65-R", "减压稳压型室内消火栓", "SNJ65", "DN65 减压稳压", "HYD", "套", {}, {"warranty_months": 24, "service_life_years": 15}),
    ("SNW65", "旋转减压稳压室内消火栓", "SNZW65", "DN65 旋转减压稳压", "HYD", "套", {}, {"warranty_months": 24, "service_life_years": 15}),
    ("SS100", "室外地上式消火栓", "SS100/65-1.6", "DN100，1.6MPa", "HYD", "套", {}, {"needs_installation": True, "warranty_months": 24, "inspection_cycle_months": 12, "service_life_years": 20}),
    ("SS150", "室外地上式消火栓", "SS150/80-1.6", "DN150，1.6MPa", "HYD", "套", {}, {"needs_installation": True, "warranty_months": 24, "inspection_cycle_months": 12, "service_life_years": 20}),
    ("SA100", "室外地下式消火栓", "SA100/65-1.6", "DN100，1.6MPa，地下式", "HYD", "套", {}, {"needs_installation": True, "warranty_months": 24, "inspection_cycle_months": 12, "service_life_years": 20}),
    ("XHX-A", "室内消火栓箱", "SG24A65-J", "800×650×240，明装，不锈钢门", "HYD", "套", {}, {"warranty_months": 24}),
    ("XHX-B", "组合式消防柜", "SG24D65Z-J", "1800×700×240，含灭火器箱位", "HYD", "套", {}, {"needs_installation": True, "warranty_months": 24}),
    ("XBX", "消防水泵接合器", "SQS100-1.6", "DN100，地上式", "HYD", "套", {}, {"needs_installation": True, "warranty_months": 24, "inspection_cycle_months": 12, "service_life_years": 20}),
    ("HOSE-65-20", "有衬里消防水带", "13-65-20", "DN65，1.3MPa，20米，聚氨酯衬里", "HOSE", "根", {"箱": 10, "米": "0.05"}, {"warranty_months": 12, "service_life_years": 5}),
    ("HOSE-65-25", "有衬里消防水带", "13-65-25", "DN65，1.3MPa，25米，聚氨酯衬里", "HOSE", "根", {"箱": 10, "米": "0.04"}, {"warranty_months": 12, "service_life_years": 5}),
    ("HOSE-50-20", "有衬里消防水带", "10-50-20", "DN50，1.0MPa，20米", "HOSE", "根", {"箱": 10, "米": "0.05"}, {"warranty_months": 12, "service_life_years": 5}),
    ("QZ19", "直流水枪", "QZ3.5/7.5", "Φ19 喷嘴，铝合金", "HOSE", "个", {"箱": 20}, {"warranty_months": 12}),
    ("QZG-65", "多功能消防水枪", "QLD6.0/8Ⅲ", "直流喷雾可调", "HOSE", "个", {"箱": 10}, {"warranty_months": 12}),
    ("JPS0.8-19", "消防软管卷盘", "JPS0.8-19/30", "Φ19 软管 30 米", "HOSE", "套", {}, {"warranty_months": 12, "inspection_cycle_months": 12, "service_life_years": 10}),
    ("JTY-GD-G3", "点型光电感烟火灾探测器", "JTY-GD-G3", "编码型，二总线", "ALARM", "个", {"箱": 20}, {"needs_installation": True, "warranty_months": 24, "inspection_cycle_months": 12, "service_life_years": 12}),
    ("JTW-ZCD-G3N", "点型感温火灾探测器", "JTW-ZCD-G3N", "A2R 差定温，编码型", "ALARM", "个", {"箱": 20}, {"needs_installation": True, "warranty_months": 24, "inspection_cycle_months": 12, "service_life_years": 12}),
    ("JTF-GOM", "感烟感温复合探测器", "JTF-GOM-GST601", "光电感烟+差定温", "ALARM", "个", {"箱": 20}, {"needs_installation": True, "warranty_months": 24, "inspection_cycle_months": 12, "service_life_years": 12}),
    ("J-SAP-8401", "手动火灾报警按钮", "J-SAP-8401", "带电话插孔，编码型", "ALARM", "个", {"箱": 20}, {"needs_installation": True, "warranty_months": 24, "inspection_cycle_months": 12}),
    ("J-SAM-GST9121", "消火栓按钮", "J-SAM-GST9121", "编码型，可复位", "ALARM", "个", {"箱": 20}, {"needs_installation": True, "warranty_months": 24, "inspection_cycle_months": 12}),
    ("HX-100B", "火灾声光警报器", "HX-100B", "DC24V，≥85dB", "ALARM", "个", {"箱": 20}, {"needs_installation": True, "warranty_months": 24, "inspection_cycle_months": 12}),
    ("JB-QB-GST200", "火灾报警控制器（联动型）", "JB-QB-GST200", "壁挂式，2 回路，242 点", "ALARM", "台", {}, {"needs_installation": True, "warranty_months": 24, "inspection_cycle_months": 12, "service_life_years": 12}),
    ("JB-QG-GST5000", "火灾报警控制器（柜式）", "JB-QG-GST5000", "柜式，最多 20 回路", "ALARM", "台", {}, {"needs_installation": True, "warranty_months": 24, "inspection_cycle_months": 12, "service_life_years": 12}),
    ("GST-LD-8301", "输入模块", "GST-LD-8301", "单输入，编码型", "ALARM", "个", {"箱": 20}, {"needs_installation": True, "warranty_months": 24}),
    ("GST-LD-8305", "输入输出模块", "GST-LD-8305", "单输入单输出，编码型", "ALARM", "个", {"箱": 20}, {"needs_installation": True, "warranty_months": 24}),
    ("ZSTX15-68", "下垂型洒水喷头", "ZSTX15-68℃", "K80，68℃ 玻璃球，标准响应", "SPR", "个", {"箱": 100}, {"needs_installation": True, "warranty_months": 24, "service_life_years": 10}),
    ("ZSTX15-93", "下垂型洒水喷头", "ZSTX15-93℃", "K80，93℃ 玻璃球，厨房用", "SPR", "个", {"箱": 100}, {"needs_installation": True, "warranty_months": 24, "service_life_years": 10}),
    ("ZSTZ15-68", "直立型洒水喷头", "ZSTZ15-68℃", "K80，68℃ 玻璃球", "SPR", "个", {"箱": 100}, {"needs_installation": True, "warranty_months": 24, "service_life_years": 10}),
    ("ZSTDY15-68", "隐蔽型洒水喷头", "ZSTDY15-68℃", "K80，68℃，带装饰盖", "SPR", "个", {"箱": 50}, {"needs_installation": True, "warranty_months": 24, "service_life_years": 10}),
    ("ZSFZ100", "湿式报警阀组", "ZSFZ100-1.6", "DN100，含延迟器、水力警铃", "SPR", "套", {}, {"needs_installation": True, "warranty_months": 24, "inspection_cycle_months": 12, "service_life_years": 20}),
    ("ZSFZ150", "湿式报警阀组", "ZSFZ150-1.6", "DN150，含延迟器、水力警铃", "SPR", "套", {}, {"needs_installation": True, "warranty_months": 24, "inspection_cycle_months": 12, "service_life_years": 20}),
    ("ZSJZ100", "水流指示器", "ZSJZ100", "DN100，马鞍式", "SPR", "个", {}, {"needs_installation": True, "warranty_months": 24, "inspection_cycle_months": 12}),
    ("ZSPM-80", "末端试水装置", "ZSPM-80/1.2", "DN25，含压力表", "SPR", "套", {}, {"needs_installation": True, "warranty_months": 24, "inspection_cycle_months": 12}),
    ("XBD-40", "消防喷淋泵", "XBD4.0/30G-L", "30L/s，0.40MPa，55kW", "SPR", "台", {}, {"needs_installation": True, "warranty_months": 18, "inspection_cycle_months": 12, "service_life_years": 15}),
    ("ZFJC-E3W", "消防应急照明灯", "M-ZFJC-E3W-1101", "3W LED，自带电源，90 分钟", "EMG", "个", {"箱": 20}, {"warranty_months": 24, "inspection_cycle_months": 12, "service_life_years": 8}),
    ("ZFZD-E1W-A", "安全出口标志灯", "M-BLZD-1LROE I 1W", "1W，自带电源，“安全出口”", "EMG", "个", {"箱": 20}, {"warranty_months": 24, "inspection_cycle_months": 12, "service_life_years": 8}),
    ("ZFZD-E1W-L", "疏散指示标志灯（左向）", "M-BLZD-1LROE I 1W-L", "1W，自带电源，左向", "EMG", "个", {"箱": 20}, {"warranty_months": 24, "inspection_cycle_months": 12, "service_life_years": 8}),
    ("ZFZD-E1W-R", "疏散指示标志灯（右向）", "M-BLZD-1LROE I 1W-R", "1W，自带电源，右向", "EMG", "个", {"箱": 20}, {"warranty_months": 24, "inspection_cycle_months": 12, "service_life_years": 8}),
    ("ZFZD-E1W-DM", "地埋式疏散指示灯", "M-BLZD-1LROE I 1W-DM", "1W，IP67，不锈钢面板", "EMG", "个", {"箱": 20}, {"needs_installation": True, "warranty_months": 24, "inspection_cycle_months": 12, "service_life_years": 8}),
    ("ZFJC-E5W-X", "集中电源型应急照明灯", "A-ZFJC-E5W-X", "5W LED，集中电源集中控制型", "EMG", "个", {"箱": 20}, {"needs_installation": True, "warranty_months": 24, "inspection_cycle_months": 12, "service_life_years": 8}),
    ("GFM-1021-A1.5", "钢质甲级防火门", "GFM-1021-bk5A1.50(甲级)-1", "1000×2100 单扇，1.5h", "DOOR", "樘", {}, {"needs_installation": True, "warranty_months": 24, "inspection_cycle_months": 12, "service_life_years": 15}),
    ("GFM-1521-A1.0", "钢质乙级防火门", "GFM-1521-bk5A1.00(乙级)-2", "1500×2100 双扇，1.0h", "DOOR", "樘", {}, {"needs_installation": True, "warranty_months": 24, "inspection_cycle_months": 12, "service_life_years": 15}),
    ("GFM-1221-A0.5", "钢质丙级防火门", "GFM-1221-bk5A0.50(丙级)-1", "1200×2100 管井门，0.5h", "DOOR", "樘", {}, {"needs_installation": True, "warranty_months": 24, "service_life_years": 15}),
    ("MFM-1021-A1.0", "木质乙级防火门", "MFM-1021-d5A1.00(乙级)-1", "1000×2100 单扇，1.0h", "DOOR", "樘", {}, {"needs_installation": True, "warranty_months": 24, "inspection_cycle_months": 12, "service_life_years": 15}),
    ("XMJ-4", "灭火器箱（4 具装）", "XMDA4/4", "放置 4kg×2 具，不锈钢", "ACC", "个", {}, {"warranty_months": 12}),
    ("XMJ-2", "灭火器箱（2 具装）", "XMDA2/4", "放置 4kg×2 具，红色烤漆", "ACC", "个", {"箱": 5}, {"warranty_months": 12}),
    ("TZL30", "过滤式消防自救呼吸器", "TZL30", "30 分钟，一次性", "ACC", "个", {"箱": 30}, {"warranty_months": 12, "service_life_years": 5}),
    ("ZFMH-1", "消防员灭火防护服", "ZFMH-MC-A", "阻燃隔热，四层结构", "ACC", "套", {}, {"warranty_months": 12, "service_life_years": 5}),
]  # fmt: skip

DISCONTINUED = ("MFZ-ABC1", "MPZ-9")  # no longer offered: shows the inactive state


def product_ids() -> dict[str, int]:
    """Demo product code → id, for the demos of prices, quotes and contracts."""
    return dict(Product.objects.filter(code__in=[p[0] for p in PRODUCTS]).values_list("code", "id"))


def load(*, users: dict[str, Any]) -> dict[str, Product]:
    """Create the demo catalog (once); returns the products by code."""
    if Product.objects.filter(code="MFZ-ABC4").exists():
        return {p.code: p for p in Product.objects.all()}
    actor = users.get("director") or users.get("gm")
    units: dict[str, Unit] = {}
    for code, name in UNITS:
        found = Unit.objects.filter(name=name).first()
        units[name] = found or _unit(actor, code, name)
    categories: dict[str, Any] = {}
    for code, name, parent, position in CATEGORIES:
        categories[code] = category_create(
            actor=actor,
            data=CategoryData(
                code=code,
                name=name,
                parent_id=categories[parent].pk if parent else None,
                position=position,
            ),
        )
    out: dict[str, Product] = {}
    for code, name, model, spec, category, unit, others, fields in PRODUCTS:
        out[code] = product_create(
            actor=actor,
            data=ProductData(
                code=code,
                name=name,
                model=model,
                spec=spec,
                category_id=categories[category].pk,
                unit_id=units[unit].pk,
                **fields,
            ),
            units=[
                ProductUnitData(unit_id=units[u].pk, factor=factor) for u, factor in others.items()
            ],
        )
    for code in DISCONTINUED:
        product_deactivate(actor=actor, product_id=out[code].pk, reason="停产")
    return out


def _unit(actor: Any, code: str, name: str) -> Unit:
    from xiaoguan.catalog.services.products import unit_create

    return unit_create(actor=actor, data=UnitData(code=code, name=name))
