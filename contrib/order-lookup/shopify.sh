#!/bin/sh
# order_lookup_cmd for Shopify: asks the Admin GraphQL API for an order by its number
# (`1001`) or for a customer's latest orders by e-mail, and prints shopdesk's generic ORDER
# JSON (README, "Orders"). Needs curl and jq.
#
#   [shop]
#   order_lookup_cmd = "SHOPIFY_SHOP=my-shop SHOPIFY_TOKEN_CMD='pass shopify/admin' ~/.config/shopdesk/shopify.sh"
#
# SHOPIFY_SHOP is the shop's myshopify.com name; the Admin API access token (a custom app
# with read_orders) comes from SHOPIFY_TOKEN_CMD, like password_cmd, so it is never in the
# config file.
set -eu
query=${1:?usage: shopify.sh NUMBER|EMAIL}
version=${SHOPIFY_API_VERSION:-2025-01}

case $query in
    *@*) search="email:$query" ;;
    *) search="name:#${query#\#}" ;;
esac

body=$(jq -n --arg q "$search" '{
  query: "query($q: String!) { orders(first: 5, query: $q, sortKey: CREATED_AT, reverse: true) { nodes {
    name email createdAt cancelledAt displayFinancialStatus displayFulfillmentStatus
    customer { displayName }
    totalPriceSet { shopMoney { amount currencyCode } }
    lineItems(first: 50) { nodes { title sku quantity } }
    fulfillments(first: 5) { createdAt deliveredAt trackingInfo(first: 1) { company number url } }
  } } }",
  variables: { q: $q }
}')

# SHOPIFY_RESPONSE_FILE: an API answer saved earlier, read instead of asking (to try the
# conversion, and for shopdesk's own tests).
ask() {
    if [ -n "${SHOPIFY_RESPONSE_FILE:-}" ]; then
        cat "$SHOPIFY_RESPONSE_FILE"
        return
    fi
    : "${SHOPIFY_SHOP:?set SHOPIFY_SHOP to the shop's myshopify.com name}"
    : "${SHOPIFY_TOKEN_CMD:?set SHOPIFY_TOKEN_CMD to a command printing the Admin API token}"
    token=$(sh -c "$SHOPIFY_TOKEN_CMD" | head -n 1)
    curl -sS --fail-with-body --max-time 20 \
        -H "Content-Type: application/json" -H "X-Shopify-Access-Token: $token" \
        -d "$body" "https://$SHOPIFY_SHOP.myshopify.com/admin/api/$version/graphql.json"
}

ask | jq -e 'if .errors then (.errors | tostring | halt_error(2)) else . end' |
jq '[.data.orders.nodes[] | (.fulfillments[0] // {}) as $f | ($f.trackingInfo[0] // {}) as $t | {
  number: .name,
  email: .email,
  name: .customer.displayName,
  status: (if .cancelledAt then "cancelled"
           elif .displayFinancialStatus == "REFUNDED" then "refunded"
           elif $f.deliveredAt then "delivered"
           elif .displayFulfillmentStatus == "FULFILLED" or .displayFulfillmentStatus == "PARTIALLY_FULFILLED" then "shipped"
           elif .displayFinancialStatus == "PAID" then "paid"
           else "placed" end),
  financial_status: (.displayFinancialStatus | ascii_downcase),
  created_at: .createdAt,
  total: .totalPriceSet.shopMoney.amount,
  currency: .totalPriceSet.shopMoney.currencyCode,
  items: [.lineItems.nodes[] | {name: .title, sku: .sku, quantity: .quantity}],
  carrier: $t.company,
  tracking_number: $t.number,
  tracking_url: $t.url,
  shipped_at: $f.createdAt,
  delivered_at: $f.deliveredAt
}]'
