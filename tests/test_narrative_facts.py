"""The narrative's figures as real disclosures print them (issue 20): each case is a passage of
a corpus PDF (`../shared/corpus`, file and page cited), each figure with the key it must get.

Values are in 万元 (money) or as printed (percent, count); changes are signed (减少/下降 is
negative) and carry their basis (budget: 上年预算数; actual: 上年执行数/决算数).
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from pipeline.normalize.facts import sections_to_facts
from schemas.records import Section

W = Decimal(10000)

CASES: list[tuple[str, list[Section], int, bool, list[tuple[str, str, str | None]]]] = [
    # (file and page, sections, fiscal year, final account, [(key, value, basis)])
    ("hangzhou-justice-2026-department-budget p5: a list of several amounts, each with its share",
     [Section("（三）支出预算情况说明（详见表1-3）", 3, 5,
              "2.按支出用途分类，包括人员支出58,486.35万元，占59.0%；日常公用支出12,237.94万元，占12.3%；"
              "项目支出28,506.17万元，占28.7%。年终结转结余0.00万元。")], 2026, False,
     [("expenditure.basic.personnel", "58486.35", None), ("expenditure.basic.personnel.share", "59.0", None),
      ("expenditure.basic.public", "12237.94", None), ("expenditure.basic.public.share", "12.3", None),
      ("expenditure.project", "28506.17", None), ("expenditure.project.share", "28.7", None),
      ("expenditure.year_end_balance", "0.00", None)]),
    ("hangzhou-justice-2026-department-budget p5: 类 named bare in a list",
     [Section("（三）支出预算情况说明（详见表1-3）", 3, 5,
              "1.按支出功能分类，包括一般公共服务支出12,868.19万元、公共安全支出76,468.81万元、社会保障和就业支出"
              "7,458.52万元、卫生健康支出2,434.95万元。")], 2026, False,
     [("general_budget.class.201", "12868.19", None), ("general_budget.class.204", "76468.81", None),
      ("general_budget.class.208", "7458.52", None), ("general_budget.class.210", "2434.95", None)]),
    ("hangzhou-justice-2026-department-budget p6: a 项's change in the sentence after its own",
     [Section("（五）一般公共预算当年拨款情况说明（详见表5）", 3, 6,
              "（1）一般公共服务支出（类）社会工作事务（款）其他社会工作事务支出（项）0.19万元，主要用于两新组织党建事务的支出。"
              "比上年执行数增加0.09万元，增长90.0%，主要原因是本年度两新组织党建项目的上级补助资金增加。")], 2026, False,
     [("general_budget.item.2013999", "0.19", None), ("general_budget.item.2013999.change_amount", "0.09", "actual"),
      ("general_budget.item.2013999.change_percent", "90.0", "actual")]),
    ("wuxi-statistics-2026-department-budget p28: 与上年相比 at 项 level, its 类 from the heading",
     [Section("（一）一般公共服务支出（类）", 3, 28, "1.统计信息事务（款）行政运行（项）支出1,429.11万元，与上年相比增加50.65万元，"
              "增长3.67%。2.统计信息事务（款）一般行政管理事务（项）支出391.72万元，与上年相比减少6.12万元，减少1.54%。")],
     2026, False,
     [("general_budget.item.2010501", "1429.11", None), ("general_budget.item.2010501.change_amount", "50.65", None),
      ("general_budget.item.2010501.change_percent", "3.67", None), ("general_budget.item.2010502", "391.72", None),
      ("general_budget.item.2010502.change_amount", "-6.12", None),
      ("general_budget.item.2010502.change_percent", "-1.54", None)]),
    ("shenzhen-hrss-2026-department-budget pp36-37: 较2025年年初预算 for the 三公 items",
     [Section("（一）“三公”经费", 3, 36, "1.因公出国（境）费用。2026年预算数120.20万元，较2025年年初预算增加118.80万元，"
              "主要是2025年因公出国计划年初未下达。2.公务接待费。2026年预算数24.23万元，较2025年年初预算增加0.00万元，"
              "主要是接待上级工作检查指导。")], 2026, False,
     [("three_public.outbound_travel", "120.20", None), ("three_public.outbound_travel.change_amount", "118.80", "budget"),
      ("three_public.reception", "24.23", None), ("three_public.reception.change_amount", "0.00", "budget")]),
    ("suzhou-audit-2026-department-budget p29: 会议费 and 培训费 with their signed changes",
     [Section("（四）会议费、培训费支出", 3, 29, "苏州市审计局2026年度一般公共预算拨款安排的会议费预算支出10万元，比上年预算减少7万元，"
              "主要原因是会议费支出下降。苏州市审计局2026年度一般公共预算拨款安排的培训费预算支出43万元，比上年预算减少21.73万元。")],
     2026, False,
     [("meeting_costs", "10", None), ("meeting_costs.change_amount", "-7", "budget"), ("training_costs", "43", None),
      ("training_costs.change_amount", "-21.73", "budget")]),
    ("xian-finance-2026-department-budget p18: 会议费 with 较上年 and 下降",
     [Section("九、会议费、培训费情况", 2, 18, "本部门当年一般公共预算会议费预算支出46.18万元，较上年减少4.50万元，下降8.88%，"
              "下降的主要原因是：严格落实“过紧日子”的要求，压减会议费预算。")], 2026, False,
     [("meeting_costs", "46.18", None), ("meeting_costs.change_amount", "-4.50", None),
      ("meeting_costs.change_percent", "-8.88", None)]),
    ("putuo-wanli-2023-department-budget p6: last year's figure, the year's restated, a change with a space before %",
     [Section("部门预算编制说明", 1, 6, "财政拨款支出主要内容如下：1. “一般公共服务支出（类）统计信息事务（款）统计管理（项）”2.63万元，"
              "主要用于统计管理。2022年当年预算执行数为1.48万元，2023年预算安排2.63万元，比2022年预算执行数增加77.70 %。")],
     2023, False,
     [("general_budget.item.2010506", "2.63", None), ("general_budget.item.2010506.previous", "1.48", "actual"),
      ("general_budget.item.2010506.change_percent", "77.70", "actual")]),
    ("putuo-wanli-2025-department-budget-draft1 p6: 上年:",
     [Section("部门预算编制说明", 1, 6, "1. “一般公共服务支出（类）统计信息事务（款）专项普查活动（项）”43.83万元，上年:25.77万元，"
              "主要专项普查活动。")], 2025, False,
     [("general_budget.item.2010507", "43.83", None), ("general_budget.item.2010507.previous", "25.77", None)]),
    ("wuxi-education-2026-unit-budget p31: sources of income, and 去年预算数为0万元 beside the year's",
     [Section("一、收支预算总体情况说明", 2, 31, "（3）国有资本经营预算拨款收入0万元，与上年预算数相同。（4）财政专户管理资金收入200万元，"
              "与上年预算数相同。（7）上级补助收入0万元，与上年预算数相同。（8）附属单位上缴收入0万元，与上年预算数相同。"
              "（9）其他收入25,335万元，与上年相比增加25,335万元（去年预算数为0万元，无法计算增减比率）。")], 2026, False,
     [("income.state_capital", "0", None), ("income.special_account", "200", None), ("income.higher_level", "0", None),
      ("income.subordinate", "0", None), ("income.other", "25335", None), ("income.other.change_amount", "25335", None),
      ("income.other.previous", "0", "budget")]),
    ("wuxi-education-2026-unit-budget p32: money carried over by its source",
     [Section("二、收入预算情况说明", 2, 32, "其中：本年一般公共预算收入105,814.6万元，占80.56%；上年结转结余的一般公共预算收入0万元，"
              "占0%；上年结转结余的单位资金0万元，占0%。")], 2026, False,
     [("income.general_budget", "105814.6", None), ("income.general_budget.share", "80.56", None),
      ("income.carryover.general_budget", "0", None), ("income.carryover.general_budget.share", "0", None),
      ("income.carryover.unit_funds", "0", None), ("income.carryover.unit_funds.share", "0", None)]),
    ("jiyuan-bianban-2021-department-budget-writer p2: spaces between number and unit",
     [Section("七、“三公”经费支出预算情况说明", 2, 2, "（一）因公出国（境）费 0.0 万元。预算数比 2020 年减少 5.0 万元，下降 100%。")],
     2021, False,
     [("three_public.outbound_travel", "0.0", None), ("three_public.outbound_travel.change_amount", "-5.0", None),
      ("three_public.outbound_travel.change_percent", "-100", None)]),
    ("putuo-wanli-2023-department-budget p29: 国有资产 in money, the stock's date no previous year",
     [Section("五、国有资产占有情况", 2, 29, "截止2022年12月31日，本部门流动资产448.82万元。固定资产3149.52万元，其中：房屋14609.83平方米；"
              "其他固定资产0万元。长期投资0项0万元。在建工程1项12277.73万元。无形资产471项234.37万元。")], 2023, False,
     [("assets.current", "448.82", None), ("assets.fixed", "3149.52", None), ("assets.other_fixed", "0", None),
      ("assets.long_term_investment", "0", None), ("assets.construction_in_progress", "12277.73", None),
      ("assets.intangible", "234.37", None)]),
    ("shenzhen-finance-2026-department-budget p13: the money of vehicles and equipment to buy, the threshold no figure",
     [Section("（二）国有资产占用情况", 3, 13, "2026年计划购置车辆0辆、0.00万元，主要是本单位无计划购置车辆；单价100万元以上设备0台（套）、"
              "0.00万元，主要是本单位无计划购置单价100万元以上的设备。")], 2026, False,
     [("assets.planned_vehicles", "0", None), ("assets.planned_vehicles.amount", "0.00", None),
      ("assets.planned_major_equipment", "0", None), ("assets.planned_major_equipment.amount", "0.00", None)]),
    ("putuo-govoffice-2025-department-budget p6: 类, 款 and 项 joined by dashes",
     [Section("部门预算编制说明", 1, 6, "财政拨款支出主要内容如下：1. “一般公共服务支出-政府办公厅（室）及相关机构事务-行政运行”科目"
              "1,202.95万元，主要用于行政单位的基本支出。")], 2025, False,
     [("general_budget.item.2010301", "1202.95", None)]),
    ("putuo-justice-2026-department-budget p8: codes inside the 类/款/项 marks",
     [Section("部门预算编制说明", 1, 8, "1、公共安全支出（204类）司法（06款）行政运行（01项）1672.67万元。")], 2026, False,
     [("general_budget.item.2040601", "1672.67", None)]),
    ("xian-finance-2026-department-budget pp10, 13: items and economic classes by their codes, each with its change",
     [Section("（一）一般公共预算支出", 3, 10, "本部门当年一般公共预算支出30,331.26万元，其中：1.行政运行（2010601）4,702.02万元，"
              "较上年增加121.66万元，增长2.66%，增长的主要原因是：工资福利支出较上年增加；"),
      Section("（二）经济分类", 3, 13, "1.按照部门预算支出经济分类，本部门当年一般公共预算支出30,331.26万元，其中：（1）工资福利支出"
              "（301）7,053.83万元，较上年增加214.28万元，增长3.13%，增长的主要原因是：人员工资调整。")], 2026, False,
     [("general_budget.total", "30331.26", None), ("general_budget.item.2010601", "4702.02", None),
      ("general_budget.item.2010601.change_amount", "121.66", None),
      ("general_budget.item.2010601.change_percent", "2.66", None), ("general_budget.economic.301", "7053.83", None),
      ("general_budget.economic.301.change_amount", "214.28", None),
      ("general_budget.economic.301.change_percent", "3.13", None)]),
    ("chongqing-commerce-2026-department-budget p4: the general budget's own 基本支出 and 项目支出",
     [Section("三、财政拨款情况说明", 2, 4, "2026年一般公共预算财政拨款收入101,833.84万元,一般公共预算财政拨款支出101,833.84万元,"
              "比2025年减少7,885.67万元。其中:基本支出43,436.09万元,主要用于保障在职人员工资福利,比2025年增加4,245.49万元,"
              "主要原因是调整;项目支出58,397.75万元,主要用于重点工作,比2025年减少12,131.16万元。")], 2026, False,
     [("income.general_budget", "101833.84", None), ("general_budget.total", "101833.84", None),
      ("general_budget.change_amount", "-7885.67", None), ("general_budget.basic", "43436.09", None),
      ("general_budget.basic.change_amount", "4245.49", None), ("general_budget.project", "58397.75", None),
      ("general_budget.project.change_amount", "-12131.16", None)]),
    ("wuxi-statistics-2026-department-budget p33: the money under 绩效目标管理, whole and projects",
     [Section("十、预算绩效情况说明", 2, 33, "2026年度，本部门整体支出纳入绩效目标管理，涉及财政性资金3,210.1万元；本部门共12个项目纳入绩效"
              "目标管理，涉及财政性资金合计975.06万元，占财政性资金(人员类和运转类中的公用经费项目支出除外)总额的比例为100%。")],
     2026, False,
     [("performance.department_amount", "3210.1", None), ("performance.projects", "12", None),
      ("performance.amount", "975.06", None), ("performance.amount.share", "100", None)]),
    ("putuo-finance-2025-department-budget p22: the projects the 绩效 money is made of",
     [Section("四、绩效目标设置情况", 2, 22, "2025年度，本单位编报绩效目标的项目共4个，涉及项目预算资金598.46万元。其中：中介机构服务费"
              "418.80万元，财政业务费10.00万元，信息化系统日常维护费166.66万元，援滇干部工作经费3.00万元。")], 2025, False,
     [("performance.projects", "4", None), ("performance.amount", "598.46", None), ("project.中介机构服务费", "418.80", None),
      ("project.财政业务费", "10.00", None), ("project.信息化系统日常维护费", "166.66", None),
      ("project.援滇干部工作经费", "3.00", None)]),
    ("putuo-wanli-2023-department-budget p30: a project description's spending plan by quarter",
     [Section("六、年度预算安排", 2, 30, "第一季度用款计划25.88万元，第二季度用款计划180.74万元，第三季度用款计划186.60万元，"
              "第四季度用款计划16.78万元。")], 2023, False,
     [("spending_plan.quarter1", "25.88", None), ("spending_plan.quarter2", "180.74", None),
      ("spending_plan.quarter3", "186.60", None), ("spending_plan.quarter4", "16.78", None)]),
    ("putuo-wanli-2023-department-budget p29: 政府采购 reserved for small and micro enterprises",
     [Section("三、政府采购情况", 2, 29, "2023年本部门面向中小企业预留政府采购项目预算金额332.00万元，其中，预留给小型和微型企业的政府采购"
              "项目预算为232.40万元。")], 2023, False,
     [("procurement.sme_reserved", "332.00", None), ("procurement.small_micro_reserved", "232.40", None)]),
    ("putuo-finance-2024-department-final-accounts p24: 政府采购 awarded to them",
     [Section("（二）政府采购情况", 3, 24, "在面向中小企业预留的政府采购项目中，由中小企业供应商中标或成交的，采购金额246.47万元；在面向小微"
              "企业预留政府采购项目中，由小微企业供应商中标或成交的，采购金额0万元；在其他政府采购项目中，由中小企业供应商中标或成交的，"
              "采购金额4.79万元。")], 2024, True,
     [("procurement.sme_awarded", "246.47", None), ("procurement.small_micro_awarded", "0", None),
      ("procurement.sme_awarded_other", "4.79", None)]),
    ("xian-health-2022-department-final-accounts p22: shares of the awarded money, each its own",
     [Section("十、其他重要事项的情况说明", 2, 22, "（二）政府采购授予中小企业合同金额24,498.01万元，占政府采购支出合同总额的9%，"
              "其中：授予小微企业合同金额7,086.06万元，占授予中小企业合同金额的28.93%；货物采购授予中小企业合同金额占政府采购货物"
              "支出合同的4.07%。")], 2022, True,
     [("procurement.sme_awarded", "24498.01", None), ("procurement.sme_awarded.share", "9", None),
      ("procurement.small_micro_awarded", "7086.06", None), ("procurement.small_micro_awarded.share", "28.93", None),
      ("procurement.goods.sme_awarded.share", "4.07", None)]),
    ("xian-health-2022-department-final-accounts p32: a project's self-assessment: budget, spent, rate",
     [Section("（二）项目绩效自评结果", 3, 32, "3.西安市卫生健康委员会本级（机关）2022年卫生健康考试考务费项目绩效自评综述：全年预算数"
              "364.97万元，执行数364.97万元，完成预算的100%。")], 2022, True,
     [("project.西安市卫生健康委员会本级（机关）2022年卫生健康考试考务费项目.budget", "364.97", None),
      ("project.西安市卫生健康委员会本级（机关）2022年卫生健康考试考务费项目", "364.97", None),
      ("project.西安市卫生健康委员会本级（机关）2022年卫生健康考试考务费项目.execution_rate", "100", None)]),
    ("xian-health-2022-department-final-accounts p20: a final account's government fund, in and out",
     [Section("七、政府性基金预算财政拨款收入支出决算情况说明", 2, 20, "2022年度政府性基金预算财政拨款年初结转和结余58,830.98万元，"
              "收入决算509,220.66万元，支出决算568,051.63万元，年末结转和结余0万元。")], 2022, True,
     [("fund_budget.opening_balance", "58830.98", None), ("fund_budget.income", "509220.66", None),
      ("fund_budget.total", "568051.63", None), ("fund_budget.closing_balance", "0", None)]),
    ("putuo-planning-2024-department-final-accounts p26: the foreign part of 公务接待",
     [Section("（三）公务接待费", 3, 26, "其中：国内公务接待支出0.39万（含外宾接待支出0.00万元）。")], 2024, True,
     [("three_public.reception", "0.39", None), ("three_public.reception.foreign", "0.00", None)]),
    ("xian-hrss-2020-department-budget p25: the 机关运行经费's cost items, not 三公 figures",
     [Section("（三）机关运行经费", 3, 25, "2020年机关运行经费预算总计82万元，其中：办公经费41.47万元，公务接待费2万元，委托业务费7.28万元。")],
     2020, False,
     [("operating_costs", "82", None), ("operating_costs.item.办公经费", "41.47", None),
      ("operating_costs.item.公务接待费", "2", None), ("operating_costs.item.委托业务费", "7.28", None)]),
    ("shenzhen-petitions-2026-department-budget p7: a project's money carried over from last year, no previous figure",
     [Section("（五）项目支出1,612.29万元，具体包括：", 3, 7, "2.信访大厅运行603.84万元，主要包括：大厅日常运维支出155.15万元，用于"
              "市信访大厅日常维护；大厅律师服务支出120万元（含结转2025年采购经费6.9万元），用于市信访大厅法律服务室聘请专业律师。")],
     2026, False,
     [("expenditure.project", "1612.29", None), ("project.信访大厅运行", "603.84", None), ("project.大厅日常运维支出", "155.15", None),
      ("project.大厅律师服务支出", "120", None), ("project.大厅律师服务支出.carryover", "6.9", None)]),
    ("beijing-finance-2026-department-budget-narrative p9: special transfers passed on to the districts",
     [Section("（四）市对区专项转移支付项目绩效目标情况说明", 3, 9, "2026年，根据《普惠金融发展专项转移支付管理办法》（京财金融〔2021〕"
              "850号），已安排专项转移支付资金5612.00万元，主要用于落实创业担保贷款奖补政策。")], 2026, False,
     [("transfer_payments", "5612.00", None)]),
    ("changsha-petitions-2026-department-budget p6: 较去年, the clause's own subject",
     [Section("二、收支预算总体情况", 2, 6, "（二）支出预算：2026年本单位支出预算1935.36万元，其中：一般公共服务支出1935.36万元。"
              "支出较去年增加54.13万元，上升2.88%。")], 2026, False,
     [("expenditure.total", "1935.36", None), ("general_budget.class.201", "1935.36", None),
      ("expenditure.change_amount", "54.13", None), ("expenditure.change_percent", "2.88", None)]),
    ("yantai-civil-affairs-2026-department-budget p30: a project's change stated as its two levels",
     [Section("（三）增减变化情况", 3, 30, "3.收支预算增加的主要原因，局机关2026年在职人员数量较2025年增加，故工资福利等收支增加；"
              "局机关养老服务发展资金项目由2025年177万元增加至237万元。")], 2026, False,
     [("project.局机关养老服务发展资金项目.previous", "177", None), ("project.局机关养老服务发展资金项目", "237", None)]),
    ("putuo-planning-2024-department-final-accounts p22: an item the codebook does not know takes no other item's figures",
     [Section("（三）一般公共预算财政拨款支出决算具体情况", 3, 22, "4、社会保障和就业支出（类）行政事业单位养老支出（款）机关事业单位职业年金缴费"
              "支出（项）。主要用于：行政事业单位职业年金支出。年初预算为226.25万元，支出决算为225.12万元，完成年初预算的99.50%。"
              "5、社会保障和就业支出（类）行政事业单位养老支出（款）机关事业单位退休人员活动费支出（项）。主要用于：退休人员开展活动支出。"
              "年初预算为0.88万元，支出决算为0.88万元。")], 2024, True,
     [("general_budget.item.2080506.budget", "226.25", None), ("general_budget.item.2080506", "225.12", None),
      ("general_budget.item.2080506.execution_rate", "99.50", None)]),
    ("yantai-housing-2026-department-budget p35: last year's figure in a bracketed note",
     [Section("（三）委托业务费", 3, 35, "2026年本部门委托业务费财政拨款预算为2,196.52万元，比上年预算（注：上年3,468.18万元，公开时请删除"
              "注释）减少1271.66万元，下降36.67%。")], 2026, False,
     [("commissioned_services", "2196.52", None), ("commissioned_services.previous", "3468.18", None),
      ("commissioned_services.change_amount", "-1271.66", "budget"),
      ("commissioned_services.change_percent", "-36.67", "budget")]),
]


@pytest.mark.parametrize(("where", "sections", "year", "final", "expected"), CASES, ids=[c[0][:48] for c in CASES])
def test_corpus_passages_name_every_figure(
    where: str, sections: list[Section], year: int, final: bool, expected: list[tuple[str, str, str | None]]
) -> None:
    facts = sections_to_facts(sections, year, final)
    got = [(f.key, f.value / (W if f.unit == "yuan" else 1), f.basis) for f in facts]
    assert got == [(key, Decimal(value), basis) for key, value, basis in expected]


def test_a_department_broken_down_by_unit_keys_each_units_figures_and_projects() -> None:
    """Shenzhen HRSS 2026 pp10-13: each unit's section opens with its own budget, its parts and,
    after `项目支出…具体包括：`, its projects and their parts by name."""
    sections = [
        Section("一、深圳市人力资源和社会保障局（本级）", 2, 10, "深圳市人力资源和社会保障局（本级）预算156,491.01万元，包括在职人员经费"
                "8,657.53万元、公用经费3,045.77万元、对个人和家庭的补助支出1,701.12万元、增人增资支出865.75万元、项目支出142,220.85万元。"),
        Section("（五）项目支出142,220.85万元，具体包括：1.人力资源综合管理2,858.27万元，主要包括：综合管理服务", 3, 10,
                "1,763.95万元，用于安全生产管理；政务服务管理工作经费711.86万元，用于本局。8.预算准备金1,710.47万元，主要用于年中临时性项目。"),
        Section("二、深圳市劳动人事争议仲裁院", 2, 12, "深圳市劳动人事争议仲裁院预算4,720.86万元，包括在职人员经费2,215.05万元、公用经费"
                "163.75万元、项目支出2,149.05万元。（五）项目支出2,149.05万元，具体包括：劳动关系管理2,149.05万元，主要用于调解仲裁。"),
        Section("第四部分 “三公”经费情况", 1, 36, "2026年财政拨款“三公”经费预算299.23万元。"),
    ]
    unit, court = "unit.深圳市人力资源和社会保障局（本级）.", "unit.深圳市劳动人事争议仲裁院."
    assert [(f.key, f.value / W) for f in sections_to_facts(sections, 2026)] == [(k, Decimal(v)) for k, v in [
        (f"{unit}total", "156491.01"), (f"{unit}expenditure.basic.personnel", "8657.53"),
        (f"{unit}expenditure.basic.public", "3045.77"), (f"{unit}expenditure.basic.transfers_to_individuals", "1701.12"),
        (f"{unit}expenditure.staff_reserve", "865.75"), (f"{unit}expenditure.project", "142220.85"),
        (f"{unit}project.人力资源综合管理", "2858.27"), (f"{unit}project.综合管理服务", "1763.95"),
        (f"{unit}project.政务服务管理工作经费", "711.86"), (f"{unit}project.预算准备金", "1710.47"),
        (f"{court}total", "4720.86"), (f"{court}expenditure.basic.personnel", "2215.05"),
        (f"{court}expenditure.basic.public", "163.75"), (f"{court}expenditure.project", "2149.05"),
        (f"{court}project.劳动关系管理", "2149.05"), ("three_public.total", "299.23")]]


def test_a_department_of_one_unit_states_its_own_figures() -> None:
    """Shenzhen petitions 2026 p6: `一、深圳市信访局` is the department itself, not one of its units."""
    sections = [Section("一、深圳市信访局", 2, 6, "深圳市信访局预算4,684.30万元，包括在职人员经费2,422.61万元、公用经费357.43万元。")]
    assert [(f.key, f.value / W) for f in sections_to_facts(sections, 2026)] == [
        ("total", Decimal("4684.30")), ("expenditure.basic.personnel", Decimal("2422.61")),
        ("expenditure.basic.public", Decimal("357.43"))]


def test_a_class_of_all_funds_and_of_the_general_budget_are_two_facts() -> None:
    """Hangzhou justice 2026 pp5-6: 公共安全支出 76,468.81万元 of all funds, 69,081.15万元 of the general budget."""
    sections = [Section("（三）支出预算情况说明（详见表1-3）", 3, 5, "1.按支出功能分类，包括公共安全支出76,468.81万元。"),
                Section("（五）一般公共预算当年拨款情况说明（详见表5）", 3, 6, "公共安全（类）支出69,081.15万元，占75.2%。")]
    assert [(f.key, f.scope, f.value / W) for f in sections_to_facts(sections, 2026) if f.key == "general_budget.class.204"] == [
        ("general_budget.class.204", "all", Decimal("76468.81")), ("general_budget.class.204", "general_budget", Decimal("69081.15"))]


def test_keys_stay_short_enough_to_store() -> None:
    """facts.key is VARCHAR(100): a unit's project's rate, names cut to their longest, fits."""
    from pipeline.normalize.fact_names import MAX_NAME
    from pipeline.normalize.fact_sections import MAX_UNIT

    longest = f"unit.{'单' * MAX_UNIT}.project.{'项' * MAX_NAME}.execution_rate"
    assert len(longest) <= 100


def _change_checks(text: str, year: int) -> list[tuple[str, str]]:
    from pipeline.checks.changes import change_figures
    from schemas.records import Document, DocumentMeta

    sections = [Section("部门预算编制说明", 1, 6, text)]
    document = Document(DocumentMeta("x", "x.pdf", 9, "test", fiscal_year=year), sections=sections)
    document.facts = sections_to_facts(sections, year)
    return [(c.status, c.detail.split(":")[0]) for c in change_figures(document)]


def test_a_change_fits_last_years_figure_and_the_years() -> None:
    """Putuo Wanli 2023 p6: 1.48 to 2.63 is 77.70% more; item 3 prints 314.82% for 11.67 to 45.41 (289.12%),
    as the page image shows."""
    item = "1. “一般公共服务支出（类）统计信息事务（款）统计管理（项）”2.63万元，主要用于统计管理。"
    fits = item + "2022年当年预算执行数为1.48万元，2023年预算安排2.63万元，比2022年预算执行数增加77.70 %。"
    assert _change_checks(fits, 2023) == [("pass", "year-on-year changes against their figures")]
    printed = ("3. “一般公共服务支出（类）群众团体事务（款）一般行政管理事务（项）”45.41万元，主要用于一般行政管理事务。"
               "2022年当年预算执行数为11.67万元，2023年预算安排45.41万元，比2022年预算执行数增加314.82%。")
    assert _change_checks(printed, 2023) == [("fail", "general_budget.item.2012902.change_percent")]
    amount = "（9）其他收入25,335万元，与上年相比增加25,300万元（去年预算数为0万元，无法计算增减比率）。"  # 25,335 − 0 ≠ 25,300
    assert _change_checks(amount, 2026) == [("fail", "income.other.change_amount")]
