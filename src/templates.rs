//! Canned replies: one file per template and language (`wismo.sv.md`), a small TOML front
//! matter between `---` lines (subject override, tags to add, status to set afterwards),
//! and a minijinja body. Shipped templates are embedded; files of the same name in the
//! config folder's `templates/` (or `[shop] templates`) replace them.
//!
//! Rendering is strict: printing a variable that is not there is an error naming
//! template:line, so no `{{ }}` and no empty hole ever reaches a customer. A template that
//! uses order details when the ticket has no order says so instead of rendering.

mod context;
mod order_words;
mod shipped;

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use minijinja::{Environment, UndefinedBehavior};
use serde::Deserialize;

pub use context::{CustomerVars, OrderVars, RenderContext, ShopVars, TicketVars};

use crate::domain::Status;

#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    #[error("unknown template '{name}'; known: {known}")]
    Unknown { name: String, known: String },
    #[error("{file}:{line}: {message}")]
    Syntax {
        file: String,
        line: usize,
        message: String,
    },
    #[error("{file}:{line}: {message}")]
    Render {
        file: String,
        line: usize,
        message: String,
    },
    #[error("{file}: front matter: {message}")]
    FrontMatter { file: String, message: String },
    #[error(
        "template '{file}' uses order details, but {customer} has no order on file; import orders or answer by hand"
    )]
    NoOrder { file: String, customer: String },
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// What a template's front matter may set.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    pub subject: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    pub status: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Template {
    pub name: String,
    pub language: String,
    /// Where it came from: a file path or `templates/NAME.LANG.md` for shipped ones.
    pub file: String,
    pub front: FrontMatter,
    pub body: String,
    /// Lines before the body, so errors point at the file's line.
    body_offset: usize,
}

/// A rendered reply, ready for the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub template: String,
    pub language: String,
    pub subject: Option<String>,
    pub body: String,
    pub tags: Vec<String>,
    pub status: Option<Status>,
}

/// Every template known, by name then language.
#[derive(Debug, Clone, Default)]
pub struct Templates {
    by_name: BTreeMap<String, BTreeMap<String, Template>>,
    default_language: String,
}

impl Templates {
    /// Shipped templates, then every `NAME.LANG.md` in `dirs` (later ones win).
    pub fn load(dirs: &[PathBuf], default_language: &str) -> Result<Templates, TemplateError> {
        let mut t = Templates {
            by_name: BTreeMap::new(),
            default_language: default_language.to_string(),
        };
        for (file, text) in shipped::SHIPPED {
            t.insert(parse_file(&format!("templates/{file}"), file, text)?);
        }
        for dir in dirs {
            let entries = match std::fs::read_dir(dir) {
                Ok(e) => e,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(source) => {
                    return Err(TemplateError::Io {
                        path: dir.clone(),
                        source,
                    });
                }
            };
            let mut files: Vec<PathBuf> = entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "md"))
                .collect();
            files.sort();
            for path in files {
                let text = std::fs::read_to_string(&path).map_err(|source| TemplateError::Io {
                    path: path.clone(),
                    source,
                })?;
                let file_name = path.file_name().and_then(|f| f.to_str()).unwrap_or("");
                t.insert(parse_file(&path.display().to_string(), file_name, &text)?);
            }
        }
        Ok(t)
    }

    /// Shipped templates only.
    pub fn shipped(default_language: &str) -> Result<Templates, TemplateError> {
        Templates::load(&[], default_language)
    }

    fn insert(&mut self, t: Template) {
        self.by_name
            .entry(t.name.clone())
            .or_default()
            .insert(t.language.clone(), t);
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.by_name.keys().map(String::as_str)
    }

    pub fn all(&self) -> impl Iterator<Item = &Template> {
        self.by_name.values().flat_map(|m| m.values())
    }

    pub fn languages(&self, name: &str) -> Vec<&str> {
        self.by_name
            .get(name)
            .map(|m| m.keys().map(String::as_str).collect())
            .unwrap_or_default()
    }

    /// The variant for `language`, else the default language, else any.
    pub fn pick(&self, name: &str, language: Option<&str>) -> Result<&Template, TemplateError> {
        let variants = self
            .by_name
            .get(name)
            .ok_or_else(|| TemplateError::Unknown {
                name: name.to_string(),
                known: self.names().collect::<Vec<_>>().join(", "),
            })?;
        language
            .and_then(|l| variants.get(l))
            .or_else(|| variants.get(&self.default_language))
            .or_else(|| variants.values().next())
            .ok_or_else(|| TemplateError::Unknown {
                name: name.to_string(),
                known: String::new(),
            })
    }

    /// Renders `name` in the ticket's language.
    pub fn render(
        &self,
        name: &str,
        language: Option<&str>,
        ctx: &RenderContext,
    ) -> Result<Rendered, TemplateError> {
        self.pick(name, language)?.render(ctx)
    }

    /// Checks every template: syntax, known variables, and a render with sample values.
    pub fn lint(&self) -> Vec<TemplateError> {
        let sample = RenderContext::sample();
        let mut errors = Vec::new();
        for t in self.all() {
            if let Err(e) = t.check_variables() {
                errors.push(e);
                continue;
            }
            if let Err(e) = t.render(&sample) {
                errors.push(e);
            }
        }
        errors
    }
}

fn parse_file(file: &str, file_name: &str, text: &str) -> Result<Template, TemplateError> {
    let stem = file_name.strip_suffix(".md").unwrap_or(file_name);
    let (name, language) = match stem.rsplit_once('.') {
        Some((n, l)) if l.len() == 2 && l.chars().all(|c| c.is_ascii_lowercase()) => (n, l),
        _ => {
            return Err(TemplateError::FrontMatter {
                file: file.to_string(),
                message: "template files are named NAME.LANG.md, e.g. wismo.en.md".into(),
            });
        }
    };
    let text = text.replace("\r\n", "\n");
    let (front, body, offset) = match text.strip_prefix("---\n") {
        Some(rest) => {
            let end = rest
                .find("\n---\n")
                .or_else(|| rest.starts_with("---\n").then_some(0));
            let Some(end) = end else {
                return Err(TemplateError::FrontMatter {
                    file: file.to_string(),
                    message: "the front matter opened with --- is never closed".into(),
                });
            };
            let (fm, body) = if end == 0 && rest.starts_with("---\n") {
                ("", &rest[4..])
            } else {
                (&rest[..end], &rest[end + 5..])
            };
            let front: FrontMatter =
                toml::from_str(fm).map_err(|e| TemplateError::FrontMatter {
                    file: file.to_string(),
                    message: e.message().to_string(),
                })?;
            let offset = fm.lines().count() + 2;
            (front, body.to_string(), offset)
        }
        None => (FrontMatter::default(), text.clone(), 0),
    };
    if let Some(s) = &front.status {
        s.parse::<Status>()
            .map_err(|_| TemplateError::FrontMatter {
                file: file.to_string(),
                message: format!("status '{s}' is not one of new, open, pending, solved, closed"),
            })?;
    }
    Ok(Template {
        name: name.to_string(),
        language: language.to_string(),
        file: file.to_string(),
        front,
        body,
        body_offset: offset,
    })
}

const VARIABLES: &[&str] = &["customer", "ticket", "agent", "shop", "order", "reply_by"];

impl Template {
    fn env(&self) -> Result<Environment<'static>, TemplateError> {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::SemiStrict);
        env.add_template_owned("body".to_string(), self.body.clone())
            .map_err(|e| self.error(e, true))?;
        if let Some(s) = &self.front.subject {
            env.add_template_owned("subject".to_string(), s.clone())
                .map_err(|e| self.error(e, true))?;
        }
        Ok(env)
    }

    fn error(&self, e: minijinja::Error, syntax: bool) -> TemplateError {
        let line = e.line().unwrap_or(1) + self.body_offset;
        let mut message = e
            .detail()
            .map_or_else(|| e.kind().to_string(), str::to_string);
        if e.kind() == minijinja::ErrorKind::UndefinedError {
            message = format!("a variable used here has no value ({message})");
        }
        if syntax {
            TemplateError::Syntax {
                file: self.file.clone(),
                line,
                message,
            }
        } else {
            TemplateError::Render {
                file: self.file.clone(),
                line,
                message,
            }
        }
    }

    /// Top-level variables the template uses.
    pub fn variables(&self) -> Result<HashSet<String>, TemplateError> {
        let env = self.env()?;
        let mut vars = HashSet::new();
        for name in ["body", "subject"] {
            if let Ok(t) = env.get_template(name) {
                vars.extend(t.undeclared_variables(false));
            }
        }
        Ok(vars)
    }

    fn check_variables(&self) -> Result<(), TemplateError> {
        for v in self.variables()? {
            if !VARIABLES.contains(&v.as_str()) {
                let line = self
                    .body
                    .lines()
                    .position(|l| l.contains(&v))
                    .map_or(1, |i| i + 1)
                    + self.body_offset;
                return Err(TemplateError::Render {
                    file: self.file.clone(),
                    line,
                    message: format!(
                        "unknown variable `{v}`; templates know {}",
                        VARIABLES.join(", ")
                    ),
                });
            }
        }
        Ok(())
    }

    pub fn render(&self, ctx: &RenderContext) -> Result<Rendered, TemplateError> {
        self.check_variables()?;
        if ctx.order.is_none() && self.needs_order() {
            return Err(TemplateError::NoOrder {
                file: self.file.clone(),
                customer: ctx.customer.email.clone(),
            });
        }
        let env = self.env()?;
        // Order words print in the template's language.
        let mut ctx = ctx.clone();
        if let Some(o) = ctx.order.as_mut() {
            o.status = order_words::status_word(&o.status, &self.language);
        }
        let render = |name: &str| -> Result<String, TemplateError> {
            env.get_template(name)
                .and_then(|t| t.render(minijinja::value::Serde(&ctx)))
                .map_err(|e| self.error(e, false))
        };
        let body = render("body")?;
        let subject = match &self.front.subject {
            Some(_) => Some(render("subject")?.trim().to_string()),
            None => None,
        };
        Ok(Rendered {
            template: self.name.clone(),
            language: self.language.clone(),
            subject,
            body: body.trim_end().to_string() + "\n",
            tags: self.front.tags.clone(),
            status: self.front.status.as_deref().and_then(|s| s.parse().ok()),
        })
    }

    /// Whether the template prints order details outside an `{% if order %}` guard.
    fn needs_order(&self) -> bool {
        let mut depth_guarded = 0usize;
        for piece in self.body.split("{%").skip(1) {
            let tag = piece.split("%}").next().unwrap_or("").trim();
            if tag.starts_with("if order") && !tag.starts_with("if order.") {
                depth_guarded += 1;
            }
        }
        let prints_order = self.body.contains("{{ order.") || self.body.contains("{{order.");
        let tests_order_fields = self.body.contains("{% if order.");
        (prints_order || tests_order_fields) && depth_guarded == 0
    }
}

/// The user's template folders: the config folder's `templates/` and `[shop] templates`.
pub fn user_dirs(config: &crate::config::Config) -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    let base = config
        .path
        .as_deref()
        .and_then(Path::parent)
        .map(Path::to_path_buf)
        .unwrap_or_else(crate::config::config_dir);
    dirs.push(base.join("templates"));
    if let Some(extra) = &config.shop.templates {
        dirs.push(extra.clone());
    }
    dirs
}

#[cfg(test)]
mod tests;
