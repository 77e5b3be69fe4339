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
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

ENV = os.environ
BIN = ENV["LOYALGATE_BIN"]
OWNER, CASHIER = "campaign owner secret", "campaign cashier secret"



def click_and_load(driver, element_id):
    """Clicks a link or a form's button and waits until the next page has replaced this one:
    without that, a wait for an element both pages have (the notice) can read the old page."""
    page = driver.find_element(By.TAG_NAME, "html")
    driver.find_element(By.ID, element_id).click()
    WebDriverWait(driver, 20, poll_frequency=0.05).until(expected_conditions.staleness_of(page))

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
    click_and_load(driver, "sign-in")
    WebDriverWait(driver, 20).until(lambda d: d.find_elements(By.CSS_SELECTOR, "form[action='/logout']"))


def till_earn(amount):
    """A till's earn straight on the core's socket, as a till program sends it."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as till:
        till.settimeout(10)
        till.connect(ENV["LOYALGATE_CORE_SOCKET"])
        request = {"id": 1, "op": "txn.earn", "card": ENV["LOYALGATE_CARD"], "till": "t1", "receipt": "draw-1",
                   "lines": [{"sku": "x", "amount": amount}]}
        till.sendall((json.dumps(request) + "\n").encode())
        answer = b""
        while not answer.endswith(b"\n"):
            answer += till.recv(4096)
        return json.loads(answer)


def fill(driver, element_id, value):
    element = driver.find_element(By.ID, element_id)
    if element.get_attribute("type") == "datetime-local":
        # Typing into a date-time field depends on the browser's locale; setting it does not.
        driver.execute_script("arguments[0].value = arguments[1]", element, value)
    else:
        element.clear()
        element.send_keys(value)


def main():
    folder = tempfile.mkdtemp(prefix="lg-campaigns-", dir="/tmp")
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
                         f"--user-data-dir={os.path.join(folder, 'profile')}", "--window-size=1200,1400"):
            options.add_argument(argument)
        driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
        wait = WebDriverWait(driver, 20, poll_frequency=0.05)
        text = lambda element_id: driver.find_element(By.ID, element_id).text

        sign_in(driver, base, "eigenaar", OWNER)
        click_and_load(driver, "campaigns-link")
        wait.until(lambda d: d.find_elements(By.ID, "campaign-form"))
        check(driver.find_elements(By.ID, "no-campaigns"), "no campaigns planned yet")
        for field, value in (("campaign-id", "vichy-march"), ("campaign-name", "Double points on Vichy"),
                             ("campaign-from", "2020-03-01T00:00"), ("campaign-until", "2030-03-15T00:00"),
                             ("campaign-multiplier", "2"), ("campaign-brands", "Vichy")):
            fill(driver, field, value)
        click_and_load(driver, "add-campaign")
        wait.until(lambda d: d.find_elements(By.ID, "campaign-problem"))
        check("planned ahead" in text("campaign-problem"), f"a campaign in the past is refused: {text('campaign-problem')!r}")
        check(driver.find_element(By.ID, "campaign-name").get_attribute("value") == "Double points on Vichy",
              "what was typed is kept")
        fill(driver, "campaign-from", "2030-03-01T00:00")
        click_and_load(driver, "add-campaign")
        wait.until(lambda d: d.find_elements(By.ID, "notice"))
        check("program version 2" in text("notice"), f"the campaign is a new program version: {text('notice')!r}")
        row = text("campaign-vichy-march")
        check("planned" in row and "x2 points" in row and "Vichy" in row, f"the campaign is listed: {row!r}")
        if ENV.get("LOYALGATE_SCREENSHOTS"):
            driver.save_screenshot(os.path.join(ENV["LOYALGATE_SCREENSHOTS"], "campaigns.png"))
        click_and_load(driver, "cancel-vichy-march")
        wait.until(lambda d: d.find_elements(By.ID, "notice"))
        check("cancelled" in text("notice") and driver.find_elements(By.ID, "no-campaigns"),
              "the cancelled campaign is gone")

        # A prize draw whose period ends six seconds from now (UTC times, as the core accepts them).
        now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
        until = now + datetime.timedelta(seconds=6)
        click_and_load(driver, "draws-link")
        wait.until(lambda d: d.find_elements(By.ID, "draw-form"))
        for field, value in (("draw-code", "market"), ("draw-name", "Together at the market"),
                             ("draw-from", (now - datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")),
                             ("draw-until", until.strftime("%Y-%m-%dT%H:%M:%SZ")), ("draw-per", "10.00"),
                             ("draw-winners", "1")):
            fill(driver, field, value)
        click_and_load(driver, "define-draw")
        wait.until(lambda d: d.find_elements(By.ID, "commit-market"))
        click_and_load(driver, "commit-market")
        wait.until(lambda d: d.find_elements(By.ID, "run-market"))
        published = driver.find_element(By.CSS_SELECTOR, "#draw-market .hash").text
        check(re.fullmatch(r"[0-9a-f]{64}", published), f"the seed's SHA-256 is published: {published!r}")
        check(till_earn("55.00").get("ok"), "a till earns 55.00 in the period")
        while datetime.datetime.now(datetime.timezone.utc) < until + datetime.timedelta(seconds=1):
            time.sleep(0.2)
        click_and_load(driver, "run-market")
        wait.until(lambda d: d.find_elements(By.ID, "seed"))
        check(text("seed-hash") == published, "the draw's page shows the committed hash")
        check(re.fullmatch(r"[0-9a-f]{64}", text("seed")), f"and the revealed seed: {text('seed')!r}")
        check(ENV["LOYALGATE_CARD"] in text("winners"), f"the only card with entries wins: {text('winners')!r}")
        check("5" in driver.find_element(By.ID, "entries").text, "its 5 entries are listed")
        if ENV.get("LOYALGATE_SCREENSHOTS"):
            driver.save_screenshot(os.path.join(ENV["LOYALGATE_SCREENSHOTS"], "draw.png"))

        session = driver.get_cookie("lg_session")["value"]
        csv_request = urllib.request.Request(base + "/draws/market.csv", headers={"Cookie": f"lg_session={session}"})
        report = urllib.request.urlopen(csv_request, timeout=10).read().decode()
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
