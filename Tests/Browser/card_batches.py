#!/usr/bin/python3
"""Card batches in the back office, in a real headless Chromium: an owner previews a design,
orders a batch (a wrong count first, told beside its field), watches it print on a CUPS test
queue, reprints one card, and finds both in the audit log; a cashier has no batches page and is
refused (403) when posting an order.

Run by Tests/IntegrationTests/CardBatchPageTests.swift, which starts the core (with its designs
folder) and the private cupsd with its emulated card printer, and passes LOYALGATE_BIN,
LOYALGATE_CORE_SOCKET, LOYALGATE_WEB_PORT, LOYALGATE_MERCHANT. This script adds the staff and
starts `loyalgate web`. Every wait has a timeout; its children are killed at the end. The
numbers allocated and reprinted are printed as `allocated: …` and `reprinted: …` lines for the
Swift test to compare with what reached the printer.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

ENV = os.environ
BIN = ENV["LOYALGATE_BIN"]
OWNER, CASHIER = "batch owner secret", "batch cashier secret"


def check(condition, message):
    if not condition:
        raise AssertionError(message)
    print("ok -", message, flush=True)


def add_user(state, name, role, password):
    subprocess.run([BIN, "web", "user", "add", name, "--role", role, "--merchant", ENV["LOYALGATE_MERCHANT"],
                    "--state", state], input=password + "\n", text=True, check=True, capture_output=True,
                   timeout=60)


def sign_in(driver, base, user, password):
    driver.delete_all_cookies()
    driver.get(base + "/login")
    driver.find_element(By.ID, "user").send_keys(user)
    driver.find_element(By.ID, "password").send_keys(password)
    driver.find_element(By.ID, "sign-in").click()
    WebDriverWait(driver, 20).until(lambda d: d.find_elements(By.CSS_SELECTOR, "form[action='/logout']"))


def main():
    folder = tempfile.mkdtemp(prefix="lg-batches-", dir="/tmp")
    children = []
    driver = None
    log = open(os.path.join(folder, "web.log"), "w")
    try:
        state = os.path.join(folder, "web")
        add_user(state, "eigenaar", "owner", OWNER)
        add_user(state, "kassa", "cashier", CASHIER)
        port = ENV["LOYALGATE_WEB_PORT"]
        children.append(subprocess.Popen(
            [BIN, "web", "--core", ENV["LOYALGATE_CORE_SOCKET"], "--listen", f"127.0.0.1:{port}", "--state", state],
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True))
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(base + "/login", timeout=5)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise AssertionError("the web server did not answer within 30 s")
                time.sleep(0.1)

        options = webdriver.ChromeOptions()
        options.binary_location = "/usr/bin/chromium"
        for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                         f"--user-data-dir={os.path.join(folder, 'profile')}", "--window-size=1000,1400"):
            options.add_argument(argument)
        driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
        wait = WebDriverWait(driver, 20, poll_frequency=0.05)
        text = lambda element_id: driver.find_element(By.ID, element_id).text

        # The owner: the design's preview, then an order with a wrong count, then a right one.
        sign_in(driver, base, "eigenaar", OWNER)
        driver.find_element(By.ID, "batches-link").click()
        wait.until(lambda d: d.find_elements(By.ID, "order-form"))
        Select(driver.find_element(By.ID, "preview-design")).select_by_value("linde-pharmacy")
        driver.find_element(By.ID, "show-preview").click()
        wait.until(lambda d: d.find_elements(By.ID, "design-preview"))
        wait.until(lambda d: d.execute_script(
            "const i = document.getElementById('design-preview'); return i.complete && i.naturalWidth > 0"))
        width = driver.execute_script("return document.getElementById('design-preview').naturalWidth")
        check(width > 300, f"the design's preview is drawn by the core ({width} px wide)")

        Select(driver.find_element(By.ID, "design")).select_by_value("linde-pharmacy")
        driver.find_element(By.ID, "count").send_keys("0")
        driver.find_element(By.ID, "printer").send_keys("cards")
        driver.find_element(By.ID, "order").click()
        wait.until(lambda d: d.find_elements(By.ID, "count-problem"))
        check("1 to 50,000" in text("count-problem"), f"a count of 0 is told beside its field: {text('count-problem')!r}")
        check(not driver.find_elements(By.CSS_SELECTOR, "#batches tbody tr"), "and no batch was ordered")

        count = driver.find_element(By.ID, "count")
        count.clear()
        count.send_keys("3")
        printer = driver.find_element(By.ID, "printer")
        printer.clear()
        printer.send_keys("no-such-printer")
        driver.find_element(By.ID, "order").click()
        wait.until(lambda d: d.find_elements(By.ID, "printer-problem"))
        check("no-such-printer" in text("printer-problem"),
              f"a printer CUPS does not know is told beside its field: {text('printer-problem')!r}")

        printer = driver.find_element(By.ID, "printer")
        printer.clear()
        printer.send_keys("cards")
        driver.find_element(By.ID, "order").click()
        wait.until(lambda d: d.find_elements(By.ID, "notice"))
        check("3 card numbers allocated" in text("notice"), f"the order is confirmed: {text('notice')!r}")

        # The page reloads itself while the batch prints; wait for it to say all are printed.
        deadline = time.monotonic() + 90
        while "all 3 printed" not in driver.find_element(By.ID, "batch-1").text:
            if time.monotonic() > deadline:
                raise AssertionError("the batch did not finish: " + driver.find_element(By.ID, "batch-1").text)
            time.sleep(0.5)
            if not driver.find_elements(By.ID, "batch-1"):
                driver.get(base + "/batches")
        row = driver.find_element(By.ID, "batch-1").text
        check(True, f"the batch's progress reaches all printed: {row!r}")
        numbers = re.findall(r"\d{13}", row)
        check(len(numbers) == 2, f"the row shows the first and last number: {numbers}")
        print("allocated:", numbers[0], numbers[1], flush=True)
        if ENV.get("LOYALGATE_SCREENSHOTS"):
            driver.get(base + "/batches?design=linde-pharmacy")
            wait.until(lambda d: d.execute_script(
                "const i = document.getElementById('design-preview'); return i && i.complete && i.naturalWidth > 0"))
            driver.save_screenshot(os.path.join(ENV["LOYALGATE_SCREENSHOTS"], "batches.png"))

        driver.get(base + "/batches")
        wait.until(lambda d: d.find_elements(By.ID, "reprint-form"))
        driver.find_element(By.ID, "reprint-card").send_keys(numbers[0])
        Select(driver.find_element(By.ID, "reprint-design")).select_by_value("linde-pharmacy")
        reprint_printer = driver.find_element(By.ID, "reprint-printer")
        reprint_printer.clear()
        reprint_printer.send_keys("cards")
        driver.find_element(By.ID, "reprint").click()
        WebDriverWait(driver, 90).until(lambda d: d.find_elements(By.ID, "notice"))
        check(f"Card {numbers[0]} was printed again" in text("notice"), f"the reprint is confirmed: {text('notice')!r}")
        print("reprinted:", numbers[0], flush=True)

        driver.get(base + "/audit")
        audit = driver.find_element(By.TAG_NAME, "body").text
        check("batch.order" in audit and "card.reprint" in audit, "the order and the reprint are in the audit log")

        # The cashier: no link, a 403 page, and an order posted with their own CSRF token refused.
        sign_in(driver, base, "kassa", CASHIER)
        check(not driver.find_elements(By.ID, "batches-link"), "a cashier sees no card batches link")
        driver.get(base + "/batches")
        check(driver.find_elements(By.ID, "error-message"), "a cashier opening /batches gets the refusal page")
        csrf = driver.find_element(By.NAME, "_csrf").get_attribute("value")
        session = driver.get_cookie("lg_session")["value"]
        request = urllib.request.Request(
            base + "/batches", method="POST",
            data=urllib.parse.urlencode({"_csrf": csrf, "design": "linde-pharmacy", "count": "5",
                                         "printer": "cards"}).encode(),
            headers={"Cookie": f"lg_session={session}", "Content-Type": "application/x-www-form-urlencoded"})
        try:
            urllib.request.urlopen(request, timeout=10)
            status = 200
        except urllib.error.HTTPError as error:
            status = error.code
        check(status == 403, f"a cashier posting an order gets 403 (got {status})")
        print("all card batch page checks passed", flush=True)
    except Exception:
        if driver is not None:
            print("page:", driver.current_url, driver.find_element(By.TAG_NAME, "body").text[:2000], flush=True)
        print("web log:", open(os.path.join(folder, "web.log")).read()[-3000:], flush=True)
        raise
    finally:
        if driver is not None:
            driver.quit()
        for child in children:
            child.kill()
        log.close()
        if os.environ.get("LOYALGATE_KEEP") is None:
            shutil.rmtree(folder, ignore_errors=True)
        else:
            print("kept", folder)


if __name__ == "__main__":
    try:
        main()
    except Exception as error:
        print("FAILED:", error, flush=True)
        sys.exit(1)
