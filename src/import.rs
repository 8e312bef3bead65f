//! Files shops export, read into domain values: order exports from Shopify, WooCommerce
//! and a documented generic CSV; and what a shop's live lookup command prints
//! (`order_lookup`, which also runs that command). Bytes in, patches and rejected rows
//! out; the CLI reads the file and the store applies what comes out.

pub mod order_lookup;
pub mod orders;
