//! Columns by header name, as exports differ by version and plugin: matched without case
//! or surrounding blanks, an empty cell read as absent.

use std::collections::HashMap;

use csv::StringRecord;

pub struct Columns {
    index: HashMap<String, usize>,
    names: Vec<String>,
}

impl Columns {
    pub fn new(header: &StringRecord) -> Columns {
        let names: Vec<String> = header.iter().map(|h| h.trim().to_lowercase()).collect();
        let mut index = HashMap::new();
        for (i, name) in names.iter().enumerate() {
            // the first of two same-named columns counts
            index.entry(name.clone()).or_insert(i);
        }
        Columns { index, names }
    }

    pub fn has(&self, name: &str) -> bool {
        self.index.contains_key(name)
    }

    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// The trimmed cell under `name`, `None` when the column is missing or the cell empty.
    pub fn get<'r>(&self, row: &'r StringRecord, name: &str) -> Option<&'r str> {
        let cell = row.get(*self.index.get(name)?)?.trim();
        (!cell.is_empty()).then_some(cell)
    }

    /// The first of `names` that has a value in `row`.
    pub fn first<'r>(&self, row: &'r StringRecord, names: &[&str]) -> Option<&'r str> {
        names.iter().find_map(|n| self.get(row, n))
    }
}

/// Typed cells: `Ok(None)` for an empty cell, `Err(reason)` for one that cannot be read.
impl Columns {
    pub fn money(&self, row: &StringRecord, name: &str) -> Result<Option<i64>, String> {
        self.get(row, name)
            .map(|cell| {
                crate::domain::order::parse_money(cell)
                    .ok_or_else(|| format!("{name}: not an amount: {cell:?}"))
            })
            .transpose()
    }

    pub fn time(
        &self,
        row: &StringRecord,
        name: &str,
    ) -> Result<Option<chrono::DateTime<chrono::Utc>>, String> {
        self.get(row, name)
            .map(|cell| {
                super::times::parse_time(cell)
                    .ok_or_else(|| format!("{name}: not a date: {cell:?}"))
            })
            .transpose()
    }

    pub fn email(&self, row: &StringRecord, names: &[&str]) -> Result<Option<String>, String> {
        let Some(cell) = self.first(row, names) else {
            return Ok(None);
        };
        let valid = cell.split_once('@').is_some_and(|(l, d)| {
            !l.is_empty() && d.contains('.') && !cell.contains(char::is_whitespace)
        });
        if valid {
            Ok(Some(cell.to_lowercase()))
        } else {
            Err(format!("{}: not an e-mail address: {cell:?}", names[0]))
        }
    }

    pub fn quantity(&self, row: &StringRecord, name: &str) -> Result<Option<u32>, String> {
        self.get(row, name)
            .map(|cell| {
                cell.parse::<u32>()
                    .map_err(|_| format!("{name}: not a whole number: {cell:?}"))
            })
            .transpose()
    }

    pub fn status(
        &self,
        row: &StringRecord,
        name: &str,
    ) -> Result<Option<crate::domain::order::OrderStatus>, String> {
        self.get(row, name)
            .map(|cell| cell.parse().map_err(|e| format!("{name}: {e}")))
            .transpose()
    }
}

/// Line numbers by byte offset, counted on `\n`: the CSV reader's own count is one short
/// on files with CRLF line ends, and people open the file in an editor at the line we name.
pub struct Lines {
    newlines: Vec<usize>,
}

impl Lines {
    pub fn new(text: &str) -> Lines {
        Lines {
            newlines: text
                .bytes()
                .enumerate()
                .filter(|(_, b)| *b == b'\n')
                .map(|(i, _)| i)
                .collect(),
        }
    }

    /// The 1-based line a record starts on. After a CRLF the reader places the record
    /// on the `\n` that ends the line before, so a newline at the offset itself counts.
    pub fn of(&self, row: &StringRecord) -> u64 {
        let byte = row.position().map_or(0, |p| p.byte()) as usize;
        1 + self.newlines.partition_point(|&n| n <= byte) as u64
    }
}
