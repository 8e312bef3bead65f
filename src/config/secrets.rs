//! Secrets from the user's own commands and environment: passwords (`password_cmd`,
//! `password_env`, `password`) and OAuth2 access tokens (`oauth2_token_cmd`).

use std::process::{Command, Stdio};

use super::{ConfigError, PasswordSource, ServerConfig};

impl ServerConfig {
    /// Resolves the password, running `password_cmd` if that is the source.
    pub fn resolve_password(&self, account: &str) -> Result<Option<String>, ConfigError> {
        let err = |what: &str, message: String| ConfigError::Password {
            account: account.to_string(),
            what: what.to_string(),
            message,
        };
        match &self.password {
            PasswordSource::None => Ok(None),
            PasswordSource::Plain(p) => Ok(Some(p.clone())),
            PasswordSource::Env(var) => std::env::var(var).map(Some).map_err(|_| {
                err(
                    "password_env",
                    format!("environment variable {var} is not set"),
                )
            }),
            PasswordSource::Command(cmd) => {
                let out = run_secret_cmd(cmd).map_err(|status| ConfigError::PasswordCommand {
                    account: account.to_string(),
                    status,
                })?;
                // like pass(1): the first line is the password
                Ok(Some(out.lines().next().unwrap_or("").to_string()))
            }
        }
    }

    /// Runs `oauth2_token_cmd` for a fresh access token (None without OAuth2). Run again
    /// when the server turns a token down: the user's helper refreshes it.
    pub fn fetch_token(&self, account: &str) -> Result<Option<String>, ConfigError> {
        let Some(oauth2) = &self.oauth2 else {
            return Ok(None);
        };
        let failed = |status: String| ConfigError::TokenCommand {
            account: account.to_string(),
            status,
        };
        let out = run_secret_cmd(&oauth2.token_cmd).map_err(failed)?;
        let token = out.lines().next().unwrap_or("").trim().to_string();
        if token.is_empty() {
            return Err(failed("exit 0, but it printed no token".into()));
        }
        Ok(Some(token))
    }
}

/// Runs a user's secret-printing command; stdout on success, else how it ended. Neither the
/// command line nor its stderr goes into an error: either may hold a secret. Its stderr is
/// dropped rather than inherited, as it would otherwise tear through the console's screen.
fn run_secret_cmd(cmd: &str) -> Result<String, String> {
    let out = Command::new("sh")
        .arg("-c")
        .arg(cmd)
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .map_err(|e| format!("cannot start sh: {}", e.kind()))?;
    if !out.status.success() {
        return Err(exit_status(out.status));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// "exit 3" or "killed by signal 9".
fn exit_status(status: std::process::ExitStatus) -> String {
    use std::os::unix::process::ExitStatusExt;
    match (status.code(), status.signal()) {
        (Some(code), _) => format!("exit {code}"),
        (None, Some(signal)) => format!("killed by signal {signal}"),
        (None, None) => status.to_string(),
    }
}
