//! Protocol edges: MIME decoding, IMAP, SMTP and the SASL they share.

pub mod compose;
pub mod imap;
pub mod parse;
pub mod sasl;
pub mod smtp;
