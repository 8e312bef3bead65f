//! Protocol edges: MIME decoding and IMAP.

pub mod compose;
pub mod imap;
pub mod parse;
pub mod smtp;
