//! The user's editor (`$VISUAL`, else `$EDITOR`, else vi) on a text in a temporary file:
//! how `reply --editor` and the console's composer hand a reply to it. The caller owns the
//! terminal around it (the console gives it up first).

use std::process::ExitStatus;

#[derive(Debug, thiserror::Error)]
pub enum EditorError {
    #[error("{editor} exited with {status}")]
    Failed { editor: String, status: ExitStatus },
    #[error("{editor}: {source}")]
    Io {
        editor: String,
        source: std::io::Error,
    },
}

/// The command line that starts the editor; may hold arguments (`code -w`).
pub fn command() -> String {
    std::env::var("VISUAL")
        .or_else(|_| std::env::var("EDITOR"))
        .unwrap_or_else(|_| "vi".into())
}

/// Opens `text` in the editor and returns what was saved.
pub fn edit(text: &str) -> Result<String, EditorError> {
    let editor = command();
    let io = |source| EditorError::Io {
        editor: editor.clone(),
        source,
    };
    let file = tempfile::Builder::new()
        .suffix(".txt")
        .tempfile()
        .map_err(io)?;
    std::fs::write(file.path(), text).map_err(io)?;
    // Through the shell, so an editor given with arguments works; the file is passed as
    // `$1`, never spliced into the command.
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("{editor} \"$1\""))
        .arg("sh")
        .arg(file.path())
        .status()
        .map_err(io)?;
    if !status.success() {
        return Err(EditorError::Failed { editor, status });
    }
    std::fs::read_to_string(file.path()).map_err(io)
}
