//! CSAT and NPS by e-mail, with no web page: the reply that solves a ticket carries one
//! `mailto:` link per answer, addressed to the shop, whose prefilled subject holds the
//! ticket's token and a vote token signed with the install's secret (HMAC-SHA256). A link
//! scanner that follows links sends nothing (a `mailto:` is not fetched); a customer who
//! edits the token, or a stranger who makes one up, is not counted.
//!
//! Token: `v1-` + the answer (`cg`/`co`/`cb` for Great/Okay/Bad, `n0`…`n10` for NPS) + `-`
//! + the first 12 bytes of the HMAC over the version, ticket and answer, base64url.

use std::fmt;
use std::sync::LazyLock;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use regex::Regex;
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use super::TicketId;

/// Bytes of the MAC kept in a token: 96 bits, out of reach of guessing, short enough for a
/// subject line.
const MAC_BYTES: usize = 12;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Csat {
    Good,
    Okay,
    Bad,
}

/// One answer to a survey. In a logged change it is written as its token code (`cg`,
/// `n7`), which says both the survey and the answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub enum Score {
    Csat(Csat),
    /// 0 to 10.
    Nps(u8),
}

/// Which survey a shop sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SurveyKind {
    Csat,
    Nps,
}

impl SurveyKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SurveyKind::Csat => "csat",
            SurveyKind::Nps => "nps",
        }
    }
}

impl From<Score> for String {
    fn from(s: Score) -> String {
        s.code()
    }
}

impl TryFrom<String> for Score {
    type Error = String;

    fn try_from(code: String) -> Result<Score, String> {
        Score::from_code(&code).ok_or_else(|| format!("'{code}' is not a vote"))
    }
}

impl Score {
    /// The answer as it is written in a token (`cg`, `n7`).
    pub fn code(self) -> String {
        match self {
            Score::Csat(Csat::Good) => "cg".into(),
            Score::Csat(Csat::Okay) => "co".into(),
            Score::Csat(Csat::Bad) => "cb".into(),
            Score::Nps(n) => format!("n{n}"),
        }
    }

    /// The answer from its token code (`cg`, `n7`).
    pub fn from_code(code: &str) -> Option<Score> {
        match code {
            "cg" => Some(Score::Csat(Csat::Good)),
            "co" => Some(Score::Csat(Csat::Okay)),
            "cb" => Some(Score::Csat(Csat::Bad)),
            n => n
                .strip_prefix('n')
                .and_then(|d| d.parse::<u8>().ok())
                .filter(|d| *d <= 10 && !n[1..].starts_with('0') || n == "n0")
                .map(Score::Nps),
        }
    }

    pub fn kind(self) -> SurveyKind {
        match self {
            Score::Csat(_) => SurveyKind::Csat,
            Score::Nps(_) => SurveyKind::Nps,
        }
    }

    /// Whether the answer should raise an alert: a Bad, or an NPS detractor (0–6).
    pub fn is_bad(self) -> bool {
        matches!(self, Score::Csat(Csat::Bad) | Score::Nps(0..=6))
    }
}

impl fmt::Display for Score {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Score::Csat(Csat::Good) => f.write_str("good"),
            Score::Csat(Csat::Okay) => f.write_str("okay"),
            Score::Csat(Csat::Bad) => f.write_str("bad"),
            Score::Nps(n) => write!(f, "{n}"),
        }
    }
}

fn mac(secret: &[u8], ticket: TicketId, score: Score) -> Hmac<Sha256> {
    // HMAC takes a key of any length; an empty one is refused by no implementation, but
    // an install always has a long random secret.
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(secret)
        .unwrap_or_else(|_| <Hmac<Sha256> as KeyInit>::new_from_slice(b"-").expect("key"));
    mac.update(format!("shopdesk-vote\0v1\0{ticket}\0{}", score.code()).as_bytes());
    mac
}

/// The signed token for `score` on `ticket`.
pub fn token(secret: &[u8], ticket: TicketId, score: Score) -> String {
    let tag = mac(secret, ticket, score).finalize().into_bytes();
    format!(
        "v1-{}-{}",
        score.code(),
        URL_SAFE_NO_PAD.encode(&tag[..MAC_BYTES])
    )
}

/// A vote token as found in a subject, not yet checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundToken {
    pub score: Score,
    tag: Vec<u8>,
}

static TOKEN: LazyLock<Regex> = LazyLock::new(|| {
    // a fixed pattern, compiled once; the table test runs it
    Regex::new(
        r"(?:^|[^A-Za-z0-9_-])v1-(c[gob]|n(?:10|[0-9]))-([A-Za-z0-9_-]{16})(?:$|[^A-Za-z0-9_-])",
    )
    .expect("token pattern")
});

/// The vote token in `subject`, if it holds one that reads as a token at all.
pub fn find_token(subject: &str) -> Option<FoundToken> {
    let caps = TOKEN.captures(subject)?;
    let score = Score::from_code(caps.get(1)?.as_str())?;
    let tag = URL_SAFE_NO_PAD.decode(caps.get(2)?.as_str()).ok()?;
    (tag.len() == MAC_BYTES).then_some(FoundToken { score, tag })
}

/// Why a token found in a subject does not count.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VoteError {
    #[error("a vote token that this install did not sign for ticket #{0} (edited or made up)")]
    Forged(TicketId),
}

/// The score, if `found` was signed by this install for `ticket` (constant-time check).
pub fn verify(secret: &[u8], ticket: TicketId, found: &FoundToken) -> Result<Score, VoteError> {
    mac(secret, ticket, found.score)
        .verify_truncated_left(&found.tag)
        .map(|()| found.score)
        .map_err(|_| VoteError::Forged(ticket))
}

/// One answer's link in the survey.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SurveyLink {
    pub score: Score,
    pub label: String,
    pub url: String,
}

/// What a `mailto:` query may hold unescaped: letters and digits only, so every mail
/// client reads the subject back the same.
const MAILTO: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_');

/// The survey's links in `language` (English for one we have no words for): each a
/// `mailto:` to `shop` whose subject is `subject` (with the ticket's own token) followed by
/// the signed vote token, and whose body invites a comment.
pub fn survey_links(
    secret: &[u8],
    shop: &str,
    subject: &str,
    ticket: TicketId,
    kind: SurveyKind,
    language: Option<&str>,
) -> Vec<SurveyLink> {
    let words = words(language);
    let scores: Vec<(Score, String)> = match kind {
        SurveyKind::Csat => vec![
            (Score::Csat(Csat::Good), words.good.to_string()),
            (Score::Csat(Csat::Okay), words.okay.to_string()),
            (Score::Csat(Csat::Bad), words.bad.to_string()),
        ],
        SurveyKind::Nps => (0..=10).map(|n| (Score::Nps(n), n.to_string())).collect(),
    };
    scores
        .into_iter()
        .map(|(score, label)| {
            let subject = format!("{subject} {}", token(secret, ticket, score));
            SurveyLink {
                url: format!(
                    "mailto:{}?subject={}&body={}",
                    utf8_percent_encode(shop, MAILTO)
                        .to_string()
                        .replace("%40", "@"),
                    utf8_percent_encode(&subject, MAILTO),
                    utf8_percent_encode(words.comment, MAILTO),
                ),
                score,
                label,
            }
        })
        .collect()
}

/// The survey's words in one language.
pub struct Words {
    pub good: &'static str,
    pub okay: &'static str,
    pub bad: &'static str,
    /// The prefilled body: an invitation to say more.
    pub comment: &'static str,
    /// The question above the CSAT links.
    pub ask_csat: &'static str,
    /// The question above the NPS links.
    pub ask_nps: &'static str,
}

/// The words for `language` (`en` when there are none for it).
pub fn words(language: Option<&str>) -> Words {
    let (good, okay, bad, comment, ask_csat, ask_nps) = match language.unwrap_or("en") {
        "sv" => (
            "Bra",
            "Okej",
            "Dåligt",
            "Vill du berätta mer? Skriv här:",
            "Hur gick det? Välj ett svar och skicka mejlet som öppnas:",
            "Hur troligt är det att du rekommenderar oss till en vän (0–10)? Välj och skicka mejlet som öppnas:",
        ),
        "tr" => (
            "Harika",
            "İdare eder",
            "Kötü",
            "Eklemek istediğiniz bir şey var mı? Buraya yazın:",
            "Nasıl yaptık? Birini seçin ve açılan e-postayı gönderin:",
            "Bizi bir arkadaşınıza önerme olasılığınız nedir (0–10)? Birini seçin ve açılan e-postayı gönderin:",
        ),
        "ru" => (
            "Отлично",
            "Нормально",
            "Плохо",
            "Хотите что-то добавить? Напишите здесь:",
            "Как мы справились? Выберите ответ и отправьте открывшееся письмо:",
            "Насколько вероятно, что вы порекомендуете нас другу (0–10)? Выберите ответ и отправьте открывшееся письмо:",
        ),
        "zh" => (
            "很好",
            "一般",
            "不好",
            "还有什么想告诉我们的吗？请写在这里：",
            "您对我们的服务满意吗？请选择一项并发送打开的邮件：",
            "您向朋友推荐我们的可能性有多大（0–10）？请选择一项并发送打开的邮件：",
        ),
        "de" => (
            "Super",
            "Okay",
            "Schlecht",
            "Möchten Sie noch etwas sagen? Schreiben Sie hier:",
            "Wie waren wir? Wählen Sie eine Antwort und senden Sie die geöffnete E-Mail:",
            "Wie wahrscheinlich ist es, dass Sie uns weiterempfehlen (0–10)? Wählen Sie eine Antwort und senden Sie die geöffnete E-Mail:",
        ),
        "fi" => (
            "Hyvä",
            "Ihan ok",
            "Huono",
            "Haluatko kertoa lisää? Kirjoita tähän:",
            "Miten onnistuimme? Valitse vastaus ja lähetä avautuva viesti:",
            "Kuinka todennäköisesti suosittelisit meitä ystävällesi (0–10)? Valitse vastaus ja lähetä avautuva viesti:",
        ),
        "da" => (
            "Godt",
            "Okay",
            "Dårligt",
            "Vil du fortælle mere? Skriv her:",
            "Hvordan klarede vi det? Vælg et svar og send den mail, der åbnes:",
            "Hvor sandsynligt er det, at du vil anbefale os til en ven (0–10)? Vælg et svar og send den mail, der åbnes:",
        ),
        "no" | "nb" | "nn" => (
            "Bra",
            "Greit",
            "Dårlig",
            "Vil du fortelle mer? Skriv her:",
            "Hvordan gjorde vi det? Velg et svar og send e-posten som åpnes:",
            "Hvor sannsynlig er det at du vil anbefale oss til en venn (0–10)? Velg et svar og send e-posten som åpnes:",
        ),
        "fr" => (
            "Très bien",
            "Correct",
            "Mauvais",
            "Vous voulez en dire plus ? Écrivez ici :",
            "Comment avons-nous fait ? Choisissez une réponse et envoyez le mail qui s'ouvre :",
            "Quelle est la probabilité que vous nous recommandiez à un ami (0–10) ? Choisissez une réponse et envoyez le mail qui s'ouvre :",
        ),
        "es" => (
            "Genial",
            "Normal",
            "Mal",
            "¿Quiere contarnos algo más? Escriba aquí:",
            "¿Qué tal lo hicimos? Elija una respuesta y envíe el correo que se abre:",
            "¿Qué probabilidad hay de que nos recomiende a un amigo (0–10)? Elija una respuesta y envíe el correo que se abre:",
        ),
        "it" => (
            "Ottimo",
            "Così così",
            "Male",
            "Vuole dirci di più? Scriva qui:",
            "Com'è andata? Scelga una risposta e invii l'e-mail che si apre:",
            "Quanto è probabile che ci consigli a un amico (0–10)? Scelga una risposta e invii l'e-mail che si apre:",
        ),
        "nl" => (
            "Goed",
            "Oké",
            "Slecht",
            "Wilt u nog iets kwijt? Schrijf het hier:",
            "Hoe hebben we het gedaan? Kies een antwoord en verstuur de mail die opent:",
            "Hoe waarschijnlijk is het dat u ons aanbeveelt aan een vriend (0–10)? Kies een antwoord en verstuur de mail die opent:",
        ),
        "pl" => (
            "Świetnie",
            "W porządku",
            "Źle",
            "Chcesz coś dodać? Napisz tutaj:",
            "Jak nam poszło? Wybierz odpowiedź i wyślij otwartą wiadomość:",
            "Jak bardzo prawdopodobne jest, że polecisz nas znajomemu (0–10)? Wybierz odpowiedź i wyślij otwartą wiadomość:",
        ),
        "ja" => (
            "良い",
            "普通",
            "悪い",
            "ご意見があればこちらにお書きください：",
            "対応はいかがでしたか？ひとつ選んで、開いたメールを送信してください：",
            "当店を友人に薦める可能性はどのくらいですか（0〜10）？ひとつ選んで、開いたメールを送信してください：",
        ),
        _ => (
            "Great",
            "Okay",
            "Bad",
            "Anything to add? Write it here:",
            "How did we do? Pick one and send the mail it opens:",
            "How likely are you to recommend us to a friend (0–10)? Pick one and send the mail it opens:",
        ),
    };
    Words {
        good,
        okay,
        bad,
        comment,
        ask_csat,
        ask_nps,
    }
}

/// The customer's comment in a vote mail: the body without the prefilled invitation (in
/// any of our languages) and without quoted mail, trimmed; `None` when nothing is left.
pub fn comment(body: &str) -> Option<String> {
    let invitations: Vec<&str> = LANGUAGES.iter().map(|l| words(Some(l)).comment).collect();
    let mut kept = Vec::new();
    for line in body.lines() {
        let t = line.trim();
        if t.starts_with('>') {
            continue;
        }
        let mut rest = t;
        for inv in &invitations {
            if let Some(after) = rest.strip_prefix(inv) {
                rest = after.trim_start();
            }
        }
        kept.push(rest);
    }
    let text = kept.join("\n").trim().to_string();
    (!text.is_empty()).then_some(text)
}

const LANGUAGES: [&str; 15] = [
    "en", "sv", "tr", "ru", "zh", "de", "fi", "da", "no", "fr", "es", "it", "nl", "pl", "ja",
];

pub mod survey;

#[cfg(test)]
mod tests;
