//! The report screen, drawn from `App::report` alone: the choice of period and dimension on
//! top, then plots where a trend is read at a glance (tickets created and solved over time,
//! first reply time over time, the breakdown by the chosen dimension, SLA attainment) and
//! text where the exact figure matters. Two arrangements: one for 80×24, one that uses the
//! room from 120 columns and 30 rows. Colours come from the theme's names only.

use ratatui::Frame;
use ratatui::layout::{Constraint, Direction, Layout, Rect};
use ratatui::symbols::{self, Marker};
use ratatui::text::{Line, Span};
use ratatui::widgets::{
    Axis, Bar, BarChart, BarGroup, Block, Borders, Chart, Dataset, GraphType, LineGauge, Paragraph,
    Wrap,
};
use unicode_width::UnicodeWidthStr;

use super::styles::StyleName;
use super::text::{Cut, duration, fit, percent};
use super::theme::Theme;
use super::view::block;
use crate::app::{App, ReportData, ReportPeriod};
use crate::domain::kpi::{Attainment, Kpis, Period};
use crate::domain::report::Dimension;

/// From this size the screen spreads out over three columns.
const WIDE_FROM: (u16, u16) = (120, 30);
/// The wide arrangement's lower row: the figures, the service levels and satisfaction, and
/// the breakdown; the plots above take the rest.
const BOTTOM: u16 = 13;

pub fn draw_report(f: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let rows = Layout::default()
        .direction(Direction::Vertical)
        .constraints([Constraint::Length(1), Constraint::Min(3)])
        .split(area);
    f.render_widget(Paragraph::new(header(app, rows[0].width, theme)), rows[0]);
    let Some(data) = &app.report.data else {
        let b = block("Report", true, theme);
        let inner = b.inner(rows[1]);
        f.render_widget(b, rows[1]);
        f.render_widget(
            Paragraph::new("Counting…").style(theme.style(StyleName::HintDesc)),
            inner,
        );
        return;
    };
    if area.width >= WIDE_FROM.0 && area.height >= WIDE_FROM.1 {
        wide(f, rows[1], data, theme);
    } else {
        compact(f, rows[1], data, theme);
    }
}

/// 80×24: the plots over time on the left; the figures, SLA and breakdown on the right.
fn compact(f: &mut Frame, area: Rect, data: &ReportData, theme: &Theme) {
    let cols = halves(area, Direction::Horizontal);
    let left = halves(cols[0], Direction::Vertical);
    volume(f, left[0], data, theme);
    first_reply(f, left[1], data, theme);
    let right = Layout::default()
        .direction(Direction::Vertical)
        .constraints([
            Constraint::Length(9),
            Constraint::Length(5),
            Constraint::Min(3),
        ])
        .split(cols[1]);
    figures(f, right[0], data, theme);
    sla(f, right[1], &data.total, theme);
    breakdown(f, right[2], data, theme);
}

/// Wide screens: the plots over time side by side, then the figures, the service levels
/// and satisfaction, and the breakdown with more of its numbers.
fn wide(f: &mut Frame, area: Rect, data: &ReportData, theme: &Theme) {
    let rows = Layout::default()
        .direction(Direction::Vertical)
        .constraints([Constraint::Min(10), Constraint::Length(BOTTOM)])
        .split(area);
    let top = halves(rows[0], Direction::Horizontal);
    volume(f, top[0], data, theme);
    first_reply(f, top[1], data, theme);
    let bottom = Layout::default()
        .direction(Direction::Horizontal)
        .constraints([
            Constraint::Length(44),
            Constraint::Length(44),
            Constraint::Min(30),
        ])
        .split(rows[1]);
    figures(f, bottom[0], data, theme);
    let service = Layout::default()
        .direction(Direction::Vertical)
        .constraints([Constraint::Length(5), Constraint::Min(3)])
        .split(bottom[1]);
    sla(f, service[0], &data.total, theme);
    satisfaction(f, service[1], &data.total, theme);
    breakdown(f, bottom[2], data, theme);
}

fn halves(area: Rect, direction: Direction) -> std::rc::Rc<[Rect]> {
    Layout::default()
        .direction(direction)
        .constraints([Constraint::Percentage(50), Constraint::Percentage(50)])
        .split(area)
}

/// The choices as two rows of tabs in one line, and the dates they cover.
fn header(app: &App, width: u16, theme: &Theme) -> Line<'static> {
    let r = &app.report;
    let wide = width >= 100;
    let tab = |label: String, chosen: bool| {
        Span::styled(
            format!(" {label} "),
            theme.style(if chosen {
                StyleName::QueueSelected
            } else {
                StyleName::QueueCount
            }),
        )
    };
    let mut spans = Vec::new();
    for p in ReportPeriod::ALL {
        let label = if wide {
            p.label().to_string()
        } else {
            short_period(p).to_string()
        };
        spans.push(tab(label, p == r.period));
    }
    spans.push(Span::styled(
        if wide { "  by " } else { " " },
        theme.style(StyleName::HintDesc),
    ));
    for d in Dimension::ALL {
        spans.push(tab(d.as_str().to_string(), d == r.dimension));
    }
    let right = match (&r.data, r.loading) {
        (_, true) => " counting…".to_string(),
        (Some(d), false) => format!(" {} – {}", d.first, d.last),
        (None, false) => String::new(),
    };
    let used: usize = spans.iter().map(|s| s.content.width()).sum();
    if used + right.width() <= usize::from(width) {
        spans.push(Span::raw(
            " ".repeat(usize::from(width) - used - right.width()),
        ));
        spans.push(Span::styled(right, theme.style(StyleName::HintDesc)));
    }
    Line::from(spans)
}

fn short_period(p: ReportPeriod) -> &'static str {
    match p {
        ReportPeriod::Days7 => "7d",
        ReportPeriod::Days30 => "30d",
        ReportPeriod::Days90 => "90d",
        ReportPeriod::Months12 => "12m",
    }
}

/// A step's key (`YYYY-MM-DD`, the day it starts) as a chart shows it.
fn step_label(key: &str, step: Period) -> String {
    match step {
        Period::Day | Period::Week => key.get(5..).unwrap_or(key).to_string(),
        Period::Month => key.get(..7).unwrap_or(key).to_string(),
    }
}

/// A chart's title: its name, then each line's name in the line's colour.
fn legend(name: &str, lines: &[(&str, StyleName)], theme: &Theme) -> Line<'static> {
    let mut spans = vec![Span::styled(
        format!(" {name}: "),
        theme.style(StyleName::Title),
    )];
    for (i, (label, style)) in lines.iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled(" · ", theme.style(StyleName::HintDesc)));
        }
        spans.push(Span::styled(format!("━ {label}"), theme.style(*style)));
    }
    spans.push(Span::raw(" "));
    Line::from(spans)
}

/// A line chart over the report's steps, `y_max` high (at least 1), its top labelled so.
fn over_time(
    f: &mut Frame,
    area: Rect,
    title: Line<'static>,
    data: &ReportData,
    lines: &[(&[(f64, f64)], StyleName)],
    (y_max, y_top): (f64, String),
    theme: &Theme,
) {
    let steps = data.series.len();
    let x_max = steps.saturating_sub(1).max(1) as f64;
    let x_labels = match (data.series.first(), data.series.last()) {
        (Some((first, _)), Some((last, _))) => vec![
            Span::raw(step_label(first, data.step)),
            Span::raw(step_label(last, data.step)),
        ],
        _ => Vec::new(),
    };
    let datasets = lines
        .iter()
        .map(|(points, style)| {
            Dataset::default()
                .marker(Marker::Braille)
                .graph_type(GraphType::Line)
                .style(theme.style(*style))
                .data(points)
        })
        .collect();
    let border = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.style(StyleName::Border))
        .title(title);
    let chart = Chart::new(datasets)
        .block(border)
        .style(theme.style(StyleName::Base))
        .legend_position(None)
        .x_axis(
            Axis::default()
                .bounds([0.0, x_max])
                .labels(x_labels)
                .style(theme.style(StyleName::Border)),
        )
        .y_axis(
            Axis::default()
                .bounds([0.0, y_max.max(1.0)])
                .labels(vec![Span::raw("0"), Span::raw(y_top)])
                .style(theme.style(StyleName::Border)),
        );
    f.render_widget(chart, area);
}

fn points(data: &ReportData, value: impl Fn(&Kpis) -> Option<f64>) -> Vec<(f64, f64)> {
    data.series
        .iter()
        .enumerate()
        .filter_map(|(i, (_, k))| value(k).map(|v| (i as f64, v)))
        .collect()
}

fn volume(f: &mut Frame, area: Rect, data: &ReportData, theme: &Theme) {
    let created = points(data, |k| Some(k.tickets_created as f64));
    let solved = points(data, |k| Some(k.tickets_solved as f64));
    let top = created
        .iter()
        .chain(&solved)
        .map(|p| p.1)
        .fold(0.0, f64::max)
        .max(1.0);
    let title = legend(
        "Tickets",
        &[
            ("created", StyleName::StatusNew),
            ("solved", StyleName::StatusSolved),
        ],
        theme,
    );
    over_time(
        f,
        area,
        title,
        data,
        &[
            (&created, StyleName::StatusNew),
            (&solved, StyleName::StatusSolved),
        ],
        (top, format!("{top:.0}")),
        theme,
    );
}

fn first_reply(f: &mut Frame, area: Rect, data: &ReportData, theme: &Theme) {
    let hours = |s: Option<i64>| s.map(|s| s as f64 / 3600.0);
    let median = points(data, |k| hours(k.first_reply.median_s));
    let p90 = points(data, |k| hours(k.first_reply.p90_s));
    let top = median.iter().chain(&p90).map(|p| p.1).fold(0.0, f64::max);
    // whole hours at the top, so the axis reads as a round figure
    let top = top.ceil().max(1.0);
    let title = legend(
        "First reply",
        &[("median", StyleName::HintKey), ("p90", StyleName::SlaSoon)],
        theme,
    );
    over_time(
        f,
        area,
        title,
        data,
        &[(&median, StyleName::HintKey), (&p90, StyleName::SlaSoon)],
        (top, format!("{top:.0}h")),
        theme,
    );
}

/// The window's figures as text, each with its name.
fn figures(f: &mut Frame, area: Rect, data: &ReportData, theme: &Theme) {
    let k = &data.total;
    let name = |s: &str| Span::styled(format!("{s:<11}"), theme.style(StyleName::HintDesc));
    let value = |s: String| Span::raw(s);
    let mut lines = vec![
        Line::from(vec![
            name("tickets"),
            value(format!(
                "{} in · {} solved",
                k.tickets_created, k.tickets_solved
            )),
        ]),
        Line::from(vec![
            name("backlog"),
            value(format!("{} open at the end", k.backlog)),
        ]),
        Line::from(vec![
            name("1st reply"),
            value(format!(
                "{} median · {} p90",
                duration(k.first_reply.median_s),
                duration(k.first_reply.p90_s)
            )),
        ]),
        Line::from(vec![
            name("resolution"),
            value(format!(
                "{} median · {} p90",
                duration(k.resolution.median_s),
                duration(k.resolution.p90_s)
            )),
        ]),
        Line::from(vec![
            name("one-touch"),
            value(format!(
                "{} · FCR {}",
                percent(k.one_touch_rate),
                percent(k.fcr_rate)
            )),
        ]),
        Line::from(vec![
            name("reopened"),
            value(format!(
                "{} · repeat {}",
                percent(k.reopen_rate),
                percent(k.repeat_contact_rate)
            )),
        ]),
        Line::from(vec![name("CSAT · NPS"), value(votes(k))]),
    ];
    if area.height > 11 {
        // room for the figures behind the figures
        lines.insert(
            1,
            Line::from(vec![
                name("messages"),
                value(format!("{} in · {} out", k.messages_in, k.messages_out)),
            ]),
        );
        lines.insert(
            4,
            Line::from(vec![
                name("  business"),
                value(format!(
                    "{} median · {} p90",
                    duration(k.first_reply.business_median_s),
                    duration(k.first_reply.business_p90_s)
                )),
            ]),
        );
    }
    let title = format!("{} · {} – {}", data.period.label(), data.first, data.last);
    f.render_widget(
        Paragraph::new(lines)
            .block(block(&title, false, theme))
            .wrap(Wrap { trim: false }),
        area,
    );
}

/// CSAT and NPS in one line, with how many answered.
fn votes(k: &Kpis) -> String {
    let c = &k.csat;
    let n = &k.nps;
    let csat_votes = c.good + c.okay + c.bad;
    let nps_votes = n.promoters + n.passives + n.detractors;
    if csat_votes + nps_votes == 0 {
        return "no votes yet".into();
    }
    let csat = if csat_votes == 0 {
        "-".to_string()
    } else {
        format!("{} ({csat_votes})", percent(c.score))
    };
    let nps = match n.score {
        Some(s) if nps_votes > 0 => format!("{s:+.0} ({nps_votes})"),
        _ => "-".to_string(),
    };
    format!("{csat} · {nps}")
}

/// Met against breached per target: the filled part is met.
fn sla(f: &mut Frame, area: Rect, k: &Kpis, theme: &Theme) {
    let b = block("SLA met", false, theme);
    let inner = b.inner(area);
    f.render_widget(b, area);
    let targets = [
        ("first reply", &k.sla.first_reply),
        ("next reply", &k.sla.next_reply),
        ("resolution", &k.sla.resolution),
    ];
    for (i, (name, a)) in targets.into_iter().enumerate() {
        let Some(row) = row_of(inner, i) else { break };
        gauge(f, row, name, a, theme);
    }
}

fn row_of(area: Rect, i: usize) -> Option<Rect> {
    let y = area.y + u16::try_from(i).ok()?;
    (y < area.bottom()).then_some(Rect {
        y,
        height: 1,
        ..area
    })
}

fn gauge(f: &mut Frame, row: Rect, name: &str, a: &Attainment, theme: &Theme) {
    let figures = format!("{} {}/{}", percent(a.rate), a.met, a.met + a.breached);
    let label = Line::from(vec![
        Span::styled(format!("{name:<11} "), theme.style(StyleName::HintDesc)),
        Span::raw(format!("{figures:<13}")),
    ]);
    match a.rate {
        Some(rate) => f.render_widget(
            LineGauge::default()
                .label(label)
                .ratio(rate.clamp(0.0, 1.0))
                .filled_symbol(symbols::line::THICK.horizontal)
                .unfilled_symbol(symbols::line::THICK.horizontal)
                .filled_style(theme.style(StyleName::StatusSolved))
                .unfilled_style(theme.style(StyleName::SlaBreaching)),
            row,
        ),
        None => f.render_widget(
            Paragraph::new(Line::from(vec![
                Span::styled(format!("{name:<11} "), theme.style(StyleName::HintDesc)),
                Span::styled("no clocks stopped", theme.style(StyleName::HintDesc)),
            ])),
            row,
        ),
    }
}

/// Wide screens: satisfaction as gauges, with the counts behind them.
fn satisfaction(f: &mut Frame, area: Rect, k: &Kpis, theme: &Theme) {
    let b = block("Satisfaction", false, theme);
    let inner = b.inner(area);
    f.render_widget(b, area);
    let c = &k.csat;
    let n = &k.nps;
    let lines = [
        (
            "CSAT",
            c.good + c.okay + c.bad,
            c.score,
            format!("{} good · {} okay · {} bad", c.good, c.okay, c.bad),
        ),
        (
            "NPS",
            n.promoters + n.passives + n.detractors,
            // −100..100 as 0..1 for the gauge
            n.score.map(|s| (s + 100.0) / 200.0),
            format!(
                "{} promoters · {} passives · {} detractors",
                n.promoters, n.passives, n.detractors
            ),
        ),
    ];
    let mut row = 0;
    for (name, answers, ratio, counts) in lines {
        let Some(r) = row_of(inner, row) else { break };
        let shown = if name == "NPS" {
            n.score.map_or("-".into(), |s| format!("{s:+.0}"))
        } else {
            percent(c.score)
        };
        match ratio.filter(|_| answers > 0) {
            Some(ratio) => f.render_widget(
                LineGauge::default()
                    .label(Line::from(vec![
                        Span::styled(format!("{name:<5}"), theme.style(StyleName::HintDesc)),
                        Span::raw(format!("{shown:>5} ")),
                    ]))
                    .ratio(ratio.clamp(0.0, 1.0))
                    .filled_symbol(symbols::line::THICK.horizontal)
                    .unfilled_symbol(symbols::line::THICK.horizontal)
                    .filled_style(theme.style(StyleName::StatusSolved))
                    .unfilled_style(theme.style(StyleName::SlaBreaching)),
                r,
            ),
            None => f.render_widget(
                Paragraph::new(Line::from(vec![
                    Span::styled(format!("{name:<5}"), theme.style(StyleName::HintDesc)),
                    Span::styled("no votes yet", theme.style(StyleName::HintDesc)),
                ])),
                r,
            ),
        }
        if answers > 0
            && let Some(r) = row_of(inner, row + 1)
        {
            f.render_widget(
                Paragraph::new(Span::styled(
                    format!("  {counts}"),
                    theme.style(StyleName::HintDesc),
                )),
                r,
            );
            row += 1;
        }
        row += 1;
    }
}

/// Tickets created per group of the chosen dimension, as bars with the count beside each:
/// the largest groups first (the latest periods, for a dimension over time), as many as fit.
/// Wide, each row also says how many were solved and the median first reply.
fn breakdown(f: &mut Frame, area: Rect, data: &ReportData, theme: &Theme) {
    let wide = area.width >= 60;
    let title = if wide {
        format!("By {} · created, solved, first reply", data.dimension)
    } else {
        format!("By {} · created", data.dimension)
    };
    let b = block(&title, false, theme);
    let inner = b.inner(area);
    f.render_widget(b, area);
    let rows = usize::from(inner.height);
    if data.groups.is_empty() || rows == 0 {
        f.render_widget(
            Paragraph::new("Nothing in this period.").style(theme.style(StyleName::HintDesc)),
            inner,
        );
        return;
    }
    let mut groups: Vec<&(String, Kpis)> = data.groups.iter().collect();
    match data.dimension.period() {
        Some(_) => groups = groups.split_off(groups.len().saturating_sub(rows)),
        None => {
            groups.sort_by_key(|g| std::cmp::Reverse(g.1.tickets_created));
            groups.truncate(rows);
        }
    }
    let keys: Vec<String> = groups
        .iter()
        .map(|(key, _)| match data.dimension.period() {
            Some(p) => step_label(key, p),
            None => key.clone(),
        })
        .collect();
    let key_w = keys
        .iter()
        .map(|k| k.width())
        .max()
        .unwrap_or(0)
        .clamp(5, 14);
    let bars: Vec<Bar> = groups
        .iter()
        .zip(&keys)
        .map(|((_, k), key)| {
            let mut label = format!(
                "{} {:>5}",
                fit(key, key_w, Cut::Ellipsis),
                k.tickets_created
            );
            if wide {
                label.push_str(&format!(
                    " {:>6} {:>6}",
                    k.tickets_solved,
                    duration(k.first_reply.median_s)
                ));
            }
            Bar::default()
                .value(k.tickets_created)
                .label(Line::from(label))
                // the figures are in the label; the bar is only the proportion
                .text_value(String::new())
                .style(theme.style(StyleName::StatusNew))
        })
        .collect();
    let chart = BarChart::default()
        .direction(Direction::Horizontal)
        .bar_width(1)
        .bar_gap(0)
        .label_style(theme.style(StyleName::Base))
        .data(BarGroup::default().bars(&bars));
    f.render_widget(chart, inner);
}
