//! Files shops export, read into domain values: order exports from Shopify, WooCommerce
//! and a documented generic CSV. Pure: bytes in, patches and rejected rows out; the CLI
//! reads the file and the store applies what comes out.

pub mod orders;
