//! HTML → text within the message's [`Budget`]: html2text lays out what is small and
//! shallow enough, on a DOM built by html5ever under a nesting cap and a time limit;
//! anything else is reduced to plain text in one linear pass, with a warning saying why.

mod guard;
mod plain;

use std::cell::Cell;
use std::rc::Rc;
use std::time::Instant;

use html2text::RcDom;
use html5ever::tendril::{StrTendril, TendrilSink};
use html5ever::tree_builder::TreeBuilderOpts;
use html5ever::{ParseOpts, parse_document};

use super::budget::{Budget, LAYOUT_TIME, MAX_HTML_DEPTH, size};

pub use plain::html_text;

/// Column width html2text lays text out at; views re-wrap to the screen.
const HTML_WIDTH: usize = 100;
/// Input handed to the parser at a time; between pieces it checks depth and time.
const PIECE: usize = 4 * 1024;

/// Why a document was not laid out.
#[derive(Debug, PartialEq)]
enum Stop {
    TooDeep,
    OutOfTime,
}

/// The text of one HTML part, at most about `room` bytes of it when laid out without html2text.
pub(super) fn html_to_text(
    html: &str,
    room: usize,
    budget: &mut Budget,
    warnings: &mut Vec<String>,
) -> String {
    if html.len() > budget.layout_left {
        warnings.push(format!(
            "HTML part of {} is past the {} laid out per message; its text is shown without layout",
            size(html.len()),
            size(super::budget::MAX_LAYOUT_BYTES)
        ));
        return html_text(html, room);
    }
    if Instant::now() >= budget.deadline {
        // an earlier part used the time up: the rest of the message is read without layout
        warnings.push(out_of_time());
        return html_text(html, room);
    }
    budget.layout_left -= html.len();
    let dom = match parse_bounded(html, MAX_HTML_DEPTH, budget.deadline) {
        Ok(dom) => dom,
        Err(Stop::TooDeep) => {
            warnings.push(format!(
                "HTML nested more than {MAX_HTML_DEPTH} levels deep; its text is shown without layout"
            ));
            return html_text(html, room);
        }
        Err(Stop::OutOfTime) => {
            warnings.push(out_of_time());
            return html_text(html, room);
        }
    };
    let config = html2text::config::plain();
    match config
        .dom_to_render_tree(&dom)
        .and_then(|tree| config.render_to_string(tree, HTML_WIDTH))
    {
        Ok(text) => text,
        Err(e) => {
            warnings.push(format!(
                "HTML could not be laid out ({e}); its text is shown without layout"
            ));
            html_text(html, room)
        }
    }
}

fn out_of_time() -> String {
    format!(
        "HTML took longer than {} s to read; its text is shown without layout",
        LAYOUT_TIME.as_secs()
    )
}

/// html2text's DOM of `html`, as html2text would build it, unless it nests deeper than
/// `limit` or parsing runs past `deadline`.
fn parse_bounded(html: &str, limit: usize, deadline: Instant) -> Result<RcDom, Stop> {
    let too_deep = Rc::new(Cell::new(false));
    let opts = ParseOpts {
        tree_builder: TreeBuilderOpts {
            scripting_enabled: false,
            ..Default::default()
        },
        ..Default::default()
    };
    let mut parser = parse_document(guard::DepthGuard::new(limit, Rc::clone(&too_deep)), opts);
    let mut rest = html;
    while !rest.is_empty() {
        let end = rest.floor_char_boundary(PIECE.min(rest.len()));
        let end = if end == 0 { rest.len() } else { end };
        parser.process(StrTendril::from_slice(&rest[..end]));
        rest = &rest[end..];
        if too_deep.get() {
            return Err(Stop::TooDeep);
        }
        if Instant::now() >= deadline {
            return Err(Stop::OutOfTime);
        }
    }
    let dom = parser.finish();
    if too_deep.get() {
        return Err(Stop::TooDeep);
    }
    Ok(dom)
}

#[cfg(test)]
mod tests;
