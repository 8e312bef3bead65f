#!/usr/bin/env python3
"""Order lookup for shopdesk through Shopify's Admin GraphQL API.

    [shop]
    order_lookup_cmd = "python3 /path/to/shopify-order-lookup.py"

shopdesk runs it with one argument, an order number (1001, #1001) or a customer's
e-mail address, and reads ORDER JSON (an array) from its output. Needs:

    SHOPIFY_SHOP   the shop's domain, e.g. example.myshopify.com
    SHOPIFY_TOKEN  an Admin API access token with read_orders (a custom app's token)
    SHOPIFY_API    optional API version (default 2024-10)

The token is read from the environment, never from the command line.
"""

import json
import os
import sys
import urllib.request

QUERY = """
query($q: String!) {
  orders(first: 20, query: $q, sortKey: CREATED_AT, reverse: true) {
    nodes {
      name email createdAt cancelledAt
      displayFinancialStatus displayFulfillmentStatus
      totalPriceSet { shopMoney { amount currencyCode } }
      lineItems(first: 50) { nodes { name sku quantity } }
      fulfillments(first: 5) {
        createdAt deliveredAt
        trackingInfo(first: 1) { company number url }
      }
    }
  }
}
"""


def status(o, shipment):
    if o.get("cancelledAt"):
        return "cancelled"
    if shipment and shipment.get("deliveredAt"):
        return "delivered"
    financial = (o.get("displayFinancialStatus") or "").upper()
    if financial in ("REFUNDED", "PARTIALLY_REFUNDED"):
        return "refunded"
    if (o.get("displayFulfillmentStatus") or "").upper() in ("FULFILLED", "PARTIALLY_FULFILLED"):
        return "shipped"
    if financial == "PAID":
        return "paid"
    return "placed"


def order(o):
    shipments = o.get("fulfillments") or []
    shipment = shipments[-1] if shipments else None
    tracking = (shipment or {}).get("trackingInfo") or [{}]
    tracking = tracking[0] if tracking else {}
    money = (o.get("totalPriceSet") or {}).get("shopMoney") or {}
    return {
        "number": o["name"].lstrip("#"),
        "email": o.get("email"),
        "status": status(o, shipment),
        "financial_status": (o.get("displayFinancialStatus") or "").lower() or None,
        "created_at": o.get("createdAt"),
        "total": money.get("amount"),
        "currency": money.get("currencyCode"),
        "items": [
            {"name": i["name"], "sku": i.get("sku") or None, "quantity": i.get("quantity", 1)}
            for i in (o.get("lineItems") or {}).get("nodes", [])
        ],
        "carrier": tracking.get("company"),
        "tracking_number": tracking.get("number"),
        "tracking_url": tracking.get("url"),
        "shipped_at": (shipment or {}).get("createdAt"),
        "delivered_at": (shipment or {}).get("deliveredAt"),
        "source": "lookup",
    }


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: shopify-order-lookup.py ORDER_NUMBER|EMAIL")
    key = sys.argv[1].strip()
    q = f"email:{key}" if "@" in key else f"name:#{key.lstrip('#')}"
    shop, token = os.environ["SHOPIFY_SHOP"], os.environ["SHOPIFY_TOKEN"]
    version = os.environ.get("SHOPIFY_API", "2024-10")
    req = urllib.request.Request(
        f"https://{shop}/admin/api/{version}/graphql.json",
        data=json.dumps({"query": QUERY, "variables": {"q": q}}).encode(),
        headers={"Content-Type": "application/json", "X-Shopify-Access-Token": token},
    )
    with urllib.request.urlopen(req, timeout=20) as r:
        body = json.load(r)
    if body.get("errors"):
        sys.exit(f"shopify: {body['errors']}")
    json.dump([order(o) for o in body["data"]["orders"]["nodes"]], sys.stdout)


if __name__ == "__main__":
    main()
