use super::*;

/// number, the export's carrier column, the carrier id expected, the link expected
type IdentifyCase<'a> = (&'a str, Option<&'a str>, Option<&'a str>, Option<&'a str>);
/// text, the shop's carriers, (number, carrier id) expected
type TextCase<'a> = (&'a str, &'a [String], &'a [(&'a str, &'a str)]);

/// Whether `number` fits format `f` of the table: its pattern, its check digit and, for
/// S10, a real country.
fn fits(t: &Table, f: &Format, number: &str) -> bool {
    let number = compact(number);
    let Some(caps) = f.regex.captures(&number) else {
        return false;
    };
    if let Some(country) = caps.name("country")
        && !t.countries.contains(country.as_str())
    {
        return false;
    }
    match (caps.name("serial"), caps.name("check")) {
        (Some(s), Some(c)) => f.spec.check.holds(s.as_str(), c.as_str()),
        _ => f.spec.check == CheckRule::None,
    }
}

#[test]
fn every_format_takes_its_valid_numbers_and_refuses_its_invalid_ones() {
    let t = table();
    let mut wrong = Vec::new();
    for f in &t.formats {
        assert!(
            !f.spec.valid.is_empty() && !f.spec.invalid.is_empty(),
            "{}: the table gives valid and invalid numbers for every format",
            f.spec.name
        );
        for n in &f.spec.valid {
            if !fits(t, f, n) {
                wrong.push(format!("{}: refuses valid {n}", f.spec.name));
            }
        }
        for n in &f.spec.invalid {
            if fits(t, f, n) {
                wrong.push(format!("{}: takes invalid {n}", f.spec.name));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn a_broken_table_is_an_error_naming_the_format() {
    let bad_pattern = "[[carrier]]\nid = \"x\"\nname = \"X\"\n[s10]\ncarriers = {}\ncountries = \"\"\n\
                       [context]\nwords = []\n[[format]]\ncarrier = \"x\"\nname = \"Broken\"\n\
                       pattern = \"(\"\ncheck = { rule = \"none\" }\n";
    let err = Table::parse(bad_pattern).err().map(|e| e.to_string());
    assert!(
        err.as_deref().is_some_and(|e| e.contains("Broken")),
        "{err:?}"
    );
    let unknown = bad_pattern.replace(
        "carrier = \"x\"\nname = \"Broken\"",
        "carrier = \"y\"\nname = \"Lost\"",
    );
    let err = Table::parse(&unknown.replace("pattern = \"(\"", "pattern = \"1\"")).err();
    assert!(err.is_some_and(|e| e.to_string().contains("Lost")));
}

#[test]
fn identify_names_the_carrier_and_the_link() {
    let t = table();
    let cases: &[IdentifyCase] = &[
        // number, carrier column, carrier id, url
        (
            "1Z5R89390357567127",
            None,
            Some("ups"),
            Some("https://www.ups.com/track?tracknum=1Z5R89390357567127"),
        ),
        ("1z5r 8939 0357 5671 27", None, Some("ups"), None),
        ("RB123456785SE", None, Some("postnord"), None),
        ("RB123456785GB", None, Some("royal-mail"), None),
        ("EE123456785CN", None, Some("china-post"), None),
        ("RB123456785CV", None, Some("postal"), None),
        ("RB123456785US", None, Some("usps"), None),
        ("9400111201080805483016", None, Some("usps"), None),
        ("JJD0099999999", None, Some("dhl"), None),
        ("TBA123456789012", None, Some("amazon"), None),
        ("986578788855", None, Some("fedex"), None),
        // the export names the carrier: it wins, even where a check would say otherwise
        ("00340434161094042557", Some("DHL Paket"), Some("dhl"), None),
        ("12345678901", Some("gls"), Some("gls"), None),
        ("ABC123", Some("PostNord"), Some("postnord"), None),
        // an unknown carrier word, or no way to tell: the number is kept without one
        ("12345678901", Some("Speedy Parcels"), None, None),
        ("RB123456786SE", None, None, None),
    ];
    for (number, hint, carrier, url) in cases {
        let got = t.identify(number, *hint).expect("a number");
        assert_eq!(got.carrier_id.as_deref(), *carrier, "{number} {hint:?}");
        if let Some(url) = url {
            assert_eq!(got.url.as_deref(), Some(*url), "{number}");
        }
        assert!(got.carrier.is_some() == got.carrier_id.is_some());
    }
    assert_eq!(t.identify("  ", None), None);
}

#[test]
fn numbers_in_mail_per_language_and_carrier() {
    let t = table();
    let none: &[String] = &[];
    let cases: &[TextCase] = &[
        (
            "UPS tracking number: 1Z5R89390357567127",
            none,
            &[("1Z5R89390357567127", "ups")],
        ),
        // trusted alone: no word needed
        (
            "Here you go 1Z879E930346834440 thanks",
            none,
            &[("1Z879E930346834440", "ups")],
        ),
        (
            "Ditt paket RB123456785SE är på väg.",
            none,
            &[("RB123456785SE", "postnord")],
        ),
        (
            "Ihre Sendungsnummer lautet 3318810025 (DHL Express).",
            none,
            &[("3318810025", "dhl")],
        ),
        (
            "Kargo takip numaranız: 568283610012734",
            none,
            &[("568283610012734", "fedex")],
        ),
        (
            "Votre colis 0414 4176 0228 964 est en route",
            none,
            &[("041441760228964", "fedex")],
        ),
        (
            "Трек-номер посылки: RB123456785RU",
            none,
            &[("RB123456785RU", "russian-post")],
        ),
        (
            "追跡番号は JJD0099999999 です",
            none,
            &[("JJD0099999999", "dhl")],
        ),
        (
            "Ihr DPD Paket 01234567890123 kommt morgen",
            none,
            &[("01234567890123", "dpd")],
        ),
        (
            "GLS parcel 12345678901 left the depot",
            none,
            &[("12345678901", "gls")],
        ),
        // two carriers' formats fit a 20-digit number; the word beside it decides
        (
            "USPS tracking 03071790000523483741",
            none,
            &[("03071790000523483741", "usps")],
        ),
        // no word either way: the shop's own carrier decides
        (
            "Your shipment: 03071790000523483741",
            &["usps".to_string()],
            &[("03071790000523483741", "usps")],
        ),
        // two numbers, each once
        (
            "Tracking: 1Z5R89390357567127 and RB123456785GB, again 1Z5R89390357567127",
            none,
            &[
                ("1Z5R89390357567127", "ups"),
                ("RB123456785GB", "royal-mail"),
            ],
        ),
    ];
    for (text, shop, expected) in cases {
        let got: Vec<(String, String)> = t
            .find_in_text(text, shop)
            .into_iter()
            .map(|tr| (tr.number, tr.carrier_id.unwrap_or_default()))
            .collect();
        let expected: Vec<(String, String)> = expected
            .iter()
            .map(|(n, c)| (n.to_string(), c.to_string()))
            .collect();
        assert_eq!(got, expected, "{text}");
    }
}

#[test]
fn numbers_that_are_not_parcels() {
    let t = table();
    let shop = ["dhl".to_string(), "gls".to_string()];
    let texts = [
        // phone numbers, with and without a plus, grouped or not
        "Call me on +46 70 123 45 67 about my order",
        "My phone is 0701234567, please call",
        "Ring 08-123 456 78 if anything",
        // dates and times
        "Ordered 2024-03-01 12:34:56, paid 01.03.2024",
        // prices and order numbers
        "I paid $1234567890.00 for order #100234567891",
        "Total: 1 234 567,89 € for 3 items",
        // a mod-7 number with no word about parcels
        "Reference 3318810025 on the invoice",
        // the right shape, a wrong check digit, even with a parcel word
        "Tracking number RB123456786GB",
        "UPS tracking 1Z5R89390357567128",
        "Sendungsnummer 3318810010",
        // an IBAN and a card-like number
        "IBAN DE89 3704 0044 0532 0130 00",
        "Card 4111 1111 1111 1111 was charged",
        // a word that happens to be the right length
        "ABCDEFGHIJKLMNOPQR",
    ];
    for text in texts {
        let got = t.find_in_text(text, &shop);
        assert!(got.is_empty(), "{text}: {got:?}");
    }
}

#[test]
fn compact_takes_out_label_spacing() {
    let cases = [
        ("1z5r 8939 0357 5671 27", "1Z5R89390357567127"),
        (" R B 1 2 3 4 5 6 7 8 5 C F ", "RB123456785CF"),
        ("0081-827-0998", "00818270998"),
    ];
    for (input, expected) in cases {
        assert_eq!(compact(input), expected);
    }
}
