//! query (minimal placeholder, replaced by the full parser)

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Query {
    pub words: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{message}")]
pub struct QueryError {
    pub message: String,
}

impl QueryError {
    pub fn render_caret(&self, input: &str) -> String {
        input.to_string()
    }
}

pub fn parse_query(input: &str) -> Result<Query, QueryError> {
    Ok(Query {
        words: input.split_whitespace().map(str::to_string).collect(),
    })
}
