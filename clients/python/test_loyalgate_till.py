"""Tests of the reference till client against a real core and gateway.

They run from the Swift integration tests (Tests/IntegrationTests/ReferenceClientTests.swift),
which start `loyalgate core`, `loyalgate gateway` on emulated scanners, and a private cupsd with
an emulated receipt printer, and pass where they are in the environment:

- LOYALGATE_CORE_SOCKET, LOYALGATE_CARD (an active card): CoreTests
- LOYALGATE_GATEWAY_SOCKET, LOYALGATE_SCANNER (a device id): ScanTests. A scan is asked for by
  writing `scan DATA` on stdout; the Swift side types it on the emulated scanner and answers
  `scanned` on stdin.
- LOYALGATE_GATEWAY_SOCKET, LOYALGATE_PRINTER, LOYALGATE_CARD: ReceiptTests

A class whose parts are missing is skipped, saying which.
"""

import os
import sys
import time
import unittest

from loyalgate_till import ConnectionLost, CoreClient, GatewayClient, LineConnection, LoyalgateError, now

ENVIRONMENT = os.environ


def needs(*names):
    missing = [name for name in names if not ENVIRONMENT.get(name)]
    return unittest.skipIf(missing, f"needs {', '.join(missing)} (run by ReferenceClientTests.swift)")


def scan(data):
    """Asks the Swift side to scan `data` on the emulated scanner, and waits until it has."""
    print(f"scan {data}", flush=True)
    reply = sys.stdin.readline().strip()
    if reply != "scanned":
        raise RuntimeError(f"the test bed did not scan {data}: {reply!r}")


def unique(prefix):
    return f"{prefix}-{time.monotonic_ns()}"


@needs("LOYALGATE_CORE_SOCKET", "LOYALGATE_CARD")
class CoreTests(unittest.TestCase):
    def setUp(self):
        self.card = ENVIRONMENT["LOYALGATE_CARD"]
        self.core = CoreClient(ENVIRONMENT["LOYALGATE_CORE_SOCKET"], till="py-till")
        self.addCleanup(self.core.close)

    def points(self):
        return self.core.lookup(self.card)["account"]["points"]

    def test_an_earn_sent_twice_counts_once(self):
        before = self.points()
        receipt = unique("PY")
        at = now()
        first = self.core.earn(receipt, self.card, [{"sku": "8710398527011", "amount": "20.00"}], at=at)
        self.assertFalse(first["replayed"])
        self.assertGreater(first["points"], 0)
        again = self.core.earn(receipt, self.card, [{"sku": "8710398527011", "amount": "20.00"}], at=at)
        self.assertTrue(again["replayed"])
        self.assertEqual(again["txn"], first["txn"])
        self.assertEqual(self.points(), before + first["points"])

    def test_an_answer_lost_on_the_way_is_fetched_by_the_retry(self):
        before = self.points()
        receipt = unique("PY-LOST")
        at = now()
        lines = [{"sku": "8710398527011", "amount": "30.00"}]
        # The till sends the sale and the connection breaks before the answer is read: the
        # till cannot know whether the core recorded it.
        lost = LineConnection(ENVIRONMENT["LOYALGATE_CORE_SOCKET"])
        lost.send_line({"id": 1, "op": "txn.earn", "till": "py-till", "receipt": receipt, "card": self.card,
                        "lines": lines, "at": at})
        lost.close()
        deadline = time.monotonic() + 5
        while self.points() == before and time.monotonic() < deadline:
            time.sleep(0.05)
        retried = self.core.earn(receipt, self.card, lines, at=at)
        self.assertTrue(retried["replayed"], "the core had recorded the first send")
        self.assertEqual(self.points(), before + retried["points"])

    def test_a_receipt_number_reused_for_another_sale_is_refused(self):
        receipt = unique("PY-REUSED")
        self.core.earn(receipt, self.card, [{"sku": "a", "amount": "5.00"}])
        with self.assertRaises(LoyalgateError) as refused:
            self.core.earn(receipt, self.card, [{"sku": "a", "amount": "6.00"}])
        self.assertEqual(refused.exception.code, "receipt-reused")
        self.assertTrue(refused.exception.message)

    def test_an_unknown_card_is_a_sentence_not_a_crash(self):
        with self.assertRaises(LoyalgateError) as refused:
            self.core.lookup("2990001000001")
        self.assertIn(refused.exception.code, ("invalid-card-number", "unknown-card"))

    def test_a_core_that_is_not_there_is_connection_lost(self):
        gone = CoreClient("/nonexistent/core.sock", till="py-till", attempts=2, pause=0.01)
        with self.assertRaises(ConnectionLost):
            gone.earn(unique("PY"), self.card, [{"sku": "a", "amount": "1.00"}])


@needs("LOYALGATE_GATEWAY_SOCKET", "LOYALGATE_SCANNER", "LOYALGATE_CARD")
class ScanTests(unittest.TestCase):
    def setUp(self):
        self.gateway = GatewayClient(ENVIRONMENT["LOYALGATE_GATEWAY_SOCKET"], devices=[ENVIRONMENT["LOYALGATE_SCANNER"]])
        self.addCleanup(self.gateway.close)

    def test_a_card_scan_arrives_with_the_balance(self):
        answer = self.gateway.connect()
        self.assertEqual([device["id"] for device in answer["devices"]], [ENVIRONMENT["LOYALGATE_SCANNER"]])
        scan(ENVIRONMENT["LOYALGATE_CARD"])
        event = self.gateway.next_scan(timeout=10)
        self.assertIsNotNone(event, "no scan event within 10 s")
        self.assertEqual(event["kind"], "card")
        self.assertEqual(event["data"], ENVIRONMENT["LOYALGATE_CARD"])
        self.assertIsNone(event["error"])
        self.assertIn("points", event["card"]["account"])

    def test_a_till_that_reconnects_gets_the_scans_it_missed(self):
        self.gateway.connect()
        scan("4006381333931")
        self.assertEqual(self.gateway.next_scan(timeout=10)["data"], "4006381333931")
        # The till program restarts; two products are scanned meanwhile.
        self.gateway.close()
        scan("5000112637922")
        scan("96385074")
        answer = self.gateway.connect()
        self.assertTrue(answer["complete"])
        self.assertEqual(answer["replayed"], 2)
        first, second = self.gateway.next_scan(timeout=10), self.gateway.next_scan(timeout=10)
        self.assertEqual([first["data"], second["data"]], ["5000112637922", "96385074"])
        self.assertTrue(first["replayed"] and second["replayed"])
        # And the stream goes on live after the replay.
        scan("4006381333931")
        live = self.gateway.next_scan(timeout=10)
        self.assertEqual(live["data"], "4006381333931")
        self.assertNotIn("replayed", live)


@needs("LOYALGATE_GATEWAY_SOCKET", "LOYALGATE_PRINTER", "LOYALGATE_CARD")
class ReceiptTests(unittest.TestCase):
    RECEIPT = {
        "language": "en",
        "currency": "EUR",
        "lines": [{"description": "Shampoo", "qty": 1, "amount": "84.00"}],
        "totals": [{"label": "TOTAL", "amount": "84.00", "emphasized": True}],
        "payments": [{"method": "Card", "amount": "84.00"}],
    }

    def setUp(self):
        self.gateway = GatewayClient(ENVIRONMENT["LOYALGATE_GATEWAY_SOCKET"])
        self.addCleanup(self.gateway.close)

    def test_a_receipt_with_the_card_prints_once_with_its_balances(self):
        key = "py-till/R-PRINT-1"
        answer, last = self.gateway.print_receipt(
            ENVIRONMENT["LOYALGATE_PRINTER"], self.RECEIPT, key=key, card=ENVIRONMENT["LOYALGATE_CARD"])
        self.assertFalse(answer["replayed"])
        self.assertIsNotNone(last, "no print.job event")
        self.assertEqual(last["state"], "completed", last.get("reason"))
        self.assertEqual(last["balance"], "fetched")
        # The till did not hear the answer and asks again with the same key: not printed twice.
        again = self.gateway.request(
            "receipt.print", printer=ENVIRONMENT["LOYALGATE_PRINTER"], receipt=self.RECEIPT, key=key,
            card=ENVIRONMENT["LOYALGATE_CARD"])
        self.assertTrue(again["replayed"])
        self.assertEqual(again["job"], answer["job"])

    def test_an_unknown_printer_is_refused_with_its_code(self):
        with self.assertRaises(LoyalgateError) as refused:
            self.gateway.print_receipt("no-such-printer", self.RECEIPT, key="py-till/R-NONE")
        self.assertEqual(refused.exception.code, "unknown-printer")


if __name__ == "__main__":
    unittest.main()
