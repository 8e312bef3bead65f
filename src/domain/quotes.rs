//! Finding the quoted earlier mail in a message's text, so views can fold it.
//!
//! Two shapes: `>`-prefixed blocks (with the attribution line just above them), and
//! top-posted replies where an attribution line ("On … wrote:", Outlook's "From:/Sent:"
//! header block, "-----Original Message-----") starts the quoted rest of the mail.
//! Forwarded messages are content, not quotes, and are never folded.

use std::ops::Range;

/// Byte ranges of `text` that quote earlier mail, ascending, on line boundaries.
pub fn find_quotes(text: &str) -> Vec<Range<usize>> {
    let lines = line_spans(text);
    let mut ranges: Vec<Range<usize>> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = &text[lines[i].clone()];
        if starts_tail_quote(text, &lines, i) {
            let start = lines[i].start;
            push(&mut ranges, start..text.len());
            break;
        }
        if is_quoted(line) {
            let mut start = lines[i].start;
            // the attribution line right above belongs to the quote
            if let Some(prev) = i.checked_sub(1).map(|p| &text[lines[p].clone()])
                && (is_attribution(prev)
                    || prev.trim_end().ends_with(':') && !prev.trim().is_empty())
            {
                start = lines[i - 1].start;
            }
            let mut j = i;
            // a quote block runs over quoted lines and blank lines between them
            while j + 1 < lines.len() {
                let next = &text[lines[j + 1].clone()];
                let blank_before_quote = next.trim().is_empty()
                    && lines[j + 2..]
                        .iter()
                        .take(1)
                        .any(|l| is_quoted(&text[l.clone()]));
                if is_quoted(next) || blank_before_quote {
                    j += 1;
                } else {
                    break;
                }
            }
            push(&mut ranges, start..lines[j].end);
            i = j + 1;
            continue;
        }
        i += 1;
    }
    ranges
}

fn push(ranges: &mut Vec<Range<usize>>, r: Range<usize>) {
    if let Some(last) = ranges.last_mut()
        && r.start <= last.end
    {
        last.end = last.end.max(r.end);
        return;
    }
    ranges.push(r);
}

/// Each line's byte range, including its trailing newline.
fn line_spans(text: &str) -> Vec<Range<usize>> {
    let mut spans = Vec::new();
    let mut start = 0;
    for (i, b) in text.bytes().enumerate() {
        if b == b'\n' {
            spans.push(start..i + 1);
            start = i + 1;
        }
    }
    if start < text.len() {
        spans.push(start..text.len());
    }
    spans
}

fn is_quoted(line: &str) -> bool {
    line.trim_start().starts_with('>')
}

/// Lines that introduce quoted mail, in the languages and clients we see.
fn is_attribution(line: &str) -> bool {
    let l = line.trim();
    if l.is_empty() || l.chars().count() > 300 {
        return false;
    }
    let lower = l.to_lowercase();
    let ends = |s: &str| lower.trim_end_matches([':', '：', ' ']).ends_with(s);
    (lower.starts_with("on ") && ends("wrote"))
        || (lower.starts_with("am ") && ends("schrieb"))
        || (lower.starts_with("le ") && (ends("a écrit") || ends("a ecrit")))
        || (lower.starts_with("el ") && ends("escribió"))
        || (lower.starts_with("il ") && ends("ha scritto"))
        || (lower.starts_with("op ") && ends("geschreven"))
        || (lower.starts_with("den ") && lower.contains(" skrev ") && lower.ends_with(':'))
        || ends("skrev")
        || (lower.contains("tarihinde") && (ends("yazdı") || ends("şunu yazdı")))
        || lower.contains("написал")
        || lower.contains("пишет:")
        || (l.starts_with('在') && (l.contains("写道") || l.contains("寫道")))
        || l.contains("wrote:")
}

/// Separator lines after which the rest of the mail is the quoted original.
fn is_separator(line: &str) -> bool {
    let l = line.trim().to_lowercase();
    let dashed = l.trim_matches(|c| c == '-' || c == ' ');
    (l.starts_with("-----") || l.starts_with("------"))
        && matches!(
            dashed,
            "original message"
                | "ursprüngliche nachricht"
                | "message d'origine"
                | "ursprungligt meddelande"
                | "mensaje original"
                | "исходное сообщение"
                | "原始邮件"
                | "orijinal mesaj"
        )
}

fn header_key(line: &str) -> Option<&'static str> {
    let l = line.trim_start().to_lowercase();
    for (keys, name) in [
        (
            &[
                "from:",
                "von:",
                "de:",
                "från:",
                "kimden:",
                "от:",
                "发件人:",
                "发件人：",
            ][..],
            "from",
        ),
        (
            &[
                "sent:",
                "date:",
                "gesendet:",
                "envoyé:",
                "skickat:",
                "gönderildi:",
                "отправлено:",
                "发送时间:",
                "发送时间：",
            ][..],
            "sent",
        ),
    ] {
        if keys.iter().any(|k| l.starts_with(k)) {
            return Some(name);
        }
    }
    None
}

/// Whether line `i` starts a quoted tail: an attribution line, a separator, or an
/// Outlook header block ("From:" followed within four lines by "Sent:"/"Date:").
fn starts_tail_quote(text: &str, lines: &[Range<usize>], i: usize) -> bool {
    let line = &text[lines[i].clone()];
    // A tail quote needs something after it, and something before it worth keeping.
    if i + 1 >= lines.len() {
        return false;
    }
    if is_separator(line) {
        return true;
    }
    if line.trim() == "________________________________" {
        return lines
            .get(i + 1)
            .is_some_and(|l| header_key(&text[l.clone()]) == Some("from"));
    }
    if header_key(line) == Some("from") {
        let forwarded = i.checked_sub(1).is_some_and(|p| {
            let prev = text[lines[p].clone()].to_lowercase();
            [
                "forwarded message",
                "weitergeleitete nachricht",
                "vidarebefordrat",
                "iletilen ileti",
                "пересылаемое сообщение",
                "转发的邮件",
            ]
            .iter()
            .any(|m| prev.contains(m))
        });
        if forwarded {
            return false;
        }
        return lines[i + 1..]
            .iter()
            .take(4)
            .any(|l| header_key(&text[l.clone()]) == Some("sent"));
    }
    is_attribution(line) && !is_quoted(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quoted(text: &str) -> Vec<&str> {
        find_quotes(text).into_iter().map(|r| &text[r]).collect()
    }

    #[test]
    fn table() {
        let cases: &[(&str, &str, &[&str])] = &[
            ("no quote", "Hello\nWhere is my order?\n", &[]),
            (
                "gmail bottom quote",
                "Thanks!\n\nOn Mon, 23 Nov 2026 at 10:00, Shop <s@x> wrote:\n> Your order shipped.\n> Regards\n",
                &[
                    "On Mon, 23 Nov 2026 at 10:00, Shop <s@x> wrote:\n> Your order shipped.\n> Regards\n",
                ],
            ),
            (
                "interleaved",
                "> Which size?\nM please\n> Colour?\nBlue\n",
                &["> Which size?\n", "> Colour?\n"],
            ),
            (
                "swedish top post",
                "Tack!\nDen 23 nov. 2026 kl. 10:00 skrev Butiken <s@x>:\nDin order har skickats.\n",
                &["Den 23 nov. 2026 kl. 10:00 skrev Butiken <s@x>:\nDin order har skickats.\n"],
            ),
            (
                "turkish",
                "Teşekkürler\n23 Kas 2026 Pzt, 10:00 tarihinde Mağaza <s@x> şunu yazdı:\n> Siparişiniz kargoda.\n",
                &[
                    "23 Kas 2026 Pzt, 10:00 tarihinde Mağaza <s@x> şunu yazdı:\n> Siparişiniz kargoda.\n",
                ],
            ),
            (
                "russian",
                "Спасибо\n23 нояб. 2026 г., в 10:00, Магазин <s@x> написал(а):\n> Заказ отправлен.\n",
                &["23 нояб. 2026 г., в 10:00, Магазин <s@x> написал(а):\n> Заказ отправлен.\n"],
            ),
            (
                "chinese",
                "谢谢\n在 2026年11月23日 10:00，商店 <s@x> 写道：\n> 您的订单已发货。\n",
                &["在 2026年11月23日 10:00，商店 <s@x> 写道：\n> 您的订单已发货。\n"],
            ),
            (
                "outlook header block",
                "See below.\n\nFrom: Shop <s@x>\nSent: Monday, 23 November 2026 10:00\nTo: me\nSubject: Order\n\nShipped.\n",
                &[
                    "From: Shop <s@x>\nSent: Monday, 23 November 2026 10:00\nTo: me\nSubject: Order\n\nShipped.\n",
                ],
            ),
            (
                "original message separator",
                "Ok\n-----Original Message-----\nFrom: Shop\nShipped.\n",
                &["-----Original Message-----\nFrom: Shop\nShipped.\n"],
            ),
            (
                "german",
                "Danke\nAm 23.11.2026 um 10:00 schrieb Shop <s@x>:\n> Versendet.\n",
                &["Am 23.11.2026 um 10:00 schrieb Shop <s@x>:\n> Versendet.\n"],
            ),
            (
                "forward is not a quote",
                "FYI\n---------- Forwarded message ---------\nFrom: Carrier <c@x>\nDate: Mon\nYour parcel is delayed.\n",
                &[],
            ),
            ("from line in prose", "From: my phone\nhello there\n", &[]),
        ];
        for (name, text, want) in cases {
            assert_eq!(quoted(text), *want, "{name}");
        }
    }

    #[test]
    fn ranges_are_char_boundaries() {
        let t = "Привет\n> Цитата ünïcödé\n我";
        for r in find_quotes(t) {
            assert!(t.is_char_boundary(r.start) && t.is_char_boundary(r.end));
        }
    }
}
