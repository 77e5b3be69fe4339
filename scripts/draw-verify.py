#!/usr/bin/python3
"""Reruns a loyalgate prize draw from its report (CSV) with nothing but Python's standard
library: an independent implementation of the algorithm in docs/campaigns-and-draws.md, for
anyone who does not want to trust the loyalgate binary. Prints the seed's SHA-256 and the
winners in the order drawn.

    python3 scripts/draw-verify.py draw-market-2027-03.csv [SEED_HEX]
"""
import csv
import hashlib
import hmac
import sys


def winners(entries, seed, count):
    remaining = sorted((card, n) for card, n in entries.items() if n > 0)
    counter = 0
    chosen = []
    while len(chosen) < count and remaining:
        total = sum(n for _, n in remaining)
        zone = (2**64 - 1) // total * total
        while True:
            mac = hmac.new(seed, counter.to_bytes(8, "big"), hashlib.sha256).digest()
            counter += 1
            x = int.from_bytes(mac[:8], "big")
            if x < zone:
                break
        r = x % total
        running = 0
        for index, (card, n) in enumerate(remaining):
            running += n
            if running > r:
                chosen.append(card)
                del remaining[index]
                break
    return chosen


def main():
    fields, entries, in_table = {}, {}, False
    with open(sys.argv[1], newline="", encoding="utf-8") as report:
        for row in csv.reader(report):
            if not row:
                continue
            if not in_table:
                if row == ["card", "spent", "entries", "won"]:
                    in_table = True
                else:
                    fields[row[0]] = row[1:]
                continue
            entries[row[0]] = entries.get(row[0], 0) + int(row[2])
    seed = bytes.fromhex(sys.argv[2] if len(sys.argv) > 2 else fields["seed"][0])
    print("sha256", hashlib.sha256(seed).hexdigest())
    for rank, card in enumerate(winners(entries, seed, int(fields["winners"][0])), 1):
        print("winner", rank, card)


if __name__ == "__main__":
    main()
