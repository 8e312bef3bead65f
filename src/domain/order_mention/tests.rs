use super::*;

fn find(pattern: &str, text: &str) -> Vec<String> {
    let finder = OrderFinder::new(NumberPattern::parse(pattern).expect("pattern")).expect("finder");
    finder.find(text)
}

/// Customers asking about an order, in each of our languages: (text, numbers expected).
#[test]
fn numbers_beside_a_word_for_order_in_every_language() {
    let cases: &[(&str, &[&str])] = &[
        ("Where is my order #1001?", &["1001"]),
        ("Where is my order 10023?", &["10023"]),
        ("Order number: 1001", &["1001"]),
        ("Re: Order #1001 confirmed", &["1001"]),
        ("Wo bleibt meine Bestellung Nr. 1001?", &["1001"]),
        ("Meine Bestellnummer ist 1001.", &["1001"]),
        ("Var är min beställning #1001?", &["1001"]),
        ("Ordernummer 1001 har inte kommit", &["1001"]),
        ("Missä tilaukseni 1001 on?", &["1001"]),
        ("Tilausnumero: 1001", &["1001"]),
        ("Hvor er min ordre 1001?", &["1001"]),
        ("Min bestilling nr. 1001 er ikke kommet", &["1001"]),
        ("Où est ma commande n° 1001 ?", &["1001"]),
        ("numéro de commande 1001", &["1001"]),
        ("¿Dónde está mi pedido #1001?", &["1001"]),
        ("Dov'è il mio ordine 1001?", &["1001"]),
        ("numero d'ordine 1001", &["1001"]),
        ("Waar is mijn bestelling 1001?", &["1001"]),
        ("Gdzie jest moje zamówienie nr 1001?", &["1001"]),
        ("zamowienia 1001 nie ma", &["1001"]),
        ("Merhaba, siparişim #10023 hâlâ gelmedi.", &["10023"]),
        ("1001 numaralı siparişim nerede?", &["1001"]),
        ("Где мой заказ № 1001?", &["1001"]),
        ("注文番号：1001", &["1001"]),
        ("1001番の注文が届きません", &["1001"]),
        ("我的订单号1001还没到", &["1001"]),
        ("订单 #1001 和订单 #1002", &["1001", "1002"]),
        (
            "my order #1002, and order #1001, and #1002 again",
            &["1002", "1001"],
        ),
        (
            "I have two orders: order 1001 and order 1002",
            &["1001", "1002"],
        ),
    ];
    let mut wrong = Vec::new();
    for (text, want) in cases {
        let got = find("#{number}", text);
        if got != *want {
            wrong.push(format!("{text:?}: got {got:?}, want {want:?}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// Digits that are not an order: prices, dates, phone numbers, longer numbers, numbers
/// with no word for order beside them, our own ticket token.
#[test]
fn prices_dates_phones_and_bare_numbers_are_not_orders() {
    let cases: &[&str] = &[
        "Hi, 1001 thanks",
        "Please call me on 0701234567",
        "order total €1001",
        "my order of 1001 EUR",
        "my order cost 1001.50",
        "the order from 2024-03-01",
        "order placed on 01.03.2024",
        "call me about my order at +46 70 123 4567",
        "I ordered 2 pairs, invoice 1001",
        "order 10",
        "order 1001234567890123",
        "order SKU1001",
        "Re: [SHOP #1001] hello",
        "orders: what a word. Anyway 1001",
        "Order? 1001",
    ];
    let mut wrong = Vec::new();
    for text in cases {
        let got = find("#{number}", text);
        if !got.is_empty() {
            wrong.push(format!("{text:?}: got {got:?}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// A prefix with letters of its own is recognised anywhere, written loosely; the stored
/// number is the shop's own spelling.
#[test]
fn a_shops_prefix_is_found_alone_and_stored_as_the_shop_writes_it() {
    let cases: &[(&str, &str, &[&str])] = &[
        ("SD-{number}", "Hi, about SD-1001: it is late", &["SD-1001"]),
        ("SD-{number}", "sd1001 never came", &["SD-1001"]),
        ("SD-{number}", "Ref #SD 1001", &["SD-1001"]),
        ("SD-{number}", "order 1001", &[]),
        ("SD-{number}", "XSD-1001", &[]),
        ("{number}-EU", "order 1001-EU please", &["1001-EU"]),
        ("#{number}", "Order #1001", &["1001"]),
    ];
    for (pattern, text, want) in cases {
        assert_eq!(find(pattern, text), *want, "{pattern} {text:?}");
    }
}

#[test]
fn marketplace_numbers_are_found_wherever_they_stand() {
    let cases: &[(&str, &[&str])] = &[
        (
            "Amazon 112-1234567-1234567 arrived broken",
            &["112-1234567-1234567"],
        ),
        ("eBay: 12-34567-89012", &["12-34567-89012"]),
        ("1112-1234567-1234567", &[]),
        ("112-1234567-12345678", &[]),
    ];
    for (text, want) in cases {
        assert_eq!(find("#{number}", text), *want, "{text:?}");
    }
}

#[test]
fn number_patterns_are_checked() {
    assert_eq!(
        NumberPattern::parse("#{number}").map(|p| p.canonical("1")),
        Ok("1".into())
    );
    assert!(matches!(
        NumberPattern::parse("SD-"),
        Err(PatternError::NoNumber(_))
    ));
    assert!(matches!(
        NumberPattern::parse("S(D{number}"),
        Err(PatternError::BadText(_))
    ));
    assert!(matches!(
        NumberPattern::parse("{number}{number}"),
        Err(PatternError::BadText(_))
    ));
}

/// The table covers the languages we promise.
#[test]
fn every_language_has_its_words() {
    let codes = &WORDS.languages;
    for code in [
        "en", "de", "sv", "fi", "da", "no", "fr", "es", "it", "nl", "pl", "tr", "ru", "ja", "zh",
    ] {
        assert!(codes.iter().any(|c| c == code), "{code}");
    }
    assert_eq!(WORDS.marketplaces.len(), 2);
}
