#!/bin/sh
# order_lookup_cmd for WooCommerce: asks the REST API (wc/v3) for an order by its id or
# number, or for a customer's latest orders by e-mail, and prints shopdesk's generic ORDER
# JSON (README, "Orders"). Needs curl and jq.
#
#   [shop]
#   order_lookup_cmd = "WC_URL=https://shop.example WC_KEYS_CMD='pass woocommerce/api' ~/.config/shopdesk/woocommerce.sh"
#
# WC_KEYS_CMD prints the REST API consumer key and secret (read access) on two lines, like
# password_cmd, so they are never in the config file. Tracking comes from the common
# shipment-tracking plugins' meta (`_wc_shipment_tracking_items`), when present.
set -eu
query=${1:?usage: woocommerce.sh NUMBER|EMAIL}

case $query in
    *@*) path="orders?search=$(jq -rn --arg q "$query" '$q|@uri')&per_page=5" ;;
    *) path="orders/${query#\#}" ;;
esac

# WC_RESPONSE_FILE: an API answer saved earlier, read instead of asking (to try the
# conversion, and for shopdesk's own tests).
ask() {
    if [ -n "${WC_RESPONSE_FILE:-}" ]; then
        cat "$WC_RESPONSE_FILE"
        return
    fi
    : "${WC_URL:?set WC_URL to the shop's address}"
    : "${WC_KEYS_CMD:?set WC_KEYS_CMD to a command printing the consumer key and secret}"
    keys=$(sh -c "$WC_KEYS_CMD")
    key=$(printf '%s\n' "$keys" | sed -n 1p)
    secret=$(printf '%s\n' "$keys" | sed -n 2p)
    curl -sS --fail-with-body --max-time 20 -u "$key:$secret" "$WC_URL/wp-json/wc/v3/$path"
}

ask |
jq '[(if type == "array" then .[] else . end) |
  ((.meta_data // []) | map(select(.key == "_wc_shipment_tracking_items")) | .[0].value[0] // {}) as $t | {
  number: (.number // (.id | tostring)),
  email: .billing.email,
  name: ([.shipping.first_name, .shipping.last_name] | map(select(. != null and . != "")) | join(" ")),
  status: .status,
  created_at: .date_created_gmt | (if . then . + "Z" else null end),
  total: .total,
  currency: .currency,
  items: [.line_items[] | {name: .name, sku: .sku, quantity: .quantity}],
  carrier: $t.tracking_provider,
  tracking_number: $t.tracking_number,
  shipped_at: (.date_completed_gmt | if . then . + "Z" else null end)
}]'
