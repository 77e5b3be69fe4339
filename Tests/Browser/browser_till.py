#!/usr/bin/python3
"""The back office's browser till in a real headless Chromium: a cashier signs in, pairs the
page with the till PC's gateway bridge, finds a card, records a sale, and the receipt prints
through the gateway on a CUPS test queue.

Run by Tests/IntegrationTests/BrowserTillTests.swift, which starts the core, the private cupsd
with its emulated printer and the gateway (with its browser bridge) and passes:
LOYALGATE_BIN, LOYALGATE_CORE_SOCKET, LOYALGATE_BRIDGE, LOYALGATE_WEB_PORT, LOYALGATE_PAIRING_CODE,
LOYALGATE_CARD, LOYALGATE_MERCHANT. This script adds the cashier and starts `loyalgate web`.
Every wait has a timeout; its children are killed at the end.
"""
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

ENV = os.environ
BIN = ENV["LOYALGATE_BIN"]
PASSWORD = "till cashier secret"


def check(condition, message):
    if not condition:
        raise AssertionError(message)
    print("ok -", message, flush=True)


def main():
    folder = tempfile.mkdtemp(prefix="lg-till-", dir="/tmp")
    children = []
    driver = None
    log = open(os.path.join(folder, "web.log"), "w")
    try:
        state = os.path.join(folder, "web")
        subprocess.run([BIN, "web", "user", "add", "kassa", "--role", "cashier", "--merchant", ENV["LOYALGATE_MERCHANT"],
                        "--state", state], input=PASSWORD + "\n", text=True, check=True, capture_output=True, timeout=60)
        port = ENV["LOYALGATE_WEB_PORT"]
        children.append(subprocess.Popen(
            [BIN, "web", "--core", ENV["LOYALGATE_CORE_SOCKET"], "--listen", f"127.0.0.1:{port}", "--state", state,
             "--bridge", ENV["LOYALGATE_BRIDGE"], "--receipt-printer", "till-1"],
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
                         f"--user-data-dir={os.path.join(folder, 'profile')}", "--window-size=800,1200"):
            options.add_argument(argument)
        driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
        wait = WebDriverWait(driver, 20, poll_frequency=0.05)
        text = lambda element_id: driver.find_element(By.ID, element_id).text

        driver.get(base + "/login")
        driver.find_element(By.ID, "user").send_keys("kassa")
        driver.find_element(By.ID, "password").send_keys(PASSWORD)
        driver.find_element(By.ID, "sign-in").click()
        wait.until(lambda d: d.find_elements(By.ID, "till-link"))
        driver.find_element(By.ID, "till-link").click()
        wait.until(lambda d: d.find_elements(By.ID, "till-pair-code") and d.find_element(By.ID, "till-pair-code").is_displayed())
        check(True, "the till page offers to connect the till PC's scanner")

        driver.find_element(By.ID, "till-pair-code").send_keys(ENV["LOYALGATE_PAIRING_CODE"])
        driver.find_element(By.ID, "till-pair-button").click()
        wait.until(lambda d: "✓" in d.find_element(By.ID, "till-scanner-status").text)
        check(True, "the page is paired with the gateway's browser bridge")

        card = ENV["LOYALGATE_CARD"]
        typed = f"{card[:4]} {card[4:8]} {card[8:12]} {card[12:]}"
        driver.find_element(By.ID, "till-card").send_keys(typed)
        driver.find_element(By.ID, "till-find").click()
        wait.until(lambda d: d.find_elements(By.ID, "till-points"))
        before = int(text("till-points"))
        check(True, f"the card typed as printed ({typed}) shows its balance ({before} points)")

        driver.find_element(By.ID, "till-amount").send_keys("84.00")
        driver.find_element(By.ID, "till-earn").click()
        wait.until(lambda d: d.find_elements(By.ID, "till-said"))
        said = text("till-said")
        check(said.startswith("Sale recorded: 42 points"), f"the cashier reads what the core answered: {said!r}")
        check(int(text("till-points")) == before + 42, "the balance on the page is the new one")
        wait.until(lambda d: text("till-print-status") == "The receipt was printed.")
        check(True, "the receipt printed through the gateway")
        if ENV.get("LOYALGATE_SCREENSHOTS"):
            driver.save_screenshot(os.path.join(ENV["LOYALGATE_SCREENSHOTS"], "browser-till.png"))

        # A wrong amount is refused beside its field and records nothing.
        driver.find_element(By.ID, "till-amount").send_keys("12.345")
        driver.find_element(By.ID, "till-earn").click()
        wait.until(lambda d: d.find_elements(By.ID, "till-amount-problem"))
        check(int(text("till-points")) == before + 42, "a wrong amount is refused and changes nothing")
        print("all browser till checks passed", flush=True)
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
