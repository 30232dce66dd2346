"""The agent workbench page in a real headless Chromium against `replykit serve --demo` (Tests/Browser/run).

One customer's conversation runs from the simulator to history: it arrives live in the queue, agent-1 takes
it, inserts 退款流程 with the keyboard (variables filled), sends, recalls, sees smart replies, transfers it with a
reason; agent-2 ends it with a summary and finds it in history by a Traditional Chinese word. Around it: a bare
Enter sends what was typed, an unresolved variable blocks sending, a keyboard-only pass, another agent's
personal replies never appear, and the keystroke-to-suggestions time over 200+ keystrokes. Every test fails on
a JavaScript console error."""

import json
import os
import unittest

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.common.action_chains import ActionChains

import browser as b

CUSTOMER = "王女士"
FIRST_MESSAGE = "你好，我的订单怎么退款？"


class WorkbenchFlow(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.agent = b.chromium()
        cls.customer = b.chromium()
        cls.other = None

    @classmethod
    def tearDownClass(cls):
        for driver in (cls.agent, cls.customer, cls.other):
            if driver:
                driver.quit()

    def tearDown(self):
        for driver in (self.agent, self.customer, type(self).other):
            if driver:
                errors = b.console_errors(driver)
                self.assertEqual(errors, [], "JavaScript console errors")

    # The simulator plays the channel.
    def open_customer(self, driver, name, group="aftersales", channel="wechat"):
        driver.get(b.BASE + "/simulator")
        form = b.visible(driver, "#start")
        field = form.find_element(By.NAME, "name")
        field.clear()
        field.send_keys(name)
        form.find_element(By.CSS_SELECTOR, f"select[name=channel] option[value={channel}]").click()
        form.find_element(By.NAME, "group").send_keys(group)
        form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        b.visible(driver, "#say")

    def customer_says(self, driver, text):
        box = driver.find_element(By.CSS_SELECTOR, "#say input")
        box.send_keys(text, Keys.ENTER)
        b.find_text(driver, "#thread li[data-sender=customer]", text)

    def agent_sends_text(self, text):
        box = b.reply_box(self.agent)
        count = len(b.messages(self.agent))
        box.send_keys(text, Keys.ENTER)
        b.wait(self.agent).until(lambda d: len(b.messages(d)) > count)

    def test_1_sign_in_and_a_customer_message_arrives_live_in_the_queue(self):
        b.open_page(self.agent)
        b.screenshot(self.agent, "sign-in-zh.png")
        b.sign_in(self.agent, "agent-1")
        b.choose_group(self.agent, "queued")
        self.open_customer(self.customer, CUSTOMER)
        self.customer_says(self.customer, FIRST_MESSAGE)
        # No reload, no polling: the queue shows the customer and the last message when the events say so.
        item = b.find_text(self.agent, "#session-list .session-item", CUSTOMER)
        b.wait(self.agent).until(lambda d: FIRST_MESSAGE in b.find_text(d, "#session-list .session-item", CUSTOMER).text)
        self.assertIn("wechat", item.text)
        self.assertNotEqual(self.agent.find_element(By.CSS_SELECTOR, "[data-count=queued]").text, "")

    def test_2_take_insert_with_the_keyboard_variables_filled_send(self):
        b.open_session(self.agent, "queued", CUSTOMER)
        b.click(self.agent, "button[data-action=take]")
        b.visible(self.agent, "#composer")
        box = b.reply_box(self.agent)
        box.click()
        box.send_keys("#")
        b.type_and_wait(self.agent, "退款流")
        self.assertEqual(box.get_attribute("aria-expanded"), "true")
        option = b.highlight(self.agent, "退款流程")
        self.assertEqual(option.get_attribute("aria-selected"), "true")
        marks = [mark.text for mark in option.find_elements(By.CSS_SELECTOR, ".suggest-title mark")]
        self.assertTrue(marks, "the matched characters are highlighted")
        b.screenshot(self.agent, "suggest-zh.png")
        box.send_keys(Keys.ENTER)
        b.wait(self.agent).until(lambda d: CUSTOMER in d.find_element(By.ID, "reply").get_attribute("value"))
        value = box.get_attribute("value")
        self.assertNotIn("#", value)
        self.assertNotIn("{{", value, "variables are filled from the conversation")
        self.assertTrue(value.startswith(f"您好{CUSTOMER}"))
        self.assertEqual(box.get_attribute("aria-expanded"), "false")
        count = len(b.messages(self.agent))
        box.send_keys(Keys.ENTER)
        b.wait(self.agent).until(lambda d: len(b.messages(d)) > count)
        # The customer's side shows the agent's reply.
        b.find_text(self.customer, "#thread li[data-sender=agent]", f"您好{CUSTOMER}")
        b.screenshot(self.customer, "simulator.png")

    def test_3_recall_it(self):
        own = b.find_text(self.agent, "#messages li.from-agent", f"您好{CUSTOMER}")
        own.find_element(By.CSS_SELECTOR, "button.recall").click()
        b.find_text(self.agent, "#messages li.recalled", f"您好{CUSTOMER}")
        b.wait(self.customer).until(
            lambda d: not any(f"您好{CUSTOMER}" in li.text for li in d.find_elements(By.CSS_SELECTOR, "#thread li")))

    def test_4_smart_replies_for_the_customer_message(self):
        b.clickable(self.agent, "[role=tab][data-tab=smart]").click()
        panel = b.visible(self.agent, "#panel-smart")
        b.wait(self.agent).until(lambda d: FIRST_MESSAGE in panel.text)
        answers = b.wait(self.agent).until(lambda d: panel.find_elements(By.CSS_SELECTOR, ".smart-replies li"))
        self.assertTrue(any("置信度" in answer.text for answer in answers))
        # A new customer message brings its own smart replies live.
        self.customer_says(self.customer, "发票怎么开")
        b.wait(self.agent).until(lambda d: "发票怎么开" in panel.text)
        b.screenshot(self.agent, "workbench-zh.png")

    def test_5_a_bare_enter_sends_what_was_typed(self):
        b.clickable(self.agent, "#suggest-as-you-type").click()
        try:
            b.reply_box(self.agent).click()
            b.type_and_wait(self.agent, "好的")
            self.assertTrue(b.options(self.agent), "suggestions are shown as the agent types")
            self.assertIsNone(b.reply_box(self.agent).get_attribute("aria-activedescendant"))
            count = len(b.messages(self.agent))
            b.reply_box(self.agent).send_keys(Keys.ENTER)
            b.wait(self.agent).until(lambda d: len(b.messages(d)) > count)
            b.wait(self.agent).until(
                lambda d: b.messages(d)[-1].find_element(By.CSS_SELECTOR, ".bubble").text == "好的",
                "the last message is the typed text, not a suggestion")
            b.find_text(self.customer, "#thread li[data-sender=agent]", "好的")
        finally:
            b.clickable(self.agent, "#suggest-as-you-type").click()

    def test_6_an_unresolved_variable_blocks_sending(self):
        box = b.reply_box(self.agent)
        box.send_keys("#")
        b.type_and_wait(self.agent, "核对订单")
        b.highlight(self.agent, "核对订单号")
        box.send_keys(Keys.TAB)
        b.wait(self.agent).until(lambda d: "{{visitor.order_id}}" in d.find_element(By.ID, "reply").get_attribute("value"))
        warning = b.visible(self.agent, "#composer-warning")
        self.assertIn("visitor.order_id", warning.text)
        count = len(b.messages(self.agent))
        box.send_keys(Keys.ENTER)
        b.visible(self.agent, "#reply[aria-invalid=true]")
        self.assertEqual(len(b.messages(self.agent)), count, "nothing was sent")
        self.assertIn("{{visitor.order_id}}", box.get_attribute("value"))
        # The agent fills it in by hand: now it goes.
        value = box.get_attribute("value").replace("{{visitor.order_id}}", "LZ20261206")
        b.clear_box(self.agent)
        box.send_keys(value)
        b.wait(self.agent).until(lambda d: d.find_element(By.ID, "composer-warning").text == "")
        box.send_keys(Keys.ENTER)
        b.wait(self.agent).until(lambda d: len(b.messages(d)) > count)
        b.find_text(self.customer, "#thread li[data-sender=agent]", "LZ20261206")

    def test_7_transfer_with_a_reason(self):
        b.click(self.agent, "button[data-action=transfer]")
        dialog = b.visible(self.agent, "#transfer-dialog")
        b.wait(self.agent).until(lambda d: dialog.find_elements(By.CSS_SELECTOR, "select[name=agent] option[value=agent-2]"))
        dialog.find_element(By.CSS_SELECTOR, "select[name=agent] option[value=agent-2]").click()
        dialog.find_element(By.NAME, "note").send_keys("客户要开专票，转给阿美")
        dialog.find_element(By.CSS_SELECTOR, "button[value=ok]").click()
        b.find_text(self.agent, "#messages .system-event", "客户要开专票")
        b.wait(self.agent).until(lambda d: not d.find_element(By.ID, "composer").is_displayed())

    def test_8_end_with_a_summary_and_find_it_in_history_by_a_traditional_word(self):
        type(self).other = b.chromium()
        other = self.other
        b.sign_in(other, "agent-2")
        b.open_session(other, "active", CUSTOMER)
        b.find_text(other, "#messages .system-event", "客户要开专票")
        b.clickable(other, "[role=tab][data-tab=summary]").click()
        panel = b.visible(other, "#panel-summary")
        panel.find_element(By.CSS_SELECTOR, "select[name=status] option[value=resolved]").click()
        panel.find_element(By.NAME, "category").send_keys("退款")
        panel.find_element(By.NAME, "notes").send_keys("已告知退款流程并开票")
        panel.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        b.wait(other).until(lambda d: d.find_element(By.CSS_SELECTOR, "#panel-summary .saved").text != "")
        b.click(other, "button[data-action=end]")
        b.find_text(other, "#conversation-header", "已结束")
        # The summary stays editable after the end.
        b.clickable(other, "[role=tab][data-tab=summary]").click()
        notes = b.visible(other, "#panel-summary textarea[name=notes]")
        self.assertIn("已告知退款流程", notes.get_attribute("value"))
        # History: 訂單 (Traditional) finds the customer's 订单.
        b.clickable(other, "#open-history").click()
        form = b.visible(other, "#history-form")
        form.find_element(By.NAME, "q").send_keys("訂單", Keys.ENTER)
        b.find_text(other, "#history-results .session-item", CUSTOMER)
        b.click(other, "#history-results .session-item", CUSTOMER)
        b.wait(other).until(lambda d: CUSTOMER in d.find_element(By.ID, "conversation-header").text)

    def test_9_english_screens(self):
        b.open_page(self.agent, "en")
        b.visible(self.agent, "#workbench")
        b.find_text(self.agent, ".group-button", "Queued")
        self.assertEqual(self.agent.execute_script("return document.documentElement.lang"), "en")
        self.open_customer(self.customer, "Ms. Smith", channel="web")
        self.customer_says(self.customer, "How do I get a refund for my order?")
        b.open_session(self.agent, "queued", "Ms. Smith")
        b.click(self.agent, "button[data-action=take]")
        box = b.reply_box(self.agent)
        box.click()
        box.send_keys("#")
        b.type_and_wait(self.agent, "refund")
        b.highlight(self.agent, b.options(self.agent)[0].find_element(By.CSS_SELECTOR, ".suggest-title").text)
        b.screenshot(self.agent, "workbench-en.png")
        box.send_keys(Keys.ESCAPE)
        b.clear_box(self.agent)
        b.open_page(self.agent, "zh-Hans")


class AgentAndCustomer(unittest.TestCase):
    """A browser for an agent and one for a customer (the simulator), for the class's tests; any console error
    fails the test that caused it."""

    @classmethod
    def setUpClass(cls):
        cls.agent = b.chromium()
        cls.customer = b.chromium()

    @classmethod
    def tearDownClass(cls):
        cls.agent.quit()
        cls.customer.quit()

    def tearDown(self):
        for driver in (self.agent, self.customer):
            self.assertEqual(b.console_errors(driver), [], "JavaScript console errors")


class KeyboardAndVisibility(AgentAndCustomer):
    """A keyboard-only pass, another agent's personal replies, and the keystroke latency."""

    def keys(self, *keys):
        ActionChains(self.agent).send_keys(*keys).perform()

    def active(self):
        return self.agent.switch_to.active_element

    def tab_to(self, predicate, limit=80):
        for _ in range(limit):
            self.keys(Keys.TAB)
            if predicate(self.active()):
                return self.active()
        raise AssertionError("not reached with Tab")

    def test_a_keyboard_only(self):
        b.open_page(self.agent)
        agent_field = b.visible(self.agent, "#sign-in-form input[name=agent]")
        self.assertEqual(self.active(), agent_field, "the sign-in form takes the focus")
        self.keys("agent-1", Keys.TAB, b.PASSWORD, Keys.ENTER)
        b.visible(self.agent, "#workbench")
        WorkbenchFlow.open_customer(self, self.customer, "键盘客户")
        WorkbenchFlow.customer_says(self, self.customer, "请问怎么修改收货地址")
        queued = self.tab_to(lambda element: element.get_attribute("data-view") == "queued")
        self.keys(Keys.ENTER)
        b.find_text(self.agent, "#session-list .session-item", "键盘客户")
        self.tab_to(lambda element: "键盘客户" in element.text and "session-item" in (element.get_attribute("class") or ""))
        self.keys(Keys.ENTER)
        b.wait(self.agent).until(lambda d: "键盘客户" in d.find_element(By.ID, "conversation-header").text)
        self.tab_to(lambda element: element.get_attribute("data-action") == "take")
        self.keys(Keys.ENTER)
        b.visible(self.agent, "#composer")
        self.tab_to(lambda element: element.get_attribute("id") == "reply")
        self.keys("#")
        b.type_and_wait(self.agent, "修改")
        self.keys(Keys.ARROW_DOWN)
        active = self.active().get_attribute("aria-activedescendant")
        self.assertTrue(active, "the box names the active option for screen readers")
        title = self.agent.find_element(By.ID, active).find_element(By.CSS_SELECTOR, ".suggest-title").text
        self.keys(Keys.ENTER)
        b.wait(self.agent).until(lambda d: d.find_element(By.ID, "reply").get_attribute("value") != "#修改")
        count = len(b.messages(self.agent))
        self.keys(Keys.ENTER)
        b.wait(self.agent).until(lambda d: len(b.messages(d)) > count)
        self.assertTrue(title)
        # The sidebar's tabs move with the arrow keys.
        tab = self.tab_to(lambda element: element.get_attribute("role") == "tab")
        first = tab.get_attribute("data-tab")
        self.keys(Keys.ARROW_RIGHT)
        self.assertEqual(self.active().get_attribute("role"), "tab")
        self.assertNotEqual(self.active().get_attribute("data-tab"), first)
        self.assertEqual(self.active().get_attribute("aria-selected"), "true")
        # Esc closes the list.
        box = b.reply_box(self.agent)
        box.click()
        box.send_keys("#")
        b.type_and_wait(self.agent, "发票")
        self.keys(Keys.ESCAPE)
        b.wait(self.agent).until(lambda d: not b.list_open(d))
        b.clear_box(self.agent)
        self.assertIsNotNone(queued)

    def test_b_another_agents_personal_replies_never_appear(self):
        with open("corpora/demo/quick_replies.jsonl", encoding="utf-8") as file:
            items = [json.loads(line) for line in file if line.strip()]
        theirs = {item["title"] for item in items if item["scope"] == "personal:agent-1"}
        shared = {item["title"] for item in items if not item["scope"].startswith("personal:")}
        # agent-2 signs in (in this browser, after agent-1 signs out).
        b.clickable(self.agent, "#sign-out").click()
        b.visible(self.agent, "#sign-in-form")
        b.sign_in(self.agent, "agent-2")
        self.open_own_session("可见性客户")
        box = b.reply_box(self.agent)
        checked = 0
        for title in sorted(theirs - shared):
            b.clear_box(self.agent)
            box.send_keys("#")
            b.type_and_wait(self.agent, title[:2])
            shown = [o.find_element(By.CSS_SELECTOR, ".suggest-title").text for o in b.options(self.agent)]
            self.assertNotIn(title, shown, f"agent-1's personal reply {title} was suggested to agent-2")
            checked += 1
        self.assertGreater(checked, 3)
        b.clear_box(self.agent)
        # Nor in the quick-reply library.
        b.clickable(self.agent, "[role=tab][data-tab=quick]").click()
        library = b.visible(self.agent, "#panel-quick .library")
        b.wait(self.agent).until(lambda d: library.find_elements(By.CSS_SELECTOR, "li"))
        listed = {title.text for title in library.find_elements(By.CSS_SELECTOR, "li .title")}
        self.assertFalse(listed & (theirs - shared), "agent-1's personal replies are listed for agent-2")

    def open_own_session(self, name):
        WorkbenchFlow.open_customer(self, self.customer, name, group="presales")
        WorkbenchFlow.customer_says(self, self.customer, "在吗")
        b.open_session(self.agent, "queued", name)
        b.click(self.agent, "button[data-action=take]")
        b.visible(self.agent, "#composer")

    def test_c_keystroke_to_suggestions_rendered(self):
        queries = ["退款流程", "退货地址", "发票抬头", "物流查询", "会员积分", "优惠券", "修改地址", "tk", "fp", "wl",
                   "花呗分期", "催发货", "开发票", "七天无理由", "运费险", "价格保护", "账户安全", "换货流程",
                   "refund", "invoice", "延迟发货", "签收异常", "商品质量", "售后服务", "投诉建议", "订单取消",
                   "支付失败", "退款到账", "补发商品", "保修政策", "安装服务", "尺码推荐", "库存查询", "预售商品",
                   "会员等级", "积分兑换", "生日礼包", "发票邮寄", "电子发票", "专票资质", "改价申请", "拒收退回",
                   "配送时间", "自提点", "海外直邮", "关税说明", "以旧换新", "分期付款", "信用卡", "微信支付"]
        box = b.reply_box(self.agent)
        before = b.rendered_count(self.agent)
        typed = 0
        for text in queries:
            b.clear_box(self.agent)
            box.send_keys("#")
            b.type_and_wait(self.agent, text)
            typed += len(text)
            if typed >= 210:
                break
        timings = self.agent.execute_script("return window.replykitMetrics.suggest.map(t => t.ms)")[before:]
        self.assertGreaterEqual(len(timings), 200)
        figures = b.report("keystroke_to_suggestions", timings)
        print(f"\nkeystroke to suggestions rendered over {figures['keystrokes']} keystrokes: "
              f"p50 {figures['p50_ms']} ms, p95 {figures['p95_ms']} ms (target p95 <= 50 ms)")
        b.clear_box(self.agent)


if __name__ == "__main__":
    unittest.main()


class ActionsAndSidebar(AgentAndCustomer):
    """Star and block (a blocked customer's message is refused), the customer's information, the knowledge search
    and the quick-reply library by scope and folder."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        b.sign_in(cls.agent, "agent-1")

    def test_star_block_and_the_sidebar(self):
        WorkbenchFlow.open_customer(self, self.customer, "侧栏客户")
        WorkbenchFlow.customer_says(self, self.customer, "发票抬头写错了能改吗")
        b.open_session(self.agent, "queued", "侧栏客户")
        b.click(self.agent, "button[data-action=take]")
        b.visible(self.agent, "#composer")
        # Star: the starred group counts it and lists it; unstar takes it out.
        b.click(self.agent, "button[data-action=star]")
        b.visible(self.agent, "button[data-action=unstar]")
        b.open_session(self.agent, "starred", "侧栏客户")
        b.click(self.agent, "button[data-action=unstar]")
        b.visible(self.agent, "button[data-action=star]")
        b.choose_group(self.agent, "starred")
        b.wait(self.agent).until(lambda d: "侧栏客户" not in d.find_element(By.ID, "session-list").text)
        b.open_session(self.agent, "active", "侧栏客户")
        # Block: the customer's next message is refused; unblock lets it through.
        b.click(self.agent, "button[data-action=block]")
        b.visible(self.agent, "button[data-action=unblock]")
        self.customer.find_element(By.CSS_SELECTOR, "#say input").send_keys("还在吗", Keys.ENTER)
        b.wait(self.customer).until(lambda d: d.find_element(By.ID, "error").text != "")
        b.click(self.agent, "button[data-action=unblock]")
        b.visible(self.agent, "button[data-action=block]")
        WorkbenchFlow.customer_says(self, self.customer, "现在呢")
        b.find_text(self.agent, "#messages li.from-customer", "现在呢")
        refused = b.console_errors(self.customer)
        self.assertTrue(all("403" in entry["message"] for entry in refused), refused)
        # The customer's information is edited in the sidebar and kept.
        b.click(self.agent, "[role=tab][data-tab=customer]")
        level = b.visible(self.agent, "#panel-customer input[name=level]")
        level.clear()
        level.send_keys("VIP")
        b.click(self.agent, "#panel-customer button[type=submit]")
        b.wait(self.agent).until(lambda d: d.find_element(By.CSS_SELECTOR, "#panel-customer .saved").text != "")
        b.click(self.agent, "[role=tab][data-tab=history]")
        b.click(self.agent, "[role=tab][data-tab=customer]")
        b.wait(self.agent).until(
            lambda d: d.find_element(By.CSS_SELECTOR, "#panel-customer input[name=level]").get_attribute("value") == "VIP")
        # The knowledge search finds bot answers and articles, and "use" puts one in the box, filled.
        b.click(self.agent, "[role=tab][data-tab=knowledge]")
        search = b.visible(self.agent, "#panel-knowledge input[type=search]")
        search.send_keys("发票抬头", Keys.ENTER)
        b.find_text(self.agent, "#panel-knowledge .knowledge-results li", "发票")
        b.click(self.agent, "#panel-knowledge .knowledge-results li button")
        b.wait(self.agent).until(lambda d: d.find_element(By.ID, "reply").get_attribute("value") != "")
        b.clear_box(self.agent)
        # The library lists folders and the agent's own personal replies beside company and group ones.
        b.click(self.agent, "[role=tab][data-tab=quick]")
        b.find_text(self.agent, "#panel-quick .folders", "售后")
        b.find_text(self.agent, "#panel-quick button.more", "100")
        # "More" adds the next page to those shown.
        b.click(self.agent, "#panel-quick button.more")
        b.wait(self.agent).until(
            lambda d: len(d.find_elements(By.CSS_SELECTOR, "#panel-quick .library > li")) == 200)
        b.click(self.agent, "#panel-quick select[name=scope] option[value='personal:agent-1']")
        b.find_text(self.agent, "#panel-quick .library", "小李欢迎")
        b.click(self.agent, "#panel-quick .folders button", "售后")
        b.wait(self.agent).until(lambda d: "小李欢迎" not in d.find_element(By.CSS_SELECTOR, "#panel-quick .library").text)
        b.click(self.agent, "#panel-quick select[name=scope] option[value='']")
        b.find_text(self.agent, "#panel-quick .library", "退款流程")
