"""What the Daxing demo register is made of: projects, participants, durations, findings."""

from __future__ import annotations

SEED = 20260115
BOX = (116.20, 39.44, 116.70, 39.84)  # Daxing: west, south, east, north

OWNERS = {
    "edu": "北京市大兴区教育委员会",
    "health": "北京市大兴区卫生健康委员会",
    "city": "北京市大兴区城市管理委员会",
    "newtown": "北京大兴新城建设发展有限公司",
    "airport": "北京临空经济区开发建设有限公司",
    "bio": "北京大兴生物医药产业基地开发有限公司",
}
G, S, P, PPP = "government", "state_owned", "private", "ppp"

# (name, type, funding, owner, town, approved budget in 万元)
PROJECTS = [
    ("临空经济区永兴河北路道路工程", "road", S, "airport", "礼贤镇", 86500),
    ("临空经济区礼贤组团市政道路一期工程", "road", S, "airport", "礼贤镇", 124000),
    ("临空经济区综合管廊一期工程", "other", PPP, "airport", "礼贤镇", 356000),
    ("临空经济区再生水管网工程", "water_supply", S, "airport", "榆垡镇", 42800),
    ("临空经济区10千伏电力管线工程", "other", S, "airport", "礼贤镇", 18600),
    ("临空经济区永兴河跨河桥梁工程", "bridge", S, "airport", "礼贤镇", 23500),
    ("临空经济区榆垡组团安置房项目", "building", S, "airport", "榆垡镇", 268000),
    ("临空经济区服务保障中心工程", "building", PPP, "airport", "礼贤镇", 96000),
    ("临空经济区雨水泵站及配套管线工程", "water_supply", S, "airport", "榆垡镇", 15800),
    ("临空经济区榆垡组团污水处理厂工程", "water_supply", PPP, "airport", "榆垡镇", 48500),
    ("临空经济区天堂河生态景观工程", "landscape", S, "airport", "礼贤镇", 32600),
    ("大兴机场北线高速礼贤出口连接线工程", "road", G, "airport", "礼贤镇", 57300),
    ("生物医药基地二期基础设施工程", "road", S, "bio", "天宫院街道", 186000),
    ("生物医药基地二期标准厂房工程", "building", P, "bio", "天宫院街道", 78500),
    ("生物医药基地二期永旺路道路工程", "road", S, "bio", "天宫院街道", 26400),
    ("生物医药基地二期污水管网工程", "water_supply", S, "bio", "天宫院街道", 9800),
    ("生物医药基地创新孵化中心工程", "building", PPP, "bio", "天宫院街道", 64300),
    ("生物医药基地人才公寓工程", "building", S, "bio", "黄村镇", 112000),
    ("生物医药基地天河西路跨新凤河桥梁工程", "bridge", S, "bio", "黄村镇", 18700),
    ("生物医药基地中试基地厂房工程", "building", P, "bio", "庞各庄镇", 53200),
    ("大兴新城兴华大街南延道路工程", "road", G, "newtown", "黄村镇", 68200),
    ("大兴新城康庄路道路大修工程", "road", G, "newtown", "林校路街道", 8600),
    ("大兴新城滨河北路道路工程", "road", S, "newtown", "清源街道", 24300),
    ("大兴新城金星西路道路工程", "road", S, "newtown", "高米店街道", 31800),
    ("大兴新城北区雨污分流改造工程", "water_supply", G, "newtown", "高米店街道", 27600),
    ("大兴新城兴业大街跨新凤河桥梁工程", "bridge", G, "newtown", "观音寺街道", 15400),
    ("大兴新城地下停车场及公交首末站工程", "other", S, "newtown", "兴丰街道", 21300),
    ("大兴新城黄村东大街综合整治工程", "road", G, "newtown", "兴丰街道", 12500),
    ("大兴新城南区棚户区改造安置房工程", "building", S, "newtown", "黄村镇", 235000),
    ("大兴新城清源路慢行系统工程", "road", G, "newtown", "清源街道", 4300),
    ("西红门镇老旧小区综合整治工程", "building", G, "newtown", "西红门镇", 18600),
    ("清源街道枣园小区老旧小区改造工程", "building", G, "newtown", "清源街道", 9300),
    ("兴丰街道三合南里老旧小区改造工程", "building", G, "newtown", "兴丰街道", 7600),
    ("林校路街道车站北里老旧小区改造工程", "building", G, "newtown", "林校路街道", 6800),
    ("观音寺街道富强西里老旧小区改造工程", "building", G, "newtown", "观音寺街道", 8100),
    ("高米店街道郁花园老旧小区改造工程", "building", G, "newtown", "高米店街道", 11200),
    ("旧宫镇旧忠路片区老旧小区改造工程", "building", G, "newtown", "旧宫镇", 14500),
    ("亦庄镇老旧小区综合整治工程", "building", G, "newtown", "亦庄镇", 9600),
    ("北京市大兴区第一中学教学楼扩建工程", "building", G, "edu", "兴丰街道", 16800),
    ("北京市大兴区第八中学综合楼新建工程", "building", G, "edu", "林校路街道", 21400),
    ("大兴区兴华中学体育馆新建工程", "building", G, "edu", "清源街道", 7800),
    ("大兴区第三小学扩建工程", "building", G, "edu", "观音寺街道", 9500),
    ("大兴区天宫院学校扩建工程", "building", G, "edu", "天宫院街道", 24600),
    ("西红门镇中心小学扩建工程", "building", G, "edu", "西红门镇", 12300),
    ("旧宫镇第二中学扩建工程", "building", G, "edu", "旧宫镇", 15600),
    ("瀛海镇中心小学新建工程", "building", G, "edu", "瀛海镇", 18900),
    ("青云店镇中学扩建工程", "building", G, "edu", "青云店镇", 11800),
    ("长子营镇中心小学扩建工程", "building", G, "edu", "长子营镇", 8700),
    ("采育镇中学教学楼扩建工程", "building", G, "edu", "采育镇", 10600),
    ("安定镇中心幼儿园新建工程", "building", G, "edu", "安定镇", 5400),
    ("礼贤镇中心小学新建工程", "building", G, "edu", "礼贤镇", 16200),
    ("榆垡镇中学扩建工程", "building", G, "edu", "榆垡镇", 13800),
    ("庞各庄镇中心幼儿园新建工程", "building", G, "edu", "庞各庄镇", 4900),
    ("北臧村镇中心小学扩建工程", "building", G, "edu", "北臧村镇", 7300),
    ("魏善庄镇中学综合楼新建工程", "building", G, "edu", "魏善庄镇", 9900),
    ("荣华街道九年一贯制学校新建工程", "building", G, "edu", "荣华街道", 38600),
    ("博兴街道中心幼儿园新建工程", "building", G, "edu", "博兴街道", 6200),
    ("大兴区人民医院门诊楼改扩建工程", "building", G, "health", "兴丰街道", 86500),
    ("大兴区中西医结合医院门诊楼扩建工程", "building", G, "health", "林校路街道", 42300),
    ("大兴区妇幼保健院新院区建设工程", "building", G, "health", "高米店街道", 128000),
    ("大兴区红星医院病房楼改造工程", "building", G, "health", "旧宫镇", 23600),
    ("大兴区心康医院综合楼工程", "building", G, "health", "黄村镇", 18400),
    ("青云店镇社区卫生服务中心新建工程", "building", G, "health", "青云店镇", 5800),
    ("采育镇社区卫生服务中心新建工程", "building", G, "health", "采育镇", 5200),
    ("礼贤镇社区卫生服务中心迁建工程", "building", G, "health", "礼贤镇", 6900),
    ("魏善庄镇社区卫生服务中心新建工程", "building", G, "health", "魏善庄镇", 4600),
    ("亦庄镇社区卫生服务中心改扩建工程", "building", G, "health", "亦庄镇", 3800),
    ("大兴区疾病预防控制中心实验楼工程", "building", G, "health", "清源街道", 31200),
    ("念坛公园提升改造工程", "landscape", G, "city", "黄村镇", 3600),
    ("大兴滨河森林公园二期工程", "landscape", G, "city", "高米店街道", 15800),
    ("南海子公园三期工程", "landscape", G, "city", "瀛海镇", 42600),
    ("兴丰街道口袋公园建设工程", "landscape", G, "city", "兴丰街道", 680),
    ("西红门镇城市休闲公园工程", "landscape", G, "city", "西红门镇", 5200),
    ("庞各庄镇西瓜主题公园提升工程", "landscape", G, "city", "庞各庄镇", 2400),
    ("魏善庄镇月季主题公园提升工程", "landscape", G, "city", "魏善庄镇", 3100),
    ("长子营镇郊野公园工程", "landscape", G, "city", "长子营镇", 6900),
    ("亦庄镇绿色廊道建设工程", "landscape", G, "city", "亦庄镇", 4800),
    ("博兴街道街心公园改造工程", "landscape", G, "city", "博兴街道", 520),
    ("新凤河综合治理工程（西红门段）", "water_conservancy", G, "city", "西红门镇", 36800),
    ("新凤河综合治理工程（黄村段）", "water_conservancy", G, "city", "黄村镇", 22400),
    ("凤河河道治理工程（长子营段）", "water_conservancy", G, "city", "长子营镇", 21500),
    ("凤河河道治理工程（采育段）", "water_conservancy", G, "city", "采育镇", 19800),
    ("天堂河综合治理工程（礼贤段）", "water_conservancy", G, "city", "礼贤镇", 28700),
    ("永定河大兴段生态补水工程", "water_conservancy", G, "city", "北臧村镇", 45600),
    ("小龙河河道治理工程", "water_conservancy", G, "city", "青云店镇", 12600),
    ("大龙河河道治理工程", "water_conservancy", G, "city", "安定镇", 14300),
    ("凉水河旧宫段综合整治工程", "water_conservancy", G, "city", "旧宫镇", 26800),
    ("庞各庄镇污水管网完善工程", "water_supply", G, "city", "庞各庄镇", 6800),
    ("魏善庄镇村庄污水治理工程", "water_supply", G, "city", "魏善庄镇", 9200),
    ("安定镇污水管网完善工程", "water_supply", G, "city", "安定镇", 5700),
    ("采育镇污水处理站提标改造工程", "water_supply", G, "city", "采育镇", 4300),
    ("青云店镇村庄污水治理工程", "water_supply", G, "city", "青云店镇", 8100),
    ("北臧村镇污水管网工程", "water_supply", G, "city", "北臧村镇", 6100),
    ("长子营镇供水管网改造工程", "water_supply", G, "city", "长子营镇", 3900),
    ("瀛海镇雨污水管网工程", "water_supply", G, "city", "瀛海镇", 11200),
    ("黄村镇再生水管线工程", "water_supply", G, "city", "黄村镇", 7400),
    ("京开高速辅路跨新凤河桥梁改建工程", "bridge", G, "city", "西红门镇", 12800),
    ("南中轴路跨凉水河桥梁工程", "bridge", G, "city", "旧宫镇", 21600),
    ("瀛海镇南海子路道路工程", "road", G, "city", "瀛海镇", 18300),
    ("旧宫镇德茂路道路工程", "road", G, "city", "旧宫镇", 9600),
    ("青云店镇青礼路道路大修工程", "road", G, "city", "青云店镇", 5200),
    ("采育镇京津塘高速连接线工程", "road", G, "city", "采育镇", 26500),
    ("安定镇安采路道路改造工程", "road", G, "city", "安定镇", 7800),
    ("榆垡镇榆昌路道路工程", "road", G, "city", "榆垡镇", 14900),
    ("北臧村镇村级道路提级改造工程", "road", G, "city", "北臧村镇", 3400),
    ("魏善庄镇魏永路跨新凤河桥梁工程", "bridge", G, "city", "魏善庄镇", 8600),
    ("长子营镇凤河桥梁改建工程", "bridge", G, "city", "长子营镇", 4600),
    ("庞各庄镇京良路道路工程", "road", G, "city", "庞各庄镇", 13100),
    ("荣华街道荣京东街道路提升工程", "road", G, "city", "荣华街道", 6400),
    ("博兴街道博兴八路道路工程", "road", S, "newtown", "博兴街道", 11700),
    ("大兴机场线大兴新城站交通枢纽配套工程", "rail", G, "newtown", "黄村镇", 46500),
    ("地铁大兴线天宫院站交通接驳工程", "rail", G, "newtown", "天宫院街道", 12800),
    ("亦庄线荣昌东街站配套工程", "rail", G, "newtown", "荣华街道", 21000),
    ("大兴区垃圾分类处理中心改造工程", "other", G, "city", "安定镇", 19600),
    ("大兴区智慧城市运营中心工程", "building", G, "city", "兴丰街道", 15300),
    ("大兴区体育中心全民健身馆工程", "building", G, "newtown", "林校路街道", 28900),
    ("大兴区档案馆新馆工程", "building", G, "newtown", "清源街道", 22600),
    ("西红门镇产业园配套道路工程", "road", S, "newtown", "西红门镇", 9800),
    ("瀛海镇安置房项目（二期）", "building", S, "newtown", "瀛海镇", 186000),
    ("黄村镇老旧供热管网改造工程", "other", G, "city", "黄村镇", 8600),
    ("高米店街道社区服务中心工程", "building", G, "city", "高米店街道", 4200),
    ("天宫院街道便民服务中心工程", "building", G, "city", "天宫院街道", 3600),
]
# How many projects stand in each stage (the rest of the list, if any, goes to construction).
STAGE_COUNTS = {
    "approval": 12,
    "design": 14,
    "tendering": 14,
    "construction": 38,
    "completion_acceptance": 12,
    "settlement": 12,
    "warranty": 12,
    "archived": 8,
}
# Days the current stage is past its planned end (None = on schedule), with weights. Design
# and construction slip against warning.schedule_slip_days (7/15/30/60 in the rule data);
# the stages that wait on an approval or a filing against warning.approval_overdue_days
# (1/10/20/30): so every stage that can slip shows blue, yellow, orange and red cases.
WORK_SLIPS = [(None, 50), (10, 14), (20, 14), (40, 12), (75, 6), (120, 4)]
WAIT_SLIPS = [(None, 50), (5, 14), (12, 14), (25, 12), (45, 6), (90, 4)]
WORK_STAGES = {"design", "construction"}
# Planned stage durations in days; construction depends on the type.
STAGE_DAYS = {"approval": 90, "design": 150, "tendering": 75, "completion_acceptance": 45}
STAGE_DAYS |= {"settlement": 180, "warranty": 730, "archived": 0}
BUILD_DAYS = {"building": 540, "road": 420, "bridge": 480, "water_supply": 300}
BUILD_DAYS |= {"landscape": 240, "water_conservancy": 360, "rail": 720, "other": 420}
DESIGN_LIFE = {"bridge": 100, "rail": 100, "road": 30, "landscape": 30}

# Participants by project type (organisation names from accounts/demo.py).
DESIGNERS = {
    "building": ["北京大兴建筑设计研究院有限公司", "北京城南规划设计有限公司"],
    "landscape": ["北京城南规划设计有限公司"],
    "*": ["北京京南市政设计院有限公司", "北京大兴建筑设计研究院有限公司"],
}
CONTRACTORS = {
    "building": [
        "北京兴建工程集团有限公司",
        "北京京南建设工程有限公司",
        "北京大兴建工集团有限公司",
        "北京亦庄城建集团有限公司",
        "北京瀛海建设集团有限公司",
    ],
    "road": ["北京天宫路桥工程有限公司", "北京念坛市政工程有限公司", "北京兴建工程集团有限公司"],
    "bridge": ["北京天宫路桥工程有限公司", "北京兴建工程集团有限公司"],
    "*": ["北京永定河建筑工程有限公司", "北京念坛市政工程有限公司", "北京兴建工程集团有限公司"],
}
SURVEYORS = ["北京大兴岩土工程勘察有限公司", "北京京南地质勘察院有限公司"]
SUPERVISORS = [
    "北京兴正工程监理有限公司",  # the demo `supervisor` user's: signs every inspected node
    "北京京南建设监理有限责任公司",
    "北京中正工程项目管理有限公司",
    "北京恒信建设监理有限公司",
]
LABOUR = ["北京大兴劳务服务有限公司", "北京长子营建筑劳务有限公司", "北京魏善庄劳务分包有限公司"]
FIRE, FACADE, MEP = (
    "北京兴安消防工程有限公司",
    "北京京华幕墙装饰工程有限公司",
    "北京采育机电安装工程有限公司",
)

FINDINGS = {
    "piling_complete": ["7# 桩低应变检测为Ⅲ类桩，需补强处理", "桩顶标高偏差超出规范允许值"],
    "foundation_acceptance": ["基础底板钢筋保护层厚度不足", "后浇带止水钢板焊接不连续"],
    "topping_out": ["三层框架柱同条件试块强度未达设计要求", "剪力墙局部蜂窝麻面未处理"],
    "main_structure": ["沥青面层压实度检测不合格（K1+200—K1+350）", "雨水口井圈高程偏差超限"],
    "fire_acceptance": ["喷淋系统末端试水压力不足", "疏散通道防火门闭门器缺失"],
    "energy_acceptance": ["外墙保温板粘结面积不足", "外窗气密性检测报告缺失"],
    "planting_acceptance": ["乔木成活率低于 95%", "绿地土壤有效土层厚度不足"],
    "completion_acceptance": ["竣工资料缺少隐蔽工程验收记录", "室外管线竣工测量成果未提交"],
}
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董程曹袁邓许沈曾彭吕苏卢蒋蔡贾丁魏薛叶潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙段雷钱汤尹黎常武乔贺"
GIVEN = "建国 志强 海涛 晓东 立新 文斌 永刚 春生 国华 宏伟 晓峰 志刚 明 磊 静 丽华 红梅 建英 伟 鹏 军 敏 强 洋 勇 艳 杰 涛 超 立民 振华 玉林 德胜 守义 广才 金宝 宪文 永红 俊 宏 斌 颖"
GIVEN_NAMES = GIVEN.split()
