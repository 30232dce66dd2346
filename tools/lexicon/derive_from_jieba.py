#!/usr/bin/env python3
"""Derive help-desk words from jieba's dictionary (jieba/dict.txt, MIT licence).

Usage:
    python3 tools/lexicon/derive_from_jieba.py \
        --jieba-dict PATH/TO/jieba/dict.txt \
        --out corpora/lexicon/helpdesk-jieba.txt

Without --jieba-dict the script downloads the pinned jieba sdist with pip
(`pip download --no-deps --no-binary :all: jieba==0.42.1`) into a temporary
directory, reads jieba/dict.txt out of the archive and deletes the directory
afterwards. Nothing of jieba is written anywhere else.

dict.txt has one entry per line: `WORD FREQUENCY POS`. A word is kept when

  * it is 2-6 characters long, every character is in the CJK Unified
    Ideographs block (U+4E00-U+9FFF) and encodable in GB2312 (our stand-in
    for "Simplified Chinese": GB2312 holds the common simplified characters
    and no traditional-only ones, so 貨/單/帳號 style entries drop out);
  * its POS tag is not a name/place/organisation, idiom, set phrase,
    numeral, pronoun or function-word tag (EXCLUDED_POS);
  * it contains one of the curated domain morphemes (STRONG_MORPHEMES, any
    position, frequency >= MIN_FREQ_STRONG), or ends with one of the curated
    single-character morphemes in SUFFIX_CHARS (frequency >= MIN_FREQ_STRONG
    for 2-3 characters, >= MIN_FREQ_CHAR for longer words), or starts with
    one of PREFIX_CHARS (frequency >= MIN_FREQ_CHAR); single characters are
    far more ambiguous, hence the position rule (账单/运单 but not 单位);
  * it contains none of DENY_SUBSTRINGS (off-domain senses such as 退休,
    码头, 卡通) and is not in DENY_WORDS (offensive or odd entries);
  * it is not a phrase glued onto a function word or a place name: if it
    starts with a JUNK_PREFIX_CHARS character / ends with a
    JUNK_SUFFIX_CHARS character and the remainder is itself a dictionary
    word (要付, 或电子邮件, 付掉), or it starts with a place name (ns) whose
    remainder is a word (西安机票), it is dropped;
  * it is not already listed in corpora/lexicon/helpdesk-core.txt.

The output is sorted by Unicode code point and fully determined by dict.txt,
the core list and the constants below.
"""

from __future__ import annotations

import argparse
import glob
import hashlib
import os
import subprocess
import sys
import tarfile
import tempfile
import zipfile

JIEBA_VERSION = "0.42.1"
JIEBA_DICT_SHA256 = "7197c3211ddd98962b036cdf40324d1ea2bfaa12bd028e68faa70111a88e12a8"
REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEFAULT_CORE = os.path.join(REPO_ROOT, "corpora", "lexicon", "helpdesk-core.txt")
DEFAULT_OUT = os.path.join(REPO_ROOT, "corpora", "lexicon", "helpdesk-jieba.txt")

MIN_LEN, MAX_LEN = 2, 6
MIN_FREQ_STRONG = 3  # jieba's floor is 2; most real but rare words have 3
MIN_FREQ_CHAR = 5

# jieba POS tags (ICTCLAS style) that we never take.
EXCLUDED_POS = {
    "nr", "nrt", "nrfg", "nr1", "nr2",  # person names
    "ns", "nt",                           # place names, organisations
    "i", "l",                             # idioms, set phrases
    "m", "mq", "q",                       # numerals, quantifiers
    "r", "rr", "rz", "rg",                # pronouns
    "p", "c", "u", "uj", "ul", "uv", "uz", "ud", "ug",  # function words
    "e", "o", "y", "h", "k", "x",         # interjections, onomatopoeia, affixes, other
    "zg", "dg", "mg", "tg",               # bound morphemes / odd tags
}

# Multi-character morphemes: any word containing one qualifies.
STRONG_MORPHEMES = """
退货 退款 退换 退订 退费 退钱 退票 退单 退回 退还 退件 退保 退税 退赔 换货 调换 更换 补发 补寄 拒收 包退 包换
付款 支付 收款 汇款 转账 转帐 扣款 还款 贷款 借款 欠款 存款 取款 提款 尾款 货款 定金 订金 押金 保证金 首付 预付
分期 利息 手续费 余额 充值 提现 额度 信用 银行 账户 帐户 账号 账单 对账 结账 到账 入账 钱包 现金 零钱 刷卡
储蓄卡 信用卡 借记卡 银行卡 支票 汇票 收银 找零 付费 缴费 话费 流量 套餐 扣费 计费 收费
快递 物流 邮政 邮寄 邮费 邮件 邮箱 邮编 邮递 邮购 包邮 包裹 运费 运单 货运 托运 发货 送货 到货 收货 提货 取货 交货
配送 派送 投递 签收 收件 寄件 发件 寄送 仓库 仓储 库存 缺货 补货 断货 现货 出库 入库 揽件 航空件 空运 海运
订单 下单 订购 订货 预订 预定 预售 预约 购买 采购 网购 购物 团购 抢购 购物车 订票 购票
发票 税号 税率 税款 收据 凭证 报销 开票 纳税 增值税 单据
密码 验证 认证 注册 登录 注销 绑定 实名 身份证 手机号 用户名 短信 二维码 条码 号码 账号 帐号
售后 保修 维修 返修 修理 质保 保质 质量 三包 投诉 客服 赔偿 赔付 索赔 理赔 包赔 损坏 破损 故障 检修 保养
优惠 折扣 打折 促销 特价 降价 涨价 价格 价钱 价位 报价 差价 会员 积分 红包 返现 返利 赠品 礼品 礼券 代金券 优惠券
购物券 抵用 特惠 秒杀 包装 包邮 赠送 奖品 抽奖 兑换
商品 产品 商家 卖家 买家 商城 网店 店铺 旗舰店 专卖店 超市 商场 电商 门店 专柜 柜台 厂家 厂商 供应商 经销商 代理商
客户 用户 顾客 消费者 服务台 服务费 服务热线 热线 咨询 售前 回访
洗衣 洗手 洗发 沐浴 牙膏 牙刷 护肤 化妆 面膜 口红 香水 防晒 纸巾 尿布 奶粉 奶瓶 玩具 洗洁精 卫生巾 湿巾 保鲜
充电 电池 耳机 手机 电脑 笔记本 平板 键盘 鼠标 显示器 屏幕 冰箱 空调 洗衣机 电视机 微波炉 热水器 吸尘器 净水
剃须 电饭 风扇 加湿器 音箱 音响 路由器 打印机 相机 手表 手环 眼镜 数据线 插座 插头 灯泡 台灯 床垫 枕头 被子 毛巾
拖鞋 运动鞋 皮鞋 衬衫 外套 羽绒服 连衣裙 牛仔裤 内衣 袜子 背包 钱包 行李箱 雨伞 水杯 保温杯 餐具 家电 家具 电器
鞋子 裤子 裙子 衣服 服装 尺码 尺寸 型号 规格 颜色 配件 零件 说明书 保修卡 包装盒 快递盒 纸箱 箱子
""".split()

# Single-character morphemes, only at the given end of the word (and with a
# higher frequency floor): 账单/运单/菜单 but not 单位/单纯; 密码/条码 but not 码头.
SUFFIX_CHARS = set("款货单票码卡券费价账帐税")
PREFIX_CHARS = set("货邮退")

# Off-domain senses of the morphemes above.
DENY_SUBSTRINGS = """
退休 退伍 退役 撤退 后退 倒退 退化 退却 衰退 退缩 击退 减退 退位 退兵 退让 退路 进退 消退 败退 隐退 退守
退色 打退 告退 退居 辞退 退避 退学 溃退 退步 清退 引退 退场 退隐 退潮 退朝 退市 退火 早退 退烧 退职 退党 退热
斥退 退婚 病退 劝退 退离 退磁 退席 退赃 退堂 退亲 退耕 退稿 退伙 退庭 黜退 革退 逐退 退除 退选 退败 退课
退训 退行 退膛 退股 退敌 退佃 退押 退坡 退团 退魔 退兵 退汞 退晕 退旅 退耕 退冰 退养 退关 退而
码头 起码 砝码 两码 一码 筹码 加码 戏码 码洋 码子 价码 跑码 拜码 菜码 特码 码放 码垛 堆码
卡通 卡拉 卡车 可卡因 奥斯卡 麦卡锡 卡那霉素 矽卡 卡农 卡马 卡雯 卡他 卡脖子 卡壳 哨卡 关卡 设卡 卡丁车 卡萨
摩卡 皮卡 卡环 浪卡 卡因 卡尔曼 卡搭 卡嗒 卡座 卡位 边卡 岗卡
单位 单纯 单调 单薄 单身 单亲 单刀 单于 孤单 单骑 单枪 形单 影只 单弱 单传 单兵 单打 单人 单性 单细胞 单倍体
单晶 单糖 单质 单核 单链 单胞 单宁 单峰 单季 单叶 单瓣 单株 单生 单眼 单弦 单簧 西单 东单 田单 单廷 单县 单鞭
单果 单板 单词 单字 单句 单音 传单 落单 单面 单边 单曲 单非 单门 单摆 单斗
股票 炒股 投票 选票 票选 弃权票 反对票 赞成票 信任票 否决票 计票 唱票 监票 得票 票友 玩票 票戏 绑票 撕票 肉票 票骑
钞票 银票 票号 票庄 庄票 会票 龙票 猴票 党票 保票 打包票 票贩 黄牛票 倒票
货币 期货 通货 洋货 土货 宝货 货殖 货郎 货赂 货贿 食货 黄货 红货 淫货 南货 北货 声色货利 杀人越货 百宝万货
贱货 骚货 蠢货 烂货 赔钱货 笨货 夯货 蹩脚货 吃货 狱货 匪货 货硬
款待 款款 款曲 款诚 款语 款洽 款步 款客 款宴 款爷 款姐 款识 款冬 落款 题款 上款 下款 通款 款实 款学 款目 款级
公款 赃款 贿款 巨款 大款 盗款 卷款 携款 携巨款 庚子 割地 赎款 罚没
息影 消息 信息 气息 叹息 休息 利息 喘息 窒息 平息 声息 瞬息 作息 栖息 歇息 姑息 鼻息 信息卡 息票
税务 国税 地税
邮轮 邮船 邮报 邮差 邮筒 邮亭 邮坛 邮花 邮迷 邮集 集邮 邮展 邮品 邮传 邮戳 邮盘 邮车 邮路
价值观 评价 代价 身价 声价 价值连城 物价局 无价 等价 估价 讲价 价廉物美 天价 评价
金融 黄金 金属 金牌 金奖 金钱豹 金银 千金 金刚 金色 金子 基金会 奖学金 金丝 金鱼 金星 金枪 金字 金陵 金童
金榜 金秋 金石 金莲 金碧 金蝉 合金 冶金 赤金 镀金 烫金 点金 淘金 金文 金黄 金戈 金口 金兰 金钟
钱庄 钱塘 钱粮 铜钱 纸钱 钱币 压岁钱 价钱 本钱 工钱
包子 包公 包庇 包藏 包抄 包含 包容 包罗 包办 包揽 包围 包工 包产 包干 包孕 包身 包头 包衣 包皮 包菜 肉包 面包
书包 皮包 草包 脓包 胆包 沙包 土包 山包 背包袱 包袱 荷包 红包袋 包间 包厢 包场 包养 包二奶 包房 打包票
箱根 冰箱贴 信箱 风箱 烤箱 邮箱号
飞机 司机 机关 机构 机会 时机 危机 机制 机器人 机密 机智 心机 军机 机要 战机 敌机 僚机 机场 机枪 机动 机械
有机 动机 生机 契机 玄机 机体 机能 机理 机灵 机敏 投机 转机 随机 机遇 杀机 天机 良机 机翼 飞行机 直升机
武器 器官 器材 器械 器重 容器 大器 器皿 器具 兵器 利器 成器 暗器 凶器 器量 乐器 瓷器 铜器 玉器 漆器 石器
陶器 铁器 木器 银器 法器 礼器 神器 机器
费解 费劲 费力 浪费 破费 耗费 枉费 白费 煞费 费心 费神 费事 花费
质量不灭 质量遗传 质量数 惯性质量 引力质量 约化质量 电磁质量 纵质量 线质量 物质量 变质量 原子质量 数量质量
微积分 积分学 积分器 积分法 积分球 积分电路 积分算子 积分控制 位形积分 数值积分 分子积分 积分下限
交通流量 洪峰流量 径流量 血流量 热流量 环流量 车流量 客流量 净流量 人流量 水流量 流量仪表 流量计 流量表
""".split()

DENY_WORDS = set("""
或电子邮件 乾电池 请单击 菜单中选择 好孤单 真不简单 新款手机 投一票 单靠 单靠着 混账 混帐 骚货 贱货 烂货 蠢货
简单 简简单单 非常简单 单单 女单 男单 单用户 帷帐 幔帐 中军帐 营帐 纱帐 青纱帐 毡帐 篷帐 军帐 升帐 化合价 原子价
共价 效价 二价 三价 创价 色价 付与 付体 付印 付托 利卡 汉卡 涤卡 拘票 糜费 靡费 贡税 什一税 血账 秋后算帐
稳操胜券 左券 右券 胜券 拱券 一券 七票 万码 五码 四价 四码 四票 乏货 亮票 估单 偏码 全码 半码 冗费 别价 刻款
副价 协税 厂税 原税 原款 名款 喜帐 声码 外码 妄费 小税 尖券 帘帐 床帐 常价 底码 形码 徒费 所费 抛费 护税 拆码
文码 旷费 本价 本卡 本款 林款 梦码 橡票 油款 泡货 派款 炕单 照价 照码 片价 省价 私价 空费 米票 粗货 糖税 网帐
草码 菜货 虎帐 虚价 诸税 谎价 货人 费费 赎价 赛码 跳价 轻税 邮出 邮区 邮发 邮售 邮商 邮汇 邮走 邮运 重码 金码
锦帐 面价 高票 鸭票 黑价 白票 硬卡 硬货 线卡 热卡 闪卡 正税 奢费 颇费 夫琅和费 一虎势单 鸾只凤单 金书铁券
运筹帷帐 市不二价 市无二价 施而不费 储精蓄税 衣租食税 食租衣税 蕴奇待价 鬻驽窃价 遗篇坠款 付之梨枣 遗声余价
出个价 单对单 前十款 玩儿票 需款 措款 摆款 支款 授卡 吃卡 备卡 澡票 花价 递价 顺价 过费 出费 清费 共费 劳费 战费
纸费 超消费 型彩票 全免费 机电票 看病票 游离票 负团费 零重码 首形码 首编码 音形码 形音码 尾形码 表形码 新方码 阴阳码
高性价 女性手机 破损稳性 咨询性 谘询费
旌旗价 当当价 暴雷价 阎王帐 阎王账 糊涂帐 顶帐 顶账 搪帐 政治账 已法治税 课以重税 利林费 内里费 整型费 操心费
糖果费 感谢费 封口费 嫁妆费 葱花券 幸运券 回城券 交角券 毒气卡 佛像卡 知音卡 枫叶卡 星座卡 情人卡 情侣卡 领带卡
国际铝卡 六元金码 新华码 规范王码 赛博数码 声数码 高数码 苏州码 梦码 台装货 剔庄货 沪货 烂污货 高利货 珍产
 北票 退后 退走 整日价 比费 用费 化费 前款 边款 行款 书账 三票 两税 治税 字码 微码
性收费 性玩具 情趣内衣 商家嫂子 小商品生 小商品经 大修理基 产品约 农产品收 手续费收 袜子拿 账户就 账号格 件产品
位会员 部手机 型电脑 级用户 类产品 等奖品 式打印机 计价格 机号码 证号码 弯手机 当鼠标 直手机 直动手机 黑手机
回旋手机 模拟手机 大显手机 熊猫手机 秀水杯 哨音响 超市发 纳税钱 导致用户 满足用户 检查用户 热心用户 友好用户
拉客户 买手机 玩电脑 新手机 脱裤子 纨裤子弟 尿裤子 跌破眼镜 金盆洗手 眼镜蛇 外套腔 外套膜 表面膜 表面膜势 密码侦探
密码界 用户电报 邮件门 电脑锣 电脑病 枕头风 枕头箱 东风热线 天府热线 车城热线 车城商场 货仓商场 板门店 变卖家产
抢银行 客户王 短信王 电视王 颜色视觉 颜色立体 颜色适应 洗衣歌 支付向量 调换法 容电器 正验证 检电器 验证台 验证法
信用状 质保书 积分换 号码灯 号码机 会员版 预售版 注册器 登录器 注册组 注册项 保养工 保养部 修理所 修理者 电脑街
电脑迷 电视迷 汇款地址 邮编地址 管显示器 笔记本型 外币现金 现金配股 晒被子 穿衣服 缝衣服 裁衣服 浆衣服 晾衣服
花衣服 红衣服 黑衣服 红袜子 红鞋子 小鞋子 白袜子 长筒袜子 换衣服 挤牙膏 勤洗手 饭前洗手 铁箱子 竹箱子 空箱子
大箱子 水杯子 专柜小姐 刀枪入库 涨价归公 隔皮断货 一手交货 主音箱 副耳机 哨音响 写数据线 香水味 随书赠送 随片赠送
""".split())

# A leading function word (要付 没付 已付 或电子邮件) or trailing particle /
# direction complement (付掉 退下 付过) whose remainder is itself a word.
JUNK_PREFIX_CHARS = set("以或请要没此每该这那真好很也都就已可能不未再又先给把将在和与及的是有无多少几")
JUNK_SUFFIX_CHARS = set("着了过得掉来去到上下起的中儿")


def is_cjk_unified(ch: str) -> bool:
    return 0x4E00 <= ord(ch) <= 0x9FFF


def is_simplified(word: str) -> bool:
    try:
        word.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def read_list(path: str) -> list[str]:
    words = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            words.append(line)
    return words


def read_jieba_dict(path: str) -> dict[str, tuple[int, str]]:
    entries: dict[str, tuple[int, str]] = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if len(parts) < 2:
                continue
            word, freq = parts[0], int(parts[1])
            pos = parts[2] if len(parts) > 2 else ""
            if word not in entries:  # first occurrence wins, deterministically
                entries[word] = (freq, pos)
    return entries


def matches_domain(word: str, freq: int) -> bool:
    if freq >= MIN_FREQ_STRONG and any(m in word for m in STRONG_MORPHEMES):
        return True
    if word[-1] in SUFFIX_CHARS and freq >= (MIN_FREQ_STRONG if len(word) <= 3 else MIN_FREQ_CHAR):
        return True
    if word[0] in PREFIX_CHARS and freq >= MIN_FREQ_CHAR:
        return True
    return False


def is_glued_phrase(word: str, entries: dict[str, tuple[int, str]]) -> bool:
    if word[0] in JUNK_PREFIX_CHARS and word[1:] in entries:
        return True
    if word[-1] in JUNK_SUFFIX_CHARS and word[:-1] in entries:
        return True
    for cut in range(2, len(word) - 1):
        head, tail = word[:cut], word[cut:]
        if entries.get(head, (0, ""))[1] == "ns" and tail in entries:
            return True
    return False


def derive(entries: dict[str, tuple[int, str]], core: set[str]) -> list[str]:
    kept = []
    for word, (freq, pos) in entries.items():
        if not (MIN_LEN <= len(word) <= MAX_LEN):
            continue
        if not all(is_cjk_unified(ch) for ch in word) or not is_simplified(word):
            continue
        if pos in EXCLUDED_POS:
            continue
        if not matches_domain(word, freq):
            continue
        if word in DENY_WORDS or any(d in word for d in DENY_SUBSTRINGS):
            continue
        if is_glued_phrase(word, entries):
            continue
        if word in core:
            continue
        kept.append(word)
    return sorted(set(kept))


def fetch_jieba_dict(tmpdir: str) -> str:
    """Download the pinned jieba sdist with pip and extract jieba/dict.txt."""
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:",
         "--disable-pip-version-check", "-q", "-d", tmpdir, f"jieba=={JIEBA_VERSION}"],
        check=True,
    )
    archives = sorted(glob.glob(os.path.join(tmpdir, "jieba-*")))
    if not archives:
        sys.exit("pip download produced no jieba archive")
    archive = archives[0]
    out = os.path.join(tmpdir, "dict.txt")
    if archive.endswith((".tar.gz", ".tgz")):
        with tarfile.open(archive) as tf:
            member = next(m for m in tf.getmembers() if m.name.endswith("/jieba/dict.txt"))
            with tf.extractfile(member) as src, open(out, "wb") as dst:
                dst.write(src.read())
    else:
        with zipfile.ZipFile(archive) as zf:
            name = next(n for n in zf.namelist() if n.endswith("jieba/dict.txt"))
            with zf.open(name) as src, open(out, "wb") as dst:
                dst.write(src.read())
    return out


def sha256(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--jieba-dict", help="path to jieba/dict.txt (default: pip download jieba==%s)" % JIEBA_VERSION)
    ap.add_argument("--core", default=DEFAULT_CORE, help="core list whose words are left out")
    ap.add_argument("--out", default=DEFAULT_OUT)
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as tmpdir:
        dict_path = args.jieba_dict or fetch_jieba_dict(tmpdir)
        digest = sha256(dict_path)
        entries = read_jieba_dict(dict_path)
        core = set(read_list(args.core)) if os.path.exists(args.core) else set()
        words = derive(entries, core)

    if digest == JIEBA_DICT_SHA256:
        source = f"jieba {JIEBA_VERSION} (PyPI sdist jieba-{JIEBA_VERSION}.tar.gz), file jieba/dict.txt"
    else:
        print(f"warning: {dict_path} is not the dict.txt of jieba {JIEBA_VERSION} "
              f"(sha256 {digest}); the header will say so", file=sys.stderr)
        source = "a jieba dict.txt of unknown version (NOT the pinned one)"
    header = [
        "# ReplyKit built-in help-desk lexicon: words derived from jieba's dictionary.",
        f"# Source: {source},",
        f"# sha256 {digest}, {len(entries)} entries.",
        "# jieba: Copyright (c) 2013 Sun Junyi, MIT licence (https://github.com/fxsjy/jieba).",
        "# Produced by: python3 tools/lexicon/derive_from_jieba.py --out corpora/lexicon/helpdesk-jieba.txt",
        f"# (which runs: pip download --no-deps --no-binary :all: jieba=={JIEBA_VERSION} into a temp dir;",
        "# --jieba-dict PATH/jieba/dict.txt on an unpacked copy gives the same output).",
        "# Selection rules are in that script; words already in helpdesk-core.txt are left out.",
        "# Do not edit by hand: change the script or helpdesk-core.txt and rerun it.",
        f"# {len(words)} words.",
    ]
    tmp_out = args.out + ".tmp"
    with open(tmp_out, "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(header) + "\n")
        for w in words:
            f.write(w + "\n")
    os.replace(tmp_out, args.out)
    print(f"wrote {len(words)} words to {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
