//! The depth guard against the shapes that nest (and those that only look as if they do),
//! and the fallbacks each cap leads to.

use std::time::Duration;

use super::*;

fn far() -> Instant {
    Instant::now() + Duration::from_secs(3600)
}

#[test]
fn depth_is_measured_on_the_parsers_tree() {
    // (name, html, depth the guard must refuse at 64, depth it must accept)
    let n = 100;
    let cases: Vec<(&str, String, bool)> = vec![
        ("nested divs", "<div>".repeat(n), true),
        (
            "nested and closed",
            format!("{}x{}", "<div>".repeat(n), "</div>".repeat(n)),
            true,
        ),
        ("self-closing syntax still opens", "<div/>".repeat(n), true),
        ("unclosed formatting", "<b>".repeat(n), true),
        ("nested lists", "<ul><li>".repeat(n), true),
        ("nested tables", "<table><tr><td>".repeat(n), true),
        ("inside templates", "<template>".repeat(n), true),
        ("inside svg", format!("<svg>{}", "<g>".repeat(n)), true),
        ("siblings", "<div>x</div>".repeat(10 * n), false),
        ("void elements", "<br><img><hr>".repeat(10 * n), false),
        (
            "self-closing in svg",
            format!("<svg>{}</svg>", "<path/>".repeat(10 * n)),
            false,
        ),
        ("stray end tags", "</div></p></b>".repeat(10 * n), false),
        ("paragraphs close each other", "<p>x".repeat(10 * n), false),
    ];
    for (name, html, deep) in cases {
        let got = parse_bounded(&html, 64, far());
        assert_eq!(got.is_err(), deep, "{name}");
        if deep {
            assert_eq!(got.err(), Some(Stop::TooDeep), "{name}");
        }
    }
}

#[test]
fn a_deadline_already_passed_stops_the_parse() {
    let html = "<p>x</p>".repeat(2000);
    let past = Instant::now();
    assert_eq!(parse_bounded(&html, 64, past).err(), Some(Stop::OutOfTime));
}

#[test]
fn shallow_html_is_laid_out_as_html2text_would() {
    let html = "<h1>Order</h1><p>Where is <b>my</b> order <a href=\"https://shop.example/o/1\">1001</a>?</p><ul><li>Shoes</li></ul><table><tr><td>a</td><td>b</td></tr></table>";
    let mut budget = Budget::start();
    let mut warnings = Vec::new();
    let text = html_to_text(html, 1 << 20, &mut budget, &mut warnings);
    let direct = html2text::from_read(html.as_bytes(), HTML_WIDTH).expect("html2text");
    assert_eq!(text, direct);
    assert!(warnings.is_empty(), "{warnings:?}");
}

#[test]
fn each_cap_falls_back_to_plain_text_with_a_warning() {
    let deep = format!("{}Deep text{}", "<div>".repeat(1000), "</div>".repeat(1000));
    let mut budget = Budget::start();
    let mut warnings = Vec::new();
    assert_eq!(
        html_to_text(&deep, 1 << 20, &mut budget, &mut warnings),
        "Deep text"
    );
    assert!(
        warnings[0].contains("nested more than 256 levels"),
        "{warnings:?}"
    );

    let mut budget = Budget::start();
    budget.layout_left = 10;
    let mut warnings = Vec::new();
    assert_eq!(
        html_to_text("<p>Too long</p>", 1 << 20, &mut budget, &mut warnings),
        "Too long"
    );
    assert!(
        warnings[0].contains("past the 2 MiB laid out"),
        "{warnings:?}"
    );

    let mut budget = Budget::start();
    budget.deadline = Instant::now();
    let mut warnings = Vec::new();
    let slow = "<p>Slow</p>".repeat(1000);
    assert!(html_to_text(&slow, 1 << 20, &mut budget, &mut warnings).starts_with("Slow\n\nSlow"));
    assert!(warnings[0].contains("longer than 2 s"), "{warnings:?}");
    // later parts of the same message skip layout straight away
    assert_eq!(
        html_to_text("<p>Next</p>", 1 << 20, &mut budget, &mut warnings),
        "Next"
    );
    assert!(warnings[1].contains("longer than 2 s"), "{warnings:?}");
}
