//! HTML reduced to its text in one linear pass, for HTML too deep, too large or too slow
//! to lay out: html5ever's tokenizer alone (no tree builder, so no stack to scan), tags
//! dropped, entities decoded by the tokenizer, block tags as line breaks, the contents of
//! `<script>`, `<style>` and `<title>` left out. Stops once `room` bytes are written.

use std::cell::{Cell, RefCell};

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{
    BufferQueue, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};

/// Input handed to the tokenizer at a time; between pieces it checks whether `room` is full.
const PIECE: usize = 64 * 1024;

/// The text of `html`, at most about `room` bytes of it.
pub fn html_text(html: &str, room: usize) -> String {
    let tokenizer = Tokenizer::new(
        Collector {
            out: RefCell::new(String::new()),
            skipping: RefCell::new(None),
            in_pre: Cell::new(0),
            room,
        },
        TokenizerOpts::default(),
    );
    let queue = BufferQueue::default();
    let mut rest = html;
    while !rest.is_empty() && tokenizer.sink.out.borrow().len() <= room {
        let end = rest.floor_char_boundary(PIECE.min(rest.len()));
        // a piece of less than one character cannot happen past the first byte
        let end = if end == 0 { rest.len() } else { end };
        queue.push_back(StrTendril::from_slice(&rest[..end]));
        rest = &rest[end..];
        // the sink never asks for a script to run, so feeding always consumes the piece
        let _ = tokenizer.feed(&queue);
    }
    tokenizer.end();
    let out = tokenizer.sink.out.take();
    tidy(&out)
}

struct Collector {
    out: RefCell<String>,
    /// The element whose contents are being left out (`script`, `style`, `title`).
    skipping: RefCell<Option<&'static str>>,
    /// Open `<pre>` elements: whitespace inside them is kept.
    in_pre: Cell<usize>,
    room: usize,
}

/// Tags that start a new line.
const BLOCKS: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "body",
    "center",
    "dd",
    "details",
    "dialog",
    "dir",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "html",
    "legend",
    "li",
    "main",
    "menu",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "ul",
];

/// Elements whose contents are not text to read, and how the tokenizer must read them.
fn raw_kind(name: &str) -> Option<(&'static str, RawKind)> {
    match name {
        "script" => Some(("script", RawKind::ScriptData)),
        "style" => Some(("style", RawKind::Rawtext)),
        "title" => Some(("title", RawKind::Rcdata)),
        "noscript" => Some(("noscript", RawKind::Rawtext)),
        _ => None,
    }
}

impl TokenSink for Collector {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        if self.out.borrow().len() > self.room {
            return TokenSinkResult::Continue;
        }
        match token {
            Token::TagToken(tag) => {
                let name: &str = &tag.name;
                let skipping = *self.skipping.borrow();
                if let Some(skipped) = skipping {
                    if tag.kind == TagKind::EndTag && name == skipped {
                        self.skipping.replace(None);
                    }
                    return TokenSinkResult::Continue;
                }
                if name == "pre" {
                    let open = self.in_pre.get();
                    self.in_pre.set(match tag.kind {
                        TagKind::StartTag => open + 1,
                        TagKind::EndTag => open.saturating_sub(1),
                    });
                }
                let mut out = self.out.borrow_mut();
                if name == "br" {
                    out.push('\n');
                } else if BLOCKS.contains(&name) {
                    if !out.ends_with('\n') {
                        out.push('\n');
                    }
                    if matches!(
                        name,
                        "p" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "table"
                    ) && !out.ends_with("\n\n")
                    {
                        out.push('\n');
                    }
                    if name == "li" && tag.kind == TagKind::StartTag {
                        out.push_str("* ");
                    }
                } else if name == "img"
                    && let Some(alt) = tag.attrs.iter().find(|a| &*a.name.local == "alt")
                    && !alt.value.trim().is_empty()
                {
                    out.push_str(alt.value.trim());
                }
                if tag.kind == TagKind::StartTag
                    && !tag.self_closing
                    && let Some((skipped, kind)) = raw_kind(name)
                {
                    self.skipping.replace(Some(skipped));
                    return TokenSinkResult::RawData(kind);
                }
            }
            Token::CharacterTokens(text) => {
                if self.skipping.borrow().is_some() {
                    return TokenSinkResult::Continue;
                }
                let mut out = self.out.borrow_mut();
                if self.in_pre.get() > 0 {
                    out.push_str(&text);
                } else {
                    push_collapsed(&mut out, &text);
                }
            }
            _ => {}
        }
        TokenSinkResult::Continue
    }
}

/// Appends `text` with runs of HTML whitespace as one space, and none at a line start.
fn push_collapsed(out: &mut String, text: &str) {
    for (i, word) in text.split_ascii_whitespace().enumerate() {
        let space_before = i > 0 || text.starts_with(|c: char| c.is_ascii_whitespace());
        if space_before && !out.is_empty() && !out.ends_with([' ', '\n']) {
            out.push(' ');
        }
        out.push_str(word);
    }
    if text.ends_with(|c: char| c.is_ascii_whitespace())
        && !out.is_empty()
        && !out.ends_with([' ', '\n'])
    {
        out.push(' ');
    }
}

/// Trailing spaces off each line, at most one blank line in a row, none at either end.
fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank = 0;
    for line in text.lines() {
        let line = line.trim_end();
        if line.is_empty() {
            blank += 1;
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank > 0 { "\n\n" } else { "\n" });
        }
        blank = 0;
        out.push_str(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table() {
        let cases: &[(&str, &str, &str)] = &[
            ("plain words", "Hello <b>world</b>", "Hello world"),
            (
                "paragraphs",
                "<p>One</p><p>Two\n  lines</p>",
                "One\n\nTwo lines",
            ),
            ("line break", "a<br>b<br/>c", "a\nb\nc"),
            (
                "entities",
                "Fish &amp; chips &lt;3 &eacute;&#233;&#x263A;",
                "Fish & chips <3 éé☺",
            ),
            (
                "script, style and title left out",
                "<title>T</title><style>p{}</style><script>if (a < b) alert('</p>')</script>Body",
                "Body",
            ),
            (
                "list items",
                "<ul><li>Shoes</li><li>Socks</li></ul>",
                "* Shoes\n* Socks",
            ),
            ("pre keeps spaces", "<pre>a  b\n  c</pre>", "a  b\n  c"),
            (
                "image alt",
                "see <img alt=\"the photo\" src=x> here",
                "see the photo here",
            ),
            ("comment dropped", "a<!-- hidden -->b", "ab"),
            ("deep nesting is flat work", &"<div>".repeat(10_000), ""),
            ("unclosed tag at the end", "text <a href=\"", "text"),
        ];
        for (name, html, want) in cases {
            assert_eq!(html_text(html, 1 << 20), *want, "{name}");
        }
    }

    #[test]
    fn stops_when_room_is_full() {
        let html = "<p>word word word</p>".repeat(100_000);
        let text = html_text(&html, 1000);
        assert!(text.len() < 1000 + PIECE, "{}", text.len());
        assert!(text.starts_with("word word word\n\nword"), "{text:.40}");
    }
}
