//! Subjects: reply/forward prefixes in many languages, and our `[TAG #id]` token.

// Minimal placeholder, replaced by the full table-tested version.
pub fn normalize_subject(s: &str) -> String {
    let mut t = s.trim();
    loop {
        let lower = t.to_lowercase();
        let stripped = ["re:", "fwd:", "fw:", "aw:", "sv:"]
            .iter()
            .find(|p| lower.starts_with(*p))
            .map(|p| t[p.len()..].trim_start());
        match stripped {
            Some(rest) => t = rest,
            None => break,
        }
    }
    t.to_lowercase()
}

pub fn find_token(subject: &str, tag: &str) -> Option<crate::domain::TicketId> {
    let pat = format!("[{tag} #");
    let i = subject.find(&pat)? + pat.len();
    let rest = &subject[i..];
    let end = rest.find(']')?;
    rest[..end].parse().ok()
}
