use super::*;

const SECRET: &[u8] = b"an install's secret, 32 random bytes in practice";

#[test]
fn a_signed_token_is_found_and_verified() {
    let scores = [
        Score::Csat(Csat::Good),
        Score::Csat(Csat::Okay),
        Score::Csat(Csat::Bad),
        Score::Nps(0),
        Score::Nps(7),
        Score::Nps(10),
    ];
    for score in scores {
        let t = token(SECRET, 123, score);
        let subject = format!("Re: [SHOP #123] How did we do? {t}");
        let found = find_token(&subject).unwrap_or_else(|| panic!("{subject}"));
        assert_eq!(verify(SECRET, 123, &found), Ok(score), "{subject}");
    }
}

#[test]
fn tokens_that_do_not_count() {
    let good = token(SECRET, 123, Score::Csat(Csat::Good));
    let bad_for_good = good.replacen("-cg-", "-cb-", 1);
    let mut flipped = good.clone().into_bytes();
    let last = flipped.len() - 1;
    flipped[last] = if flipped[last] == b'A' { b'B' } else { b'A' };
    let flipped = String::from_utf8(flipped).expect("ascii");
    // (subject, ticket it arrives on, found at all, counted)
    let cases: Vec<(String, TicketId, bool, bool)> = vec![
        (format!("Re: [SHOP #123] {good}"), 123, true, true),
        // the same token on another ticket
        (format!("Re: [SHOP #124] {good}"), 124, true, false),
        // the answer edited, the MAC kept
        (format!("Re: [SHOP #123] {bad_for_good}"), 123, true, false),
        // one character of the MAC changed
        (format!("Re: [SHOP #123] {flipped}"), 123, true, false),
        // signed by another install
        (
            format!(
                "Re: [SHOP #123] {}",
                token(b"another secret", 123, Score::Csat(Csat::Good))
            ),
            123,
            true,
            false,
        ),
        // shapes that are no token
        ("Re: [SHOP #123] v1-cg-short".into(), 123, false, false),
        (
            "Re: [SHOP #123] v1-n11-AAAAAAAAAAAAAAAA".into(),
            123,
            false,
            false,
        ),
        (
            "Re: [SHOP #123] v1-n07-AAAAAAAAAAAAAAAA".into(),
            123,
            false,
            false,
        ),
        (
            "Re: [SHOP #123] xv1-cg-AAAAAAAAAAAAAAAA".into(),
            123,
            false,
            false,
        ),
        (
            "Re: [SHOP #123] v1-cg-AAAAAAAAAAAAAAAAA".into(),
            123,
            false,
            false,
        ),
        ("Where is my order?".into(), 123, false, false),
    ];
    for (subject, ticket, found, counted) in cases {
        let t = find_token(&subject);
        assert_eq!(t.is_some(), found, "{subject}");
        if let Some(t) = t {
            assert_eq!(verify(SECRET, ticket, &t).is_ok(), counted, "{subject}");
        }
    }
}

#[test]
fn survey_links_are_mailto_with_the_signed_subject() {
    let links = survey_links(
        SECRET,
        "support@shop.example",
        "Re: [SHOP #123] Where is my order?",
        123,
        SurveyKind::Csat,
        Some("sv"),
    );
    let labels: Vec<&str> = links.iter().map(|l| l.label.as_str()).collect();
    assert_eq!(labels, ["Bra", "Okej", "Dåligt"]);
    for link in &links {
        assert!(
            link.url.starts_with("mailto:support@shop.example?subject="),
            "{}",
            link.url
        );
        assert!(!link.url.contains(' '), "{}", link.url);
        let subject = link
            .url
            .split("subject=")
            .nth(1)
            .and_then(|s| s.split('&').next())
            .expect("subject");
        let decoded = percent_encoding::percent_decode_str(subject)
            .decode_utf8()
            .expect("utf-8");
        assert!(
            decoded.starts_with("Re: [SHOP #123] Where is my order? v1-"),
            "{decoded}"
        );
        let found = find_token(&decoded).expect("token in the subject");
        assert_eq!(verify(SECRET, 123, &found), Ok(link.score));
    }
    let nps = survey_links(
        SECRET,
        "s@x.example",
        "[SHOP #9]",
        9,
        SurveyKind::Nps,
        Some("xx"),
    );
    assert_eq!(nps.len(), 11);
    assert_eq!(nps[10].label, "10");
    assert_eq!(nps[10].score, Score::Nps(10));
}

#[test]
fn bad_scores_and_comments() {
    let cases = [
        (Score::Csat(Csat::Bad), true),
        (Score::Csat(Csat::Okay), false),
        (Score::Nps(6), true),
        (Score::Nps(7), false),
    ];
    for (score, bad) in cases {
        assert_eq!(score.is_bad(), bad, "{score:?}");
    }
    let comments = [
        (
            "Anything to add? Write it here:\n\nThe parcel was late.\n",
            Some("The parcel was late."),
        ),
        (
            "Vill du berätta mer? Skriv här: Snabb hjälp!",
            Some("Snabb hjälp!"),
        ),
        ("Anything to add? Write it here:\n> quoted reply\n", None),
        ("", None),
    ];
    for (body, expected) in comments {
        assert_eq!(comment(body).as_deref(), expected, "{body:?}");
    }
}
