//! Which language a customer writes in, to pick a template variant and a queue.

use whatlang::Lang;

/// Below this many letters a guess is noise.
const MIN_LETTERS: usize = 12;

/// How many characters of a text detection reads: a hundred words say which language
/// they are in, and detection cost grows with length (at 2,000 characters it was a third
/// of the work of preparing a synced message).
pub const SAMPLE_CHARS: usize = 600;

/// The longest prefix of `text` of at most `max` bytes that ends on a character boundary.
pub fn prefix(text: &str, max: usize) -> &str {
    let mut end = max.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// The ISO 639-1 code of the text's language, or `None` when the guess is unreliable.
pub fn detect_language(text: &str) -> Option<String> {
    let sample = text
        .char_indices()
        .nth(SAMPLE_CHARS)
        .map_or(text, |(end, _)| &text[..end]);
    if sample.chars().filter(|c| c.is_alphabetic()).count() < MIN_LETTERS {
        return None;
    }
    let info = detector().detect(sample)?;
    if !info.is_reliable() && info.confidence() < 0.5 {
        return None;
    }
    tracing::trace!(lang = ?info.lang(), confidence = info.confidence(), "language");
    iso639_1(info.lang()).map(str::to_string)
}

/// Detection limited to the languages we map: among close relatives (Russian, Bulgarian,
/// Ukrainian; Swedish, Danish, Norwegian) whatlang's short-text guesses otherwise drift to
/// languages a shop rarely hears from.
fn detector() -> &'static whatlang::Detector {
    static DETECTOR: std::sync::OnceLock<whatlang::Detector> = std::sync::OnceLock::new();
    DETECTOR.get_or_init(|| {
        let langs = Lang::all()
            .iter()
            .copied()
            .filter(|l| iso639_1(*l).is_some())
            .collect();
        whatlang::Detector::with_allowlist(langs)
    })
}

fn iso639_1(lang: Lang) -> Option<&'static str> {
    Some(match lang {
        Lang::Eng => "en",
        Lang::Swe => "sv",
        Lang::Tur => "tr",
        Lang::Rus => "ru",
        Lang::Cmn => "zh",
        Lang::Deu => "de",
        Lang::Fra => "fr",
        Lang::Spa => "es",
        Lang::Ita => "it",
        Lang::Nld => "nl",
        Lang::Dan => "da",
        Lang::Nob => "nb",
        Lang::Fin => "fi",
        Lang::Pol => "pl",
        Lang::Por => "pt",
        Lang::Jpn => "ja",
        Lang::Kor => "ko",
        Lang::Ara => "ar",
        Lang::Ces => "cs",
        Lang::Ell => "el",
        Lang::Heb => "he",
        Lang::Hun => "hu",
        Lang::Ron => "ro",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_the_languages_we_receive() {
        let cases = [
            (
                "en",
                "Hello, I ordered a pair of shoes last week and they have not arrived yet. Where is my order?",
            ),
            (
                "sv",
                "Hej! Jag beställde ett par skor förra veckan och de har fortfarande inte kommit. Var är min beställning?",
            ),
            (
                "tr",
                "Merhaba, geçen hafta bir çift ayakkabı sipariş ettim ve hâlâ gelmedi. Siparişim nerede acaba?",
            ),
            (
                "ru",
                "Здравствуйте! Я заказал пару обуви на прошлой неделе, и она до сих пор не пришла. Где мой заказ?",
            ),
            (
                "zh",
                "你好，我上周订购了一双鞋，到现在还没有收到。请问我的订单在哪里？",
            ),
            (
                "de",
                "Hallo, ich habe letzte Woche ein Paar Schuhe bestellt und sie sind immer noch nicht angekommen.",
            ),
        ];
        for (want, text) in cases {
            assert_eq!(detect_language(text).as_deref(), Some(want), "{text}");
        }
    }

    /// Detection gives what the published whatlang gave, to the last bit of confidence, on
    /// texts of every language a shop hears from, whole and cut short (recorded from it in
    /// tests/fixtures/language/reference.json; ours indexes the profiles, see
    /// vendor/whatlang/PATCHES.md).
    #[test]
    fn detections_are_the_published_ones() {
        #[derive(serde::Deserialize)]
        struct Case {
            text: String,
            lang: Option<String>,
            /// The confidence's bits: a decimal read back may be a bit off.
            confidence_bits: Option<u64>,
        }
        let cases: Vec<Case> =
            serde_json::from_str(include_str!("../../tests/fixtures/language/reference.json"))
                .expect("reference");
        assert!(cases.len() > 500);
        for case in &cases {
            let info = detector().detect(&case.text);
            assert_eq!(
                info.as_ref().map(|i| i.lang().code().to_string()),
                case.lang,
                "{:?}",
                case.text
            );
            assert_eq!(
                info.as_ref().map(|i| i.confidence().to_bits()),
                case.confidence_bits,
                "{:?}",
                case.text
            );
        }
    }

    #[test]
    fn prefixes_end_on_character_boundaries() {
        let cases = [
            ("hello", 3, "hel"),
            ("hello", 10, "hello"),
            ("", 4, ""),
            ("åäö", 3, "å"),
            ("åäö", 4, "åä"),
            ("退货", 5, "退"),
            ("退货", 2, ""),
        ];
        for (text, max, want) in cases {
            assert_eq!(prefix(text, max), want, "{text} {max}");
        }
    }

    #[test]
    fn only_the_opening_is_read() {
        // A long English opening decides, whatever follows it.
        let opening = "Hello, I ordered a pair of shoes last week and they have not arrived. "
            .repeat(SAMPLE_CHARS / 40);
        let tail = "Здравствуйте! Я заказал пару обуви на прошлой неделе. ".repeat(400);
        assert_eq!(
            detect_language(&format!("{opening}{tail}")).as_deref(),
            Some("en")
        );
        assert_eq!(detect_language(&tail).as_deref(), Some("ru"));
    }

    #[test]
    fn too_short_is_unknown() {
        assert_eq!(detect_language("ok thx"), None);
        assert_eq!(detect_language(""), None);
        assert_eq!(detect_language("12345 !!!"), None);
    }
}
