"""The browser bridge in a real headless Chromium (Debian's chromium, chromium-driver and
python3-selenium), driving the example web till (example-till.html with loyalgate-bridge.js).

Run by Tests/IntegrationTests/BrowserBridgeTests.swift, which starts a core, a gateway with the
bridge on an emulated scanner, and passes in the environment:
LOYALGATE_BRIDGE (ws://127.0.0.1:PORT/bridge), LOYALGATE_PAGE_PORT (the allowed origin's port),
LOYALGATE_FOREIGN_PORT (an origin not on the list), LOYALGATE_PAIRING_CODE, LOYALGATE_CARD.
A scan is asked for by writing `scan DATA` on stdout; the Swift side types it on the emulated
scanner and answers `scanned` on stdin.
"""

import functools
import http.server
import os
import shutil
import sys
import tempfile
import threading
import time
import unittest

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

ENVIRONMENT = os.environ
FOLDER = os.path.dirname(os.path.abspath(__file__))


def scan(data):
    print(f"scan {data}", flush=True)
    if sys.stdin.readline().strip() != "scanned":
        raise RuntimeError(f"the test bed did not scan {data}")


def serve(port):
    """The example page from its own origin, http://127.0.0.1:PORT."""
    handler = functools.partial(QuietHandler, directory=FOLDER)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {".js": "text/javascript", ".html": "text/html", "": "application/octet-stream"}

    def log_message(self, *arguments):
        pass


class BridgeInChromium(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.servers = [serve(int(ENVIRONMENT["LOYALGATE_PAGE_PORT"])), serve(int(ENVIRONMENT["LOYALGATE_FOREIGN_PORT"]))]
        cls.profile = tempfile.mkdtemp(prefix="loyalgate-chromium-")
        options = webdriver.ChromeOptions()
        options.binary_location = "/usr/bin/chromium"
        for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", f"--user-data-dir={cls.profile}"):
            options.add_argument(argument)
        cls.driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
        cls.driver.set_page_load_timeout(30)

    @classmethod
    def tearDownClass(cls):
        cls.driver.quit()
        for server in cls.servers:
            server.shutdown()
        shutil.rmtree(cls.profile, ignore_errors=True)

    def page(self, port):
        bridge = ENVIRONMENT["LOYALGATE_BRIDGE"]
        self.driver.get(f"http://127.0.0.1:{port}/example-till.html?bridge={bridge}")

    def text(self, element_id):
        return self.driver.find_element(By.ID, element_id).text

    def wait_for(self, condition, seconds=10):
        return WebDriverWait(self.driver, seconds, poll_frequency=0.02).until(lambda driver: condition())

    def scans_shown(self):
        return [item.get_attribute("data-data") for item in self.driver.find_elements(By.CSS_SELECTOR, "#scans li")]

    def test_1_a_paired_page_gets_a_card_scan_within_a_second_and_earns(self):
        self.page(ENVIRONMENT["LOYALGATE_PAGE_PORT"])
        self.driver.find_element(By.ID, "code").send_keys(ENVIRONMENT["LOYALGATE_PAIRING_CODE"])
        self.driver.find_element(By.ID, "pair").click()
        self.wait_for(lambda: self.text("status").startswith("connected"))
        card = ENVIRONMENT["LOYALGATE_CARD"]
        started = time.monotonic()
        scan(card)
        self.wait_for(lambda: card in self.scans_shown(), seconds=5)
        elapsed = time.monotonic() - started
        self.assertLess(elapsed, 1.0, f"the scan took {elapsed:.3f} s to reach the page")
        self.assertEqual(self.text("card"), card)
        before = int(self.text("points"))
        self.driver.find_element(By.ID, "earn").click()
        self.wait_for(lambda: self.text("said").startswith("Earned"))
        self.assertGreaterEqual(int(self.text("points")), before)
        # The token is in the page's storage, never in its address.
        self.assertNotIn("token", self.driver.current_url)
        self.assertIsNotNone(self.driver.execute_script("return localStorage.getItem('loyalgate.bridge.token')"))

    def test_2_a_page_that_reconnects_gets_the_scans_it_missed(self):
        self.page(ENVIRONMENT["LOYALGATE_PAGE_PORT"])
        self.driver.find_element(By.ID, "connect").click()
        self.wait_for(lambda: self.text("status").startswith("connected"))
        self.driver.find_element(By.ID, "disconnect").click()
        self.wait_for(lambda: self.text("status").startswith("disconnected"))
        scan("4006381333931")
        scan("96385074")
        self.driver.find_element(By.ID, "connect").click()
        self.wait_for(lambda: self.scans_shown()[-2:] == ["4006381333931", "96385074"])
        replayed = self.driver.find_elements(By.CSS_SELECTOR, "#scans li.replayed")
        self.assertEqual([item.get_attribute("data-data") for item in replayed][-2:], ["4006381333931", "96385074"])

    def raw_socket_messages(self, port):
        """A page that skips pairing and subscribes straight away: what reaches it."""
        self.page(port)
        self.driver.execute_script(
            """
            window.lgReceived = []; window.lgCloseCode = null; window.lgFailed = false;
            const socket = new WebSocket(arguments[0]);
            socket.onopen = () => socket.send(JSON.stringify({id: 1, op: "subscribe"}));
            socket.onmessage = (message) => window.lgReceived.push(JSON.parse(message.data));
            socket.onerror = () => { window.lgFailed = true; };
            socket.onclose = (close) => { window.lgCloseCode = close.code; };
            """,
            ENVIRONMENT["LOYALGATE_BRIDGE"],
        )
        self.wait_for(lambda: self.driver.execute_script("return window.lgCloseCode") is not None)
        scan(ENVIRONMENT["LOYALGATE_CARD"])
        time.sleep(1.0)
        return (self.driver.execute_script("return window.lgReceived"), self.driver.execute_script("return window.lgCloseCode"),
                self.driver.execute_script("return window.lgFailed"))

    def test_3_an_unpaired_page_gets_nothing(self):
        received, closed, _ = self.raw_socket_messages(ENVIRONMENT["LOYALGATE_PAGE_PORT"])
        self.assertEqual(closed, 1008)
        self.assertEqual([message.get("error", {}).get("code") for message in received], ["not-paired"])
        self.assertFalse(any("event" in message for message in received))

    def test_4_a_page_from_an_origin_not_on_the_list_gets_nothing(self):
        received, closed, failed = self.raw_socket_messages(ENVIRONMENT["LOYALGATE_FOREIGN_PORT"])
        self.assertTrue(failed, "the WebSocket was not refused")
        self.assertEqual(closed, 1006)  # never opened: the upgrade was refused with 403
        self.assertEqual(received, [])


if __name__ == "__main__":
    unittest.main()
