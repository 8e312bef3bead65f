//! `[survey]`: whether solved tickets ask the customer for a CSAT or NPS vote, when, and
//! which addresses are never asked. Raw TOML in, `SurveyConfig` out; a bad value names its
//! key and line.

use std::path::Path;

use chrono::Duration;
use serde::Deserialize;
use toml::Spanned;

use super::ConfigError;
use super::service::parse_duration;
use crate::domain::vote::SurveyKind;
use crate::domain::vote::survey::{NEVER_DEFAULTS, SurveyWhen, never_surveyed};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SurveyConfig {
    pub enabled: bool,
    pub kind: SurveyKind,
    pub when: SurveyWhen,
    /// Address patterns (`*` wildcards) never surveyed: the built-in ones, then the
    /// config's `never`.
    pub never: Vec<String>,
}

impl Default for SurveyConfig {
    fn default() -> Self {
        SurveyConfig {
            enabled: false,
            kind: SurveyKind::Csat,
            when: SurveyWhen::WithSolvingReply,
            never: NEVER_DEFAULTS.iter().map(|s| s.to_string()).collect(),
        }
    }
}

impl SurveyConfig {
    /// Whether `email` may be asked at all.
    pub fn may_survey(&self, email: &str) -> bool {
        self.enabled && !email.trim().is_empty() && !never_surveyed(&self.never, email)
    }
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSurvey {
    enabled: Option<bool>,
    kind: Option<Spanned<String>>,
    when: Option<Spanned<String>>,
    #[serde(default)]
    never: Vec<Spanned<String>>,
}

impl RawSurvey {
    pub(super) fn validate(self, path: &Path, text: &str) -> Result<SurveyConfig, ConfigError> {
        let at = |v: &Spanned<String>, key: &str, message: String| ConfigError::At {
            path: path.to_path_buf(),
            line: super::line_col(text, v.span().start).0,
            key: format!("survey.{key}"),
            message,
        };
        let mut c = SurveyConfig {
            enabled: self.enabled.unwrap_or(false),
            ..SurveyConfig::default()
        };
        if let Some(k) = &self.kind {
            c.kind = match k.get_ref().trim() {
                "csat" => SurveyKind::Csat,
                "nps" => SurveyKind::Nps,
                other => {
                    return Err(at(
                        k,
                        "kind",
                        format!("'{other}' is not a survey kind; use \"csat\" or \"nps\""),
                    ));
                }
            };
        }
        if let Some(w) = &self.when {
            let s = w.get_ref().trim();
            c.when = if s == "with_solving_reply" {
                SurveyWhen::WithSolvingReply
            } else {
                match parse_duration(s) {
                    Some(d) if d > Duration::zero() => SurveyWhen::After(d),
                    _ => {
                        return Err(at(
                            w,
                            "when",
                            format!(
                                "'{s}' is neither \"with_solving_reply\" nor a delay after \
                                 solving such as \"24h\" or \"2d\""
                            ),
                        ));
                    }
                }
            };
        }
        for p in &self.never {
            let v = p.get_ref().trim();
            if v.is_empty() || v.chars().any(char::is_whitespace) {
                return Err(at(
                    p,
                    "never",
                    format!("'{v}' is not an address pattern such as \"*@wholesale.example\""),
                ));
            }
            c.never.push(v.to_lowercase());
        }
        Ok(c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(body: &str) -> Result<SurveyConfig, ConfigError> {
        #[derive(Deserialize)]
        struct Doc {
            survey: RawSurvey,
        }
        let text = format!("\n[survey]\n{body}");
        let doc: Doc = toml::from_str(&text).map_err(|e| ConfigError::Syntax {
            path: "config.toml".into(),
            line: 0,
            column: 0,
            message: e.to_string(),
        })?;
        doc.survey.validate(Path::new("config.toml"), &text)
    }

    #[test]
    fn valid_sections() {
        #[rustfmt::skip]
        let cases = [
            ("", false, SurveyKind::Csat, SurveyWhen::WithSolvingReply),
            ("enabled = true\nkind = \"nps\"", true, SurveyKind::Nps, SurveyWhen::WithSolvingReply),
            ("enabled = true\nwhen = \"24h\"", true, SurveyKind::Csat,
             SurveyWhen::After(Duration::hours(24))),
            ("when = \"with_solving_reply\"\nkind = \"csat\"", false, SurveyKind::Csat,
             SurveyWhen::WithSolvingReply),
        ];
        for (body, enabled, kind, when) in cases {
            let c = parse(body).expect(body);
            assert_eq!((c.enabled, c.kind, c.when), (enabled, kind, when), "{body}");
        }
    }

    #[test]
    fn bad_values_name_key_and_line() {
        #[rustfmt::skip]
        let cases = [
            ("enabled = true\nkind = \"stars\"", "config.toml:4: survey.kind: 'stars'"),
            ("when = \"later\"", "config.toml:3: survey.when: 'later'"),
            ("when = \"0h\"", "config.toml:3: survey.when: '0h'"),
            ("never = [\"ok@*\",\n \"\"]", "config.toml:4: survey.never: ''"),
        ];
        for (body, want) in cases {
            let msg = parse(body).expect_err(body).to_string();
            assert!(msg.starts_with(want), "{body}: {msg}");
        }
    }

    #[test]
    fn who_may_be_surveyed() {
        let c = parse("enabled = true\nnever = [\"*@Wholesale.example\"]").expect("ok");
        #[rustfmt::skip]
        let cases = [
            ("anna@example.test", true), ("no-reply@example.test", false),
            ("joe@wholesale.example", false), ("x@marketplace.amazon.com", false), ("", false),
        ];
        for (email, want) in cases {
            assert_eq!(c.may_survey(email), want, "{email}");
        }
        assert!(
            !SurveyConfig::default().may_survey("anna@example.test"),
            "off by default"
        );
    }
}
