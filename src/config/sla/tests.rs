//! `[sla]` calendars and policies: a full example, and one bad value per error message.

use std::path::Path;

use chrono::{Duration, NaiveDate};

use super::super::*;
use crate::domain::kpi::RepeatScope;
use crate::domain::sla::{Approaching, DaySpan, Priority, Zone};

const ACCOUNT: &str = r#"
[[accounts]]
name = "shop"
email = "support@example.test"
[accounts.imap]
host = "127.0.0.1"
"#;

const SLA: &str = r#"
[sla]
approaching = "30m"
repeat_window = "14d"
repeat_scope = "same_order"
bell = true

[[sla.calendar]]
name = "office"
time_zone = "Europe/Stockholm"
hours = { mon = "09:00-17:00", tue = ["09:00-12:00", "13:00-17:00"], sat = "10:00-14:00" }
holidays = ["2026-12-24", "2026-12-25"]

[[sla.policy]]
name = "urgent"
priority = "urgent"
first_reply = "1h"
resolution = "8h"
calendar = "office"
approaching = "90%"

[[sla.policy]]
name = "refunds"
query = "refund -tag:spam"
language = "SV"
account = "shop"
tag = "vip"
first_reply = "4h"
next_reply = "8h"

[[sla.policy]]
name = "default"
first_reply = "8h"
"#;

fn parse(s: &str) -> Result<Config, ConfigError> {
    Config::parse(s, Path::new("config.toml"))
}

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
}

#[test]
fn parses_calendars_and_policies() {
    let c = parse(&format!("{SLA}{ACCOUNT}")).expect("valid");
    let sla = &c.sla;
    assert_eq!(sla.approaching, Approaching::Before(Duration::minutes(30)));
    assert_eq!(sla.repeat_window, Duration::days(14));
    assert_eq!(sla.repeat_scope, RepeatScope::SameOrder);
    assert!(sla.bell);
    // off unless asked for
    assert!(!parse(ACCOUNT).expect("valid").sla.bell);
    let office = &sla.calendars["office"];
    assert_eq!(
        office.zone,
        "Europe/Stockholm".parse::<Zone>().expect("zone")
    );
    let span = |s: &str| DaySpan::parse(s).expect("span");
    assert_eq!(office.week.0[0], vec![span("09:00-17:00")]);
    assert_eq!(
        office.week.0[1],
        vec![span("09:00-12:00"), span("13:00-17:00")]
    );
    assert!(office.week.0[2].is_empty(), "a day not listed is closed");
    assert_eq!(office.week.0[5], vec![span("10:00-14:00")]);
    assert_eq!(office.holidays, [d("2026-12-24"), d("2026-12-25")].into());

    let names: Vec<&str> = sla.policies.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["urgent", "refunds", "default"]);
    let urgent = &sla.policies[0];
    assert_eq!(urgent.when.priority, Some(Priority::Urgent));
    assert_eq!(urgent.targets.first_reply, Some(Duration::hours(1)));
    assert_eq!(urgent.targets.next_reply, None);
    assert_eq!(sla.calendar_for(urgent), *office);
    assert_eq!(sla.approaching_for(urgent), Approaching::Percent(90));
    let refunds = &sla.policies[1];
    assert_eq!(refunds.when.language.as_deref(), Some("sv"));
    assert_eq!(refunds.when.query.as_ref().map(|q| q.terms.len()), Some(2));
    assert_eq!(sla.approaching_for(refunds), sla.approaching);
    // no calendar of its own: the [sla] hours
    assert_eq!(
        sla.calendar_for(refunds),
        crate::domain::sla::BusinessCalendar::from(&sla.hours)
    );
    // accounts carry the same settings
    assert_eq!(c.accounts[0].sla, c.sla);
}

#[test]
fn reads_holidays_from_an_ics_file_beside_the_config() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ics = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:1\r\n\
               SUMMARY:Midsommarafton\r\nDTSTART;VALUE=DATE:20260619\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    std::fs::write(dir.path().join("holidays.ics"), ics).expect("write");
    let text = r#"
[[sla.calendar]]
name = "office"
time_zone = "Europe/Stockholm"
holidays = ["2026-12-24"]
holidays_file = "holidays.ics"
"#;
    let c = Config::parse(text, &dir.path().join("config.toml")).expect("valid");
    let office = &c.sla.calendars["office"];
    assert_eq!(office.holidays, [d("2026-06-19"), d("2026-12-24")].into());
    // no hours given: Monday to Friday 09:00–17:00
    assert_eq!(
        office.week.0[4],
        vec![DaySpan::parse("09:00-17:00").expect("span")]
    );
    assert!(office.week.0[5].is_empty());

    std::fs::write(
        dir.path().join("holidays.ics"),
        ics.replace("END:VEVENT", "RRULE:FREQ=YEARLY\r\nEND:VEVENT"),
    )
    .expect("write");
    let msg = Config::parse(text, &dir.path().join("config.toml"))
        .expect_err("recurring")
        .to_string();
    assert!(
        msg.contains(":6: sla.calendar[office].holidays_file:"),
        "{msg}"
    );
    assert!(msg.contains("Midsommarafton"), "{msg}");
}

#[test]
fn bad_values_name_the_table_key_and_line() {
    let policy = |body: &str| format!("[[sla.policy]]\nname = \"vip\"\n{body}\n{ACCOUNT}");
    let calendar = |body: &str| format!("[[sla.calendar]]\nname = \"office\"\n{body}\n");
    let cases: Vec<(&str, String, &str)> = vec![
        (
            "a bad duration",
            policy("first_reply = \"soon\""),
            "config.toml:3: sla.policy[vip].first_reply: `soon` is not a duration",
        ),
        (
            "a zero target",
            policy("resolution = \"0h\""),
            "config.toml:3: sla.policy[vip].resolution:",
        ),
        (
            "no target",
            policy("tag = \"vip\""),
            "config.toml:1: sla.policy[vip]: sets no target",
        ),
        (
            "a bad priority",
            policy("first_reply = \"1h\"\npriority = \"asap\""),
            "config.toml:4: sla.policy[vip].priority: `asap`: use low, normal, high or urgent",
        ),
        (
            "a bad language",
            policy("first_reply = \"1h\"\nlanguage = \"swedish\""),
            "config.toml:4: sla.policy[vip].language:",
        ),
        (
            "a bad query",
            policy("first_reply = \"1h\"\nquery = \"status:maybe\""),
            "config.toml:4: sla.policy[vip].query: `status:maybe`",
        ),
        (
            "an unknown calendar",
            policy("first_reply = \"1h\"\ncalendar = \"office\""),
            "config.toml:4: sla.policy[vip].calendar: no calendar `office`",
        ),
        (
            "a bad approaching",
            policy("first_reply = \"1h\"\napproaching = \"120%\""),
            "config.toml:4: sla.policy[vip].approaching: `120%`",
        ),
        (
            "an unknown account",
            policy("first_reply = \"1h\"\naccount = \"shopp\""),
            "config.toml: sla.policy[vip].account: no account named 'shopp'",
        ),
        (
            "the digest to the shop's own mailbox",
            format!("[sla]\ndigest_to = \"Support@Example.test\"\n{ACCOUNT}"),
            "config.toml: sla.digest_to: `Support@Example.test` is a mailbox sync reads",
        ),
        (
            "a name used twice",
            format!(
                "[[sla.policy]]\nname = \"vip\"\nfirst_reply = \"1h\"\n{}",
                policy("first_reply = \"2h\"")
            ),
            "config.toml:4: sla.policy[vip]: a policy of this name is defined twice",
        ),
        (
            "an unknown key",
            policy("first_reply = \"1h\"\nfirst_response = \"1h\""),
            "config.toml:4:1: unknown field `first_response`",
        ),
        (
            "a bad zone",
            calendar("time_zone = \"Europe/Stockhlm\""),
            "config.toml:3: sla.calendar[office].time_zone: `Europe/Stockhlm` is not an IANA time zone",
        ),
        (
            "a bad weekday",
            calendar("time_zone = \"UTC\"\nhours = { monday = \"09:00-17:00\" }"),
            "config.toml:4: sla.calendar[office].hours.monday: `monday` is not a weekday",
        ),
        (
            "bad hours",
            calendar("time_zone = \"UTC\"\nhours = { mon = \"17:00-09:00\" }"),
            "config.toml:4: sla.calendar[office].hours.mon: `17:00-09:00` is not opening hours",
        ),
        (
            "overlapping hours",
            calendar("time_zone = \"UTC\"\nhours = { mon = [\"09:00-13:00\", \"12:00-17:00\"] }"),
            "config.toml:4: sla.calendar[office].hours.mon: the hours overlap",
        ),
        (
            "a bad holiday",
            calendar("time_zone = \"UTC\"\nholidays = [\"24/12/2026\"]"),
            "config.toml:4: sla.calendar[office].holidays: `24/12/2026` is not a date",
        ),
        (
            "a missing holidays file",
            calendar("time_zone = \"UTC\"\nholidays_file = \"no-such.ics\""),
            "config.toml:4: sla.calendar[office].holidays_file: cannot read no-such.ics",
        ),
        (
            "a bad repeat scope",
            "[sla]\nrepeat_scope = \"order\"\n".to_string(),
            "config.toml:2: sla.repeat_scope: `order`: use any or same_order",
        ),
        (
            "a bad approaching",
            "[sla]\napproaching = \"soon\"\n".to_string(),
            "config.toml:2: sla.approaching: `soon`",
        ),
        (
            "a bad digest address",
            "[sla]\nbell = true\ndigest_to = \"owner at shop\"\n".to_string(),
            "config.toml:3: sla.digest_to: `owner at shop` is not an e-mail address",
        ),
        (
            "a bad digest span",
            "[sla]\ndigest_every = \"hourly\"\n".to_string(),
            "config.toml:2: sla.digest_every: `hourly`: use a duration such as 1h",
        ),
    ];
    for (name, text, want) in cases {
        let msg = parse(&text).expect_err(name).to_string();
        assert!(
            msg.starts_with(want),
            "{name}:\n  got:  {msg}\n  want: {want}…"
        );
    }
}

#[test]
fn the_digest_is_off_until_an_address_is_given() {
    let off = parse("[sla]\n").expect("config");
    assert_eq!(
        (off.sla.digest_to, off.sla.digest_every),
        (None, chrono::Duration::hours(1))
    );
    let on = parse("[sla]\ndigest_to = \" owner@shop.example \"\ndigest_every = \"30m\"\n")
        .expect("config");
    assert_eq!(
        (on.sla.digest_to.as_deref(), on.sla.digest_every),
        (Some("owner@shop.example"), chrono::Duration::minutes(30))
    );
}
