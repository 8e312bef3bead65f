//! The canned replies shipped in `templates/`, embedded in the binary.

pub const SHIPPED: &[(&str, &str)] = &[
    ("ack.en.md", include_str!("../../templates/ack.en.md")),
    ("ack.ru.md", include_str!("../../templates/ack.ru.md")),
    ("ack.sv.md", include_str!("../../templates/ack.sv.md")),
    ("ack.tr.md", include_str!("../../templates/ack.tr.md")),
    ("ack.zh.md", include_str!("../../templates/ack.zh.md")),
    (
        "address-change.en.md",
        include_str!("../../templates/address-change.en.md"),
    ),
    (
        "address-change.ru.md",
        include_str!("../../templates/address-change.ru.md"),
    ),
    (
        "address-change.sv.md",
        include_str!("../../templates/address-change.sv.md"),
    ),
    (
        "address-change.tr.md",
        include_str!("../../templates/address-change.tr.md"),
    ),
    (
        "address-change.zh.md",
        include_str!("../../templates/address-change.zh.md"),
    ),
    (
        "damaged.en.md",
        include_str!("../../templates/damaged.en.md"),
    ),
    (
        "damaged.ru.md",
        include_str!("../../templates/damaged.ru.md"),
    ),
    (
        "damaged.sv.md",
        include_str!("../../templates/damaged.sv.md"),
    ),
    (
        "damaged.tr.md",
        include_str!("../../templates/damaged.tr.md"),
    ),
    (
        "damaged.zh.md",
        include_str!("../../templates/damaged.zh.md"),
    ),
    ("refund.en.md", include_str!("../../templates/refund.en.md")),
    ("refund.ru.md", include_str!("../../templates/refund.ru.md")),
    ("refund.sv.md", include_str!("../../templates/refund.sv.md")),
    ("refund.tr.md", include_str!("../../templates/refund.tr.md")),
    ("refund.zh.md", include_str!("../../templates/refund.zh.md")),
    ("return.en.md", include_str!("../../templates/return.en.md")),
    ("return.ru.md", include_str!("../../templates/return.ru.md")),
    ("return.sv.md", include_str!("../../templates/return.sv.md")),
    ("return.tr.md", include_str!("../../templates/return.tr.md")),
    ("return.zh.md", include_str!("../../templates/return.zh.md")),
    ("sizing.en.md", include_str!("../../templates/sizing.en.md")),
    ("sizing.ru.md", include_str!("../../templates/sizing.ru.md")),
    ("sizing.sv.md", include_str!("../../templates/sizing.sv.md")),
    ("sizing.tr.md", include_str!("../../templates/sizing.tr.md")),
    ("sizing.zh.md", include_str!("../../templates/sizing.zh.md")),
    ("wismo.en.md", include_str!("../../templates/wismo.en.md")),
    ("wismo.ru.md", include_str!("../../templates/wismo.ru.md")),
    ("wismo.sv.md", include_str!("../../templates/wismo.sv.md")),
    ("wismo.tr.md", include_str!("../../templates/wismo.tr.md")),
    ("wismo.zh.md", include_str!("../../templates/wismo.zh.md")),
];
