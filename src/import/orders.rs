//! Order exports: which platform wrote a file (by its header), and its rows as
//! [`OrderPatch`]es, each with the line it came from. A row that cannot be read is
//! rejected with its line and the reason; the other rows still count.

mod columns;
mod generic;
mod lookup;
mod shopify;
mod times;
mod woocommerce;

use std::fmt;

use crate::domain::order::{OrderPatch, OrderSource};
use crate::domain::sanitize::sanitize_line;
use crate::domain::tracking;

pub use lookup::parse_lookup;
pub use times::parse_time;

/// The export formats shopdesk reads (`orders import --format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Shopify,
    WooCommerce,
    Generic,
}

impl Format {
    pub fn parse(name: &str) -> Option<Format> {
        match name.to_ascii_lowercase().as_str() {
            "shopify" => Some(Format::Shopify),
            "woocommerce" | "woo" => Some(Format::WooCommerce),
            "generic" | "csv" => Some(Format::Generic),
            _ => None,
        }
    }

    pub fn source(self) -> OrderSource {
        match self {
            Format::Shopify => OrderSource::Shopify,
            Format::WooCommerce => OrderSource::WooCommerce,
            Format::Generic => OrderSource::Generic,
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.source().as_str())
    }
}

/// One order as the file gives it, with the line of its first row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedOrder {
    pub line: u64,
    pub patch: OrderPatch,
}

/// A row that was not imported, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejected {
    pub line: u64,
    pub reason: String,
}

/// What a file holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed {
    pub format: Format,
    pub orders: Vec<ImportedOrder>,
    pub rejected: Vec<Rejected>,
}

/// Why a whole file cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileError {
    #[error("the file is UTF-16; export it as UTF-8")]
    Utf16,
    #[error("line {line} is not UTF-8; export the file as UTF-8 (with or without BOM)")]
    NotUtf8 { line: u64 },
    #[error("the file is empty")]
    Empty,
    #[error(
        "the header is not a Shopify, WooCommerce or shopdesk order export (first columns: {0}); give --format, or see README, \"Orders\""
    )]
    UnknownHeader(String),
    #[error("the header has no {column:?} column, which a {format} export needs")]
    MissingColumn { format: Format, column: String },
    #[error("unknown column {column:?} in the header (the generic format has {known})")]
    UnknownColumn { column: String, known: String },
    #[error("line {line}: {message}")]
    Csv { line: u64, message: String },
}

/// Reads an export: `format`, or the one its header shows.
pub fn read(bytes: &[u8], format: Option<Format>) -> Result<Parsed, FileError> {
    let text = utf8(bytes)?;
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let header = reader.headers().map_err(csv_error)?.clone();
    if header.iter().all(|h| h.trim().is_empty()) {
        return Err(FileError::Empty);
    }
    let columns = columns::Columns::new(&header);
    let lines = columns::Lines::new(text);
    let format = match format {
        Some(f) => f,
        None => detect(&columns).ok_or_else(|| {
            FileError::UnknownHeader(sanitize_line(
                &header.iter().take(4).collect::<Vec<_>>().join(","),
            ))
        })?,
    };
    let mut parsed = match format {
        Format::Shopify => shopify::read(&mut reader, &columns, &lines)?,
        Format::WooCommerce => woocommerce::read(&mut reader, &columns, &lines)?,
        Format::Generic => generic::read(&mut reader, &columns, &lines)?,
    };
    for order in &mut parsed.orders {
        link_tracking(&mut order.patch);
    }
    // A reason quotes the cell it could not read, and cells are the exporter's text: made
    // one plain line here, once, rather than in each format's reader.
    for r in &mut parsed.rejected {
        r.reason = sanitize_line(&r.reason);
    }
    Ok(parsed)
}

/// Which platform wrote a header.
fn detect(columns: &columns::Columns) -> Option<Format> {
    if columns.has("name") && (columns.has("lineitem name") || columns.has("financial status")) {
        Some(Format::Shopify)
    } else if columns.has("order_id") || (columns.has("order_number") && columns.has("order_date"))
    {
        Some(Format::WooCommerce)
    } else if columns.has("number") {
        Some(Format::Generic)
    } else {
        None
    }
}

/// A tracking number with no carrier or link gets them from the carrier table.
pub(crate) fn link_tracking(patch: &mut OrderPatch) {
    let Some(number) = &patch.tracking_number else {
        return;
    };
    if let Some(found) = tracking::table().identify(number, patch.carrier.as_deref()) {
        patch.tracking_number = Some(found.number);
        if patch.carrier.is_none() {
            patch.carrier = found.carrier;
        }
        if patch.tracking_url.is_none() {
            patch.tracking_url = found.url;
        }
    }
}

fn utf8(bytes: &[u8]) -> Result<&str, FileError> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(FileError::Utf16);
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    std::str::from_utf8(bytes).map_err(|e| FileError::NotUtf8 {
        line: 1 + bytes[..e.valid_up_to()]
            .iter()
            .filter(|b| **b == b'\n')
            .count() as u64,
    })
}

fn csv_error(e: csv::Error) -> FileError {
    FileError::Csv {
        line: e.position().map_or(0, |p| p.line()),
        message: e.to_string(),
    }
}

#[cfg(test)]
mod tests;
