//! Protocol edges: MIME decoding and IMAP.

pub mod parse;
