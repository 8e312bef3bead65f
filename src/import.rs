//! Files shops export, read into domain values: order exports from Shopify, WooCommerce
//! and a documented generic CSV, and what a shop's live lookup command prints
//! (`orders::parse_lookup`). Pure: bytes in, patches and rejected rows out; the CLI reads
//! the file, `worker::lookup` runs the command, and the store applies what comes out.

pub mod orders;
