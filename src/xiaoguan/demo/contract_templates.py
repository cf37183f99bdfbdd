"""Demo contract templates (R-CON-1), written by the legal counsel 许婧 through the template
service: the equipment sales contract used for most deals, an installation works contract and
a framework agreement for repeat customers. The clauses use the allowed placeholders
(``contracts.services.text``), so a draft from a template reads as a finished contract."""

from __future__ import annotations

from typing import Any

from xiaoguan.contracts.models import ContractTemplate
from xiaoguan.contracts.services.templates import ClauseData, TemplateData, template_create

SALE = [
    (
        "合同双方",
        "买方（甲方）：{{customer.name}}\n地址：{{customer.address}}\n"
        "统一社会信用代码：{{customer.credit_code}}\n卖方（乙方）：{{company.name}}\n"
        "合同编号：{{contract.number}}\n"
        "根据《中华人民共和国民法典》及相关法律法规，甲乙双方经友好协商，就甲方向乙方购买"
        "“{{contract.title}}”所涉消防器材事宜，达成如下协议。",
    ),
    (
        "产品及价款",
        "产品名称、型号规格、数量及单价详见本合同附件《产品清单》。"
        "合同总金额为{{contract.total}}（大写：{{contract.total_words}}），"
        "含13%增值税、包装费及运至交货地点的运输费。",
    ),
    (
        "质量标准",
        "乙方提供的产品须为全新合格品，符合国家标准及消防产品强制性认证（CCCF）要求，"
        "随货提供产品合格证、检验报告及使用说明书。",
    ),
    (
        "交货时间及地点",
        "交货日期：{{delivery.date}}前；交货地点：{{delivery.place}}。{{delivery.terms}}",
    ),
    (
        "付款方式",
        "甲方按以下约定分期付款，乙方在每期付款前开具等额增值税专用发票：\n{{payment.schedule}}",
    ),
    (
        "验收",
        "甲方应在货到后7日内按合同及附件进行数量和外观验收，安装调试类产品在调试完成后15日内"
        "组织验收；逾期未提出书面异议的，视为验收合格。",
    ),
    (
        "安装与售后服务",
        "安装：{{installation}}。质保期：自验收合格之日起{{warranty.months}}个月。"
        "巡检周期（月）：{{inspection.cycle}}。{{after_sales.terms}}"
        "质保期内非人为损坏的，乙方免费维修或更换；乙方接到报修后24小时内响应。",
    ),
    (
        "违约责任",
        "乙方逾期交货的，每逾期一日按逾期部分货款的0.5‰向甲方支付违约金；甲方逾期付款的，"
        "每逾期一日按逾期金额的0.5‰向乙方支付违约金。违约金累计不超过合同总金额的5%。",
    ),
    (
        "争议解决",
        "因本合同引起的争议，双方应协商解决；协商不成的，任何一方可向乙方所在地人民法院提起诉讼。",
    ),
    (
        "其他",
        "本合同一式肆份，甲乙双方各执贰份，自双方签字盖章之日起生效。"
        "本合同未尽事宜，双方可签订补充协议，补充协议与本合同具有同等法律效力。",
    ),
]

INSTALLATION = [
    (
        "工程概况",
        "发包人：{{customer.name}}\n承包人：{{company.name}}\n合同编号：{{contract.number}}\n"
        "工程名称：{{contract.title}}\n工程地点：{{delivery.place}}",
    ),
    (
        "工程范围",
        "承包人负责本合同附件所列消防设备的供货、安装、调试，并配合发包人通过消防验收。",
    ),
    (
        "合同价款",
        "合同总价为{{contract.total}}（大写：{{contract.total_words}}），为固定总价，"
        "包括设备、材料、人工、机械、调试及税费。",
    ),
    ("工期", "计划竣工日期：{{delivery.date}}。因发包人原因或设计变更导致工期延误的，工期顺延。"),
    ("付款方式", "{{payment.schedule}}"),
    (
        "质量与验收",
        "工程质量须符合《建筑设计防火规范》《消防给水及消火栓系统技术规范》等现行国家标准，"
        "竣工后由发包人组织验收。",
    ),
    (
        "安全文明施工",
        "承包人应遵守施工现场安全管理规定，施工人员持证上岗，因承包人原因发生的安全事故由承包人负责。",
    ),
    (
        "保修",
        "保修期为{{warranty.months}}个月，自竣工验收合格之日起计算；保修期内每{{inspection.cycle}}"
        "个月巡检一次。",
    ),
    (
        "争议解决",
        "因本合同发生的争议，由双方协商解决；协商不成的，提交工程所在地人民法院诉讼解决。",
    ),
]

FRAMEWORK = [
    (
        "协议双方",
        "甲方：{{customer.name}}\n乙方：{{company.name}}\n协议编号：{{contract.number}}",
    ),
    (
        "合作内容",
        "协议期内，甲方向乙方采购消防器材及维保服务，具体品种、数量、交货时间以双方确认的订单为准，"
        "订单为本协议不可分割的组成部分。",
    ),
    (
        "价格",
        "供货价格按本协议附件《价格清单》执行，协议期内如国家政策或原材料价格发生重大变化，"
        "双方可协商调整。本协议预估采购总额为{{contract.total}}。",
    ),
    ("结算", "{{payment.schedule}}"),
    ("协议期限", "本协议自双方签字盖章之日起生效，至{{contract.end_on}}止。"),
    (
        "售后服务",
        "质保期{{warranty.months}}个月；乙方按{{inspection.cycle}}个月的周期提供巡检服务。",
    ),
    ("其他", "本协议未尽事宜由双方另行协商确定。"),
]

TEMPLATES = [
    ("HT-01", "设备买卖合同", "消防器材、设备的标准买卖合同，适用于大多数订单。", SALE),
    ("HT-02", "安装工程合同", "含供货、安装、调试及配合消防验收的工程合同。", INSTALLATION),
    ("HT-03", "框架协议", "长期客户的年度采购框架协议，具体以订单为准。", FRAMEWORK),
]


def load(*, users: dict[str, Any], **_: Any) -> None:
    legal = users.get("legal") or next(iter(users.values()))
    for code, name, description, clauses in TEMPLATES:
        if ContractTemplate.objects.filter(code=code).exists():
            continue
        template_create(
            actor=legal,
            data=TemplateData(code=code, name=name, description=description),
            clauses=[ClauseData(title=t, body=b) for t, b in clauses],
        )
