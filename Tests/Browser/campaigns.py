#!/usr/bin/python3
"""Campaigns and prize draws in the back office, in a real headless Chromium: an owner plans a
campaign (one starting in the past first, refused in the core's words above the form, what was
typed kept), sees it planned as program version 2 and cancels it; defines a prize draw whose
period ends a few seconds later, commits its seed (the hash shown), and after the period draws
it: the seed, its hash and the winner on the draw's page, the report downloaded as CSV and
rerun by `loyalgate draw verify`. A cashier has no campaigns page.

Run by Tests/IntegrationTests/CampaignPageTests.swift, which starts the core and passes
LOYALGATE_BIN, LOYALGATE_CORE_SOCKET, LOYALGATE_WEB_PORT, LOYALGATE_MERCHANT, LOYALGATE_CARD.
"""
import datetime
import os
import re
import subprocess
import sys
import time

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from browser_harness import (BIN, Workspace, add_user, check, core_call, http, press_id, shot, sign_in, start,
                             start_chromium, wait_for_web)

ENV = os.environ
MERCHANT = ENV["LOYALGATE_MERCHANT"]
OWNER, CASHIER = "campaign owner secret", "campaign cashier secret"


def fill(driver, element_id, value):
    element = driver.find_element(By.ID, element_id)
    if element.get_attribute("type") == "datetime-local":
        # Typing into a date-time field depends on the browser's locale; setting it does not.
        driver.execute_script("arguments[0].value = arguments[1]", element, value)
    else:
        element.clear()
        element.send_keys(value)


def main():
    with Workspace("lg-campaigns-") as work:
        folder = work.folder
        state = os.path.join(folder, "web")
        add_user(state, "eigenaar", "owner", OWNER, MERCHANT)
        add_user(state, "kassa", "cashier", CASHIER, MERCHANT)
        port = int(ENV["LOYALGATE_WEB_PORT"])
        start(["web", "--core", ENV["LOYALGATE_CORE_SOCKET"], "--listen", f"127.0.0.1:{port}", "--state", state],
              work.log)
        base = f"http://127.0.0.1:{port}"
        wait_for_web(port)

        driver = work.driver = start_chromium(folder, "1200,1400")
        wait = WebDriverWait(driver, 20, poll_frequency=0.05)
        text = lambda element_id: driver.find_element(By.ID, element_id).text

        sign_in(driver, base, "eigenaar", OWNER)
        press_id(driver, "campaigns-link")
        wait.until(lambda d: d.find_elements(By.ID, "campaign-form"))
        check(driver.find_elements(By.ID, "no-campaigns"), "no campaigns planned yet")
        for field, value in (("campaign-id", "vichy-march"), ("campaign-name", "Double points on Vichy"),
                             ("campaign-from", "2020-03-01T00:00"), ("campaign-until", "2030-03-15T00:00"),
                             ("campaign-multiplier", "2"), ("campaign-brands", "Vichy")):
            fill(driver, field, value)
        press_id(driver, "add-campaign")
        wait.until(lambda d: d.find_elements(By.ID, "campaign-problem"))
        check("planned ahead" in text("campaign-problem"), f"a campaign in the past is refused: {text('campaign-problem')!r}")
        check(driver.find_element(By.ID, "campaign-name").get_attribute("value") == "Double points on Vichy",
              "what was typed is kept")
        fill(driver, "campaign-from", "2030-03-01T00:00")
        press_id(driver, "add-campaign")
        wait.until(lambda d: d.find_elements(By.ID, "notice"))
        check("program version 2" in text("notice"), f"the campaign is a new program version: {text('notice')!r}")
        row = text("campaign-vichy-march")
        check("planned" in row and "x2 points" in row and "Vichy" in row, f"the campaign is listed: {row!r}")
        shot(driver, "campaigns")
        press_id(driver, "cancel-vichy-march")
        wait.until(lambda d: d.find_elements(By.ID, "notice"))
        check("cancelled" in text("notice") and driver.find_elements(By.ID, "no-campaigns"),
              "the cancelled campaign is gone")

        # A prize draw whose period ends six seconds from now (UTC times, as the core accepts them).
        now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
        until = now + datetime.timedelta(seconds=6)
        press_id(driver, "draws-link")
        wait.until(lambda d: d.find_elements(By.ID, "draw-form"))
        for field, value in (("draw-code", "market"), ("draw-name", "Together at the market"),
                             ("draw-from", (now - datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")),
                             ("draw-until", until.strftime("%Y-%m-%dT%H:%M:%SZ")), ("draw-per", "10.00"),
                             ("draw-winners", "1")):
            fill(driver, field, value)
        press_id(driver, "define-draw")
        wait.until(lambda d: d.find_elements(By.ID, "commit-market"))
        press_id(driver, "commit-market")
        wait.until(lambda d: d.find_elements(By.ID, "run-market"))
        published = driver.find_element(By.CSS_SELECTOR, "#draw-market .hash").text
        check(re.fullmatch(r"[0-9a-f]{64}", published), f"the seed's SHA-256 is published: {published!r}")
        # A till's earn straight on the core's socket, as a till program sends it.
        earned = core_call(ENV["LOYALGATE_CORE_SOCKET"], {
            "op": "txn.earn", "card": ENV["LOYALGATE_CARD"], "till": "t1", "receipt": "draw-1",
            "lines": [{"sku": "x", "amount": "55.00"}]})
        check(earned.get("ok"), "a till earns 55.00 in the period")
        while datetime.datetime.now(datetime.timezone.utc) < until + datetime.timedelta(seconds=1):
            time.sleep(0.2)
        press_id(driver, "run-market")
        wait.until(lambda d: d.find_elements(By.ID, "seed"))
        check(text("seed-hash") == published, "the draw's page shows the committed hash")
        check(re.fullmatch(r"[0-9a-f]{64}", text("seed")), f"and the revealed seed: {text('seed')!r}")
        check(ENV["LOYALGATE_CARD"] in text("winners"), f"the only card with entries wins: {text('winners')!r}")
        check("5" in driver.find_element(By.ID, "entries").text, "its 5 entries are listed")
        shot(driver, "draw")

        session = driver.get_cookie("lg_session")["value"]
        status, report, _, _ = http(port, "GET", "/draws/market.csv", cookies={"lg_session": session})
        check(status == 200, f"the draw's report downloads ({status})")
        path = os.path.join(folder, "draw-market.csv")
        with open(path, "w") as file:
            file.write(report)
        verified = subprocess.run([BIN, "draw", "verify", path], capture_output=True, text=True, timeout=60)
        check(verified.returncode == 0 and "the winners match" in verified.stdout,
              f"the downloaded report reruns to the same winner: {verified.stdout!r}")

        driver.get(base + "/audit")
        audit = driver.find_element(By.TAG_NAME, "body").text
        check("campaign.add" in audit and "campaign.cancel" in audit and "draw.run" in audit,
              "the campaign and the draw are in the audit log")

        sign_in(driver, base, "kassa", CASHIER)
        check(not driver.find_elements(By.ID, "campaigns-link"), "a cashier sees no campaigns link")
        driver.get(base + "/campaigns")
        check(driver.find_elements(By.ID, "error-message"), "a cashier opening /campaigns gets the refusal page")
        print("all campaign page checks passed", flush=True)


if __name__ == "__main__":
    try:
        main()
    except Exception as error:
        print("FAILED:", error, flush=True)
        sys.exit(1)
