//! Charts as SVG, drawn on the server for report pages and phones.
//!
//! Every chart scales to its container: a `viewBox` 600 units wide, `width="100%"` and no
//! size in pixels, text of at least 11 units so it stays legible when a 360 px screen shrinks
//! it. Each has `role="img"`, a `<title>` and a `<desc>` listing every figure, so a screen
//! reader — or anyone who cannot make out the picture — gets the numbers. Figures are written
//! the Vietnamese way ([`format_number`]: 1.234.567 and 12,5); axes start at zero with ticks
//! 1, 2 or 5 × 10ⁿ apart.
//!
//! - [`bar_chart`]: vertical bars grouped by category, one colour per series.
//! - [`line_chart`]: one line per series, e.g. growth over the years.
//! - [`hbar_chart`]: horizontal bars, for many or long categories (provinces, sectors).
//! - [`progress_chart`]: how far each indicator has come against its target.
//!
//! The SVG is written by hand rather than with a plotting crate: the four forms are simple,
//! and what matters here — the scalable `viewBox`, the text description, the number format,
//! shortened labels that keep their full text — is easier to get exactly right directly.

use std::fmt::Write as _;

use crate::docx::push_escaped;

/// A named row of figures, one per category of the [`Chart`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Series {
    /// Shown in the legend when a chart has several series, e.g. "Năm 2024".
    pub name: String,
    /// One value per category; a missing, NaN or infinite value counts as 0.
    pub values: Vec<f64>,
}

/// The data of a bar, line or horizontal bar chart.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Chart {
    /// The heading above the chart, also the SVG's `<title>`.
    pub title: String,
    /// Category labels along the axis, e.g. years or provinces.
    pub categories: Vec<String>,
    /// The figures; one colour each, in [`PALETTE`] order.
    pub series: Vec<Series>,
    /// Written after each value, e.g. "HTX" or "%"; may be empty. Bar and line charts write a
    /// unit of more than four characters ("triệu đồng") once above the value axis instead.
    pub unit: String,
    /// What to say when there is nothing to draw (no category, or every value 0), in the
    /// reader's language, e.g. "Chưa có số liệu".
    pub empty: String,
}

/// Series colours, in the order series get them: the 700 shades of a common web palette,
/// each with at least 4.5:1 contrast against white, neighbours far apart in hue and
/// lightness.
pub const PALETTE: [&str; 8] = [
    "#1d4ed8", "#c2410c", "#15803d", "#7e22ce", "#a16207", "#0e7490", "#be185d", "#4b5563",
];

/// Writes `v` the Vietnamese way: "." between thousands, "," before decimals, at most two
/// decimals and no trailing zeros (1.234.567; 12,5; -0,25). NaN and infinities are written
/// as 0.
pub fn format_number(v: f64) -> String {
    let v = finite(v);
    let fixed = format!("{:.2}", v.abs());
    let (int, frac) = fixed.split_once('.').unwrap_or((&fixed, ""));
    let frac = frac.trim_end_matches('0');
    let mut out = String::with_capacity(fixed.len() + fixed.len() / 3 + 1);
    if v < 0.0 && (int != "0" || !frac.is_empty()) {
        out.push('-');
    }
    for (i, digit) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push('.');
        }
        out.push(digit);
    }
    if !frac.is_empty() {
        out.push(',');
        out.push_str(frac);
    }
    out
}

/// Vertical bars grouped by category, one colour per series, each bar with its value (turned
/// upright when the bar is too narrow, left out when even that does not fit — the `<desc>`
/// still has it); a legend when there are several series.
pub fn bar_chart(c: &Chart) -> String {
    if is_empty(c) {
        return empty_chart(c);
    }
    let count = c.categories.len();
    let per_slot = c.series.len();
    let mut canvas = Canvas::new(&c.title);
    canvas.legend(&c.series);
    let unit = canvas.unit_caption(&c.unit);
    let axis = YAxis::new(c);
    let slot = (WIDTH - PAD - axis.left) / count as f64;
    // A group fills 80 % of its slot, its bars 2 units apart.
    let bar = (slot * 0.8 - BAR_GAP * (per_slot - 1) as f64) / per_slot as f64;
    let room_per_label = if per_slot == 1 { slot - 4.0 } else { bar + BAR_GAP };
    let labels = value_labels(c, unit);
    let widest = labels
        .iter()
        .flatten()
        .map(|l| text_width(l, VALUE))
        .fold(0.0, f64::max);
    let mode = if widest <= room_per_label {
        ValueLabels::Flat
    } else if bar + BAR_GAP >= VALUE + 2.0 {
        ValueLabels::Upright
    } else {
        ValueLabels::Hidden
    };
    let room = match mode {
        ValueLabels::Flat => VALUE + 6.0,
        ValueLabels::Upright => widest + 8.0,
        ValueLabels::Hidden => 6.0,
    };
    let top = canvas.y + room;
    let bottom = top + PLOT_HEIGHT;
    axis.draw(&mut canvas.body, top, bottom);
    let zero = axis.scale.at(0.0, bottom, top);
    for (s, (series, labels)) in c.series.iter().zip(&labels).enumerate() {
        let colour = colour(s);
        for (i, label) in labels.iter().enumerate() {
            let v = value(series, i);
            let x = axis.left + slot * (i as f64 + 0.1) + (bar + BAR_GAP) * s as f64;
            let y = axis.scale.at(v, bottom, top);
            let (y0, y1) = (y.min(zero), y.max(zero));
            let _ = write!(
                canvas.body,
                r#"<rect x="{}" y="{}" width="{}" height="{}" fill="{colour}"/>"#,
                n(x),
                n(y0),
                n(bar),
                n(y1 - y0)
            );
            let cx = x + bar / 2.0;
            match mode {
                ValueLabels::Flat => {
                    let ly = if v < 0.0 { y1 + VALUE + 2.0 } else { y0 - 4.0 };
                    push_text(
                        &mut canvas.body,
                        cx,
                        ly,
                        VALUE,
                        r#"text-anchor="middle""#,
                        label,
                        usize::MAX,
                    );
                }
                ValueLabels::Upright => {
                    let (ly, anchor) = if v < 0.0 {
                        (y1 + 4.0, "end")
                    } else {
                        (y0 - 4.0, "start")
                    };
                    let lx = cx + VALUE * 0.35;
                    let attrs = format!(
                        r#"text-anchor="{anchor}" transform="rotate(-90 {} {})""#,
                        n(lx),
                        n(ly)
                    );
                    push_text(&mut canvas.body, lx, ly, VALUE, &attrs, label, usize::MAX);
                }
                ValueLabels::Hidden => {}
            }
        }
    }
    let below = if axis.scale.lo < 0.0 && mode != ValueLabels::Hidden {
        room
    } else {
        0.0
    };
    let height = category_labels(&mut canvas.body, &c.categories, axis.left, slot, bottom + below);
    canvas.finish(&c.title, &describe(c), height)
}

/// One line per series with a dot at each category, e.g. growth over the years. Values are
/// written by the dots when there are at most two series and they fit (the first series'
/// above, the other's below where it is lower).
pub fn line_chart(c: &Chart) -> String {
    if is_empty(c) {
        return empty_chart(c);
    }
    let count = c.categories.len();
    let mut canvas = Canvas::new(&c.title);
    canvas.legend(&c.series);
    let unit = canvas.unit_caption(&c.unit);
    let axis = YAxis::new(c);
    let slot = (WIDTH - PAD - axis.left) / count as f64;
    let labels = value_labels(c, unit);
    let widest = labels
        .iter()
        .flatten()
        .map(|l| text_width(l, VALUE))
        .fold(0.0, f64::max);
    let show = c.series.len() <= 2 && widest <= slot - 4.0;
    let top = canvas.y + VALUE + 12.0;
    let bottom = top + PLOT_HEIGHT;
    axis.draw(&mut canvas.body, top, bottom);
    let x_of = |i: usize| axis.left + slot * (i as f64 + 0.5);
    for (s, series) in c.series.iter().enumerate() {
        let colour = colour(s);
        let points: Vec<(f64, f64)> = (0..count)
            .map(|i| (x_of(i), axis.scale.at(value(series, i), bottom, top)))
            .collect();
        let path: Vec<String> = points
            .iter()
            .map(|(x, y)| format!("{},{}", n(*x), n(*y)))
            .collect();
        let _ = write!(
            canvas.body,
            r#"<polyline points="{}" fill="none" stroke="{colour}" stroke-width="2.5" stroke-linejoin="round"/>"#,
            path.join(" ")
        );
        for (i, (x, y)) in points.iter().enumerate() {
            let _ = write!(
                canvas.body,
                r##"<circle cx="{}" cy="{}" r="4" fill="{colour}" stroke="#ffffff" stroke-width="1.5"/>"##,
                n(*x),
                n(*y)
            );
            if show {
                // Above the dot unless another series is higher here.
                let v = value(series, i);
                let highest = c.series.iter().all(|other| value(other, i) <= v);
                let ly = if highest { y - 9.0 } else { y + VALUE + 7.0 };
                let attrs = format!(r#"text-anchor="middle" fill="{colour}""#);
                push_text(&mut canvas.body, *x, ly, VALUE, &attrs, &labels[s][i], usize::MAX);
            }
        }
    }
    let below = if show && c.series.len() > 1 {
        VALUE + 8.0
    } else {
        0.0
    };
    let height = category_labels(&mut canvas.body, &c.categories, axis.left, slot, bottom + below);
    canvas.finish(&c.title, &describe(c), height)
}

/// Horizontal bars, for many or long categories (provinces, sectors): the category on the
/// left (shortened with "…" past about 30 characters), the bar, its value on the right.
pub fn hbar_chart(c: &Chart) -> String {
    if is_empty(c) {
        return empty_chart(c);
    }
    let per_row = c.series.len();
    let mut canvas = Canvas::new(&c.title);
    canvas.legend(&c.series);
    let longest = c
        .categories
        .iter()
        .map(|l| text_width(l, LABEL))
        .fold(0.0, f64::max);
    let label_width = longest.min(HBAR_LABEL_WIDTH);
    let label_chars = max_chars(label_width, LABEL);
    let labels = value_labels(c, &c.unit);
    let value_width = labels
        .iter()
        .flatten()
        .map(|l| text_width(l, VALUE))
        .fold(0.0, f64::max)
        + 8.0;
    let (min, max) = extent(c);
    let scale = Scale::nice(min, max);
    let x0 = PAD + label_width + 8.0;
    let x1 = WIDTH - PAD - value_width;
    let bar = if per_row == 1 { 20.0 } else { 14.0 };
    let group = per_row as f64 * bar + (per_row - 1) as f64 * 2.0;
    let top = canvas.y + 4.0;
    let bottom = top + c.categories.len() as f64 * (group + 10.0);
    for tick in scale.ticks() {
        let x = scale.at(tick, x0, x1);
        let stroke = if tick == 0.0 { AXIS } else { GRID };
        let _ = write!(
            canvas.body,
            r#"<line x1="{x}" y1="{}" x2="{x}" y2="{}" stroke="{stroke}"/>"#,
            n(top),
            n(bottom),
            x = n(x)
        );
        let attrs = format!(r#"text-anchor="middle" fill="{MUTED}""#);
        push_text(
            &mut canvas.body,
            x,
            bottom + TICK + 4.0,
            TICK,
            &attrs,
            &format_number(tick),
            usize::MAX,
        );
    }
    let zero = scale.at(0.0, x0, x1);
    for (i, category) in c.categories.iter().enumerate() {
        let y = top + 5.0 + i as f64 * (group + 10.0);
        let attrs = format!(r#"text-anchor="end" fill="{INK}""#);
        push_text(
            &mut canvas.body,
            x0 - 8.0,
            y + group / 2.0 + LABEL * 0.35,
            LABEL,
            &attrs,
            category,
            label_chars,
        );
        for (s, series) in c.series.iter().enumerate() {
            let by = y + s as f64 * (bar + 2.0);
            let x = scale.at(value(series, i), x0, x1);
            let (a, b) = (x.min(zero), x.max(zero));
            let _ = write!(
                canvas.body,
                r#"<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>"#,
                n(a),
                n(by),
                n(b - a),
                n(bar),
                colour(s)
            );
            push_text(
                &mut canvas.body,
                b + 6.0,
                by + bar / 2.0 + VALUE * 0.35,
                VALUE,
                "",
                &labels[s][i],
                usize::MAX,
            );
        }
    }
    canvas.finish(&c.title, &describe(c), bottom + TICK + 4.0 + PAD)
}

/// How far each indicator has come: per row a label, the bar of the actual value, a marker at
/// the target and the text "actual / target (percent)". Each row with a target is scaled to
/// the larger of its actual and target (indicators differ in units); rows without one are
/// scaled together to the largest of their actual values and show the value only.
/// `rows` holds (label, actual, target); with no rows the SVG holds only the title.
pub fn progress_chart(title: &str, rows: &[(String, f64, Option<f64>)]) -> String {
    let mut canvas = Canvas::new(title);
    let rows: Vec<(&str, f64, Option<f64>)> = rows
        .iter()
        .map(|(label, actual, target)| {
            (
                label.as_str(),
                finite(*actual),
                target.map(finite).filter(|t| *t > 0.0),
            )
        })
        .collect();
    let untargeted_max = rows
        .iter()
        .filter(|r| r.2.is_none())
        .map(|r| r.1)
        .fold(0.0, f64::max)
        .max(f64::MIN_POSITIVE);
    let texts: Vec<String> = rows
        .iter()
        .map(|(_, actual, target)| progress_text(*actual, *target))
        .collect();
    let mut desc = vec![];
    let (x0, x1) = (PAD, WIDTH - PAD);
    let mut y = canvas.y + 6.0;
    for ((label, actual, target), text) in rows.iter().zip(&texts) {
        desc.push(format!("{label}: {text}"));
        let attrs = format!(r#"fill="{INK}""#);
        let chars = max_chars(x1 - x0 - text_width(text, VALUE) - 12.0, LABEL);
        push_text(&mut canvas.body, x0, y + LABEL, LABEL, &attrs, label, chars);
        let attrs = format!(r#"text-anchor="end" fill="{INK}" font-weight="600""#);
        push_text(&mut canvas.body, x1, y + LABEL, VALUE, &attrs, text, usize::MAX);
        let bar_y = y + LABEL + 7.0;
        let full = target.map_or(untargeted_max, |t| t.max(*actual));
        let width = (actual.max(0.0) / full).min(1.0) * (x1 - x0);
        let reached = target.is_some_and(|t| *actual >= t);
        let fill = if reached { PALETTE[2] } else { PALETTE[0] };
        let _ = write!(
            canvas.body,
            concat!(
                r##"<rect x="{x0}" y="{y}" width="{w}" height="{h}" rx="3" fill="#e5e7eb"/>"##,
                r#"<rect x="{x0}" y="{y}" width="{fw}" height="{h}" rx="3" fill="{fill}"/>"#,
            ),
            x0 = n(x0),
            y = n(bar_y),
            w = n(x1 - x0),
            fw = n(width),
            h = n(PROGRESS_BAR),
            fill = fill,
        );
        if let Some(target) = target {
            let x = x0 + target / full * (x1 - x0);
            let _ = write!(
                canvas.body,
                r#"<line x1="{x}" y1="{}" x2="{x}" y2="{}" stroke="{INK}" stroke-width="2.5"/>"#,
                n(bar_y - 4.0),
                n(bar_y + PROGRESS_BAR + 4.0),
                x = n(x)
            );
        }
        y = bar_y + PROGRESS_BAR + 14.0;
    }
    let desc = if desc.is_empty() {
        title.to_owned()
    } else {
        format!("{title}. {}.", desc.join("; "))
    };
    canvas.finish(title, &desc, y + PAD - 8.0)
}

/// viewBox width; text sizes below are in the same units.
const WIDTH: f64 = 600.0;
const PAD: f64 = 16.0;
const PLOT_HEIGHT: f64 = 240.0;
const HBAR_LABEL_WIDTH: f64 = 220.0;
const PROGRESS_BAR: f64 = 14.0;
const TITLE: f64 = 20.0;
const LABEL: f64 = 15.0;
const VALUE: f64 = 14.0;
const TICK: f64 = 13.0;
/// Space between the bars of one category.
const BAR_GAP: f64 = 2.0;
/// Units longer than this ("triệu đồng") are written once above the value axis of bar and
/// line charts instead of after every value, where they would crowd the labels.
const SHORT_UNIT: usize = 4;
/// Average advance of a character of system-ui as a share of the font size, rounded up:
/// used to guess text widths, as the server has no font metrics.
const CHAR_WIDTH: f64 = 0.58;
const FONT: &str = "system-ui, sans-serif";
const INK: &str = "#1f2937";
const MUTED: &str = "#4b5563";
const GRID: &str = "#e5e7eb";
const AXIS: &str = "#6b7280";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ValueLabels {
    /// Horizontal above each bar.
    Flat,
    /// Turned 90°, reading upwards from the top of the bar.
    Upright,
    /// No room; the figures are in the description only.
    Hidden,
}

/// The SVG being drawn: its elements, and how far down the title and legend reach.
struct Canvas {
    body: String,
    y: f64,
}

impl Canvas {
    /// Starts with `title` on up to two lines.
    fn new(title: &str) -> Canvas {
        let mut canvas = Canvas {
            body: String::new(),
            y: PAD,
        };
        let attrs = format!(r#"font-weight="700" fill="{INK}""#);
        for line in wrap(title, max_chars(WIDTH - 2.0 * PAD, TITLE), 2) {
            canvas.y += TITLE + 4.0;
            push_text(&mut canvas.body, PAD, canvas.y, TITLE, &attrs, &line, usize::MAX);
        }
        canvas.y += 6.0;
        canvas
    }

    /// A legend row (wrapping) of colour swatches and series names, when there are several.
    fn legend(&mut self, series: &[Series]) {
        if series.len() < 2 {
            return;
        }
        let (mut x, mut y) = (PAD, self.y + LABEL + 2.0);
        for (s, item) in series.iter().enumerate() {
            let name = truncate(&item.name, 28).unwrap_or_else(|| item.name.clone());
            let width = 18.0 + text_width(&name, LABEL) + 16.0;
            if x > PAD && x + width > WIDTH - PAD {
                x = PAD;
                y += LABEL + 8.0;
            }
            let _ = write!(
                self.body,
                r#"<rect x="{}" y="{}" width="12" height="12" rx="2" fill="{}"/>"#,
                n(x),
                n(y - 11.0),
                colour(s)
            );
            let attrs = format!(r#"fill="{INK}""#);
            push_text(&mut self.body, x + 18.0, y, LABEL, &attrs, &item.name, 28);
            x += width;
        }
        self.y = y + 8.0;
    }

    /// Writes a long unit once above the value axis and returns "" for the value labels;
    /// returns a short one ("HTX", "%") for them to carry.
    fn unit_caption<'u>(&mut self, unit: &'u str) -> &'u str {
        let unit = unit.trim();
        if unit.chars().count() <= SHORT_UNIT {
            return unit;
        }
        self.y += TICK + 2.0;
        let attrs = format!(r#"fill="{MUTED}""#);
        push_text(&mut self.body, PAD, self.y, TICK, &attrs, unit, 40);
        self.y += 4.0;
        ""
    }

    fn finish(self, title: &str, desc: &str, height: f64) -> String {
        let height = n(height.ceil());
        let mut svg = format!(
            concat!(
                r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="100%" role="img" "#,
                r#"font-family="{FONT}"><title>"#,
            ),
            w = WIDTH,
            h = height,
            FONT = FONT,
        );
        push_escaped(&mut svg, title);
        svg.push_str("</title><desc>");
        push_escaped(&mut svg, desc);
        let _ = write!(
            svg,
            r##"</desc><rect width="{WIDTH}" height="{height}" fill="#ffffff"/>"##
        );
        svg.push_str(&self.body);
        svg.push_str("</svg>");
        svg
    }
}

/// The value axis of a vertical chart: its scale, and where the plot starts after the tick
/// labels.
struct YAxis {
    scale: Scale,
    labels: Vec<(f64, String)>,
    left: f64,
}

impl YAxis {
    fn new(c: &Chart) -> YAxis {
        let (min, max) = extent(c);
        let scale = Scale::nice(min, max);
        let labels: Vec<(f64, String)> = scale.ticks().into_iter().map(|t| (t, format_number(t))).collect();
        let widest = labels
            .iter()
            .map(|(_, l)| text_width(l, TICK))
            .fold(0.0, f64::max);
        YAxis {
            scale,
            labels,
            left: PAD + widest + 8.0,
        }
    }

    /// Grid lines and tick labels between `top` and `bottom`; the zero line darker.
    fn draw(&self, out: &mut String, top: f64, bottom: f64) {
        for (tick, label) in &self.labels {
            let y = self.scale.at(*tick, bottom, top);
            let stroke = if *tick == 0.0 { AXIS } else { GRID };
            let _ = write!(
                out,
                r#"<line x1="{}" y1="{y}" x2="{}" y2="{y}" stroke="{stroke}"/>"#,
                n(self.left),
                n(WIDTH - PAD),
                y = n(y)
            );
            let attrs = format!(r#"text-anchor="end" fill="{MUTED}""#);
            push_text(
                out,
                self.left - 6.0,
                y + TICK * 0.35,
                TICK,
                &attrs,
                label,
                usize::MAX,
            );
        }
    }
}

/// Category labels under a vertical chart from `y`: horizontal and shortened to their slot
/// when that leaves at least 8 characters, otherwise slanted at 45° (up to 20 characters).
/// Returns the height of the whole chart.
fn category_labels(out: &mut String, categories: &[String], left: f64, slot: f64, y: f64) -> f64 {
    let fit = max_chars(slot - 4.0, LABEL);
    let longest = categories.iter().map(|c| c.chars().count()).max().unwrap_or(0);
    let attrs = format!(r#"text-anchor="middle" fill="{INK}""#);
    if longest <= fit || fit >= 8 {
        for (i, category) in categories.iter().enumerate() {
            let x = left + slot * (i as f64 + 0.5);
            push_text(out, x, y + LABEL + 6.0, LABEL, &attrs, category, fit);
        }
        return y + LABEL + 6.0 + PAD;
    }
    let chars = longest.min(20);
    for (i, category) in categories.iter().enumerate() {
        let x = left + slot * (i as f64 + 0.5) + LABEL * 0.35;
        let ly = y + 10.0;
        let attrs = format!(
            r#"text-anchor="end" fill="{INK}" transform="rotate(-45 {} {})""#,
            n(x),
            n(ly)
        );
        push_text(out, x, ly, LABEL, &attrs, category, chars);
    }
    y + 10.0 + chars as f64 * LABEL * CHAR_WIDTH * std::f64::consts::FRAC_1_SQRT_2 + PAD
}

/// A chart with nothing to draw: the title, and the caller's message in the middle.
fn empty_chart(c: &Chart) -> String {
    let mut canvas = Canvas::new(&c.title);
    let y = canvas.y + 50.0;
    let attrs = format!(r#"text-anchor="middle" fill="{MUTED}""#);
    push_text(
        &mut canvas.body,
        WIDTH / 2.0,
        y,
        14.0,
        &attrs,
        &c.empty,
        usize::MAX,
    );
    let desc = if c.title.is_empty() {
        c.empty.clone()
    } else {
        format!("{}. {}", c.title, c.empty)
    };
    canvas.finish(&c.title, &desc, y + 40.0)
}

/// Axis range: ticks `step` apart from `lo` to `hi`, zero among them.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Scale {
    lo: f64,
    hi: f64,
    step: f64,
}

impl Scale {
    /// About five ticks, 1, 2 or 5 × 10ⁿ apart, covering `min..=max` and zero.
    fn nice(min: f64, max: f64) -> Scale {
        let (min, max) = (finite(min).min(0.0), finite(max).max(0.0));
        let range = max - min;
        if range <= 0.0 {
            return Scale {
                lo: 0.0,
                hi: 1.0,
                step: 1.0,
            };
        }
        let rough = range / 5.0;
        let magnitude = 10f64.powf(rough.log10().floor());
        let step = [1.0, 2.0, 5.0, 10.0]
            .into_iter()
            .map(|m| m * magnitude)
            .find(|step| *step >= rough * (1.0 - 1e-9))
            .unwrap_or(10.0 * magnitude);
        // The epsilon keeps 100 / 20 = 5.000000001 from gaining a sixth tick.
        let hi = (max / step - 1e-9).ceil() * step;
        let lo = (min / step + 1e-9).floor() * step;
        Scale {
            lo: lo + 0.0,
            hi: hi + 0.0,
            step,
        }
    }

    fn ticks(&self) -> Vec<f64> {
        let count = ((self.hi - self.lo) / self.step).round() as usize;
        (0..=count)
            .map(|i| self.lo + i as f64 * self.step)
            .map(|t| if t.abs() < self.step * 1e-9 { 0.0 } else { t })
            .collect()
    }

    /// Where `v` falls between the coordinates `from` (at `lo`) and `to` (at `hi`).
    fn at(&self, v: f64, from: f64, to: f64) -> f64 {
        from + (finite(v) - self.lo) / (self.hi - self.lo) * (to - from)
    }
}

fn finite(v: f64) -> f64 {
    if v.is_finite() { v } else { 0.0 }
}

fn value(series: &Series, i: usize) -> f64 {
    series.values.get(i).copied().map_or(0.0, finite)
}

fn colour(s: usize) -> &'static str {
    PALETTE[s % PALETTE.len()]
}

fn is_empty(c: &Chart) -> bool {
    c.series
        .iter()
        .all(|s| (0..c.categories.len()).all(|i| value(s, i) == 0.0))
}

/// Smallest and largest value drawn.
fn extent(c: &Chart) -> (f64, f64) {
    let values = c
        .series
        .iter()
        .flat_map(|s| (0..c.categories.len()).map(|i| value(s, i)));
    values.fold((0.0, 0.0), |(lo, hi), v| (f64::min(lo, v), f64::max(hi, v)))
}

/// The value with its unit: "12,5%" or "1.234 HTX".
fn with_unit(v: f64, unit: &str) -> String {
    let number = format_number(v);
    match unit.trim() {
        "" => number,
        "%" => format!("{number}%"),
        unit => format!("{number} {unit}"),
    }
}

/// Labels of every value with `unit`, by series then category.
fn value_labels(c: &Chart, unit: &str) -> Vec<Vec<String>> {
    c.series
        .iter()
        .map(|s| {
            (0..c.categories.len())
                .map(|i| with_unit(value(s, i), unit))
                .collect()
        })
        .collect()
}

/// "Title. 2023: 12 HTX; 2024: 15 HTX." or, with several series,
/// "Title. Hà Nội: Năm 2023 12 HTX, Năm 2024 15 HTX; …".
fn describe(c: &Chart) -> String {
    let entries: Vec<String> = c
        .categories
        .iter()
        .enumerate()
        .map(|(i, category)| {
            let values: Vec<String> = c
                .series
                .iter()
                .map(|s| {
                    let v = with_unit(value(s, i), &c.unit);
                    if c.series.len() > 1 {
                        format!("{} {v}", s.name)
                    } else {
                        v
                    }
                })
                .collect();
            format!("{category}: {}", values.join(", "))
        })
        .collect();
    if c.title.trim().is_empty() {
        format!("{}.", entries.join("; "))
    } else {
        format!("{}. {}.", c.title, entries.join("; "))
    }
}

/// "45 / 50 (90%)" against a target, the value alone without one.
fn progress_text(actual: f64, target: Option<f64>) -> String {
    match target {
        Some(target) => {
            let percent = (actual / target * 1000.0).round() / 10.0;
            format!(
                "{} / {} ({}%)",
                format_number(actual),
                format_number(target),
                format_number(percent)
            )
        }
        None => format_number(actual),
    }
}

fn text_width(text: &str, size: f64) -> f64 {
    text.chars().count() as f64 * size * CHAR_WIDTH
}

/// How many characters of `size` fit in `width`, at least 4.
fn max_chars(width: f64, size: f64) -> usize {
    ((width / (size * CHAR_WIDTH)).floor().max(4.0)) as usize
}

/// `text` cut to `max` characters ending in "…" — at a space when one falls in the second
/// half — or `None` when it fits.
fn truncate(text: &str, max: usize) -> Option<String> {
    if text.chars().count() <= max {
        return None;
    }
    let kept: String = text.chars().take(max.saturating_sub(1)).collect();
    let cut_in_word = text
        .chars()
        .nth(kept.chars().count())
        .is_some_and(|c| !c.is_whitespace());
    let kept = match kept.rfind(' ') {
        Some(space) if cut_in_word && kept[..space].chars().count() >= max / 2 => &kept[..space],
        _ => kept.as_str(),
    };
    Some(format!("{}…", kept.trim_end()))
}

/// `text` on at most `lines` lines of `max` characters, breaking between words; what does
/// not fit is cut with "…".
fn wrap(text: &str, max: usize, lines: usize) -> Vec<String> {
    let mut out: Vec<String> = vec![];
    let mut current = String::new();
    for word in text.split_whitespace() {
        if !current.is_empty() && current.chars().count() + 1 + word.chars().count() > max {
            out.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(word);
    }
    if !current.is_empty() {
        out.push(current);
    }
    if out.len() > lines {
        let rest = out.split_off(lines - 1).join(" ");
        out.push(rest);
    }
    out.into_iter()
        .map(|line| truncate(&line, max).unwrap_or(line))
        .collect()
}

/// A `<text>` element; a label longer than `max_chars` is shortened with "…" and keeps its
/// full text in a `<title>` child (shown on hover and read by screen readers).
fn push_text(out: &mut String, x: f64, y: f64, size: f64, attrs: &str, text: &str, max_chars: usize) {
    let _ = write!(out, r#"<text x="{}" y="{}" font-size="{}""#, n(x), n(y), n(size));
    if !attrs.is_empty() {
        out.push(' ');
        out.push_str(attrs);
    }
    out.push('>');
    match truncate(text, max_chars) {
        Some(short) => {
            out.push_str("<title>");
            push_escaped(out, text);
            out.push_str("</title>");
            push_escaped(out, &short);
        }
        None => push_escaped(out, text),
    }
    out.push_str("</text>");
}

/// A coordinate to one decimal, never NaN, "inf" or "-0".
fn n(v: f64) -> String {
    let rounded = (finite(v) * 10.0).round() / 10.0;
    if rounded == 0.0 {
        "0".to_owned()
    } else {
        rounded.to_string()
    }
}

#[cfg(test)]
mod tests {
    use quick_xml::Reader;
    use quick_xml::events::Event;

    use super::*;

    fn chart(categories: &[&str], series: &[(&str, &[f64])]) -> Chart {
        Chart {
            title: "Số HTX thành lập mới".into(),
            categories: categories.iter().map(|c| (*c).to_owned()).collect(),
            series: series
                .iter()
                .map(|(name, values)| Series {
                    name: (*name).into(),
                    values: values.to_vec(),
                })
                .collect(),
            unit: "HTX".into(),
            empty: "Chưa có số liệu".into(),
        }
    }

    fn years() -> Chart {
        chart(
            &["2022", "2023", "2024"],
            &[("Hà Nội", &[1234.0, 1500.5, 1750.0])],
        )
    }

    fn all(c: &Chart) -> [String; 3] {
        [bar_chart(c), line_chart(c), hbar_chart(c)]
    }

    /// Parses `svg` to the end, failing on malformed XML; returns the content of `<desc>`.
    fn well_formed(svg: &str) -> String {
        let mut reader = Reader::from_str(svg);
        reader.config_mut().check_end_names = true;
        let (mut in_desc, mut desc) = (false, String::new());
        loop {
            match reader.read_event() {
                Ok(Event::Eof) => return desc,
                Ok(Event::Start(e)) if e.name().as_ref() == "desc" => in_desc = true,
                Ok(Event::End(e)) if e.name().as_ref() == "desc" => in_desc = false,
                Ok(Event::Text(t)) if in_desc => desc.push_str(&t.xml10_content()),
                Ok(Event::GeneralRef(r)) if in_desc => desc.push_str(&format!("&{};", &*r)),
                Ok(_) => {}
                Err(e) => panic!("not well-formed at {}: {e}\n{svg}", reader.buffer_position()),
            }
        }
    }

    #[test]
    fn numbers_are_written_the_vietnamese_way() {
        for (v, expected) in [
            (0.0, "0"),
            (7.0, "7"),
            (1234.0, "1.234"),
            (1_234_567.0, "1.234.567"),
            (12.5, "12,5"),
            (-1234.25, "-1.234,25"),
            (0.123, "0,12"),
            (-0.001, "0"),
            (999.999, "1.000"),
            (f64::NAN, "0"),
            (f64::INFINITY, "0"),
        ] {
            assert_eq!(format_number(v), expected, "{v}");
        }
    }

    #[test]
    fn scales_tick_at_one_two_or_five_times_a_power_of_ten() {
        for (min, max, lo, hi, step) in [
            (0.0, 7.0, 0.0, 8.0, 2.0),
            (0.0, 100.0, 0.0, 100.0, 20.0),
            (0.0, 3.0, 0.0, 3.0, 1.0),
            (0.0, 1_234_567.0, 0.0, 1_500_000.0, 500_000.0),
            (0.0, 0.7, 0.0, 0.8, 0.2),
            (-3.0, 10.0, -5.0, 10.0, 5.0),
            (-40.0, -10.0, -40.0, 0.0, 10.0),
        ] {
            let scale = Scale::nice(min, max);
            assert!((scale.lo - lo).abs() < 1e-9, "{min}..{max}: {scale:?}");
            assert!((scale.hi - hi).abs() < 1e-9, "{min}..{max}: {scale:?}");
            assert!((scale.step - step).abs() < 1e-9, "{min}..{max}: {scale:?}");
        }
        let ticks: Vec<String> = Scale::nice(0.0, 0.7)
            .ticks()
            .into_iter()
            .map(format_number)
            .collect();
        assert_eq!(ticks, ["0", "0,2", "0,4", "0,6", "0,8"]);
    }

    #[test]
    fn charts_scale_to_the_screen_and_say_what_they_show() {
        let progress = progress_chart("Chỉ tiêu", &[("HTX thành lập mới".into(), 45.0, Some(50.0))]);
        for svg in all(&years()).into_iter().chain([progress]) {
            well_formed(&svg);
            assert!(
                svg.starts_with(r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 600 "#),
                "{svg}"
            );
            assert!(svg.contains(r#"width="100%""#) && svg.contains(r#"role="img""#));
            assert!(!svg.contains("px"));
            assert!(svg.contains("<title>") && svg.contains("<desc>"));
        }
    }

    #[test]
    fn the_description_lists_every_value() {
        for svg in all(&years()) {
            assert_eq!(
                well_formed(&svg),
                "Số HTX thành lập mới. 2022: 1.234 HTX; 2023: 1.500,5 HTX; 2024: 1.750 HTX."
            );
        }
        let two = chart(&["Hà Nội"], &[("2023", &[12.0]), ("2024", &[15.0])]);
        assert_eq!(
            well_formed(&bar_chart(&two)),
            "Số HTX thành lập mới. Hà Nội: 2023 12 HTX, 2024 15 HTX."
        );
    }

    #[test]
    fn a_long_unit_is_written_once_above_the_axis() {
        let mut c = years();
        c.unit = "triệu đồng".into();
        let svg = bar_chart(&c);
        assert_eq!(svg.matches("triệu đồng</text>").count(), 1, "{svg}");
        assert!(svg.contains(">1.500,5</text>"));
        assert!(well_formed(&svg).contains("2023: 1.500,5 triệu đồng;"));
    }

    #[test]
    fn value_labels_are_formatted_with_their_unit() {
        let svg = bar_chart(&years());
        assert!(svg.contains(">1.500,5 HTX</text>"), "{svg}");
        let mut percent = years();
        percent.unit = "%".into();
        assert!(line_chart(&percent).contains(">1.500,5%</text>"));
    }

    #[test]
    fn nan_and_infinity_are_drawn_as_zero() {
        let c = chart(
            &["a", "b", "c"],
            &[
                ("x", &[f64::NAN, f64::INFINITY, 5.0]),
                ("y", &[f64::NEG_INFINITY]),
            ],
        );
        for svg in all(&c).into_iter().chain([progress_chart(
            "p",
            &[("a".into(), f64::NAN, Some(f64::INFINITY))],
        )]) {
            well_formed(&svg);
            assert!(!svg.contains("NaN") && !svg.contains("inf"), "{svg}");
        }
    }

    #[test]
    fn a_chart_without_figures_says_so() {
        for c in [
            chart(&[], &[("x", &[])]),
            chart(&["a", "b"], &[("x", &[0.0, 0.0])]),
            chart(&["a"], &[]),
        ] {
            for svg in all(&c) {
                assert_eq!(well_formed(&svg), "Số HTX thành lập mới. Chưa có số liệu");
                assert!(svg.contains(">Chưa có số liệu</text>"));
                assert!(!svg.contains("<rect x="));
            }
        }
    }

    #[test]
    fn text_is_escaped() {
        let mut c = chart(&["<b>\"A&B\"</b>\u{1}"], &[("s'1", &[3.0]), ("s&2", &[4.0])]);
        c.title = "Tiêu đề <script>".into();
        for svg in all(&c) {
            well_formed(&svg);
            assert!(!svg.contains("<script>") && !svg.contains("<b>") && !svg.contains('\u{1}'));
            assert!(svg.contains("&lt;b&gt;&quot;A&amp;B&quot;&lt;/b&gt;"));
        }
    }

    #[test]
    fn long_labels_are_shortened_and_keep_their_full_text() {
        let long = "Liên hiệp hợp tác xã nông nghiệp và dịch vụ thương mại tổng hợp Đông Anh";
        let c = chart(&[long, "Hà Nội"], &[("x", &[3.0, 4.0])]);
        let svg = hbar_chart(&c);
        let shown = svg
            .split(&format!("<title>{long}</title>"))
            .nth(1)
            .and_then(|rest| rest.split("</text>").next())
            .expect("the full label in a <title>");
        assert!(
            shown.starts_with("Liên hiệp hợp tác xã") && shown.ends_with("…"),
            "{shown}"
        );
        assert!(!shown.ends_with(" …"));
        let many: Vec<String> = (1..=12).map(|m| format!("Tháng {m} năm 2024")).collect();
        let refs: Vec<&str> = many.iter().map(String::as_str).collect();
        let values: Vec<f64> = (1..=12).map(f64::from).collect();
        let svg = bar_chart(&chart(&refs, &[("x", &values)]));
        well_formed(&svg);
        assert!(svg.contains("rotate(-45"), "{svg}");
        assert!(
            truncate("Liên hiệp hợp tác xã nông nghiệp", 26)
                .is_some_and(|t| t == "Liên hiệp hợp tác xã nông…")
        );
        assert_eq!(truncate("Hà Nội", 6), None);
    }

    #[test]
    fn text_is_never_smaller_than_eleven_units() {
        let c = chart(&["a", "b"], &[("x", &[1.0, 2.0]), ("y", &[3.0, 4.0])]);
        let progress = progress_chart("p", &[("a".into(), 1.0, None)]);
        for svg in all(&c).into_iter().chain([progress]) {
            for size in svg.split("font-size=\"").skip(1) {
                let size: f64 = size[..size.find('"').expect("closing quote")]
                    .parse()
                    .expect("a number");
                assert!(size >= 11.0, "{size}");
            }
        }
    }

    #[test]
    fn progress_shows_the_share_of_the_target() {
        let svg = progress_chart(
            "Kết quả thực hiện chỉ tiêu",
            &[
                ("HTX thành lập mới".into(), 45.0, Some(50.0)),
                ("Thành viên mới".into(), 1234.0, None),
            ],
        );
        assert_eq!(
            well_formed(&svg),
            "Kết quả thực hiện chỉ tiêu. HTX thành lập mới: 45 / 50 (90%); Thành viên mới: 1.234."
        );
        assert!(svg.contains(r#"stroke-width="2.5""#), "the target marker");
        well_formed(&progress_chart("Trống", &[]));
    }

    #[test]
    fn series_take_the_palette_in_order() {
        let c = chart(&["a"], &[("x", &[1.0]), ("y", &[2.0])]);
        let svg = bar_chart(&c);
        let first = svg.find(PALETTE[0]).expect("first colour");
        let second = svg.find(PALETTE[1]).expect("second colour");
        assert!(first < second);
    }
}
