//! Subjects: reply and forward prefixes in many languages, and our `[TAG #id]` token.
//! Where other helpdesks' keys are removed, the shop's own order numbers (its
//! `number_pattern`, e.g. `[SD-1002]`) stay: they tell two questions apart.

use std::sync::LazyLock;

use super::order_mention::OrderFinder;
use super::ticket::TicketId;

/// The default `#{number}` pattern: its numbers look like anyone's (`[#1677]`), so it
/// keeps nothing another helpdesk's key would lose.
static DEFAULT_ORDERS: LazyLock<OrderFinder> = LazyLock::new(OrderFinder::default);

/// Reply and forward prefixes, folded (lower case, no combining dot). Followed by an
/// optional counter (`[2]`, `(2)`, `^2`) and a colon (ASCII or full-width).
const PREFIXES: &[&str] = &[
    // English and most clients
    "re",
    "fw",
    "fwd",
    "fwrd",
    // German, Swedish/Norwegian/Danish, Finnish, Dutch, Polish, Czech, Italian, French,
    // Spanish, Portuguese
    "aw",
    "wg",
    "sv",
    "vs",
    "vb",
    "vl",
    "antw",
    "doorst",
    "odp",
    "pd",
    "rif",
    "i",
    "r",
    "tr",
    "réf",
    "ref",
    "rv",
    "res",
    "enc",
    "ant",
    // Turkish: Yanıt, İlet
    "ynt",
    "ilt",
    "yanıt",
    "ilet",
    // Lithuanian, Latvian, Estonian, Hungarian, Croatian/Slovenian/Serbian, Indonesian/Malay
    "ats",
    "atb",
    "edasi",
    "vá",
    "válasz",
    "továbbítás",
    "odg",
    "prosl",
    "posr",
    "balas",
    "terusan",
    // Greek, Hebrew, Arabic, Korean
    "απ",
    "σχετ",
    "πρθ",
    "השב",
    "תשובה",
    "הועבר",
    "رد",
    "회신",
    "답장",
    "전달",
    // Russian, Ukrainian, Bulgarian, Serbian
    "ответ",
    "отв",
    "пересл",
    "відп",
    "отг",
    "одг",
    // Chinese, Japanese
    "回复",
    "回覆",
    "答复",
    "答覆",
    "转发",
    "轉寄",
    "转寄",
    "轉發",
    "返信",
    "転送",
];

/// Subjects too generic to thread by: without a token or headers, "Hi" from the same
/// customer a week later is a new question.
const GENERIC: &[&str] = &[
    "",
    "no subject",
    "(no subject)",
    "(kein betreff)",
    "(inget ämne)",
    "(konu yok)",
    "(без темы)",
    "(无主题)",
    "hi",
    "hello",
    "hej",
    "hallo",
    "merhaba",
    "привет",
    "question",
    "help",
    "order",
    "info",
    "inquiry",
    "enquiry",
    "contact",
    "support",
    "test",
];

fn fold(s: &str) -> String {
    s.to_lowercase().replace('\u{307}', "")
}

/// Length in bytes of one leading reply/forward prefix of `s` (with its counter, colon
/// and following spaces), if there is one.
fn prefix_len(s: &str) -> Option<usize> {
    let colon = s.find([':', '：'])?;
    let head = &s[..colon];
    // counter: Re[2], Re(2), Re^2
    let word_end = head.find(['[', '(', '^']).unwrap_or(head.len());
    let word = head[..word_end].trim_end();
    let counter = head[word_end..].trim();
    let counter_ok = counter.is_empty()
        || counter
            .trim_start_matches(['[', '(', '^'])
            .trim_end_matches([']', ')'])
            .chars()
            .all(|c| c.is_ascii_digit());
    if !counter_ok || word.is_empty() || word.chars().count() > 10 {
        return None;
    }
    let folded = fold(word);
    if !PREFIXES.contains(&folded.as_str()) {
        return None;
    }
    let colon_len = s[colon..].chars().next().map_or(1, char::len_utf8);
    let rest = &s[colon + colon_len..];
    Some(s.len() - rest.trim_start().len())
}

/// Removes leading reply/forward prefixes (and any helpdesk's tokens among them),
/// keeping the case of what remains.
pub fn strip_prefixes(subject: &str) -> &str {
    strip_leading(subject, &DEFAULT_ORDERS)
}

/// `strip_prefixes`, stopping at one of the shop's own order numbers (`own`).
fn strip_leading<'s>(subject: &'s str, own: &OrderFinder) -> &'s str {
    let mut s = subject.trim();
    loop {
        if let Some(n) = prefix_len(s) {
            s = s[n..].trim_start();
        } else if let Some(n) = leading_token_len(s, own) {
            s = s[n..].trim_start();
        } else {
            return s;
        }
    }
}

/// Where a token stands: a helpdesk puts its token first (after the prefixes) or last;
/// what stands elsewhere is the customer's own words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    Start,
    End,
}

/// Length of a helpdesk token at the start of `s`, ours (`[WORD #digits]`) or another
/// system's (`[#123]`, `[Ticket#123]`, `[ABC-123]`, `[JIRA] (PROJ-123)`, `(Case 123)`,
/// `Ticket#123`, …), with the colon or dash some put after it (`[#ABC-123-45678]: `).
fn leading_token_len(s: &str, own: &OrderFinder) -> Option<usize> {
    let len = match parse_token(s) {
        Some((tag, _, len)) if !is_order_word(&fold(tag)) => len,
        Some(_) => return None,
        None => foreign_token_len(s, Place::Start, own)?,
    };
    let rest = s[len..].trim_start();
    let rest = rest
        .strip_prefix([':', '-', '–'])
        .filter(|r| r.is_empty() || r.starts_with(char::is_whitespace))
        .unwrap_or(rest);
    Some(s.len() - rest.len())
}

/// `s` without the tokens at its end: a group naming another system's ticket
/// (`[Ticket #12]`, `(Case 00123)`, `[#1677]`, `[ ref:_00D…:ref ]`, `Ticket#123`) or ours.
/// An order reference (`(#1002)`, `(Order #1001)`) or a product code (`[BP-1]`) stays:
/// it is what tells two of the customer's questions apart.
fn without_trailing_tokens<'s>(s: &'s str, own: &OrderFinder) -> &'s str {
    let mut s = s.trim_end();
    while let Some(start) = trailing_token_start(s, own) {
        s = s[..start].trim_end();
    }
    s
}

/// Where the token that ends `s` begins, if one does.
fn trailing_token_start(s: &str, own: &OrderFinder) -> Option<usize> {
    let open = match s.chars().last()? {
        ']' => '[',
        ')' => '(',
        _ => {
            let start = s
                .char_indices()
                .rev()
                .find(|(_, c)| c.is_whitespace())
                .map_or(0, |(i, c)| i + c.len_utf8());
            return (otrs_len(&s[start..]) == Some(s.len() - start)).then_some(start);
        }
    };
    let start = s.rfind(open)?;
    let group = &s[start..];
    let whole = |len: Option<usize>| len == Some(group.len());
    let ours = parse_token(group).filter(|(tag, _, _)| !is_order_word(&fold(tag)));
    (whole(ours.map(|t| t.2)) || whole(foreign_token_len(group, Place::End, own))).then_some(start)
}

fn is_order_word(folded: &str) -> bool {
    ORDER_WORDS.iter().any(|w| folded.starts_with(w))
}

/// Tags without a number that other systems put first: a helpdesk's (`[JIRA] (PROJ-123) …`),
/// or a mail gateway's on the way in (`[EXTERNAL] Re: …`, `[SPAM] …`), which the customer's
/// next message through the same gateway carries and their first one did not.
const SYSTEM_TAGS: &[&str] = &[
    "jira",
    "external",
    "ext",
    "external email",
    "external sender",
    "external mail",
    "extern",
    "externe",
    "externo",
    "spam",
    "suspected spam",
    "possible spam",
    "caution",
    "caution: external",
    "warning: external",
];

/// Words other helpdesks put before a ticket number (folded).
const TICKET_WORDS: &[&str] = &[
    "ticket",
    "case",
    "request",
    "incident",
    "issue",
    "sr",
    "ref",
    "reference",
    "id",
    "call",
    "ärende",
    "arende",
    "sak",
    "vorgang",
    "anfrage",
    "dossier",
    "demande",
    "caso",
    "talep",
    "kayıt",
    "заявка",
    "обращение",
    "工单",
    "案例",
];

/// Words for an order: a number after one is the customer's order, which tells two
/// conversations apart, not a helpdesk's token.
const ORDER_WORDS: &[&str] = &[
    "order",
    "ordre",
    "ordine",
    "orden",
    "pedido",
    "commande",
    "bestellung",
    "auftrag",
    "beställning",
    "bestallning",
    "tilaus",
    "zamówienie",
    "sipariş",
    "siparis",
    "заказ",
    "订单",
    "訂單",
    "注文",
    "invoice",
    "faktura",
    "rechnung",
    "fatura",
];

/// Length of an OTRS/Znuny number written without brackets at the start of `s`:
/// `Ticket#2023112910000011`.
fn otrs_len(s: &str) -> Option<usize> {
    let head = s.get(..7)?;
    if !head.eq_ignore_ascii_case("ticket#") {
        return None;
    }
    let digits = s[7..].len()
        - s[7..]
            .trim_start_matches(|c: char| c.is_ascii_digit())
            .len();
    (digits > 0).then_some(7 + digits)
}

/// Length of another system's ticket token at the start of `s`, where it stands
/// (`place`). First or last: a `[…]` or `(…)` group holding a number after a ticket word
/// (`(Case 123)`, `[Request: 55]`, `[Case #00123456]`), a bracketed `#` id (`[#1677]`,
/// Kayako's `[#ABC-123-45678]`), Salesforce's `[ ref:_00D…:ref ]`, or OTRS's bare
/// `Ticket#123`. First only: a project key (`[ABC-123]`, Jira's `(PROJ-123)`), a system's
/// tag (`[JIRA]`), a number after another word and `#` (`[Support #12]`). Never: a number
/// after an order word, a bare `(#1002)`, which is how customers name their order, or one
/// of the shop's own order numbers (`own`: `[SD-1002]` where the pattern is `SD-{number}`).
fn foreign_token_len(s: &str, place: Place, own: &OrderFinder) -> Option<usize> {
    if let Some(n) = otrs_len(s) {
        return Some(n);
    }
    let close = match s.chars().next()? {
        '[' => ']',
        '(' => ')',
        _ => return None,
    };
    let end = s.find(close)?;
    let len = end + close.len_utf8();
    let inner = s[1..end].trim();
    if own.is_own_number(inner) {
        return None;
    }
    let square = close == ']';
    if square && inner.starts_with("ref:") && inner.ends_with(":ref") {
        return Some(len);
    }
    if square && place == Place::Start && SYSTEM_TAGS.contains(&fold(inner).as_str()) {
        return Some(len);
    }
    if inner.is_empty() || inner.chars().count() > 40 {
        return None;
    }
    if let Some(id) = inner.strip_prefix('#').map(str::trim) {
        let id_like = id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            && id.chars().any(|c| c.is_ascii_digit());
        return (square && id_like).then_some(len);
    }
    let digits_at = inner.find(|c: char| c.is_ascii_digit())?;
    let number = inner[digits_at..].trim();
    if !number.chars().all(|c| c.is_ascii_digit() || c == '-') {
        return None;
    }
    let head = inner[..digits_at].trim_end();
    let word = head.trim_end_matches(['#', '№', ':', '-', '.']).trim();
    let folded = fold(word);
    let last_word = folded.split_whitespace().last().unwrap_or("");
    if is_order_word(last_word) {
        return None;
    }
    let hashed = head.ends_with('#') || head.ends_with('№');
    let ticket_word = TICKET_WORDS.contains(&last_word) || last_word == "no" || last_word == "nr";
    // ABC-123: a project key of capital letters, a dash, a number
    let key = head.ends_with('-')
        && !word.is_empty()
        && word.chars().all(|c| c.is_ascii_uppercase())
        && number.chars().all(|c| c.is_ascii_digit());
    let token = match place {
        Place::Start => hashed || ticket_word || key,
        Place::End => ticket_word,
    };
    token.then_some(len)
}

/// Parses `[TAG #id]` at the start of `s`: (tag, id, byte length).
fn parse_token(s: &str) -> Option<(&str, TicketId, usize)> {
    let inner_start = 1;
    if !s.starts_with('[') {
        return None;
    }
    let close = s.find(']')?;
    let inner = &s[inner_start..close];
    let hash = inner.rfind('#')?;
    let tag = inner[..hash].trim();
    let digits = inner[hash + 1..].trim();
    if tag.is_empty()
        || tag.chars().any(|c| c.is_whitespace() || c == '[')
        || digits.is_empty()
        || !digits.chars().all(|c| c.is_ascii_digit())
    {
        return None;
    }
    let id: TicketId = digits.parse().ok()?;
    if id <= 0 {
        return None;
    }
    Some((tag, id, close + 1))
}

/// The subject as threading compares it: prefixes and the tokens of any helpdesk (ours,
/// or a shop's previous one) at its start and end removed, whitespace collapsed, lower
/// case. Brackets elsewhere are the customer's words and stay. With the default order
/// pattern; an account's own is `normalize_subject_for`.
pub fn normalize_subject(subject: &str) -> String {
    normalize_subject_for(subject, &DEFAULT_ORDERS)
}

/// `normalize_subject` for an account whose order numbers `own` finds: a token that is one
/// of them (`[SD-1002] Where is my parcel?`) is the order the customer asks about, kept
/// like the rest of their words.
pub fn normalize_subject_for(subject: &str, own: &OrderFinder) -> String {
    // One pass can uncover more to remove: `İ[SHOP #1]：x` loses its token and becomes
    // `i：x`, which starts with a prefix. Repeat until nothing changes, so a normalised subject
    // normalises to itself. After the first pass every change shortens the text, so this
    // ends.
    let mut current = normalize_once(subject, own);
    loop {
        let next = normalize_once(&current, own);
        if next == current {
            return current;
        }
        current = next;
    }
}

fn normalize_once(subject: &str, own: &OrderFinder) -> String {
    fold(without_trailing_tokens(strip_leading(subject, own), own))
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Whether a normalised subject says too little to thread by.
pub fn is_generic(normalized: &str) -> bool {
    let trimmed =
        normalized.trim_matches(|c: char| c.is_ascii_punctuation() && c != '(' && c != ')');
    GENERIC.contains(&trimmed) || GENERIC.contains(&normalized)
}

/// The first `[TAG #id]` token for this account's tag (compared case-insensitively).
/// A bare `[#123]` or another system's token never matches.
pub fn find_token(subject: &str, tag: &str) -> Option<TicketId> {
    let want = fold(tag.trim());
    if want.is_empty() {
        return None;
    }
    let mut rest = subject;
    while let Some(i) = rest.find('[') {
        rest = &rest[i..];
        if let Some((t, id, _)) = parse_token(rest)
            && fold(t) == want
        {
            return Some(id);
        }
        rest = &rest[1..];
    }
    None
}

/// Our token for a ticket: `[TAG #id]`.
pub fn token(tag: &str, id: TicketId) -> String {
    format!("[{tag} #{id}]")
}

/// The subject of our reply: `Re: [TAG #id] original`, without stacked prefixes or any
/// helpdesk's tokens at its start and end, case kept (and the customer's order numbers
/// and product codes with it).
pub fn reply_subject(original: &str, tag: &str, id: TicketId) -> String {
    let own = &*DEFAULT_ORDERS;
    let cleaned = without_trailing_tokens(strip_leading(original, own), own);
    let cleaned = cleaned.split_whitespace().collect::<Vec<_>>().join(" ");
    if cleaned.is_empty() {
        format!("Re: {}", token(tag, id))
    } else {
        format!("Re: {} {cleaned}", token(tag, id))
    }
}

#[cfg(test)]
mod tests;
