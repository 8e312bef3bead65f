//! Table tests of subject normalisation, our token and reply subjects.

use super::*;

#[test]
fn normalize_table() {
    let cases = [
        ("Where is my order?", "where is my order?"),
        ("Re: Where is my order?", "where is my order?"),
        ("RE: RE: Where is my order?", "where is my order?"),
        ("Re[2]: Where is my order?", "where is my order?"),
        ("Re(3): Where is my order?", "where is my order?"),
        ("Re^2: Where is my order?", "where is my order?"),
        ("Fwd: FW: Where is my order?", "where is my order?"),
        ("AW: WG: Lieferung", "lieferung"),
        ("SV: VB: Leverans", "leverans"),
        ("VS: Toimitus", "toimitus"),
        ("Ynt: Siparişim nerede", "siparişim nerede"),
        ("YNT: İlt: Siparişim", "siparişim"),
        ("İLT: Siparişim", "siparişim"),
        ("Ответ: Где мой заказ", "где мой заказ"),
        ("Отв: Re: Где мой заказ", "где мой заказ"),
        ("回复：我的订单", "我的订单"),
        ("回覆: 我的訂單", "我的訂單"),
        ("答复：转发：退货", "退货"),
        ("转发: 发票", "发票"),
        ("返信: 注文", "注文"),
        ("Réf : Commande", "commande"),
        ("Re : Commande", "commande"),
        ("Odp: Zamówienie", "zamówienie"),
        ("Antw: Bestelling", "bestelling"),
        ("R: Ordine", "ordine"),
        ("Ats: Užsakymas", "užsakymas"),
        ("Atb: Pasūtījums", "pasūtījums"),
        ("Vá: Rendelés", "rendelés"),
        ("Továbbítás: Rendelés", "rendelés"),
        ("Odg: Narudžba", "narudžba"),
        ("Balas: Pesanan saya", "pesanan saya"),
        ("ΑΠ: Παραγγελία", "παραγγελία"),
        ("Σχετ: Παραγγελία", "παραγγελία"),
        ("השב: הזמנה", "הזמנה"),
        ("رد: طلبي", "طلبي"),
        ("회신: 주문", "주문"),
        ("Отг: Поръчка", "поръчка"),
        // a word that is no prefix, however short, stays
        ("Rendeles: szállítás", "rendeles: szállítás"),
        ("Tovább: x", "tovább: x"),
        ("Re: [SHOP #42] Where is my order?", "where is my order?"),
        ("Where is my order? [SHOP #42]", "where is my order?"),
        ("[list-name] Re: news", "[list-name] re: news"),
        ("  Re:   Lots   of   space  ", "lots of space"),
        ("Regarding: order", "regarding: order"),
        ("Re:", ""),
        ("", ""),
        ("Rechnung: März", "rechnung: märz"),
        // other systems' tokens, anywhere: a customer answering the previous helpdesk
        (
            "Re: [#1677] I want to return my backpack",
            "i want to return my backpack",
        ),
        ("[Ticket#2024010112] Re: Backpack", "backpack"),
        ("Backpack [Ticket #12]", "backpack"),
        ("Re: Backpack (Case 00123)", "backpack"),
        ("Re: Backpack (Case: 123)", "backpack"),
        ("[Request #55] Backpack", "backpack"),
        ("[SUP-1234] Backpack", "backpack"),
        ("Backpack [Ärende 77]", "backpack"),
        ("[Case #00123456] Backpack", "backpack"),
        ("Backpack [Case #00123456]", "backpack"),
        ("Re: Backpack [Incident: 4411]", "backpack"),
        // Jira, Kayako, Salesforce, OTRS/Znuny
        ("[JIRA] (PROJ-123) Backpack strap", "backpack strap"),
        ("Re: [JIRA] (PROJ-123) Backpack strap", "backpack strap"),
        // a mail gateway's tag on the customer's side
        ("[EXTERNAL] Re: Backpack strap", "backpack strap"),
        ("Re: [External] Backpack strap", "backpack strap"),
        ("[EXT] RE: [#1677] Backpack strap", "backpack strap"),
        ("[SPAM] Re: Backpack strap", "backpack strap"),
        ("[Suspected Spam] Backpack strap", "backpack strap"),
        ("[CAUTION: External] Re: Backpack strap", "backpack strap"),
        ("Backpack strap [EXTERNAL]", "backpack strap [external]"),
        (
            "[Externally sourced] Backpack",
            "[externally sourced] backpack",
        ),
        ("[#ABC-123-45678]: Backpack", "backpack"),
        ("Re: Backpack [#ABC-123-45678]", "backpack"),
        ("Backpack [ ref:_00D5g0ABC._5005g0XYZ:ref ]", "backpack"),
        ("Re: Backpack [ref:_00D5g0ABC._5005g0XYZ:ref]", "backpack"),
        ("Ticket#2023112910000011 Backpack", "backpack"),
        ("RE: Ticket#2023112910000011: Backpack", "backpack"),
        ("Backpack Ticket#2023112910000011", "backpack"),
        ("Re: [Ticket#2023112910000011] Backpack", "backpack"),
        // tokens in a row, at either end
        (
            "Re: [#1677] [SHOP #2] Backpack (Case 9) [Ticket #3]",
            "backpack",
        ),
        // what one pass uncovers goes too, so normalising twice changes nothing
        ("İ[SHOP #12]：x", "i[shop #12]：x"),
        ("Re: [SHOP #12] Re: [#3] x", "x"),
        // not tokens: the customer's own words. Order numbers tell two questions apart,
        // product codes name what they ask about; brackets in the middle are theirs.
        ("Where is my order (#1002)", "where is my order (#1002)"),
        ("Where is my order (#1003)", "where is my order (#1003)"),
        ("(#1002) where is it?", "(#1002) where is it?"),
        ("Strap broke [BP-1]", "strap broke [bp-1]"),
        ("Strap broke [SKU-123] again", "strap broke [sku-123] again"),
        ("Backpack (PROJ-123)", "backpack (proj-123)"),
        ("Backpack [JIRA]", "backpack [jira]"),
        ("Backpack [#1677] strap", "backpack [#1677] strap"),
        ("About Ticket#5 you sent", "about ticket#5 you sent"),
        ("Tickets#5", "tickets#5"),
        // not tokens: order numbers, counters, years, list names, plain brackets
        ("Problem with (Order #1001)", "problem with (order #1001)"),
        (
            "Problem with [Sipariş #1002]",
            "problem with [sipariş #1002]",
        ),
        ("Size chart (2)", "size chart (2)"),
        ("Summer sale (2024)", "summer sale (2024)"),
        ("[Sup-12] mixed case key", "[sup-12] mixed case key"),
        ("Shoes (red, 42)", "shoes (red, 42)"),
    ];
    for (input, want) in cases {
        assert_eq!(normalize_subject(input), want, "{input:?}");
    }
}

#[test]
fn token_table() {
    let cases: &[(&str, &str, Option<TicketId>)] = &[
        ("Re: [SHOP #12] Where", "SHOP", Some(12)),
        ("[shop #12] lower-case tag", "SHOP", Some(12)),
        ("[SHOP#12] no space", "SHOP", Some(12)),
        ("[ SHOP  #12 ] spaces", "SHOP", Some(12)),
        ("[#12] bare", "SHOP", None),
        ("[OTHER #12] other desk", "SHOP", None),
        ("[Ticket#12] other system", "SHOP", None),
        ("[SHOP #abc] not a number", "SHOP", None),
        ("[SHOP #0] zero", "SHOP", None),
        ("[SHOP #99999999999999999999999] overflow", "SHOP", None),
        ("[OTHER #1] then [SHOP #7]", "SHOP", Some(7)),
        ("[SHOP #7] and [SHOP #8]", "SHOP", Some(7)),
        ("text before [SHOP #5] and after", "SHOP", Some(5)),
        ("[SHOP #5", "SHOP", None),
        ("nothing", "SHOP", None),
        ("[SHOP #3]", "", None),
        ("[DESK-2 #3]", "desk-2", Some(3)),
    ];
    for (subject, tag, want) in cases {
        assert_eq!(find_token(subject, tag), *want, "{subject:?} / {tag}");
    }
}

#[test]
fn reply_subjects() {
    assert_eq!(
        reply_subject("Where is my order?", "SHOP", 12),
        "Re: [SHOP #12] Where is my order?"
    );
    assert_eq!(
        reply_subject("RE: Re: [SHOP #12] Where", "SHOP", 12),
        "Re: [SHOP #12] Where"
    );
    assert_eq!(
        reply_subject("SV: Leverans [OLD #3]", "SHOP", 12),
        "Re: [SHOP #12] Leverans"
    );
    assert_eq!(
        reply_subject("Re: [#1677] Backpack (Order #1001)", "SHOP", 12),
        "Re: [SHOP #12] Backpack (Order #1001)"
    );
    // the customer's product codes and order numbers stay; other desks' tokens go
    assert_eq!(
        reply_subject("Re: [JIRA] (PROJ-7) Strap [BP-1] broke (#1002)", "SHOP", 12),
        "Re: [SHOP #12] Strap [BP-1] broke (#1002)"
    );
    assert_eq!(
        reply_subject(
            "Strap [SKU-123] [ ref:_00D5g0ABC._5005g0XYZ:ref ]",
            "SHOP",
            12
        ),
        "Re: [SHOP #12] Strap [SKU-123]"
    );
    assert_eq!(reply_subject("", "SHOP", 1), "Re: [SHOP #1]");
    assert_eq!(token("SHOP", 9), "[SHOP #9]");
}

#[test]
fn generic_subjects() {
    for s in ["", "hi", "hello!", "(no subject)", "order", "Hej"] {
        assert!(is_generic(&normalize_subject(s)), "{s}");
    }
    assert!(!is_generic("where is my order?"));
}

/// The shop's own order numbers stay where another helpdesk's key goes: with
/// `SD-{number}`, `[SD-1002]` is the order asked about. The default `#{number}` cannot
/// tell its numbers from anyone's (`[#1677]`), so it keeps nothing more.
#[test]
fn own_order_numbers_table() {
    use crate::domain::order_mention::{NumberPattern, OrderFinder};
    let finder = |p: &str| {
        let pattern = NumberPattern::parse(p).expect("pattern");
        OrderFinder::new(pattern).expect("finder")
    };
    let (default, sd) = (finder("#{number}"), finder("SD-{number}"));
    #[rustfmt::skip]
    let cases: &[(&OrderFinder, &str, &str)] = &[
        (&sd, "[SD-1002] Where is my parcel?", "[sd-1002] where is my parcel?"),
        (&sd, "Re: [SD-1002] Where is my parcel?", "[sd-1002] where is my parcel?"),
        (&sd, "RE: Re: [sd-1002] Where is my parcel?", "[sd-1002] where is my parcel?"),
        (&sd, "[SD1002] Where is my parcel?", "[sd1002] where is my parcel?"),
        (&sd, "[#SD-1002] Where is my parcel?", "[#sd-1002] where is my parcel?"),
        (&sd, "(SD-1002) Where is my parcel?", "(sd-1002) where is my parcel?"),
        (&sd, "Where is my parcel? [SD-1002]", "where is my parcel? [sd-1002]"),
        // our token and other desks' keys still go, around the order number
        (&sd, "Re: [SHOP #4] [SD-1002] Where is my parcel?", "[sd-1002] where is my parcel?"),
        (&sd, "Re: [#1677] [SD-1002] Where is my parcel?", "[sd-1002] where is my parcel?"),
        (&sd, "[SUP-1234] Where is my parcel?", "where is my parcel?"),
        (&sd, "Re: [JIRA] (PROJ-123) Where is my parcel?", "where is my parcel?"),
        (&sd, "Where is my parcel? [Case #00123456]", "where is my parcel?"),
        // not the shop's number: too short, another prefix, more than a number
        (&sd, "[SD-12] Where is my parcel?", "where is my parcel?"),
        (&sd, "[SDX-1002] Where is my parcel?", "where is my parcel?"),
        // the default pattern: `[SD-1002]` looks like another desk's key
        (&default, "[SD-1002] Where is my parcel?", "where is my parcel?"),
        (&default, "Re: [#1677] Where is my parcel?", "where is my parcel?"),
        (&default, "[#1002] Where is my parcel?", "where is my parcel?"),
        (&default, "Where is my order (#1002)", "where is my order (#1002)"),
    ];
    for (own, input, want) in cases {
        let got = normalize_subject_for(input, own);
        assert_eq!(got, *want, "{input:?}");
        assert_eq!(normalize_subject_for(&got, own), got, "twice: {input:?}");
    }
    // Without an account's pattern, the default's.
    assert_eq!(
        normalize_subject("[SD-1002] Where is my parcel?"),
        "where is my parcel?"
    );
}
