-- 0006: orders from shops' exports, platform notifications and lookups. The number
-- customers see stays `number` (stored without a leading '#'); `platform_id` is the
-- platform's own id where it differs (WooCommerce's order_id), matched too. Every change an
-- import or a notification makes is logged in `order_events`, what shipping notices and
-- reports will read.
ALTER TABLE orders ADD COLUMN platform_id TEXT;
ALTER TABLE orders ADD COLUMN financial_status TEXT;
ALTER TABLE orders ADD COLUMN delivered_at INTEGER;
ALTER TABLE orders ADD COLUMN source TEXT NOT NULL DEFAULT 'generic';
ALTER TABLE orders ADD COLUMN updated_at INTEGER;
CREATE INDEX orders_platform_id ON orders(platform_id) WHERE platform_id IS NOT NULL;

CREATE TABLE order_events (
    id       INTEGER PRIMARY KEY,
    order_id INTEGER NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
    at       INTEGER NOT NULL,
    source   TEXT NOT NULL,              -- shopify | woocommerce | generic | mail | lookup
    field    TEXT NOT NULL,              -- created, or the field that changed
    old      TEXT,
    new      TEXT
) STRICT;
CREATE INDEX order_events_order ON order_events(order_id, at);
