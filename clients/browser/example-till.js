// The example web till's behaviour: what a shop's own web till does with the bridge.
import { LoyalgateBridge } from "./loyalgate-bridge.js";

const $ = (id) => document.getElementById(id);
// The bridge's address may be given as ?bridge=ws://127.0.0.1:PORT/bridge (not a secret: the
// token never goes in a URL).
const bridge = new LoyalgateBridge(new URLSearchParams(location.search).get("bridge") || undefined);
let card = null;
let receiptNumber = Date.now();

function status(text) {
  $("status").textContent = text;
}

bridge.onClose = (close) => status(`disconnected${close.reason ? ": " + close.reason : ""}`);
bridge.onEvent = (event) => {
  if (event.event !== "scan") return;
  const item = document.createElement("li");
  item.textContent = `${event.data} (${event.kind}${event.replayed ? ", missed while away" : ""})`;
  item.dataset.data = event.data;
  if (event.replayed) item.className = "replayed";
  $("scans").appendChild(item);
  if (event.kind === "card") {
    if (event.error) {
      $("said").textContent = event.error.message;
    } else {
      card = event.data;
      $("card").textContent = event.card.customer ? `${card} (${event.card.customer.displayName})` : card;
      $("points").textContent = event.card.account.points;
      $("discount").textContent = event.card.account.balance;
    }
  }
};

async function start(how) {
  try {
    await how();
    const answer = await bridge.subscribe();
    status(`connected as ${bridge.pairing.name}${answer.complete ? "" : " (some scans were lost: scan again)"}`);
  } catch (error) {
    status(`refused: ${error.message}`);
  }
}

$("pair").onclick = () => start(() => bridge.pair($("code").value, "Example web till"));
$("connect").onclick = () => start(() => bridge.connect());
$("disconnect").onclick = () => bridge.close();
$("earn").onclick = async () => {
  if (!card) return ($("said").textContent = "Scan a card first.");
  receiptNumber += 1;
  try {
    const answer = await bridge.request("txn.earn", {
      card, till: "web-till-1", receipt: `W-${receiptNumber}`,
      lines: [{ sku: "counter", amount: $("amount").value }],
    });
    $("points").textContent = answer.account.points;
    $("discount").textContent = answer.account.balance;
    $("said").textContent = `Earned ${answer.points} points and ${answer.discount} discount.`;
  } catch (error) {
    $("said").textContent = error.message;
  }
};
