//! search_text

// Minimal placeholder, replaced by the full folding version.
pub fn fold_for_index(text: &str) -> String {
    text.to_string()
}
