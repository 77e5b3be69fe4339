/// The browser till's scripts, compiled into the binary like the templates. They are copies of
/// clients/browser/till.js and clients/browser/loyalgate-bridge.js (the module web tills are
/// given as their example); a test keeps them byte for byte the same
/// (`TillScriptsTests.theServedScriptsAreTheFilesInClientsBrowser`).
enum TillScripts {
    static let till = #"""
        // The back office's browser till (loyalgate web, /till): the page works without this script
        // (the card typed or scanned into the field, the forms posted). With it and the till PC's
        // gateway bridge, the scanner brings the card whatever has focus, and the receipt of a sale
        // prints through the gateway, once (its key is the till and receipt number).
        import { LoyalgateBridge } from "/static/loyalgate-bridge.js";

        const root = document.getElementById("till");
        const $ = (id) => document.getElementById(id);

        async function main() {
          if (!root || !root.dataset.bridge) return;
          $("till-scanner").hidden = false;
          const bridge = new LoyalgateBridge(root.dataset.bridge);
          const status = (text) => ($("till-scanner-status").textContent = text);
          let job = null;

          bridge.onEvent = (event) => {
            if (event.event === "scan" && event.kind === "card" && !event.replayed && !event.resent) {
              location.href = "/till?card=" + encodeURIComponent(event.data);
            } else if (event.event === "print.job" && event.job === job) {
              const sale = $("till-sale");
              if (event.state === "completed") $("till-print-status").textContent = sale.dataset.printed;
              else if (event.state === "failed") $("till-print-status").textContent = event.reason;
            }
          };

          const started = async (connect) => {
            try {
              await connect();
              await bridge.subscribe();
              status(`${bridge.pairing.name} ✓`);
              $("till-pair").hidden = true;
              return true;
            } catch (error) {
              status(error.message);
              $("till-pair").hidden = false;
              return false;
            }
          };

          $("till-pair").onsubmit = async (submit) => {
            submit.preventDefault();
            if (await started(() => bridge.pair($("till-pair-code").value, "Browser till"))) printSale();
          };

          async function printSale() {
            const sale = $("till-sale");
            if (!sale || !root.dataset.printer) return;
            const amount = sale.dataset.amount;
            const receipt = {
              language: sale.dataset.language,
              lines: [{ description: sale.dataset.receipt, qty: 1, amount }],
              totals: [{ label: "TOTAL", amount, emphasized: true }],
              payments: [{ method: sale.dataset.currency, amount }],
            };
            try {
              const answer = await bridge.request("receipt.print", {
                printer: root.dataset.printer, key: "web/" + sale.dataset.receipt, card: sale.dataset.card, receipt,
              });
              job = answer.job;
              $("till-print-status").textContent = "…";
            } catch (error) {
              $("till-print-status").textContent = error.message;
            }
          }

          if (bridge.paired) {
            if (await started(() => bridge.connect())) printSale();
          } else {
            $("till-pair").hidden = false;
          }
        }

        main();
        """#

    static let bridge = #"""
        // loyalgate-bridge.js: a web till's connection to the gateway's browser bridge
        // (docs/browser-bridge.md). A plain ES module, no build step, no dependencies: import it from a
        // page served by the shop's own web till. It is the example for web tills, as
        // clients/python/loyalgate_till.py is for till programs.
        //
        // What a web till must get right, and where this module does it:
        // - The token is the page's key: it comes back once, from `pair(code)`, is kept in the page's
        //   own storage, and is sent as the first message of every connection, never in a URL.
        // - Answers and events share the socket: `request` matches answers by id; everything with an
        //   `event` goes to `onEvent`.
        // - A page that reconnects asks for what it missed: `subscribe` sends the last cursor and the
        //   gateway's epoch, and `complete: false` means scans were lost (ask the cashier to rescan).
        // - Receipts print once: send `key` with `receipt.print` (the till and receipt number).

        const TOKEN_KEY = "loyalgate.bridge.token";
        const CURSOR_KEY = "loyalgate.bridge.cursor";

        export class LoyalgateBridge {
          /** `url`: the bridge's WebSocket, ws://127.0.0.1:9473/bridge by default. */
          constructor(url = "ws://127.0.0.1:9473/bridge", storage = window.localStorage) {
            this.url = url;
            this.storage = storage;
            this.socket = null;
            this.nextId = 0;
            this.pending = new Map();
            this.onEvent = () => {};
            this.onClose = () => {};
            this.pairing = null;
          }

          get paired() {
            return this.storage.getItem(TOKEN_KEY) !== null;
          }

          /** Opens the socket; resolves when it is open, rejects when the bridge refuses the page. */
          open() {
            return new Promise((resolve, reject) => {
              const socket = new WebSocket(this.url);
              socket.onopen = () => {
                this.socket = socket;
                resolve();
              };
              socket.onerror = () => reject(new Error("The gateway refused this page or is not running."));
              socket.onmessage = (message) => this.receive(message.data);
              socket.onclose = (close) => {
                for (const { reject: fail } of this.pending.values()) fail(new Error(close.reason || "closed"));
                this.pending.clear();
                if (this.socket === socket) this.socket = null;
                this.onClose(close);
              };
            });
          }

          receive(text) {
            const message = JSON.parse(text);
            if (message.event !== undefined) {
              if (typeof message.cursor === "number") this.storage.setItem(CURSOR_KEY, JSON.stringify({ cursor: message.cursor, epoch: this.epoch }));
              this.onEvent(message);
              return;
            }
            const waiting = this.pending.get(message.id);
            if (!waiting) return;
            this.pending.delete(message.id);
            if (message.ok) waiting.resolve(message);
            else waiting.reject(Object.assign(new Error(message.error.message), { code: message.error.code }));
          }

          /** One request; resolves with the answer, rejects with the error (its `code` and sentence). */
          request(op, parameters = {}) {
            if (!this.socket) return Promise.reject(new Error("Not connected."));
            const id = ++this.nextId;
            return new Promise((resolve, reject) => {
              this.pending.set(id, { resolve, reject });
              this.socket.send(JSON.stringify({ ...parameters, id, op }));
            });
          }

          /** Pairs this page with the code shown at the till PC; keeps the token. */
          async pair(code, name) {
            await this.open();
            const answer = await this.request("bridge.pair-page", { code, name });
            this.storage.setItem(TOKEN_KEY, answer.token);
            this.pairing = answer.pairing;
            return answer.pairing;
          }

          /** Connects a page paired before: the token first, nothing else before it. */
          async connect() {
            await this.open();
            const token = this.storage.getItem(TOKEN_KEY);
            const answer = await this.request("bridge.hello", token === null ? {} : { token });
            this.pairing = answer.pairing;
            return answer.pairing;
          }

          /** The event stream, resumed after the last event this page saw (in this gateway run). */
          async subscribe(devices) {
            const saved = JSON.parse(this.storage.getItem(CURSOR_KEY) || "null");
            const parameters = devices ? { devices } : {};
            if (saved && saved.epoch) Object.assign(parameters, { since: saved.cursor, epoch: saved.epoch });
            const answer = await this.request("subscribe", parameters);
            this.epoch = answer.epoch;
            if (!saved || saved.epoch !== answer.epoch || answer.replayed === 0)
              this.storage.setItem(CURSOR_KEY, JSON.stringify({ cursor: answer.cursor, epoch: answer.epoch }));
            return answer;
          }

          close() {
            if (this.socket) this.socket.close(1000, "page closed");
          }

          forget() {
            this.storage.removeItem(TOKEN_KEY);
            this.storage.removeItem(CURSOR_KEY);
          }
        }
        """#
}
