//! Subjects: reply/forward prefixes in many languages, and our `[TAG #id]` token.
