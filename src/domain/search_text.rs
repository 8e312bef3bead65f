//! search_text
