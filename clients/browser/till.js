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
