//! Folding text for the full-text index, applied alike to indexed text and to query words,
//! so that a search finds words the way customers and agents type them:
//! - Turkish and Swedish typed without diacritics: SQLite's `unicode61 remove_diacritics 2`
//!   handles decomposable letters (ş, ğ, ö, å, ä, é …); the letters that do not decompose
//!   (ı, İ, ø, æ, œ, ł, đ, ß) are mapped here.
//! - Chinese, Japanese and Korean: the tokenizer sees a run of CJK as one token, so each
//!   run is rewritten as overlapping bigrams ("我想退货" → "我想 想退 退货"); a query word
//!   folds the same way and matches as a phrase.

use std::borrow::Cow;

pub fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{3040}'..='\u{30FF}'     // hiragana, katakana
        | '\u{3400}'..='\u{4DBF}'   // CJK extension A
        | '\u{4E00}'..='\u{9FFF}'   // CJK unified ideographs
        | '\u{AC00}'..='\u{D7AF}'   // hangul syllables
        | '\u{F900}'..='\u{FAFF}'   // compatibility ideographs
        | '\u{20000}'..='\u{2FA1F}')
}

fn needs_folding(c: char) -> bool {
    matches!(
        c,
        'ı' | 'İ' | 'ø' | 'Ø' | 'æ' | 'Æ' | 'œ' | 'Œ' | 'ł' | 'Ł' | 'đ' | 'Đ' | 'ß'
    ) || is_cjk(c)
}

/// The text as the index should see it. ASCII and most text pass through untouched.
pub fn fold_for_index(text: &str) -> String {
    fold(text).into_owned()
}

pub fn fold(text: &str) -> Cow<'_, str> {
    if text.is_ascii() || !text.chars().any(needs_folding) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + text.len() / 2);
    let mut run: Vec<char> = Vec::new();
    for c in text.chars() {
        if is_cjk(c) {
            run.push(c);
            continue;
        }
        flush_cjk(&mut run, &mut out);
        match c {
            'ı' | 'İ' => out.push('i'),
            'ø' | 'Ø' => out.push('o'),
            'æ' | 'Æ' => out.push_str("ae"),
            'œ' | 'Œ' => out.push_str("oe"),
            'ł' | 'Ł' => out.push('l'),
            'đ' | 'Đ' => out.push('d'),
            'ß' => out.push_str("ss"),
            c => out.push(c),
        }
    }
    flush_cjk(&mut run, &mut out);
    Cow::Owned(out)
}

fn flush_cjk(run: &mut Vec<char>, out: &mut String) {
    if run.is_empty() {
        return;
    }
    out.push(' ');
    if run.len() == 1 {
        out.push(run[0]);
    } else {
        for (i, pair) in run.windows(2).enumerate() {
            if i > 0 {
                out.push(' ');
            }
            out.push(pair[0]);
            out.push(pair[1]);
        }
    }
    out.push(' ');
    run.clear();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_table() {
        let cases = [
            ("plain ascii", "plain ascii"),
            ("Siparişim", "Siparişim"),
            ("ISPARTA ılık İade", "ISPARTA ilik iade"),
            ("Søren Ærø", "Soren aero"),
            ("Straße", "Strasse"),
            ("我想退货，谢谢", " 我想 想退 退货 ， 谢谢 "),
            ("退", " 退 "),
            ("order 1001 退货", "order 1001  退货 "),
            ("注文した", " 注文 文し した "),
            ("주문 문의", " 주문   문의 "),
        ];
        for (input, want) in cases {
            assert_eq!(fold_for_index(input), want, "{input}");
        }
    }
}
