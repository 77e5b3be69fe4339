#!/usr/bin/python3
"""The cardholder's personal details and the mails' unsubscribe route in a real browser
(docs/cardholder.md, docs/mail.md): a real `loyalgate core`, `loyalgate web`, `loyalgate mail run`
delivering to a real SMTP server (Tests/Support/smtp_recorder.py, aiosmtpd), and Debian's
headless Chromium.

From the card's page the holder asks for a link to their details; the page says the same
whether or not the card has a customer with an address; the link arrives by mail (read from the
SMTP server) in the shop's colours, opens the details once (a second use is refused), the page
shows name, address and consent, turns mail consent off (after which the program's end notice
is not mailed to them) and downloads the holder's data as JSON. A welcome mail's unsubscribe
link: its GET only asks, the RFC 8058 one-click POST turns consent off.

Run by Tests/IntegrationTests/WebBrowserTests.swift, or by hand:
    LOYALGATE_BIN=.build/debug/loyalgate Tests/Browser/cardholder_details.py
"""
import datetime
import email
import email.policy
import json
import os
import re
import subprocess

from selenium.webdriver.common.by import By

from browser_harness import (REPO, Workspace, add_user, check, children, core_call, ean13, free_port, http, press,
                             run, sign_in, start, start_chromium, wait_for, wait_for_web)

MERCHANT = "apotheek-de-linde"
CARD = ean13("299000100021")
LONELY = ean13("299000100022")
OWNER_PASSWORD = "linde owner secret"
MANAGER_PASSWORD = "linde manager secret"


def messages(folder):
    """Every message the SMTP server kept, oldest first, as (recipient, parsed message)."""
    found = []
    for name in sorted(os.listdir(folder)):
        if name.startswith(".") or not name.endswith(".eml"):
            continue
        recipient = name.split("-", 1)[1][:-4]
        with open(os.path.join(folder, name), "rb") as f:
            found.append((recipient, email.message_from_binary_file(f, policy=email.policy.default)))
    return found


def body(message, kind):
    part = message.get_body(preferencelist=(kind,))
    return part.get_content() if part else ""


def mail_run(data):
    out = run(["mail", "run", "--data", data])
    return out


def main():
    with Workspace("lg-details-") as work:
        folder, log = work.folder, work.log
        data = os.path.join(folder, "data")
        state = os.path.join(folder, "web")
        inbox = os.path.join(folder, "inbox")
        sock = os.path.join(data, "core.sock")
        run(["program", "import", "--data", data, os.path.join(REPO, "examples/dutch-pharmacy.json")])
        run(["cards", "add", "--data", data, "--merchant", MERCHANT, CARD, LONELY])

        relay = subprocess.Popen(["/usr/bin/python3", os.path.join(REPO, "Tests/Support/smtp_recorder.py"), inbox],
                                 stdout=subprocess.PIPE, stderr=log, text=True, start_new_session=True)
        children.append(relay)
        relay_port = int(relay.stdout.readline().strip())
        port = free_port()
        base = f"http://localhost:{port}"
        design = os.path.join(REPO, "examples/cards/linde-pharmacy.json")
        with open(os.path.join(data, "mail.json"), "w") as f:
            json.dump({"merchants": {MERCHANT: {
                "from": {"address": "info@apotheek-de-linde.nl", "name": "Apotheek De Linde"},
                "relay": {"url": f"smtp://127.0.0.1:{relay_port}", "tls": "none"},
                "ratePerMinute": 100000, "retryBaseSeconds": 0, "language": "en", "birthdayHour": 0,
                "design": design, "webURL": base, "unsubscribeURL": base + "/mail/unsubscribe"}}}, f)
        os.chmod(os.path.join(data, "mail.json"), 0o600)

        start(["core", "--data", data, "--socket", sock], log)
        wait_for(lambda: os.path.exists(sock), "the core's socket appears")
        os.makedirs(state, mode=0o700)
        add_user(state, "owner", "owner", OWNER_PASSWORD, MERCHANT)
        add_user(state, "manager", "manager", MANAGER_PASSWORD, MERCHANT)
        with open(os.path.join(folder, "cardholder.json"), "w") as f:
            json.dump({"publicURL": base, "merchants": {MERCHANT: {"design": design}}}, f)
        start(["web", "--core", sock, "--listen", f"127.0.0.1:{port}", "--state", state,
               "--cardholder", os.path.join(folder, "cardholder.json"), "--time-zone", "Europe/Amsterdam"], log)
        wait_for_web(port)

        anna = core_call(sock, {"op": "customer.register", "merchant": MERCHANT, "card": CARD, "details": {
            "name": "Anna Kovacheva", "email": "anna@example.nl", "address": "Lindelaan 3, Utrecht",
            "postcode": "3511 AB"}, "consents": {"mail": True, "profiling": False}})
        check(anna.get("ok"), f"Anna registers with her card and consents to mail ({anna})")
        bram = core_call(sock, {"op": "customer.register", "merchant": MERCHANT, "details": {
            "name": "Bram Smit", "email": "bram@example.nl"}, "consents": {"mail": True, "profiling": False}})
        check(bram.get("ok"), "Bram registers and consents to mail")
        mail_run(data)
        welcomes = dict(messages(inbox))
        check(set(welcomes) == {"anna@example.nl", "bram@example.nl"}, f"both get the welcome mail ({list(welcomes)})")

        # The unsubscribe link: a GET asks only; the one-click POST (RFC 8058) turns consent off.
        welcome = welcomes["bram@example.nl"]
        check(welcome["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click", "the welcome mail offers one-click")
        link = welcome["List-Unsubscribe"].strip("<>")
        check(link.startswith(base + "/mail/unsubscribe?t="), f"its unsubscribe link is the web's route ({link})")
        path = link[len(base):]
        status, page, _, _ = http(port, "GET", path)
        check(status == 200 and 'id="unsubscribe"' in page, "GET shows the question and a button")
        record = core_call(sock, {"op": "customer.get", "merchant": MERCHANT, "customer": bram["customer"]})
        check(record["consents"]["mail"] is True, "a GET alone (a link scanner) leaves consent on")
        status, page, _, _ = http(port, "POST", path, {"List-Unsubscribe": "One-Click"})
        check(status == 200 and "no more mail" in page, f"the one-click POST unsubscribes ({status})")
        record = core_call(sock, {"op": "customer.get", "merchant": MERCHANT, "customer": bram["customer"]})
        check(record["consents"]["mail"] is False, "and Bram's mail consent is off")
        status, page, _, _ = http(port, "POST", path[:-2] + ("AA" if not path.endswith("AA") else "BB"))
        check(status == 400 and "not valid" in page, "an altered link is refused")

        # A Dutch phone.
        driver = work.driver = start_chromium(folder, "412,1400", language="nl-NL", implicit_wait=5)

        # The card's page asks for the link; the answer is the same for a card with no customer.
        token = core_call(sock, {"op": "cardholder.token", "merchant": MERCHANT, "card": CARD})["token"]
        lonely = core_call(sock, {"op": "cardholder.token", "merchant": MERCHANT, "card": LONELY})["token"]
        driver.get(base + "/c/" + token)
        check("Anna" not in driver.page_source, "the card's page shows no personal data")
        press(driver, driver.find_element(By.ID, "ask-link"))
        note = driver.find_element(By.ID, "note").text
        check("link naar uw gegevens" in note, f"the page says a link is on its way, in Dutch ({note})")
        driver.get(base + "/c/" + lonely)
        press(driver, driver.find_element(By.ID, "ask-link"))
        check(driver.find_element(By.ID, "note").text == note, "and says the same for a card without a customer")

        before = len(messages(inbox))
        mail_run(data)
        arrived = messages(inbox)[before:]
        check([r for r, _ in arrived] == ["anna@example.nl"], f"one mail, to Anna's address ({arrived})")
        mail = arrived[0][1]
        check(mail["Subject"] == "Uw link naar uw gegevens bij Apotheek De Linde", f"in Dutch ({mail['Subject']})")
        check(mail["List-Unsubscribe"] is None, "a mail she asked for carries no unsubscribe header")
        html = body(mail, "html")
        check("background:#2E7D32" in html and "cid:logo@loyalgate" in html, "in the shop's colour, with its logo")
        found = re.search(re.escape(base) + r"/p/[A-Za-z0-9_-]+", body(mail, "plain"))
        check(found is not None, "the plain text holds the link")
        details_link = found.group(0)

        # The link opens the details once.
        driver.get(details_link)
        check("Anna" not in driver.page_source, "the link's page shows nothing before its button is pressed")
        press(driver, driver.find_element(By.ID, "open-details"))
        check(driver.find_element(By.ID, "name").text == "Anna Kovacheva", "the details page shows her name")
        check(driver.find_element(By.ID, "address").text == "Lindelaan 3, Utrecht"
              and driver.find_element(By.ID, "email").text == "anna@example.nl", "her address and mail address")
        check("U ontvangt mail" in driver.find_element(By.ID, "consent").text, "and that she receives mail")

        # The download link, fetched with the page's session cookie (the page's CSP lets no
        # script of its own fetch anything).
        session = driver.get_cookie("lg_holder")
        check(session is not None and session.get("httpOnly") and session.get("sameSite") == "Strict",
              "the details session is an HttpOnly, SameSite=Strict cookie")
        status, exported, _, headers = http(port, "GET", "/me/export", cookies={"lg_holder": session["value"]})
        check(status == 200 and headers.get("content-disposition", "").startswith("attachment"),
              f"the export downloads ({status})")
        export = json.loads(exported)
        check(export["customer"]["details"]["name"] == "Anna Kovacheva" and "ledger" in export,
              "the export is her own record and ledger entries as JSON")

        # A consent form whose body cannot be read (over the 64 KiB limit) is refused, and
        # changes nothing: taken as an empty form it would have turned her consent off.
        status, _, _, _ = http(port, "POST", "/me/consent", {"pad": "x" * 70000},
                               cookies={"lg_holder": session["value"]})
        check(status == 400, f"an unreadable consent form is answered 400 ({status})")
        record = core_call(sock, {"op": "customer.get", "merchant": MERCHANT, "customer": anna["customer"]})
        check(record["consents"]["mail"] is True, "and her consent is still on")

        press(driver, driver.find_element(By.ID, "consent-toggle"))
        check("geen mail" in driver.find_element(By.ID, "consent").text, "she turns mail consent off")
        record = core_call(sock, {"op": "customer.get", "merchant": MERCHANT, "customer": anna["customer"]})
        check(record["consents"]["mail"] is False, "the core has her consent off")

        driver.delete_all_cookies()
        driver.get(details_link)
        press(driver, driver.find_element(By.ID, "open-details"))
        refusal = driver.find_element(By.ID, "refusal").text
        check("already used" in refusal, f"a second use of the link is refused ({refusal})")
        driver.get(base + "/me")
        check(driver.find_elements(By.ID, "refusal") and "Anna" not in driver.page_source,
              "and without the session nothing is shown")

        # The back office: only an owner announces the program's end; five months ahead is
        # refused; consent off stops the mail: the notice is recorded for nobody.
        sign_in(driver, base, "manager", MANAGER_PASSWORD)
        driver.get(base + "/programs")
        driver.implicitly_wait(0)
        check(not driver.find_elements(By.ID, "announce-end"), "a manager sees no form to announce the end")
        driver.implicitly_wait(5)
        sign_in(driver, base, "owner", OWNER_PASSWORD)
        driver.get(base + "/programs")
        check("Er is geen einde" in driver.find_element(By.ID, "program-end").text, "the owner sees no end announced")
        soon = (datetime.date.today() + datetime.timedelta(days=150)).isoformat()
        field = driver.find_element(By.ID, "end-date")
        # The form's own min would stop the browser; the core's refusal is what is tested.
        driver.execute_script("arguments[0].removeAttribute('min'); arguments[0].value = arguments[1]", field, soon)
        press(driver, driver.find_element(By.ID, "announce-end"))
        refused = driver.find_element(By.ID, "error-message").text
        check("at least six months ahead" in refused, f"five months ahead is refused with a sentence ({refused})")
        end = (datetime.date.today() + datetime.timedelta(days=230)).isoformat()
        driver.get(base + "/programs")
        driver.execute_script("arguments[0].value = arguments[1]", driver.find_element(By.ID, "end-date"), end)
        press(driver, driver.find_element(By.ID, "announce-end"))
        notice = driver.find_element(By.ID, "notice").text
        check(end in notice and "0 klanten" in notice,
              f"the end is announced and the notice recorded for nobody: both withdrew consent ({notice})")
        check(end in driver.find_element(By.ID, "program-end").text, "the Program page shows the end date")
        before = len(messages(inbox))
        mail_run(data)
        check(len(messages(inbox)) == before, "and no mail is sent")
        driver.get(base + "/c/" + token)
        check(end in driver.find_element(By.ID, "program-end").text, "the card's page shows the program's end")
        status, widget, _, _ = http(port, "GET", "/w/" + token)
        check(status == 200 and 'id="program-end"' in widget and end in widget, "so does the widget")
        status, figures, _, _ = http(port, "GET", "/api/balance/" + token)
        check(json.loads(figures).get("programEnds") == end, f"and the balance JSON ({figures})")
        print("all cardholder details checks passed", flush=True)


if __name__ == "__main__":
    main()
