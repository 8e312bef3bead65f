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

/// Opens `text` in the user's editor and returns what was saved.
pub fn edit(text: &str) -> Result<String, EditorError> {
    edit_with(command(), text)
}

/// Opens `text` in `editor` (a command line) and returns what was saved.
pub fn edit_with(editor: String, text: &str) -> Result<String, EditorError> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_editor_gets_the_text_and_gives_back_what_it_saved() {
        // (editor command line, text in, text out or the error's start)
        let cases: &[(&str, &str, Result<&str, &str>)] = &[
            ("true", "draft", Ok("draft")),
            ("sed -i s/colour/color/", "my colour", Ok("my color")),
            ("sh -c 'printf hi > \"$0\"'", "", Ok("hi")),
            ("false", "draft", Err("false exited with")),
            ("exit 3 #", "draft", Err("exit 3 # exited with")),
        ];
        for (editor, text, want) in cases {
            let got = edit_with((*editor).to_string(), text).map_err(|e| e.to_string());
            match (got, want) {
                (Ok(got), Ok(want)) => assert_eq!(got, *want, "{editor}"),
                (Err(got), Err(want)) => assert!(got.starts_with(want), "{editor}: {got}"),
                (got, want) => panic!("{editor}: {got:?}, wanted {want:?}"),
            }
        }
    }
}
