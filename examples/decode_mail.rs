//! Decodes mail files as sync decodes them and prints one JSON line per file, so the
//! decoder can be measured against another reader on mail nobody here wrote
//! (scripts/check-mail-corpus.py). Paths come as arguments, or one per line on stdin.
//!
//! With `--sanitize`, it reads JSON strings instead (one a line) and prints each as the
//! decoder's own line cleaning leaves it, so another reader's output is compared after the
//! same cleaning (controls dropped, tabs and line breaks as spaces).
//!
//! Each line: the path, the decoded Subject, the sender's display name and address, the
//! Message-ID as it would be stored (`null`: none, so sync derives one from the bytes), the
//! text's length, and `failed` with the reason when the file is not read as mail at all.

use std::io::{BufRead, Write};

use serde_json::json;
use shopdesk::domain::sanitize::sanitize_line;
use shopdesk::mail::parse::parse_message;

/// The warning `parse_message` gives a file it keeps only as raw text.
const NOT_MAIL: &str = "not a mail message";

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    if args.first().is_some_and(|a| a == "--sanitize") {
        for line in std::io::stdin().lock().lines() {
            let text: String = serde_json::from_str(&line?)?;
            writeln!(out, "{}", serde_json::Value::from(sanitize_line(&text)))?;
        }
    } else if args.is_empty() {
        for line in std::io::stdin().lock().lines() {
            let line = line?;
            if !line.is_empty() {
                writeln!(out, "{}", decode(&line))?;
            }
        }
    } else {
        for path in &args {
            writeln!(out, "{}", decode(path))?;
        }
    }
    out.flush()?;
    Ok(())
}

fn decode(path: &str) -> serde_json::Value {
    let raw = match std::fs::read(path) {
        Ok(raw) => raw,
        Err(e) => return json!({ "path": path, "failed": format!("cannot read: {e}") }),
    };
    let p = parse_message(&raw);
    let failed = p.warnings.iter().find(|w| w.starts_with(NOT_MAIL)).cloned();
    json!({
        "path": path,
        "subject": p.subject,
        "from_name": p.from.as_ref().and_then(|a| a.name.clone()),
        "from_email": p.from.as_ref().map(|a| a.email.clone()),
        "message_id": p.message_id,
        "text_len": p.text.len(),
        "attachments": p.attachments.len(),
        "failed": failed,
        "warnings": p.warnings,
    })
}
