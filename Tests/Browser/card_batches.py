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
import sys
import time

from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from browser_harness import (SHOTS, Workspace, add_user, check, http, press_id, shot, sign_in, start, start_chromium,
                             wait_for_web)

ENV = os.environ
MERCHANT = ENV["LOYALGATE_MERCHANT"]
OWNER, CASHIER = "batch owner secret", "batch cashier secret"


def main():
    with Workspace("lg-batches-") as work:
        folder = work.folder
        state = os.path.join(folder, "web")
        add_user(state, "eigenaar", "owner", OWNER, MERCHANT)
        add_user(state, "kassa", "cashier", CASHIER, MERCHANT)
        port = int(ENV["LOYALGATE_WEB_PORT"])
        start(["web", "--core", ENV["LOYALGATE_CORE_SOCKET"], "--listen", f"127.0.0.1:{port}", "--state", state],
              work.log)
        base = f"http://127.0.0.1:{port}"
        wait_for_web(port)

        # A reprint's page comes once the card is printed: its click may take longer than 30 s.
        driver = work.driver = start_chromium(folder, "1000,1400", page_load_seconds=120)
        wait = WebDriverWait(driver, 20, poll_frequency=0.05)
        text = lambda element_id: driver.find_element(By.ID, element_id).text

        # The owner: the design's preview, then an order with a wrong count, then a right one.
        sign_in(driver, base, "eigenaar", OWNER)
        press_id(driver, "batches-link")
        wait.until(lambda d: d.find_elements(By.ID, "order-form"))
        Select(driver.find_element(By.ID, "preview-design")).select_by_value("linde-pharmacy")
        press_id(driver, "show-preview")
        wait.until(lambda d: d.find_elements(By.ID, "design-preview"))
        wait.until(lambda d: d.execute_script(
            "const i = document.getElementById('design-preview'); return i.complete && i.naturalWidth > 0"))
        width = driver.execute_script("return document.getElementById('design-preview').naturalWidth")
        check(width > 300, f"the design's preview is drawn by the core ({width} px wide)")

        Select(driver.find_element(By.ID, "design")).select_by_value("linde-pharmacy")
        driver.find_element(By.ID, "count").send_keys("0")
        driver.find_element(By.ID, "printer").send_keys("cards")
        press_id(driver, "order")
        wait.until(lambda d: d.find_elements(By.ID, "count-problem"))
        check("1 to 50,000" in text("count-problem"), f"a count of 0 is told beside its field: {text('count-problem')!r}")
        check(not driver.find_elements(By.CSS_SELECTOR, "#batches tbody tr"), "and no batch was ordered")

        count = driver.find_element(By.ID, "count")
        count.clear()
        count.send_keys("3")
        printer = driver.find_element(By.ID, "printer")
        printer.clear()
        printer.send_keys("no-such-printer")
        press_id(driver, "order")
        wait.until(lambda d: d.find_elements(By.ID, "printer-problem"))
        check("no-such-printer" in text("printer-problem"),
              f"a printer CUPS does not know is told beside its field: {text('printer-problem')!r}")

        printer = driver.find_element(By.ID, "printer")
        printer.clear()
        printer.send_keys("cards")
        press_id(driver, "order")
        wait.until(lambda d: d.find_elements(By.ID, "notice"))
        # Read at once: while the batch prints the page reloads itself every 3 s, without the notice.
        notice = text("notice")
        check("3 card numbers allocated" in notice, f"the order is confirmed: {notice!r}")

        # The page reloads itself while the batch prints; wait for it to say all are printed.
        def batch_row():
            # A reload can come between finding the row and reading it (the row is then stale).
            try:
                return driver.find_element(By.ID, "batch-1").text
            except WebDriverException:
                return ""
        deadline = time.monotonic() + 90
        while "all 3 printed" not in (row := batch_row()):
            if time.monotonic() > deadline:
                raise AssertionError("the batch did not finish: " + row)
            time.sleep(0.5)
            if not driver.find_elements(By.ID, "batch-1"):
                driver.get(base + "/batches")
        check(True, f"the batch's progress reaches all printed: {row!r}")
        numbers = re.findall(r"\d{13}", row)
        check(len(numbers) == 2, f"the row shows the first and last number: {numbers}")
        print("allocated:", numbers[0], numbers[1], flush=True)
        if SHOTS:
            driver.get(base + "/batches?design=linde-pharmacy")
            wait.until(lambda d: d.execute_script(
                "const i = document.getElementById('design-preview'); return i && i.complete && i.naturalWidth > 0"))
            shot(driver, "batches")

        driver.get(base + "/batches")
        wait.until(lambda d: d.find_elements(By.ID, "reprint-form"))
        driver.find_element(By.ID, "reprint-card").send_keys(numbers[0])
        Select(driver.find_element(By.ID, "reprint-design")).select_by_value("linde-pharmacy")
        reprint_printer = driver.find_element(By.ID, "reprint-printer")
        reprint_printer.clear()
        reprint_printer.send_keys("cards")
        press_id(driver, "reprint", seconds=90)
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
        status, _, _, _ = http(port, "POST", "/batches", {"_csrf": csrf, "design": "linde-pharmacy", "count": "5",
                                                          "printer": "cards"}, cookies={"lg_session": session})
        check(status == 403, f"a cashier posting an order gets 403 (got {status})")
        print("all card batch page checks passed", flush=True)


if __name__ == "__main__":
    try:
        main()
    except Exception as error:
        print("FAILED:", error, flush=True)
        sys.exit(1)
