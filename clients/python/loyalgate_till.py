"""loyalgate's reference client for till vendors: Python 3.9 or later, standard library only.

A till program can import this module, call it as a command, or read it as a model of what an
integration must do. It speaks the protocol of docs/protocol.md (the core) and docs/gateway.md
(the gateway): JSON objects, one per line, over a Unix stream socket.

What every till integration must get right, and where this module does it:

- **Answers and events share the gateway connection.** After `subscribe`, event lines may arrive
  between a request and its answer. `LineConnection.request` keeps such events for `next_event`,
  so none is lost and none is taken for an answer.
- **Retries are safe only with the same request.** `txn.earn`, `txn.redeem` and `txn.return`
  are idempotent on (till, receipt): a repeat of *the same request* gets the first answer again
  with `"replayed": true`. The same receipt with another `at`, amount or card is refused with
  `receipt-reused`. `CoreClient.earn` therefore fixes `at` once, before the first attempt, and
  resends the identical line after a lost connection or a lost answer.
- **A till that reconnects asks for what it missed.** `GatewayClient` remembers the gateway's
  `epoch` and the last event's `cursor` and subscribes again with `since`; `complete: false`
  in the answer means some events are gone (the gateway restarted, or the till was away longer
  than the replay window) and the till should ask the cashier to scan again.
- **Receipts are printed once.** `receipt.print` with a `key` (till and receipt number) prints
  a retried request once; `GatewayClient.print_receipt` waits for the job's `print.job` events
  and returns the last state, with the cashier's sentence when it failed.

Run `python3 loyalgate_till.py --help` for the command-line use.
"""

import argparse
import collections
import datetime
import json
import select
import socket
import sys
import time

__all__ = ["LoyalgateError", "ConnectionLost", "LineConnection", "CoreClient", "GatewayClient"]

MAX_LINE = 65536
"""The longest line either side sends, newline excluded (docs/protocol.md, Framing)."""


class LoyalgateError(Exception):
    """The core or the gateway answered `ok: false`: `code` is the contract's error code,
    `message` a sentence a cashier can read out."""

    def __init__(self, code, message, answer=None):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.answer = answer


class ConnectionLost(Exception):
    """The socket closed or failed before an answer came: the request may or may not have been
    executed, so only an idempotent request may be sent again."""


class LineConnection:
    """One connection: requests with numbered ids, their answers, and events kept in order."""

    def __init__(self, path, timeout=5.0):
        self.path = path
        self.timeout = timeout
        self._socket = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            self._socket.connect(path)
        except OSError as error:
            self._socket.close()
            raise ConnectionLost(f"cannot connect to {path}: {error.strerror}") from error
        self._buffer = b""
        self._next_id = 0
        self.events = collections.deque()

    def close(self):
        self._socket.close()

    def send_line(self, body):
        """Writes one request object as a line (keys sorted, no spaces: the protocol's form)."""
        line = json.dumps(body, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")
        if len(line) > MAX_LINE:
            raise ValueError(f"a request of {len(line)} bytes is over the protocol's {MAX_LINE}-byte line limit")
        try:
            self._socket.sendall(line + b"\n")
        except OSError as error:
            raise ConnectionLost(f"sending to {self.path} failed: {error.strerror}") from error

    def read_line(self, timeout):
        """The next object read, or None when `timeout` seconds pass; ConnectionLost at the end."""
        deadline = time.monotonic() + timeout
        while b"\n" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            readable, _, _ = select.select([self._socket], [], [], left)
            if not readable:
                return None
            try:
                chunk = self._socket.recv(65536)
            except OSError as error:
                raise ConnectionLost(f"reading from {self.path} failed: {error.strerror}") from error
            if not chunk:
                raise ConnectionLost(f"{self.path} closed the connection")
            self._buffer += chunk
            if len(self._buffer) > MAX_LINE + 1 and b"\n" not in self._buffer:
                raise ConnectionLost(f"{self.path} sent a line over {MAX_LINE} bytes")
        line, self._buffer = self._buffer.split(b"\n", 1)
        return json.loads(line.decode("utf-8"))

    def request(self, op, **parameters):
        """Sends `op` and returns its answer's fields; raises LoyalgateError for `ok: false`."""
        self._next_id += 1
        request_id = self._next_id
        self.send_line(dict(parameters, id=request_id, op=op))
        deadline = time.monotonic() + self.timeout
        while True:
            message = self.read_line(max(0.0, deadline - time.monotonic()))
            if message is None:
                raise ConnectionLost(f"no answer to {op} within {self.timeout} s")
            if "event" in message:
                self.events.append(message)
            elif message.get("id") == request_id:
                if message.get("ok"):
                    return message
                error = message.get("error") or {}
                raise LoyalgateError(error.get("code", "unknown"), error.get("message", ""), message)
            # An answer to another id (a request abandoned after a timeout) is dropped.

    def next_event(self, timeout, event=None):
        """The next event (named `event`, when given) within `timeout` seconds, else None."""
        deadline = time.monotonic() + timeout
        while True:
            for index, message in enumerate(self.events):
                if event is None or message.get("event") == event:
                    del self.events[index]
                    return message
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            message = self.read_line(left)
            if message is None:
                return None
            self.events.append(message)


class CoreClient:
    """A till's calls to the core (`loyalgate core`'s socket)."""

    def __init__(self, path, till, merchant=None, timeout=5.0, attempts=4, pause=0.25):
        self.path = path
        self.till = till
        self.merchant = merchant
        self.timeout = timeout
        self.attempts = attempts
        self.pause = pause
        self._connection = None

    def close(self):
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def call(self, op, **parameters):
        """One request on one connection, opened when needed. Not retried: see `_idempotent`."""
        if self.merchant is not None:
            parameters.setdefault("merchant", self.merchant)
        if self._connection is None:
            self._connection = LineConnection(self.path, self.timeout)
        try:
            return self._connection.request(op, **parameters)
        except ConnectionLost:
            self.close()
            raise

    def _idempotent(self, op, **parameters):
        """Sends the same request until an answer comes: safe because the core answers a repeat
        of (till, receipt) with the first answer (`replayed: true`) and changes nothing."""
        last = None
        for attempt in range(self.attempts):
            try:
                return self.call(op, **parameters)
            except ConnectionLost as error:
                last = error
                time.sleep(self.pause * (2**attempt))
        raise last

    def lookup(self, card):
        return self.call("card.lookup", card=card)

    def earn(self, receipt, card, lines, at=None):
        """Records a sale. `lines` are dicts with `sku` and `amount` (a decimal string such as
        "12.80"; never a float), optionally `qty`, `brand`, `category`."""
        at = at or now()
        return self._idempotent("txn.earn", till=self.till, receipt=receipt, card=card, lines=lines, at=at)

    def redeem(self, receipt, card, points=None, amount=None, purchase_total=None, at=None):
        parameters = dict(till=self.till, receipt=receipt, card=card, at=at or now())
        if points is not None:
            parameters["points"] = points
        if amount is not None:
            parameters["amount"] = amount
        if purchase_total is not None:
            parameters["purchaseTotal"] = purchase_total
        return self._idempotent("txn.redeem", **parameters)

    def return_lines(self, receipt, original_receipt, lines, original_till=None, at=None):
        original = {"till": original_till or self.till, "receipt": original_receipt}
        return self._idempotent(
            "txn.return", till=self.till, receipt=receipt, original=original, lines=lines, at=at or now())


class GatewayClient:
    """A till's connection to the gateway: its scanners' events, kept across reconnects, and
    receipts."""

    def __init__(self, path, devices=None, timeout=5.0):
        self.path = path
        self.devices = devices
        self.timeout = timeout
        self.epoch = None
        self.cursor = None
        self.last_subscribe = None
        self._connection = None

    def connect(self):
        """Subscribes, asking for what was missed when this client saw events before."""
        self.close()
        self._connection = LineConnection(self.path, self.timeout)
        parameters = {}
        if self.devices is not None:
            parameters["devices"] = self.devices
        if self.cursor is not None:
            parameters["since"] = self.cursor
            parameters["epoch"] = self.epoch
        answer = self._connection.request("subscribe", **parameters)
        # The cursor moves with every event read. A first subscribe, or one after the gateway
        # restarted (a new epoch: the old cursor means nothing there), starts from the answer's
        # cursor unless events are being replayed, whose own cursors then move it.
        if (self.cursor is None or answer.get("epoch") != self.epoch) and not answer.get("replayed"):
            self.cursor = answer.get("cursor")
        self.epoch = answer.get("epoch")
        self.last_subscribe = answer
        return answer

    def close(self):
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def next_event(self, timeout=10.0, event=None, reconnect=True):
        """The next event, reconnecting (with `since`) when the gateway went away meanwhile."""
        deadline = time.monotonic() + timeout
        while True:
            if self._connection is None:
                self.connect()
            try:
                message = self._connection.next_event(max(0.0, deadline - time.monotonic()), event)
            except ConnectionLost:
                self.close()
                if not reconnect or time.monotonic() >= deadline:
                    raise
                time.sleep(0.2)
                continue
            if message is not None and "cursor" in message:
                self.cursor = message["cursor"]
            return message

    def next_scan(self, timeout=10.0):
        return self.next_event(timeout, "scan")

    def request(self, op, **parameters):
        if self._connection is None:
            self.connect()
        return self._connection.request(op, **parameters)

    def print_receipt(self, printer, receipt, key, card=None, timeout=30.0):
        """Prints `receipt` (a receipt document, docs/receipts.md) and waits for its job to end.
        Returns (answer, last print.job event). `key` makes a retried request print once."""
        parameters = dict(printer=printer, receipt=receipt, key=key)
        if card is not None:
            parameters["card"] = card
        answer = self.request("receipt.print", **parameters)
        job = answer["job"]
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            update = self._connection.next_event(deadline - time.monotonic(), "print.job")
            if update is None:
                break
            if update.get("job") != job:
                continue
            last = update
            if update.get("state") in ("completed", "failed"):
                break
        return answer, last


def now():
    """The time of a sale as the protocol writes it: RFC 3339 in UTC, whole seconds."""
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def main(arguments=None):
    parser = argparse.ArgumentParser(description="loyalgate reference till client")
    commands = parser.add_subparsers(dest="command", required=True)
    watch = commands.add_parser("watch", help="print the gateway's events, resuming after a reconnect")
    watch.add_argument("--gateway", default=".loyalgate/gateway.sock")
    lookup = commands.add_parser("lookup", help="a card's balances")
    lookup.add_argument("card")
    earn = commands.add_parser("earn", help="record a sale of one line")
    earn.add_argument("card")
    earn.add_argument("receipt")
    earn.add_argument("amount", help='the amount paid, a decimal string such as "12.80"')
    for command in (lookup, earn):
        command.add_argument("--core", default=".loyalgate/core.sock")
        command.add_argument("--till", default="till-1")
        command.add_argument("--merchant")
    options = parser.parse_args(arguments)
    try:
        if options.command == "watch":
            gateway = GatewayClient(options.gateway)
            while True:
                message = gateway.next_event(timeout=3600)
                if message is not None:
                    print(json.dumps(message, ensure_ascii=False, sort_keys=True), flush=True)
        core = CoreClient(options.core, options.till, options.merchant)
        if options.command == "lookup":
            answer = core.lookup(options.card)
        else:
            answer = core.earn(options.receipt, options.card, [{"sku": "till", "amount": options.amount}])
        print(json.dumps(answer, ensure_ascii=False, sort_keys=True))
        return 0
    except LoyalgateError as error:
        print(f"{error.code}: {error.message}", file=sys.stderr)
        return 1
    except ConnectionLost as error:
        print(str(error), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":
    sys.exit(main())
