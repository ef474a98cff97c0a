#!/usr/bin/env python3
"""The `sou serve` page in a real browser (headless Chromium driven by Selenium).

usage: page.py SOU_BINARY INDEX_DIR OUT_DIR

Starts `sou serve` on a free port, loads the page, types 人工智能, and checks against
the CLI: the hit count, the highlights of the first snippet, a click on a source, a drag
across the histogram (date inputs and count), opening an article, a reload that
restores the state from the URL, and one hit per story with the copies of an article. Screenshots go to OUT_DIR for a person to look at.
Exits non-zero on the first failed check.
"""
import os, subprocess, sys, time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By

sou, index, out = sys.argv[1], sys.argv[2], sys.argv[3]
os.makedirs(out, exist_ok=True)


def cli_count(*args):
    r = subprocess.run([sou, "--index", index, "search", *args, "--count"], capture_output=True, text=True)
    return int(r.stdout.strip() or "0")


def check(cond, what):
    if not cond:
        driver.save_screenshot(os.path.join(out, "failure.png"))
        print("FAILED:", what, file=sys.stderr)
        sys.exit(1)
    print("ok:", what)


def wait_for(pred, what, timeout=10):
    end = time.time() + timeout
    while time.time() < end:
        try:
            if pred():
                return
        except Exception:
            pass
        time.sleep(0.05)
    check(False, what + " (timed out)")


server = subprocess.Popen([sou, "--index", index, "serve", "--addr", "127.0.0.1:0"], stdout=subprocess.PIPE, text=True)
url = server.stdout.readline().split("http://")[1].strip()
url = "http://" + url
opts = webdriver.ChromeOptions()
for a in ["--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1280,900", "--disable-dev-shm-usage",
          "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"]:
    opts.add_argument(a)
driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)
try:
    driver.get(url)
    count = lambda: driver.find_element(By.ID, "count").text
    wait_for(lambda: count().endswith("matching documents"), "the page lists every document at first")
    q = driver.find_element(By.ID, "q")
    q.send_keys("人工智能")
    want = cli_count("人工智能")
    wait_for(lambda: count() == f"{want} matching documents", f"typing 人工智能 shows {want} like the CLI")
    first = driver.find_elements(By.CSS_SELECTOR, "#hits li .snippet")[0]
    marks = [m.text for m in first.find_elements(By.TAG_NAME, "mark")]
    check(marks and all(m == "人工智能" for m in marks), f"the first snippet highlights exactly 人工智能: {marks}")
    text = first.text
    check(text.count("人工智能") == len(marks), "every occurrence in the snippet is highlighted")
    driver.save_screenshot(os.path.join(out, "search.png"))

    # A source: the count becomes the CLI's with --source.
    src = driver.find_elements(By.CSS_SELECTOR, "#sources li")[0]
    name = src.find_element(By.CLASS_NAME, "name").text
    src.click()
    want_src = cli_count("人工智能", "--source", name)
    wait_for(lambda: count() == f"{want_src} matching documents", f"clicking {name} shows {want_src}")
    check("source=" in driver.current_url, "the source is in the URL")
    src = driver.find_elements(By.CSS_SELECTOR, "#sources li.on")[0]
    src.click()
    wait_for(lambda: count() == f"{want} matching documents", "clicking it again removes the filter")

    # Drag across the right half of the histogram: since/until follow, and the count.
    hist = driver.find_element(By.ID, "histogram")
    w = hist.size["width"]
    ActionChains(driver).move_to_element_with_offset(hist, int(w * 0.05), 0).click_and_hold() \
        .move_to_element_with_offset(hist, int(w * 0.45), 0).release().perform()
    since = driver.find_element(By.ID, "since")
    until = driver.find_element(By.ID, "until")
    wait_for(lambda: since.get_attribute("value") and until.get_attribute("value"), "the drag sets both dates")
    s, u = since.get_attribute("value"), until.get_attribute("value")
    check(s <= u, f"since {s} <= until {u}")
    want_range = cli_count("人工智能", "--since", s, "--until", u)
    wait_for(lambda: count() == f"{want_range} matching documents", f"{s}..{u} shows {want_range} like the CLI")
    check(f"since={s}" in driver.current_url and f"until={u}" in driver.current_url, "the dates are in the URL")
    driver.save_screenshot(os.path.join(out, "drag.png"))
    driver.find_element(By.ID, "reset").click()
    wait_for(lambda: count() == f"{want} matching documents", "reset clears the dates")

    # Open the first article: every occurrence highlighted, next/previous.
    driver.find_elements(By.CSS_SELECTOR, "#hits a.title")[0].click()
    wait_for(lambda: driver.find_element(By.ID, "doc").is_displayed(), "the article opens")
    body = driver.find_element(By.ID, "doc-body")
    wait_for(lambda: body.text, "the article has text")
    body_marks = [m.text for m in body.find_elements(By.TAG_NAME, "mark")]
    check(body_marks and all(m == "人工智能" for m in body_marks), "the article highlights 人工智能")
    check(body.text.count("人工智能") == len(body_marks), "every occurrence in the article is highlighted")
    occ = driver.find_element(By.ID, "occ").text
    driver.find_element(By.ID, "next").click()
    check(driver.find_element(By.ID, "occ").text != occ or len(body_marks) == 1, "next moves to the next occurrence")
    check("doc=" in driver.current_url, "the open article is in the URL")
    title = driver.find_element(By.ID, "doc-title").text
    driver.save_screenshot(os.path.join(out, "article.png"))

    # Reload: query, hits and article come back from the URL.
    driver.refresh()
    wait_for(lambda: driver.find_element(By.ID, "q").get_attribute("value") == "人工智能", "the query comes back")
    wait_for(lambda: count() == f"{want} matching documents", "the results come back")
    wait_for(lambda: driver.find_element(By.ID, "doc-title").text == title, "the article comes back")
    # Keyboard: Esc closes, / focuses the box.
    driver.find_element(By.TAG_NAME, "body").send_keys("\ue00c")
    wait_for(lambda: not driver.find_element(By.ID, "doc").is_displayed(), "Esc closes the article")

    # One per story: the box, the URL, the count and the copies as the CLI's --collapse;
    # the article view lists the other copies, and a click opens one.
    driver.find_element(By.ID, "q").clear()
    driver.find_element(By.ID, "q").send_keys("孵化器")
    docs = cli_count("孵化器")
    wait_for(lambda: count() == f"{docs} matching documents", "孵化器 before collapsing")
    driver.find_element(By.ID, "collapse").click()
    stories = cli_count("孵化器", "--collapse")
    check(stories == docs - 3, f"the CLI counts one story for the four copies: {stories} of {docs}")
    wait_for(lambda: count() == f"{stories} matching stories", f"collapsing shows {stories} stories like the CLI")
    check("collapse=true" in driver.current_url, "collapsing is in the URL")
    badges = [b.text for b in driver.find_elements(By.CSS_SELECTOR, "#hits .meta .copies")]
    check(badges == ["4 copies"], f"one hit says it has 4 copies: {badges}")
    driver.get(url.rstrip("/") + "/?q=孵化器&collapse=true&doc=repost-1")
    wait_for(lambda: driver.find_element(By.ID, "copies-box").is_displayed(), "the article view lists its copies")
    links = driver.find_elements(By.CSS_SELECTOR, "#copies li a.title")
    check(len(links) == 3, f"three other copies: {[l.text for l in links]}")
    driver.save_screenshot(os.path.join(out, "copies.png"))
    links[0].click()
    wait_for(lambda: "doc=2650212012_1" in driver.current_url, "clicking the first copy opens the original")
    wait_for(lambda: any("doc=repost-1" in a.get_attribute("href")
                         for a in driver.find_elements(By.CSS_SELECTOR, "#copies li a.title")),
             "and lists the repost it came from among its copies")
    driver.find_element(By.ID, "collapse").click()
    wait_for(lambda: count() == f"{docs} matching documents", "unchecking shows every copy again")

    # Narrow screen.
    driver.set_window_size(375, 800)
    time.sleep(0.3)
    driver.save_screenshot(os.path.join(out, "narrow.png"))
    check(driver.execute_script("return document.documentElement.scrollWidth <= window.innerWidth + 1"),
          "nothing is wider than a 375 px screen")
    logs = [l for l in driver.get_log("browser") if l["level"] == "SEVERE"]
    check(not logs, f"no errors in the console: {logs}")
finally:
    driver.quit()
    server.terminate()
    server.wait(timeout=10)
print("browser checks passed")
