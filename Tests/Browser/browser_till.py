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
import sys

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from browser_harness import Workspace, add_user, check, press_id, shot, sign_in, start, start_chromium, wait_for_web

ENV = os.environ
PASSWORD = "till cashier secret"


def main():
    with Workspace("lg-till-") as work:
        folder = work.folder
        state = os.path.join(folder, "web")
        add_user(state, "kassa", "cashier", PASSWORD, ENV["LOYALGATE_MERCHANT"])
        port = int(ENV["LOYALGATE_WEB_PORT"])
        start(["web", "--core", ENV["LOYALGATE_CORE_SOCKET"], "--listen", f"127.0.0.1:{port}", "--state", state,
               "--bridge", ENV["LOYALGATE_BRIDGE"], "--receipt-printer", "till-1"], work.log)
        base = f"http://127.0.0.1:{port}"
        wait_for_web(port)

        driver = work.driver = start_chromium(folder, "800,1200")
        wait = WebDriverWait(driver, 20, poll_frequency=0.05)
        text = lambda element_id: driver.find_element(By.ID, element_id).text

        sign_in(driver, base, "kassa", PASSWORD)
        wait.until(lambda d: d.find_elements(By.ID, "till-link"))
        press_id(driver, "till-link")
        wait.until(lambda d: d.find_elements(By.ID, "till-pair-code") and d.find_element(By.ID, "till-pair-code").is_displayed())
        check(True, "the till page offers to connect the till PC's scanner")

        driver.find_element(By.ID, "till-pair-code").send_keys(ENV["LOYALGATE_PAIRING_CODE"])
        # The page's script pairs it and stays on the page: a plain click.
        driver.find_element(By.ID, "till-pair-button").click()
        wait.until(lambda d: "✓" in d.find_element(By.ID, "till-scanner-status").text)
        check(True, "the page is paired with the gateway's browser bridge")

        card = ENV["LOYALGATE_CARD"]
        typed = f"{card[:4]} {card[4:8]} {card[8:12]} {card[12:]}"
        driver.find_element(By.ID, "till-card").send_keys(typed)
        press_id(driver, "till-find")
        wait.until(lambda d: d.find_elements(By.ID, "till-points"))
        before = int(text("till-points"))
        check(True, f"the card typed as printed ({typed}) shows its balance ({before} points)")

        driver.find_element(By.ID, "till-amount").send_keys("84.00")
        press_id(driver, "till-earn")
        wait.until(lambda d: d.find_elements(By.ID, "till-said"))
        said = text("till-said")
        check(said.startswith("Sale recorded: 42 points"), f"the cashier reads what the core answered: {said!r}")
        check(int(text("till-points")) == before + 42, "the balance on the page is the new one")
        wait.until(lambda d: text("till-print-status") == "The receipt was printed.")
        check(True, "the receipt printed through the gateway")
        shot(driver, "browser-till")

        # A wrong amount is refused beside its field and records nothing.
        driver.find_element(By.ID, "till-amount").send_keys("12.345")
        press_id(driver, "till-earn")
        wait.until(lambda d: d.find_elements(By.ID, "till-amount-problem"))
        check(int(text("till-points")) == before + 42, "a wrong amount is refused and changes nothing")
        print("all browser till checks passed", flush=True)


if __name__ == "__main__":
    try:
        main()
    except Exception as error:
        print("FAILED:", error, flush=True)
        sys.exit(1)
