//! MIME → ParsedMessage.
