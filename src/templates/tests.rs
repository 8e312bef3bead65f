use super::*;

fn templates() -> Templates {
    Templates::shipped("en").expect("shipped templates load")
}

#[test]
fn every_shipped_template_lints_clean() {
    let t = templates();
    let errors = t.lint();
    assert!(errors.is_empty(), "{errors:#?}");
    for name in [
        "ack",
        "wismo",
        "return",
        "refund",
        "sizing",
        "damaged",
        "address-change",
    ] {
        assert_eq!(t.languages(name), ["en", "ru", "sv", "tr", "zh"], "{name}");
    }
}

#[test]
fn language_variant_and_fallback() {
    let t = templates();
    let ctx = RenderContext::sample();
    let sv = t.render("wismo", Some("sv"), &ctx).expect("sv");
    assert_eq!(sv.language, "sv");
    assert!(sv.body.starts_with("Hej Anna!"), "{}", sv.body);
    assert!(sv.body.contains("https://tracking.example/AB123456789SE"));
    assert_eq!(sv.status, Some(Status::Pending));
    assert_eq!(sv.tags, ["wismo"]);
    let de = t.render("wismo", Some("de"), &ctx).expect("fallback");
    assert_eq!(de.language, "en");
    let none = t.render("ack", None, &ctx).expect("no language");
    assert!(none.body.contains("Tuesday 11:00") && none.body.contains("[SHOP #1234]"));
}

#[test]
fn order_templates_refuse_without_an_order() {
    let t = templates();
    let ctx = RenderContext {
        order: None,
        ..RenderContext::sample()
    };
    let e = t.render("wismo", Some("en"), &ctx).expect_err("no order");
    assert!(e.to_string().contains("has no order"), "{e}");
    // guarded order details render without one
    let r = t
        .render("refund", Some("en"), &ctx)
        .expect("refund without order");
    assert!(r.body.contains("refunded your order."), "{}", r.body);
}

fn user_template(dir: &std::path::Path, file: &str, text: &str) -> Templates {
    std::fs::write(dir.join(file), text).expect("write");
    Templates::load(&[dir.to_path_buf()], "en").expect("load")
}

#[test]
fn missing_and_unknown_variables_name_file_and_line() {
    let dir = tempfile::tempdir().expect("tmp");
    let t = user_template(
        dir.path(),
        "hello.en.md",
        "---\nstatus = \"solved\"\n---\nHi {{ customer.first_name }},\n\nyour code is {{ customer.discount_code }}.\n",
    );
    let e = t
        .render("hello", Some("en"), &RenderContext::sample())
        .expect_err("missing");
    let s = e.to_string();
    assert!(s.contains("hello.en.md:6:"), "{s}");

    let t = user_template(dir.path(), "typo.en.md", "Hi {{ custmer.name }}\n");
    let s = t
        .render("typo", Some("en"), &RenderContext::sample())
        .expect_err("unknown")
        .to_string();
    assert!(s.contains("typo.en.md:1:") && s.contains("custmer"), "{s}");
    assert!(t.lint().iter().any(|e| e.to_string().contains("custmer")));
}

#[test]
fn syntax_errors_and_bad_front_matter() {
    let dir = tempfile::tempdir().expect("tmp");
    std::fs::write(
        dir.path().join("broken.en.md"),
        "line one\n{% if x %}never closed\n",
    )
    .expect("w");
    let t = Templates::load(&[dir.path().to_path_buf()], "en").expect("load");
    let s = t
        .render("broken", Some("en"), &RenderContext::sample())
        .expect_err("syntax")
        .to_string();
    assert!(s.contains("broken.en.md:"), "{s}");

    std::fs::write(
        dir.path().join("bad.en.md"),
        "---\nstatus = \"later\"\n---\nx\n",
    )
    .expect("w");
    let e = Templates::load(&[dir.path().to_path_buf()], "en").expect_err("front matter");
    assert!(
        e.to_string().contains("bad.en.md") && e.to_string().contains("later"),
        "{e}"
    );
}

#[test]
fn user_files_override_shipped_ones_and_unknown_names_list_known() {
    let dir = tempfile::tempdir().expect("tmp");
    let t = user_template(
        dir.path(),
        "ack.en.md",
        "Thanks {{ customer.first_name }}!\n",
    );
    let r = t
        .render("ack", Some("en"), &RenderContext::sample())
        .expect("ack");
    assert_eq!(r.body, "Thanks Anna!\n");
    let e = t
        .render("nope", None, &RenderContext::sample())
        .expect_err("unknown");
    assert!(e.to_string().contains("wismo"), "{e}");
}

#[test]
fn customer_names() {
    let c = CustomerVars::new(Some("Ayşe Yılmaz"), "ayse@example.tr");
    assert_eq!(c.first_name, "Ayşe");
    let c = CustomerVars::new(None, "ben.smith@example.com");
    assert_eq!(
        (c.name.as_str(), c.first_name.as_str()),
        ("ben.smith", "ben.smith")
    );
}

/// `wismo` in each shipped language: the status in that language, the tracking link, and
/// the delivery date once there is one.
#[test]
fn wismo_speaks_the_customers_language_about_the_order() {
    let t = templates();
    let shipped = RenderContext {
        order: RenderContext::sample().order.map(|o| OrderVars {
            delivered_at: None,
            ..o
        }),
        ..RenderContext::sample()
    };
    #[rustfmt::skip]
    let cases = [
        ("en", "is shipped and left our warehouse on 2026-11-20"),
        ("sv", "har status skickad och skickades från vårt lager 2026-11-20"),
        ("tr", "durumu: kargoya verildi; 2026-11-20 tarihinde depomuzdan çıktı"),
        ("ru", "10023: отправлен; он отправлен со склада 2026-11-20"),
        ("zh", "当前状态：已发货，已于 2026-11-20 从仓库发出"),
    ];
    for (lang, want) in cases {
        let r = t.render("wismo", Some(lang), &shipped).expect(lang);
        assert!(r.body.contains(want), "{lang}: {}", r.body);
        assert!(
            r.body.contains("https://tracking.example/AB123456789SE"),
            "{lang}: {}",
            r.body
        );
    }
    let delivered = RenderContext {
        order: RenderContext::sample().order.map(|o| OrderVars {
            status: "delivered".into(),
            ..o
        }),
        ..RenderContext::sample()
    };
    let tr = t.render("wismo", Some("tr"), &delivered).expect("tr");
    assert!(
        tr.body
            .contains("durumu: teslim edildi; 2026-11-23 tarihinde teslim edildi"),
        "{}",
        tr.body
    );
}

#[test]
fn templates_print_the_orders_items_total_and_carrier() {
    let dir = tempfile::tempdir().expect("dir");
    let t = user_template(
        dir.path(),
        "contents.en.md",
        "---\n---\n{{ order.items }} for {{ order.total }} with {{ order.carrier }}: {{ order.tracking_url }} ({{ order.delivered_at }})\n",
    );
    let r = t
        .render("contents", Some("en"), &RenderContext::sample())
        .expect("renders");
    assert_eq!(
        r.body,
        "1 × Wool sweater (WS-2) for 129.00 EUR with PostNord: https://tracking.example/AB123456789SE (2026-11-23)\n"
    );
}
