#!/usr/bin/python3
"""The back office in a real browser: a real `loyalgate core` on a temporary folder, a real
`loyalgate web`, and Debian's headless Chromium driven through chromedriver by Selenium.

Run by Tests/IntegrationTests/WebBrowserTests.swift (so `scripts/test` runs it), or by hand:
    LOYALGATE_BIN=.build/debug/loyalgate Tests/Browser/backoffice.py
LOYALGATE_SCREENSHOTS=docs/screenshots saves a screenshot of each page there.

Every wait has a timeout, every child is killed at the end, the folder is removed.
"""
import csv
import http.client as httpclient
import io
import json
import os
import re
import ssl
import subprocess
import time

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from browser_harness import (BIN, REPO, Workspace, add_user, check, ean13, free_port, http, press, run, shot,
                             sign_in, start, start_chromium, till_earn, wait_for, wait_for_web)

MERCHANT = "apotheek-de-linde"
OWNER_PASSWORD = "linde owner secret"
CASHIER_PASSWORD = "linde cashier secret"
CARD = ean13("299000100001")
NEW_CARD = ean13("299000100002")
PARTNER_CARD = ean13("299000100003")
OTHER_SHOP_CARD = ean13("244000100001")


def main():
    with Workspace("lg-web-") as work:
        folder, log = work.folder, work.log
        data = os.path.join(folder, "data")
        state = os.path.join(folder, "web")
        sock = os.path.join(data, "core.sock")
        run(["program", "import", "--data", data, os.path.join(REPO, "examples/dutch-pharmacy.json")])
        run(["program", "import", "--data", data, os.path.join(REPO, "examples/german-shop.json")])
        run(["cards", "add", "--data", data, "--merchant", MERCHANT, CARD, PARTNER_CARD])
        run(["cards", "add", "--data", data, "--merchant", "markt-lindenhof", OTHER_SHOP_CARD])
        add_user(state, "owner", "owner", OWNER_PASSWORD, MERCHANT)
        add_user(state, "kassa", "cashier", CASHIER_PASSWORD, MERCHANT)
        mode = os.stat(os.path.join(state, "staff.json")).st_mode & 0o777
        check(mode == 0o600, f"the staff file is 0600 (it is {oct(mode)})")

        start(["core", "--data", data, "--socket", sock], log)
        wait_for(lambda: os.path.exists(sock), "the core's socket appears")
        port = free_port()
        refused = subprocess.run([BIN, "web", "--core", sock, "--listen", f"0.0.0.0:{port}", "--state", state],
                                 capture_output=True, text=True, timeout=30)
        check(refused.returncode != 0 and "loopback" in refused.stderr,
              "plain HTTP on a non-loopback address is refused with a sentence")
        start(["web", "--core", sock, "--listen", f"127.0.0.1:{port}", "--state", state,
               "--time-zone", "Europe/Amsterdam"], log)
        wait_for_web(port)
        base = f"http://localhost:{port}"

        # HTTPS with a certificate it is given, on any address (here loopback again, another port).
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                        "-subj", "/CN=localhost", "-keyout", os.path.join(folder, "web.key"),
                        "-out", os.path.join(folder, "web.crt")], check=True, capture_output=True, timeout=60)
        tls_port = free_port()
        start(["web", "--core", sock, "--listen", f"127.0.0.1:{tls_port}", "--state", state,
               "--tls-cert", os.path.join(folder, "web.crt"), "--tls-key", os.path.join(folder, "web.key")], log)
        context = ssl.create_default_context(cafile=os.path.join(folder, "web.crt"))
        context.check_hostname = False

        def tls_answer():
            try:
                connection = httpclient.HTTPSConnection("127.0.0.1", tls_port, timeout=10, context=context)
                connection.request("GET", "/login", headers={"Accept-Language": "nl-NL,nl;q=0.9"})
                response = connection.getresponse()
                result = (response.status, response.read().decode(), response.getheader("Strict-Transport-Security"))
                connection.close()
                return result
            except OSError:
                return None
        wait_for(lambda: tls_answer() is not None, "the HTTPS server answers")
        tls_status, tls_text, hsts = tls_answer()
        check(tls_status == 200 and hsts is not None and "Inloggen" in tls_text,
              "HTTPS serves the sign-in (in Dutch for a Dutch browser) with HSTS")

        status, _, cookies, headers = http(port, "GET", "/login")
        csp = headers.get("content-security-policy", "")
        check("frame-ancestors 'none'" in csp and "script-src" not in csp and "default-src 'none'" in csp,
              "the CSP allows no script and no framing")
        check(headers.get("referrer-policy") == "no-referrer", "no referrer leaves")
        check(any("HttpOnly" in c and "Secure" in c and "SameSite=Strict" in c and "Max-Age" in c for c in cookies),
              "cookies are HttpOnly, Secure, SameSite=Strict with a lifetime")

        downloads = os.path.join(folder, "downloads")
        # Elements of a page just loaded may take a moment; the checks that something is absent
        # run on pages loaded with get(), which returns once the page is complete.
        driver = work.driver = start_chromium(folder, "1100,900", downloads=downloads, implicit_wait=5)

        # Log in.
        driver.get(base + "/")
        check(driver.current_url.endswith("/login"), "a page without a session leads to the sign-in")
        shot(driver, "login")
        sign_in(driver, base, "owner", OWNER_PASSWORD)
        check("Apotheek De Linde" in driver.find_element(By.ID, "merchant").text, "the owner sees the dashboard")
        session_cookie = driver.get_cookie("lg_session")
        check(session_cookie["httpOnly"] and session_cookie["secure"] and session_cookie["sameSite"] == "Strict",
              "the browser holds the session cookie as HttpOnly, Secure, SameSite=Strict")
        shot(driver, "dashboard")

        # Register a customer: a wrong e-mail first, its message beside the field, nothing written.
        driver.get(base + "/customers/new")
        driver.find_element(By.ID, "name").send_keys("Anna de Vries")
        driver.find_element(By.ID, "email").send_keys("anna.example.nl")
        driver.find_element(By.ID, "phone").send_keys("+31 6 1234 5678")
        driver.find_element(By.ID, "card").send_keys(CARD)
        driver.find_element(By.ID, "consentMail").click()
        press(driver, driver.find_element(By.ID, "save"))
        check(driver.find_element(By.ID, "email-problem").text == "This is not an e-mail address.",
              "a wrong e-mail is told beside its field")
        check(driver.find_element(By.ID, "name").get_attribute("value") == "Anna de Vries",
              "the form keeps what was typed")
        shot(driver, "register-errors")
        email = driver.find_element(By.ID, "email")
        email.clear()
        email.send_keys("anna@example.nl")
        press(driver, driver.find_element(By.ID, "save"))
        check(driver.find_element(By.ID, "customer-name").text == "Anna de Vries", "the customer is registered")
        check("registered" in driver.find_element(By.ID, "notice").text, "the page says so")
        customer_url = driver.current_url
        customer_id = customer_url.rsplit("/", 1)[1]
        shot(driver, "customer")

        # Find them by phone.
        driver.get(base + "/customers")
        driver.find_element(By.ID, "q").send_keys("+31 6 1234 5678")
        press(driver, driver.find_element(By.ID, "find"))
        rows = driver.find_element(By.ID, "matches").text
        check("Anna V." in rows and CARD in rows, "the customer is found by phone, with the card")
        shot(driver, "customers")

        # Block and replace the card; the fee is shown.
        press(driver, driver.find_element(By.LINK_TEXT, CARD))
        driver.find_element(By.ID, "block-reason").send_keys("lost at the market")
        press(driver, driver.find_element(By.ID, "block"))
        check(driver.find_element(By.ID, "card-status").text == "blocked", "the card is blocked")
        Select(driver.find_element(By.ID, "replace-reason")).select_by_value("lost")
        driver.find_element(By.ID, "new-card").send_keys(NEW_CARD)
        press(driver, driver.find_element(By.ID, "replace"))
        notice = driver.find_element(By.ID, "notice").text
        check(f"Card {CARD} was replaced by {NEW_CARD}" in notice and "€2.00" in notice,
              f"the replacement and its fee are shown ({notice})")
        check(driver.current_url.endswith("/cards/" + NEW_CARD), "the new card's page follows")
        shot(driver, "card")

        # A sale at the till on the new card; the dashboard counts it and the one active card
        # (the old one is replaced).
        till_earn(sock, MERCHANT, NEW_CARD, "R-1001", [{"sku": "4006381333931", "amount": "12.50"},
                                            {"sku": "8710398501234", "amount": "3.20"}])
        driver.get(base + "/")
        check(driver.find_element(By.ID, "active-cards").text == "2",
              "the dashboard counts the two active cards (the replaced one no more)")
        check(driver.find_element(By.ID, "earns-today").text == "1", "and today's earn")
        shot(driver, "dashboard")

        # Membership and a household: the new card's account becomes a member, then pools with
        # the partner's card.
        driver.get(base + "/cards/" + NEW_CARD)
        press(driver, driver.find_element(By.ID, "membership"))
        check("member from now on" in driver.find_element(By.ID, "notice").text, "the account is made a member")
        driver.find_element(By.ID, "pool-into").send_keys("2990001000019")
        press(driver, driver.find_element(By.ID, "pool"))
        check("not a card number" in driver.find_element(By.ID, "pool-problem").text,
              "a mistyped card number is told beside the pool field")
        field = driver.find_element(By.ID, "pool-into")
        field.clear()
        field.send_keys(PARTNER_CARD)
        press(driver, driver.find_element(By.ID, "pool"))
        notice = driver.find_element(By.ID, "notice").text
        check(NEW_CARD in notice and PARTNER_CARD in notice, f"the household shares one account ({notice})")
        # And splits again: more than the household holds is told beside the form; then the
        # partner's card leaves with nothing taken along.
        driver.get(base + "/cards/" + PARTNER_CARD)
        driver.find_element(By.ID, "split-points").send_keys("999999")
        press(driver, driver.find_element(By.ID, "split"))
        check("cannot give that much" in driver.find_element(By.ID, "split-problem").text,
              "a split of more than the household holds is refused beside the form")
        field = driver.find_element(By.ID, "split-points")
        field.clear()
        field.send_keys("0")
        press(driver, driver.find_element(By.ID, "split"))
        notice = driver.find_element(By.ID, "notice").text
        check(PARTNER_CARD in notice and "own account again" in notice, f"the card is split off ({notice})")

        # A card of another merchant is not there.
        status, text, _, _ = http(port, "GET", "/cards/" + OTHER_SHOP_CARD, cookies={"lg_session": session_cookie["value"]})
        check(status == 404, "another merchant's card is a 404")
        driver.get(base + "/customers/999999")
        check("no such page" in driver.find_element(By.ID, "error-message").text, "an unknown customer is a 404 page")

        # The erase page shows the consequences first (the owner does not erase here).
        driver.get(customer_url + "/erase")
        check("cannot be undone" in driver.find_element(By.ID, "consequences").text,
              "erasing shows its consequences before")
        shot(driver, "erase")

        # The owner reads who blocked and replaced the card in the core's audit log.
        driver.get(base + "/audit")
        log_text = driver.find_element(By.ID, "audit").text
        check("card.block" in log_text and "card.replace" in log_text and "owner" in log_text,
              "the audit log shows the block and the replacement by the owner")
        shot(driver, "audit")

        # Upload a program with a mistake: the checker's sentence is beside its line; then the
        # corrected file is stored as version 2.
        program = open(os.path.join(REPO, "examples/dutch-pharmacy.json")).read()
        currency_line = program.split("\n").index(next(l for l in program.split("\n") if '"currency"' in l)) + 1
        bad = os.path.join(folder, "bad-program.json")
        with open(bad, "w") as f:
            f.write(program.replace('"EUR"', '"EURO"'))
        driver.get(base + "/programs")
        check("1 point(s) for every €1.00 spent." in driver.find_element(By.ID, "rules").text,
              "the rules are shown in plain words")
        driver.find_element(By.ID, "program-file").send_keys(bad)
        press(driver, driver.find_element(By.ID, "upload"))
        rows = driver.find_elements(By.CSS_SELECTOR, "#uploaded tr.bad")
        check(len(rows) == 1 and rows[0].find_element(By.CSS_SELECTOR, "td").text == str(currency_line)
              and "merchant.currency" in rows[0].text and "three-letter currency code" in rows[0].text,
              f"the checker's error is shown beside line {currency_line}")
        shot(driver, "program-errors")
        good = os.path.join(folder, "new-program.json")
        with open(good, "w") as f:
            f.write(program.replace('"per": "1.00"', '"per": "2.00"'))
        driver.find_element(By.ID, "program-file").send_keys(good)
        press(driver, driver.find_element(By.ID, "upload"))
        check("Program version 2 stored" in driver.find_element(By.ID, "notice").text, "the corrected file is version 2")
        check("1 point(s) for every €2.00 spent." in driver.find_element(By.ID, "rules").text,
              "and its rules are shown")
        shot(driver, "programs")

        # The reward catalog: a row with wrong points is told beside it and nothing is stored;
        # corrected, the catalog is program version 3, and the board prints it on A3.
        driver.get(base + "/rewards")
        rows = len(driver.find_elements(By.CSS_SELECTOR, "#rewards-form tbody tr"))
        last = rows - 1
        driver.find_element(By.ID, f"sku-{last}").send_keys("TOTE-BAG")
        driver.find_element(By.ID, f"name-{last}").send_keys("Linde tote bag")
        driver.find_element(By.ID, f"points-{last}").send_keys("zero")
        press(driver, driver.find_element(By.ID, "rewards-save"))
        check("whole number above zero" in driver.find_element(By.ID, f"reward-problem-{last}").text,
              "a reward with wrong points is refused beside its row")
        field = driver.find_element(By.ID, f"points-{last}")
        field.clear()
        field.send_keys("250")
        press(driver, driver.find_element(By.ID, "rewards-save"))
        check("program version 3" in driver.find_element(By.ID, "notice").text, "the catalog is a new program version")
        check("Linde tote bag" in driver.find_element(By.ID, "rewards").text, "and lists the new reward")
        shot(driver, "rewards")
        driver.get(base + "/rewards/board?size=a3")
        check(driver.find_element(By.ID, "board-style").get_attribute("href").endswith("/static/board-a3.css")
              and "Linde tote bag 250" in driver.find_element(By.ID, "board").text.replace("\n", " "),
              "the board for the shop window is laid out for A3 with the catalog")
        shot(driver, "rewards-board-a3")

        # Download the ledger CSV and check its rows: the sale with its lines, the fee.
        driver.get(base + "/exports")
        shot(driver, "exports")
        press_download = driver.find_element(By.ID, "export-ledger")
        press_download.click()
        target = os.path.join(downloads, f"{MERCHANT}-ledger.csv")
        wait_for(lambda: os.path.exists(target) and not os.path.exists(target + ".crdownload")
                 and os.path.getsize(target) > 0, "the ledger CSV is downloaded")
        rows = list(csv.DictReader(io.StringIO(open(target, encoding="utf-8").read())))
        sales = [r for r in rows if r["kind"] == "earn"]
        check(len(sales) == 1 and sales[0]["card"] == NEW_CARD and sales[0]["receipt"] == "R-1001"
              and sales[0]["points"] == "15" and sales[0]["till"] == "till-1",
              "the ledger CSV holds the sale with its points")
        lines = json.loads(sales[0]["sale_lines"])
        check([line["sku"] for line in lines] == ["4006381333931", "8710398501234"], "and its sale lines")
        check(any(r["kind"] == "fee" and r["card"] == NEW_CARD for r in rows), "and the replacement's fee entry")

        # A form posted without its CSRF token is refused, and nothing is written.
        status, text, _, _ = http(port, "POST", "/customers", {"name": "Mallory"},
                                  cookies={"lg_session": session_cookie["value"]})
        check(status == 403 and "expired or was not sent from this site" in text, "a post without its CSRF token is refused")

        # The cashier: no erase button, and 403 posting to it with a valid token.
        sign_in(driver, base, "kassa", CASHIER_PASSWORD)
        driver.get(customer_url)
        driver.implicitly_wait(0)
        check(not driver.find_elements(By.ID, "erase-link") and not driver.find_elements(By.ID, "export")
              and not driver.find_elements(By.ID, "exports-link"),
              "a cashier sees no erase and no exports")
        driver.implicitly_wait(5)
        token = driver.find_element(By.NAME, "_csrf").get_attribute("value")
        cashier_cookie = driver.get_cookie("lg_session")["value"]
        status, text, _, _ = http(port, "POST", f"/customers/{customer_id}/erase", {"_csrf": token},
                                  cookies={"lg_session": cashier_cookie})
        check(status == 403 and "Your role may not do this." in text, "a cashier posting an erase gets 403")
        status, text, _, _ = http(port, "POST", "/exports/ledger", {"_csrf": token}, cookies={"lg_session": cashier_cookie})
        check(status == 403 and "Your role may not do this." in text, "and posting a ledger export too")
        driver.get(customer_url)
        check(driver.find_element(By.ID, "customer-name").text == "Anna de Vries", "and the customer is still there")
        driver.implicitly_wait(0)
        check(not driver.find_elements(By.ID, "audit-link"), "a cashier has no audit log link")
        driver.get(base + "/rewards")
        check(not driver.find_elements(By.ID, "rewards-form"), "a cashier sees the catalog but cannot change it")
        status, _, _, _ = http(port, "POST", "/rewards", {"_csrf": token, "sku_0": "X", "name_0": "X", "points_0": "1"},
                               cookies={"lg_session": cashier_cookie})
        check(status == 403, "and gets 403 posting a catalog")
        driver.implicitly_wait(5)
        driver.get(base + "/audit")
        check("Your role may not do this." in driver.find_element(By.ID, "error-message").text,
              "and is refused the audit log")

        # Ten wrong passwords slow the next try.
        status, text, cookies, _ = http(port, "GET", "/login")
        login_token = re.search(r'name="_csrf" value="([^"]+)"', text).group(1)
        login_cookie = {"lg_login": login_token}
        for attempt in range(10):
            status, text, _, _ = http(port, "POST", "/login", {"_csrf": login_token, "user": "owner", "password": f"guess {attempt}"},
                                      cookies=login_cookie)
            check(status == 401, f"wrong password {attempt + 1} is refused")
        started = time.monotonic()
        status, text, _, _ = http(port, "POST", "/login", {"_csrf": login_token, "user": "owner", "password": OWNER_PASSWORD},
                                  cookies=login_cookie)
        check(status == 429 and "Too many wrong passwords. Wait 30 seconds" in text,
              f"the 11th try, even with the right password, waits ({time.monotonic() - started:.2f} s to answer)")
        sign_in(driver, base, "owner", OWNER_PASSWORD, succeeds=False)
        check("Too many wrong passwords" in driver.find_element(By.ID, "login-error").text,
              "the browser is told to wait too")
        shot(driver, "login-throttled")
        print("all browser checks passed", flush=True)


if __name__ == "__main__":
    main()
