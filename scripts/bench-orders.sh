#!/usr/bin/env bash
# Order import benchmark: a Shopify export of N orders (about 2.5 line items each, so
# about 2.5 N rows in Shopify's full column set) imported into an empty cache, then the
# same file again (nothing changes), against sqlite3's own `.import` of the same file
# into a plain table.
#
#   scripts/bench-orders.sh [N]        default 100000
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-100000}
cargo build --release --quiet
BIN=$PWD/target/release/shopdesk
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
python3 - "$W/orders.csv" "$n" <<'PY'
import csv, random, sys
path, n = sys.argv[1], int(sys.argv[2])
rnd = random.Random(7)
H = ["Name","Email","Financial Status","Paid at","Fulfillment Status","Fulfilled at","Accepts Marketing","Currency","Subtotal","Shipping","Taxes","Total","Discount Code","Discount Amount","Shipping Method","Created at","Lineitem quantity","Lineitem name","Lineitem price","Lineitem compare at price","Lineitem sku","Lineitem requires shipping","Lineitem taxable","Lineitem fulfillment status","Billing Name","Billing Street","Billing Address1","Billing Address2","Billing Company","Billing City","Billing Zip","Billing Province","Billing Country","Billing Phone","Shipping Name","Shipping Street","Shipping Address1","Shipping Address2","Shipping Company","Shipping City","Shipping Zip","Shipping Province","Shipping Country","Shipping Phone","Notes","Note Attributes","Cancelled at","Payment Method","Payment Reference","Refunded Amount","Vendor","Outstanding Balance","Employee","Location","Device ID","Id","Tags","Risk Level","Source","Lineitem discount","Tax 1 Name","Tax 1 Value","Phone","Receipt Number","Duties","Billing Province Name","Shipping Province Name","Payment ID","Payment Terms Name","Next Payment Due At","Payment References"]
idx = {h: i for i, h in enumerate(H)}
names = ["Ana López", "Bo Berg", "Chen Wei", "Dörte Müller", "Ece Yılmaz", "Fin Ahl", "Giulia Rossi", "Hanna Virtanen"]
products = [("Backpack, waxed canvas", "BP-1", "79.00"), ("Socks", "SO-2", "9.00"), ("Tent", "TE-1", "249.00"), ("Mug", "MU-1", "12.00"), ("Hat", "HA-1", "29.00"), ("Boots", "BO-7", "159.00")]
with open(path, "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f)
    w.writerow(H)
    for i in range(n):
        items = rnd.choice([1, 2, 2, 3, 3, 4])
        name = rnd.choice(names)
        email = "customer%d@example.test" % rnd.randrange(n // 3 + 1)
        day = 1 + i % 28
        fulfilled = rnd.random() < 0.7
        for k in range(items):
            r = [""] * len(H)
            p = rnd.choice(products)
            r[idx["Name"]] = "#%d" % (1000 + i)
            r[idx["Email"]] = email
            r[idx["Created at"]] = "2024-03-%02d 12:34:56 +0100" % day
            r[idx["Lineitem quantity"]] = str(rnd.randrange(1, 4))
            r[idx["Lineitem name"]] = p[0]
            r[idx["Lineitem price"]] = p[2]
            r[idx["Lineitem sku"]] = p[1]
            r[idx["Lineitem requires shipping"]] = "true"
            r[idx["Lineitem taxable"]] = "true"
            r[idx["Lineitem fulfillment status"]] = "fulfilled" if fulfilled else "pending"
            if k == 0:
                r[idx["Financial Status"]] = "paid"
                r[idx["Paid at"]] = "2024-03-%02d 12:40:00 +0100" % day
                r[idx["Fulfillment Status"]] = "fulfilled" if fulfilled else "unfulfilled"
                r[idx["Fulfilled at"]] = ("2024-03-%02d 09:00:00 +0100" % day) if fulfilled else ""
                r[idx["Accepts Marketing"]] = "no"
                r[idx["Currency"]] = "EUR"
                r[idx["Subtotal"]] = r[idx["Total"]] = "%d.%02d" % (rnd.randrange(10, 900), rnd.randrange(100))
                r[idx["Shipping"]] = "4.90"
                r[idx["Taxes"]] = "0.00"
                r[idx["Shipping Method"]] = "Standard"
                r[idx["Billing Name"]] = r[idx["Shipping Name"]] = name
                r[idx["Billing Street"]] = r[idx["Shipping Street"]] = "Storgatan %d" % rnd.randrange(1, 99)
                r[idx["Billing City"]] = r[idx["Shipping City"]] = "Stockholm"
                r[idx["Billing Zip"]] = r[idx["Shipping Zip"]] = "11%03d" % rnd.randrange(1000)
                r[idx["Billing Country"]] = r[idx["Shipping Country"]] = "SE"
                r[idx["Payment Method"]] = "Shopify Payments"
                r[idx["Id"]] = str(5100000000000 + i)
                r[idx["Risk Level"]] = "Low"
                r[idx["Source"]] = "web"
            w.writerow(r)
PY
rows=$(($(wc -l <"$W/orders.csv") - 1))
size=$(du -h "$W/orders.csv" | cut -f1)
echo "file: $n orders, $rows rows, $size"
t() { local s e; s=$(date +%s.%N); "$@" >/dev/null 2>&1 || true; e=$(date +%s.%N); echo "$e - $s" | bc; }
printf '' >"$W/c.toml"
first=$(t "$BIN" --config "$W/c.toml" --db "$W/shop.db" orders import "$W/orders.csv")
again=$(t "$BIN" --config "$W/c.toml" --db "$W/shop.db" orders import "$W/orders.csv")
sq=$(t sqlite3 "$W/plain.db" ".import --csv $W/orders.csv orders")
sq2=$(t sqlite3 "$W/plain2.db" ".import --csv $W/orders.csv orders")
stored=$(sqlite3 "$W/shop.db" "SELECT count(*) FROM orders")
echo "orders stored: $stored"
printf '%-40s %8.2f s\n' "shopdesk orders import (empty cache)" "$first" \
    "shopdesk orders import (same file again)" "$again" \
    "sqlite3 .import (new table)" "$sq" \
    "sqlite3 .import (again, new table)" "$sq2"
echo "ratio first import / sqlite3: $(echo "scale=2; $first / $sq" | bc)"
echo "ratio re-import / sqlite3:    $(echo "scale=2; $again / $sq" | bc)"
