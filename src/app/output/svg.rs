//! Charts as SVG files for reports and slides (`sou trend --plot`, `sou search
//! --histogram --plot`): lines (several series) or bars (one), labelled axes, a
//! legend, Chinese text in a CJK font stack. Written directly: a chart is a few dozen
//! elements, smaller than any plotting crate.

use std::fmt::Write as _;

/// Width and height of the drawing.
const W: f64 = 960.0;
const H: f64 = 520.0;
/// Margins: left (y labels), right, top (title, legend), bottom (x labels).
const M: (f64, f64, f64, f64) = (72.0, 24.0, 72.0, 72.0);

/// Distinct colours for series (Tableau 10).
const COLORS: [&str; 10] =
    ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"];

/// Fonts that hold Chinese characters on common systems, then any sans-serif.
const FONTS: &str =
    "'Noto Sans CJK SC', 'Source Han Sans SC', 'PingFang SC', 'Microsoft YaHei', 'WenQuanYi Micro Hei', sans-serif";

/// How a chart draws its series.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// One polyline per series.
    Lines,
    /// Bars (the first series).
    Bars,
}

/// Escapes text for XML.
fn xml(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// A "nice" step for about `n` ticks up to `max`.
fn tick_step(max: f64, n: f64) -> f64 {
    if max <= 0.0 {
        return 1.0;
    }
    let raw = max / n;
    let mag = 10f64.powf(raw.log10().floor());
    let norm = raw / mag;
    let nice = if norm <= 1.0 {
        1.0
    } else if norm <= 2.0 {
        2.0
    } else if norm <= 5.0 {
        5.0
    } else {
        10.0
    };
    nice * mag
}

/// Formats a tick value: integers plainly, shares with the digits they need.
fn tick_label(v: f64, step: f64) -> String {
    if step >= 1.0 {
        format!("{v:.0}")
    } else {
        let digits = (-step.log10()).ceil().max(0.0) as usize;
        format!("{v:.digits$}")
    }
}

/// The chart of `series` (name, one value per period) over `periods`.
pub fn chart(title: &str, y_label: &str, periods: &[String], series: &[(String, Vec<f64>)], kind: Kind) -> String {
    let (left, right, top, bottom) = M;
    let (pw, ph) = (W - left - right, H - top - bottom);
    let max = series.iter().flat_map(|(_, v)| v.iter().copied()).fold(0.0, f64::max);
    let step = tick_step(max, 5.0);
    let ymax = (max / step).ceil().max(1.0) * step;
    let n = periods.len().max(1) as f64;
    let x = |i: usize| left + pw * (i as f64 + 0.5) / n;
    let y = |v: f64| top + ph - ph * v / ymax;
    let mut s = String::new();
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" viewBox="0 0 {W} {H}" font-family="{FONTS}" font-size="13">"#
    );
    let _ = writeln!(s, r#"<rect width="100%" height="100%" fill="white"/>"#);
    let _ = writeln!(s, r#"<text x="{left}" y="28" font-size="18" font-weight="bold">{}</text>"#, xml(title));
    // Grid and y axis.
    let mut v = 0.0;
    while v <= ymax + step / 2.0 {
        let yy = y(v);
        let _ = writeln!(
            s,
            r##"<line x1="{left}" y1="{yy:.1}" x2="{:.1}" y2="{yy:.1}" stroke="#e5e5e5"/><text x="{:.1}" y="{:.1}" text-anchor="end" fill="#555">{}</text>"##,
            left + pw,
            left - 8.0,
            yy + 4.0,
            tick_label(v, step)
        );
        v += step;
    }
    let _ = writeln!(
        s,
        r##"<text transform="translate(18 {:.1}) rotate(-90)" text-anchor="middle" fill="#333">{}</text>"##,
        top + ph / 2.0,
        xml(y_label)
    );
    // X labels: at most about 14, evenly spaced.
    let every = periods.len().div_ceil(14).max(1);
    for (i, p) in periods.iter().enumerate().filter(|(i, _)| i % every == 0) {
        let xx = x(i);
        let _ = writeln!(
            s,
            r##"<text x="{xx:.1}" y="{:.1}" text-anchor="end" fill="#555" transform="rotate(-35 {xx:.1} {:.1})">{}</text>"##,
            top + ph + 18.0,
            top + ph + 18.0,
            xml(p)
        );
    }
    let _ = writeln!(
        s,
        r##"<line x1="{left}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="#333"/>"##,
        top + ph,
        left + pw,
        top + ph
    );
    match kind {
        Kind::Bars => {
            let bw = (pw / n * 0.8).max(1.0);
            if let Some((_, values)) = series.first() {
                for (i, &val) in values.iter().enumerate() {
                    let _ = writeln!(
                        s,
                        r#"<rect x="{:.1}" y="{:.1}" width="{bw:.1}" height="{:.1}" fill="{}"><title>{}: {val}</title></rect>"#,
                        x(i) - bw / 2.0,
                        y(val),
                        top + ph - y(val),
                        COLORS[0],
                        xml(&periods[i])
                    );
                }
            }
        }
        Kind::Lines => {
            for (k, (name, values)) in series.iter().enumerate() {
                let color = COLORS[k % COLORS.len()];
                let points: Vec<String> =
                    values.iter().enumerate().map(|(i, &val)| format!("{:.1},{:.1}", x(i), y(val))).collect();
                let _ = writeln!(
                    s,
                    r#"<polyline fill="none" stroke="{color}" stroke-width="2" points="{}"><title>{}</title></polyline>"#,
                    points.join(" "),
                    xml(name)
                );
            }
        }
    }
    // Legend, top right.
    for (k, (name, _)) in series.iter().enumerate() {
        let ly = 48.0 + 0.0 * k as f64;
        let lx = W - right - 150.0 * (series.len() - k) as f64;
        let color = COLORS[k % COLORS.len()];
        let _ = writeln!(
            s,
            r#"<rect x="{lx:.1}" y="{:.1}" width="14" height="14" fill="{color}"/><text x="{:.1}" y="{:.1}">{}</text>"#,
            ly - 11.0,
            lx + 20.0,
            ly,
            xml(name)
        );
    }
    s.push_str("</svg>\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chart_names_its_series_and_escapes_text() {
        let periods = vec!["2019-01".to_string(), "2019-02".to_string()];
        let svg = chart(
            "芯片 & <AI>",
            "documents",
            &periods,
            &[("芯片".into(), vec![1.0, 3.0]), ("人工智能".into(), vec![0.0, 2.0])],
            Kind::Lines,
        );
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>\n"));
        assert!(svg.contains(">芯片</text>") && svg.contains(">人工智能</text>"));
        assert!(svg.contains("芯片 &amp; &lt;AI&gt;"));
        assert_eq!(svg.matches("<polyline").count(), 2);
        assert_eq!(tick_step(73.0, 5.0), 20.0);
        assert_eq!(tick_label(0.025, 0.005), "0.025");
    }
}
