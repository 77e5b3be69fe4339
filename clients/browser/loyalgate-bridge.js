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
