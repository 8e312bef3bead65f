//! Protocol edges: MIME decoding and IMAP.

pub mod imap;
pub mod parse;
