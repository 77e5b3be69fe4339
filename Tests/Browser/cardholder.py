#!/usr/bin/python3
"""The cardholder's own pages in a real browser (docs/cardholder.md): a real `loyalgate core`,
a real `loyalgate web` with a cardholder.json, and Debian's headless Chromium.

A token minted by the core after a real earn opens the balance page with the right figures; a
forged, an expired (made with the core's own key file, as the format in docs/protocol.md says)
and a revoked (blocked card) token get a plain sentence and no figures; the widget is framed by
the merchant's site and refused inside another site's page (both served here on ports of their
own), whose script cannot read the balance JSON either; too many resolutions are refused.

Run by Tests/IntegrationTests/WebBrowserTests.swift, or by hand:
    LOYALGATE_BIN=.build/debug/loyalgate Tests/Browser/cardholder.py
LOYALGATE_SCREENSHOTS=docs/screenshots saves the page's screenshot there.
"""
import base64
import hashlib
import hmac
import http.client as httpclient
import io
import zipfile
import http.server as httpserver
import json
import os
import struct
import subprocess
import threading
import time

from selenium.webdriver.common.by import By

from browser_harness import (REPO, Workspace, check, core_call, ean13, free_port, http, run, shot, start,
                             start_chromium, till_earn, wait_for, wait_for_web)

MERCHANT = "apotheek-de-linde"
CARD = ean13("299000100011")
OTHER = ean13("299000100012")


def b64url(data):
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def expired_token(data, card):
    """A token whose time is over, signed with the core's key file: HKDF-SHA256 (empty salt,
    info "loyalgate cardholder token v1"), then HMAC-SHA256 over the payload, 16 bytes."""
    master = base64.b64decode(open(os.path.join(data, "keys", "cardholder-token.key")).read().strip())
    prk = hmac.new(b"\0" * 32, master, hashlib.sha256).digest()
    key = hmac.new(prk, b"loyalgate cardholder token v1\x01", hashlib.sha256).digest()
    now = int(time.time())
    payload = b"\x01" + struct.pack(">II", now - 40 * 86400, now - 86400) + card.encode() + MERCHANT.encode()
    return b64url(payload) + "." + b64url(hmac.new(key, payload, hashlib.sha256).digest()[:16])


def serve_parent(port, web_base, token):
    """Another site's page on its own origin: it frames the widget and tries to read the JSON."""
    class Page(httpserver.BaseHTTPRequestHandler):
        def do_GET(self):
            body = (f'<!DOCTYPE html><html><body><h1>Shop site</h1>'
                    f'<iframe id="widget" src="{web_base}/w/{token}" width="320" height="220"></iframe>'
                    f'</body></html>').encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass
    server = httpserver.ThreadingHTTPServer(("127.0.0.1", port), Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def fetch_from_page(driver, url):
    """What the page's own script gets from fetch(url): the body, or the error's name."""
    return driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "fetch(arguments[0]).then(r => r.text()).then(done, e => done('refused: ' + e.name));", url)


PASS_TYPE = "pass.nl.apotheekdelinde.card"
TEAM = "ABCDE12345"


def openssl(folder, *arguments):
    subprocess.run(["openssl"] + list(arguments), cwd=folder, check=True, capture_output=True, timeout=60)


def make_wallet_keys(folder):
    """A test CA standing in for Apple's root, a WWDR-like intermediate under it, the merchant's
    Pass Type ID certificate under that; and a Google service account's RSA key."""
    with open(os.path.join(folder, "ca.ext"), "w") as f:
        f.write("basicConstraints=critical,CA:true\nkeyUsage=critical,keyCertSign,cRLSign\n")
    with open(os.path.join(folder, "leaf.ext"), "w") as f:
        f.write("basicConstraints=critical,CA:false\nkeyUsage=critical,digitalSignature\n")
    openssl(folder, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "testca.pem",
            "-days", "2", "-subj", "/CN=loyalgate test root")
    openssl(folder, "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "wwdr.key", "-out", "wwdr.csr",
            "-subj", "/CN=loyalgate test WWDR")
    openssl(folder, "x509", "-req", "-in", "wwdr.csr", "-CA", "testca.pem", "-CAkey", "ca.key", "-CAcreateserial",
            "-out", "wwdr.pem", "-days", "2", "-extfile", "ca.ext")
    openssl(folder, "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "pass.key", "-out", "pass.csr",
            "-subj", f"/UID={PASS_TYPE}/CN=Pass Type ID: {PASS_TYPE}/OU={TEAM}")
    openssl(folder, "x509", "-req", "-in", "pass.csr", "-CA", "wwdr.pem", "-CAkey", "wwdr.key", "-CAcreateserial",
            "-out", "pass.pem", "-days", "2", "-extfile", "leaf.ext")
    openssl(folder, "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", "google.key")
    openssl(folder, "pkey", "-in", "google.key", "-pubout", "-out", "google.pub")
    with open(os.path.join(folder, "service-account.json"), "w") as f:
        json.dump({"client_email": "wallet@linde-test.iam.gserviceaccount.com",
                   "private_key": open(os.path.join(folder, "google.key")).read()}, f)
    return {"apple": {"passTypeIdentifier": PASS_TYPE, "teamIdentifier": TEAM, "certificate": "pass.pem",
                      "key": "pass.key", "wwdr": "wwdr.pem"},
            "google": {"issuerID": "3388000000022222222", "classSuffix": "linde-loyalty",
                       "serviceAccount": "service-account.json"}}


def wallet_http(port, method, path, headers=None, body=None):
    """From 127.0.0.2: the wallet's requests are another client than the browser's, and the
    web's per-address limit counts them apart."""
    connection = httpclient.HTTPConnection("127.0.0.1", port, timeout=30, source_address=("127.0.0.2", 0))
    connection.request(method, path, body=body, headers=headers or {})
    response = connection.getresponse()
    data = response.read()
    result = response.status, data, dict((k.lower(), v) for k, v in response.getheaders())
    connection.close()
    return result


def check_pkpass(folder, data, points):
    """Unzips a .pkpass: every manifest hash matches, pass.json is a store card with Apple's
    required fields, and openssl accepts the detached CMS signature against the test CA."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    names = set(archive.namelist())
    check({"pass.json", "manifest.json", "signature", "icon.png", "logo.png"} <= names,
          f"the .pkpass holds pass.json, manifest.json, signature and the images ({sorted(names)})")
    manifest = json.loads(archive.read("manifest.json"))
    check(set(manifest) == names - {"manifest.json", "signature"}, "the manifest lists every other file")
    check(all(hashlib.sha1(archive.read(name)).hexdigest() == digest for name, digest in manifest.items()),
          "every manifest SHA-1 matches its file")
    pass_json = json.loads(archive.read("pass.json"))
    required = ["formatVersion", "passTypeIdentifier", "serialNumber", "teamIdentifier", "organizationName",
                "description"]
    check(all(key in pass_json for key in required) and pass_json["formatVersion"] == 1
          and pass_json["passTypeIdentifier"] == PASS_TYPE and pass_json["teamIdentifier"] == TEAM,
          "pass.json has Apple's required top-level fields")
    check(pass_json["serialNumber"] == CARD and pass_json["barcodes"][0]["message"] == CARD
          and pass_json["barcodes"][0]["format"] == "PKBarcodeFormatCode128", "the card's number as its barcode")
    fields = pass_json["storeCard"]["primaryFields"]
    check(fields[0]["key"] == "points" and fields[0]["value"] == points, f"a store card showing {points} points")
    check(len(pass_json["authenticationToken"]) >= 16 and pass_json["webServiceURL"].endswith("/wallet"),
          "with the web service and an authentication token of at least 16 characters")
    for name in ["manifest.json", "signature"]:
        with open(os.path.join(folder, name), "wb") as f:
            f.write(archive.read(name))
    verified = subprocess.run(["openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in", "signature",
                               "-content", "manifest.json", "-CAfile", "testca.pem", "-purpose", "any",
                               "-out", os.devnull], cwd=folder, capture_output=True, text=True, timeout=60)
    check(verified.returncode == 0, f"openssl cms -verify accepts the signature ({verified.stderr.strip()})")
    return pass_json


def check_wallets(folder, port, sock, token):
    status, data, headers = wallet_http(port, "GET", "/wallet/apple/" + token)
    check(status == 200 and headers.get("content-type") == "application/vnd.apple.pkpass",
          f"the page's Apple Wallet link gives a .pkpass ({status})")
    check_pkpass(folder, data, 112)

    # The pass web service: a device registers, is told of the change after an earn, and gets
    # the new pass with Last-Modified.
    auth = {"Authorization": "ApplePass " + token, "Content-Type": "application/json"}
    registration = f"/wallet/v1/devices/device-1/registrations/{PASS_TYPE}/{CARD}"
    status, _, _ = wallet_http(port, "POST", registration, {"Content-Type": "application/json"},
                               json.dumps({"pushToken": "push-1"}))
    check(status == 401, "a registration without the pass's token is refused")
    status, _, _ = wallet_http(port, "POST", registration, auth, json.dumps({"pushToken": "push-1"}))
    check(status == 201, f"the device registers the pass ({status})")
    status, _, _ = wallet_http(port, "POST", registration, auth, json.dumps({"pushToken": "push-1"}))
    check(status == 200, "registering again is 200")
    listing = f"/wallet/v1/devices/device-1/registrations/{PASS_TYPE}"
    status, data, _ = wallet_http(port, "GET", listing + "?passesUpdatedSince=0")
    first = json.loads(data)
    check(status == 200 and first["serialNumbers"] == [CARD], f"the pass is listed for the device ({data})")
    status, _, _ = wallet_http(port, "GET", listing + "?passesUpdatedSince=" + first["lastUpdated"])
    check(status == 204, "nothing changed since its tag")
    till_earn(sock, MERCHANT, CARD, "R-2002", [{"sku": "4006381333931", "amount": "30.00"}])
    status, data, _ = wallet_http(port, "GET", listing + "?passesUpdatedSince=" + first["lastUpdated"])
    check(status == 200 and json.loads(data)["serialNumbers"] == [CARD], "after an earn the pass is listed as updated")
    status, data, headers = wallet_http(port, "GET", f"/wallet/v1/passes/{PASS_TYPE}/{CARD}", auth)
    check(status == 200 and "last-modified" in headers, f"the latest pass comes with Last-Modified ({status})")
    check_pkpass(folder, data, 142)
    status, _, _ = wallet_http(port, "GET", f"/wallet/v1/passes/{PASS_TYPE}/{CARD}",
                               dict(auth, **{"If-Modified-Since": headers["last-modified"]}))
    check(status == 304, "and 304 when the device has it")
    status, _, _ = wallet_http(port, "DELETE", registration, auth)
    check(status == 200, "the device unregisters")

    # Google: the link carries a JWT signed RS256 with the service account's key.
    status, _, headers = wallet_http(port, "GET", "/wallet/google/" + token)
    location = headers.get("location", "")
    check(status == 303 and location.startswith("https://pay.google.com/gp/v/save/"), "Save to Google Wallet")
    jwt = location.rsplit("/", 1)[1]
    head, payload, signature = jwt.split(".")
    pad = lambda part: base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))  # noqa: E731
    with open(os.path.join(folder, "jwt.input"), "w") as f:
        f.write(head + "." + payload)
    with open(os.path.join(folder, "jwt.sig"), "wb") as f:
        f.write(pad(signature))
    verified = subprocess.run(["openssl", "dgst", "-sha256", "-verify", "google.pub", "-signature", "jwt.sig",
                               "jwt.input"], cwd=folder, capture_output=True, text=True, timeout=60)
    check(json.loads(pad(head))["alg"] == "RS256" and verified.returncode == 0,
          f"the JWT's RS256 signature verifies with the service account's public key ({verified.stdout.strip()})")
    claims = json.loads(pad(payload))
    loyalty = claims["payload"]["loyaltyObjects"][0]
    check(claims["aud"] == "google" and claims["typ"] == "savetowallet"
          and loyalty["loyaltyPoints"]["balance"]["int"] == 142 and loyalty["accountId"] == CARD,
          "and carries a loyalty object with the balance (142 points)")


def main():
    with Workspace("lg-holder-") as work:
        folder, log = work.folder, work.log
        data = os.path.join(folder, "data")
        state = os.path.join(folder, "web")
        sock = os.path.join(data, "core.sock")
        run(["program", "import", "--data", data, os.path.join(REPO, "examples/dutch-pharmacy.json")])
        run(["cards", "add", "--data", data, "--merchant", MERCHANT, CARD, OTHER])
        start(["core", "--data", data, "--socket", sock], log)
        wait_for(lambda: os.path.exists(sock), "the core's socket appears")
        mode = os.stat(os.path.join(data, "keys", "cardholder-token.key")).st_mode & 0o777
        check(mode == 0o600, f"the core made its token key 0600 ({oct(mode)})")

        port, shop_port, other_port = free_port(), free_port(), free_port()
        base = f"http://localhost:{port}"
        shop_site = f"http://127.0.0.1:{shop_port}"
        other_site = f"http://127.0.0.1:{other_port}"
        os.makedirs(state, mode=0o700)
        wallets = make_wallet_keys(folder)
        with open(os.path.join(folder, "cardholder.json"), "w") as f:
            json.dump({"publicURL": base, "merchants": {MERCHANT: dict(wallets, **{
                "design": os.path.join(REPO, "examples/cards/linde-pharmacy.json"), "sites": [shop_site]})}}, f)
        start(["web", "--core", sock, "--listen", f"127.0.0.1:{port}", "--state", state,
               "--cardholder", os.path.join(folder, "cardholder.json"), "--time-zone", "Europe/Amsterdam"], log)
        wait_for_web(port)

        # A real sale at the till, then the receipt's token.
        till_earn(sock, MERCHANT, CARD, "R-2001", [{"sku": "4006381333931", "amount": "112.00"}])
        minted = core_call(sock, {"op": "cardholder.token", "merchant": MERCHANT, "card": CARD})
        check(minted.get("ok"), f"the core mints a token for the card ({minted})")
        token = minted["token"]
        check(CARD not in token, "the token does not spell out the card number")

        # A Dutch phone.
        driver = work.driver = start_chromium(folder, "412,1400", language="nl-NL", implicit_wait=5)

        # The page, in Dutch for a Dutch phone, with the figures of the sale.
        driver.get(base + "/c/" + token)
        check(driver.find_element(By.ID, "shop").text == "Apotheek De Linde", "the page names the shop")
        check(driver.find_element(By.ID, "points").text == "112", "and shows the 112 points of the sale")
        entries = driver.find_element(By.ID, "entries").text
        check("112 punten voor uw aankoop bij Apotheek De Linde" in entries,
              f"the entry in plain Dutch words ({entries})")
        rewards = driver.find_element(By.ID, "rewards").text
        check("Hand cream 50 ml" in rewards and "Nu voor u beschikbaar" in rewards
              and "Tote bag" in rewards and "nog 138 punten" in rewards,
              f"rewards within reach: the hand cream now, the tote bag 138 points on ({rewards})")
        check(driver.find_element(By.ID, "card-number").text == CARD, "the card number under the barcode")
        check(driver.find_element(By.ID, "apple-wallet").get_attribute("href").endswith("/wallet/apple/" + token)
              and driver.find_element(By.ID, "google-wallet").is_displayed(),
              "the wallet buttons, for a merchant with its keys configured")
        bars = driver.find_elements(By.CSS_SELECTOR, "#barcode svg rect")
        width = driver.find_element(By.CSS_SELECTOR, "#barcode svg").size["width"]
        check(len(bars) > 20 and width >= 300, f"the barcode is drawn large ({len(bars)} rectangles, {width} px wide)")
        check("laserscanners" in driver.find_element(By.ID, "laser-note").text, "and says laser scanners cannot read it")
        page = driver.page_source
        check("Anna" not in page and "customer" not in page, "no personal data on the page")
        logo = driver.find_element(By.CSS_SELECTOR, ".logo")
        check(driver.execute_script("return arguments[0].naturalWidth", logo) > 0, "the shop's logo from its card design")
        colour = driver.execute_script(
            "return getComputedStyle(document.querySelector('.shop')).backgroundColor")
        check(colour == "rgb(46, 125, 50)", f"the shop's colour from its card design ({colour})")
        shot(driver, "cardholder")

        # A forged token, an expired one, and one for a card since blocked: a sentence, no data.
        forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
        driver.get(base + "/c/" + forged)
        check("geen geldige" in driver.find_element(By.ID, "refusal").text or
              "not a valid card link" in driver.find_element(By.ID, "refusal").text,
              "a forged token gets a plain refusal")
        driver.implicitly_wait(0)
        check(not driver.find_elements(By.ID, "points") and "112" not in driver.page_source,
              "and no figures")
        driver.get(base + "/c/" + expired_token(data, CARD))
        check("expired on" in driver.find_element(By.ID, "refusal").text, "an expired token is told it expired")
        check(not driver.find_elements(By.ID, "points"), "with no figures")
        other = core_call(sock, {"op": "cardholder.token", "merchant": MERCHANT, "card": OTHER})["token"]
        driver.get(base + "/c/" + other)
        check(driver.find_element(By.ID, "points").text == "0", "another card's token opens that card")
        blocked = core_call(sock, {"op": "card.block", "merchant": MERCHANT, "card": OTHER, "reason": "lost"})
        check(blocked.get("ok"), "the card is blocked at the back office")
        driver.get(base + "/c/" + other)
        check("blocked" in driver.find_element(By.ID, "refusal").text, "its token now gets a plain refusal")
        check(not driver.find_elements(By.ID, "points"), "and no figures")
        status, _, _, _ = http(port, "GET", "/api/balance/" + other)
        check(status == 410, f"the JSON is refused too ({status})")

        # The widget inside the merchant's site, and inside another site's page.
        work.at_end(serve_parent(shop_port, base, token).shutdown)
        work.at_end(serve_parent(other_port, base, token).shutdown)
        driver.implicitly_wait(5)
        driver.get(shop_site + "/")
        driver.switch_to.frame(driver.find_element(By.ID, "widget"))
        check(driver.find_element(By.ID, "points").text == "112", "the merchant's site frames the widget")
        driver.switch_to.default_content()
        body = fetch_from_page(driver, base + "/api/balance/" + token)
        check('"points":112' in body, f"and its script reads the balance JSON ({body})")

        driver.get(other_site + "/")
        driver.switch_to.frame(driver.find_element(By.ID, "widget"))
        driver.implicitly_wait(0)
        framed = driver.find_elements(By.ID, "points")
        check(not framed, "another site's page cannot frame the widget (Chromium shows its blocked-frame page)")
        driver.switch_to.default_content()
        body = fetch_from_page(driver, base + "/api/balance/" + token)
        check(body.startswith("refused"), f"nor read the balance JSON ({body})")
        status, _, _, headers = http(port, "GET", "/w/" + token)
        check(f"frame-ancestors {shop_site}" in headers.get("content-security-policy", "")
              and "x-frame-options" not in headers, "the widget's CSP names the merchant's site only")

        check_wallets(folder, port, sock, token)

        # A token resolved too often in a minute is refused for a while.
        statuses = [http(port, "GET", "/api/balance/" + token)[0] for _ in range(31)]
        check(statuses[-1] == 429, f"too many resolutions of one token are refused (last {statuses[-1]})")
        print("all cardholder checks passed", flush=True)


if __name__ == "__main__":
    main()
