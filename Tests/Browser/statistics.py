#!/usr/bin/python3
"""Statistics and segments in a real browser: a real `loyalgate core` with a small pharmacy
(fifteen customers, their sales through the core's socket), a real `loyalgate web`, Debian's
headless Chromium through chromedriver.

Run by Tests/IntegrationTests/WebBrowserTests.swift, or by hand:
    LOYALGATE_BIN=.build/debug/loyalgate Tests/Browser/statistics.py
"""
import csv
import io
import json
import os
import time

from selenium.webdriver.common.by import By

from browser_harness import (REPO, Workspace, add_user, check, core_call, ean13, free_port, press, run, sign_in,
                             start, start_chromium, wait_for, wait_for_web)

MERCHANT = "apotheek-de-linde"
OWNER_PASSWORD = "linde owner secret"
MANAGER_PASSWORD = "linde manager secret"
CASHIER_PASSWORD = "linde cashier secret"


def core(sock, request):
    """One op for the pharmacy on the core's socket; a refusal ends the script."""
    result = core_call(sock, dict(request, merchant=MERCHANT))
    if not result.get("ok"):
        raise AssertionError(f"{request['op']} refused: {result}")
    return result


def table(driver, element_id):
    rows = driver.find_elements(By.CSS_SELECTOR, f"#{element_id} tbody tr")
    return [[cell.text for cell in row.find_elements(By.TAG_NAME, "td")] for row in rows]


def downloaded(folder, name):
    target = os.path.join(folder, name)
    wait_for(lambda: os.path.exists(target) and not os.path.exists(target + ".crdownload")
             and os.path.getsize(target) > 0, f"{name} is downloaded")
    return list(csv.reader(io.StringIO(open(target, encoding="utf-8").read())))


def main():
    with Workspace("lg-stats-") as work:
        folder, log = work.folder, work.log
        data = os.path.join(folder, "data")
        state = os.path.join(folder, "web")
        sock = os.path.join(data, "core.sock")
        program = json.load(open(os.path.join(REPO, "examples/dutch-pharmacy.json")))
        program["program"]["marketing"] = {"pharmacy": True}
        program_path = os.path.join(folder, "pharmacy.json")
        json.dump(program, open(program_path, "w"))
        run(["program", "import", "--data", data, program_path])
        # Fifteen customers: seven women, six men, two "other" (a group too small to show).
        genders = ["female"] * 7 + ["male"] * 6 + ["x"] * 2
        cards = [ean13("2990001%05d" % (i + 1)) for i in range(len(genders))]
        run(["cards", "add", "--data", data, "--merchant", MERCHANT] + cards)
        for user, role, password in [("owner", "owner", OWNER_PASSWORD), ("chef", "manager", MANAGER_PASSWORD),
                                     ("kassa", "cashier", CASHIER_PASSWORD)]:
            add_user(state, user, role, password, MERCHANT)
        start(["core", "--data", data, "--socket", sock], log)
        wait_for(lambda: os.path.exists(sock), "the core's socket appears")
        sold = {"female": 0, "male": 0, "other": 0}
        consenting = []
        for index, (gender, card) in enumerate(zip(genders, cards)):
            consent = index % 2 == 0
            customer = core(sock, {"op": "customer.register", "card": card,
                                   "details": {"name": f"Klant {index + 1}", "email": f"klant{index + 1}@example.nl",
                                               "gender": gender, "postcode": "1012 AB", "birthDate": "1980-05-05"},
                                   "consents": {"mail": consent, "profiling": consent}})
            amount = 10 + index
            core(sock, {"op": "txn.earn", "card": card, "till": "shop-1/till-1", "receipt": f"R{index}",
                        "lines": [{"sku": "v", "amount": f"{amount}.00", "brand": "Vichy", "category": "cosmetics"},
                                  {"sku": "p", "amount": "5.00", "brand": "Dafalgan", "category": "otc-medicine"}]})
            sold[{"female": "female", "male": "male"}.get(gender, "other")] += amount + 5
            if consent:
                consenting.append(str(customer["customer"]))

        port = free_port()
        start(["web", "--core", sock, "--listen", f"127.0.0.1:{port}", "--state", state,
               "--time-zone", "Europe/Amsterdam"], log)
        base = f"http://localhost:{port}"
        wait_for_web(port)

        downloads = os.path.join(folder, "downloads")
        driver = work.driver = start_chromium(folder, "1100,900", downloads=downloads, implicit_wait=5)

        # A cashier sees no statistics and is refused them.
        sign_in(driver, base, "kassa", CASHIER_PASSWORD)
        check(not driver.find_elements(By.ID, "statistics-link"), "a cashier has no statistics link")
        driver.get(base + "/statistics")
        check("statistics-note" not in driver.page_source, "and is refused the page")

        # The manager: customers and sales by gender; "other" (two) is hidden, and so is the
        # next smallest group, or the year's total minus the women would give it away.
        sign_in(driver, base, "chef", MANAGER_PASSWORD)
        press(driver, driver.find_element(By.ID, "statistics-link"))
        rows = table(driver, "figures")
        groups = [row[0] for row in rows]
        check(groups == ["female"], f"only the women's group is shown ({rows})")
        female = rows[0]
        check(female[1] == "7" and female[2] == "7" and female[3] == "7" and female[5] == "%d.00" % sold["female"],
              f"with its customers, buyers, receipts and sales ({female})")
        note = driver.find_element(By.ID, "statistics-note").text
        check("not shown" in note and "fewer than 5" in note, f"the page says figures are hidden ({note})")
        bars = driver.find_elements(By.CSS_SELECTOR, "svg#chart g.bar")
        check(len(bars) == 1 and "female" in bars[0].text, "the SVG chart has one bar, the women's")
        check("<script" not in driver.page_source, "the page holds no script")

        # Its CSV holds the same rows as the table. (A download: the page stays, so a plain click.)
        driver.find_element(By.ID, "statistics-csv").click()
        year = time.strftime("%Y")
        rows_csv = downloaded(downloads, f"{MERCHANT}-gender.csv")
        check(rows_csv[1:] == rows, f"the CSV download matches the table ({rows_csv})")

        # By brand: both brands shown with all fifteen buyers (aggregates of medicine are not
        # personal); the month trend; the best customers leave medicine out.
        driver.get(base + f"/statistics?view=brand&period={year}")
        brands = {row[0]: row for row in table(driver, "figures")}
        check(brands["Vichy"][2] == "15" and brands["Dafalgan"][5] == "75.00", f"sales by brand ({brands})")
        driver.get(base + "/statistics?view=trend-month")
        months = table(driver, "figures")
        check(months[-1][2] == "15", f"this month's receipts in the month trend ({months[-1]})")
        driver.find_element(By.ID, "statistics-csv").click()
        check(downloaded(downloads, f"{MERCHANT}-trend-month.csv")[1:] == months, "and its CSV matches")
        driver.get(base + "/statistics?view=best")
        best = table(driver, "figures")
        check(best[0][4] == "24.00", f"the best customer's amount leaves medicine out ({best[0]})")

        # A segment of Vichy buyers: only those who consent to mail; its CSV; a mailing.
        press(driver, driver.find_element(By.ID, "segments-link"))
        driver.find_element(By.ID, "segment-name").send_keys("Vichy buyers")
        driver.find_element(By.ID, "segment-brand").send_keys("Vichy")
        press(driver, driver.find_element(By.ID, "save-segment"))
        check(driver.find_element(By.ID, "segment-count").text == str(len(consenting)),
              f"the segment counts the {len(consenting)} consenting Vichy buyers")
        members = [row[0] for row in table(driver, "members")]
        check(sorted(members) == sorted(consenting), "and lists exactly them")
        driver.find_element(By.ID, "segment-csv").click()
        segment_rows = downloaded(downloads, f"{MERCHANT}-segment-1.csv")
        check(sorted(r[0] for r in segment_rows[1:]) == sorted(consenting)
              and all(r[2].endswith("@example.nl") for r in segment_rows[1:]), "its CSV holds them with addresses")
        driver.find_element(By.ID, "mail-subject").send_keys("Vichy week")
        driver.find_element(By.ID, "mail-text").send_keys("20 % off Vichy this week.")
        press(driver, driver.find_element(By.ID, "send-mail"))
        check(str(len(consenting)) in driver.find_element(By.ID, "notice").text,
              "the mailing is recorded for each of them")
        # Medicine is health data at this pharmacy: a segment by it is empty.
        driver.get(base + "/segments")
        driver.find_element(By.ID, "segment-name").send_keys("Dafalgan buyers")
        driver.find_element(By.ID, "segment-brand").send_keys("Dafalgan")
        press(driver, driver.find_element(By.ID, "save-segment"))
        check(driver.find_element(By.ID, "segment-count").text == "0", "a segment by a medicine brand is empty")
        print("all statistics checks passed", flush=True)


if __name__ == "__main__":
    main()
