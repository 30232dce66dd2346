"""Helpers of the browser tests: a headless Chromium per agent, signing in, waiting on the page's own state,
and the console check (any JavaScript error fails the test that caused it)."""

import json
import os
import statistics

from selenium import webdriver
from selenium.common.exceptions import ElementClickInterceptedException, StaleElementReferenceException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

BASE = os.environ.get("REPLYKIT_URL", "http://127.0.0.1:8080")
PASSWORD = "replykit-demo"
WAIT_SECONDS = 15


def chromium(language="zh-CN"):
    """A headless Chromium with its browser log kept (read by `console_errors`)."""
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1440,900",
                     f"--lang={language}", "--disable-gpu"):
        options.add_argument(argument)
    options.add_experimental_option("prefs", {"intl.accept_languages": language})
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.set_script_timeout(30)
    return driver


def wait(driver, seconds=WAIT_SECONDS):
    """Waits on a condition; an element the page redrew meanwhile (lists follow live events) is looked up again."""
    return WebDriverWait(driver, seconds,
                         ignored_exceptions=(StaleElementReferenceException, ElementClickInterceptedException))


def click(driver, css, text=None):
    """Clicks the first element matching `css` (and containing `text`), looking it up again if the page redrew it."""
    def clicked(d):
        for element in d.find_elements(By.CSS_SELECTOR, css):
            if (text is None or text in element.text) and element.is_displayed() and element.is_enabled():
                element.click()
                return True
        return False
    wait(driver).until(clicked, f"no {css} to click" + (f" with {text!r}" if text else ""))


def visible(driver, css):
    return wait(driver).until(EC.visibility_of_element_located((By.CSS_SELECTOR, css)))


def clickable(driver, css):
    return wait(driver).until(EC.element_to_be_clickable((By.CSS_SELECTOR, css)))


def find_text(driver, css, text):
    """The first element matching `css` whose text contains `text`, once there is one."""
    def found(_):
        for element in driver.find_elements(By.CSS_SELECTOR, css):
            if text in element.text:
                return element
        return False
    return wait(driver).until(found, f"no {css} with {text!r}")


def console_errors(driver):
    """The browser log's errors since the last call (reading the log empties it)."""
    return [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


def open_page(driver, language="zh-Hans"):
    driver.get(BASE + "/")
    driver.execute_script("localStorage.setItem('replykit.language', arguments[0])", language)
    driver.get(BASE + "/")


def sign_in(driver, agent, language="zh-Hans"):
    open_page(driver, language)
    form = visible(driver, "#sign-in-form")
    form.find_element(By.NAME, "agent").send_keys(agent)
    form.find_element(By.NAME, "password").send_keys(PASSWORD, Keys.ENTER)
    visible(driver, "#workbench")
    wait(driver).until(lambda d: agent in d.find_element(By.ID, "me").text or d.find_element(By.ID, "me").text)
    visible(driver, ".group-button[data-view=queued]")


def choose_group(driver, view):
    click(driver, f".group-button[data-view='{view}']")
    wait(driver).until(lambda d: d.find_element(By.CSS_SELECTOR, f".group-button[data-view='{view}']")
                       .get_attribute("aria-current") == "true")


def open_session(driver, view, customer):
    choose_group(driver, view)
    click(driver, "#session-list .session-item", customer)
    wait(driver).until(lambda d: customer in d.find_element(By.ID, "conversation-header").text)


def reply_box(driver):
    return visible(driver, "#reply")


def clear_box(driver):
    box = reply_box(driver)
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys(Keys.BACKSPACE)
    wait(driver).until(lambda d: d.find_element(By.ID, "reply").get_attribute("value") == "")


def options(driver):
    return driver.find_elements(By.CSS_SELECTOR, "#composer [role=option]")


def list_open(driver):
    return driver.execute_script(
        "const list = document.querySelector('#composer [role=listbox]'); return !!list && !list.hidden")


def rendered_count(driver):
    return driver.execute_script("return window.replykitMetrics.suggest.length")


def type_and_wait(driver, text):
    """Types `text` one character at a time, each time until the list shows that text's suggestions."""
    box = reply_box(driver)
    for character in text:
        before = rendered_count(driver)
        box.send_keys(character)
        wait(driver).until(lambda d: rendered_count(d) > before and list_open(d), f"no suggestions after {character!r}")


def highlight(driver, title):
    """Moves the highlight with ↓ until the active option is `title`; the option."""
    box = reply_box(driver)
    for _ in range(len(options(driver))):
        box.send_keys(Keys.ARROW_DOWN)
        active = box.get_attribute("aria-activedescendant")
        option = driver.find_element(By.ID, active)
        if option.find_element(By.CSS_SELECTOR, ".suggest-title").text == title:
            return option
    raise AssertionError(f"{title} is not among the suggestions: {[o.text for o in options(driver)]}")


def messages(driver):
    return driver.find_elements(By.CSS_SELECTOR, "#messages li.message")


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def report(name, values):
    path = os.environ.get("BROWSER_REPORT")
    figures = {"keystrokes": len(values), "p50_ms": round(statistics.median(values), 2),
               "p95_ms": round(percentile(values, 0.95), 2), "max_ms": round(max(values), 2)}
    if path:
        existing = {}
        if os.path.exists(path):
            with open(path, encoding="utf-8") as file:
                existing = json.load(file)
        existing[name] = figures
        with open(path, "w", encoding="utf-8") as file:
            json.dump(existing, file, ensure_ascii=False, indent=2)
    return figures


def screenshot(driver, name):
    folder = os.environ.get("SCREENSHOTS")
    if folder:
        os.makedirs(folder, exist_ok=True)
        driver.save_screenshot(os.path.join(folder, name))
