//! Charts as SVG files for reports and slides (`sou trend --plot`, `sou search
//! --histogram --plot`): lines (several series) or bars (one), labelled axes, a
//! legend, Chinese text in a CJK font stack. Written directly: a chart is a few dozen
//! elements, smaller than any plotting crate.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::{bail, Context, Result};

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

/// Checks, before any work is done or printed, that `--plot PATH` can be written: a
/// name ending in `.svg` (sou draws SVG only; an SVG in `x.png` would open as a broken
/// picture) in a directory that exists.
pub fn check_target(path: &Path) -> Result<()> {
    let svg = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("svg"));
    if !svg {
        bail!(
            "--plot {}: sou draws SVG; name the file .svg (convert with `rsvg-convert -o x.png x.svg`)",
            path.display()
        );
    }
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    if !dir.is_dir() {
        bail!("--plot {}: no directory '{}'", path.display(), dir.display());
    }
    Ok(())
}

/// Writes a drawing to the `--plot` file.
pub fn write(path: &Path, drawing: &str) -> Result<()> {
    std::fs::write(path, drawing).with_context(|| format!("--plot: cannot write '{}'", path.display()))
}

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
    let max = series.iter().flat_map(|(_, v)| v.iter().copied()).fold(0.0, f64::max);
    let plot = Plot::new(max, periods.len());
    let mut s = String::new();
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" viewBox="0 0 {W} {H}" font-family="{FONTS}" font-size="13">"#
    );
    let _ = writeln!(s, r#"<rect width="100%" height="100%" fill="white"/>"#);
    let _ = writeln!(s, r#"<text x="{}" y="28" font-size="18" font-weight="bold">{}</text>"#, M.0, xml(title));
    plot.axes(&mut s, y_label, periods);
    match kind {
        Kind::Bars => {
            if let Some((_, values)) = series.first() {
                plot.bars(&mut s, periods, values);
            }
        }
        Kind::Lines => plot.lines(&mut s, series),
    }
    legend(&mut s, series);
    s.push_str("</svg>\n");
    s
}

/// The plotting area: where a period and a value are drawn.
struct Plot {
    /// Left and top of the area.
    left: f64,
    top: f64,
    /// Its width and height.
    pw: f64,
    ph: f64,
    /// Periods across it.
    n: f64,
    /// The value at its top, and the step between grid lines.
    ymax: f64,
    step: f64,
}

impl Plot {
    /// The area for values up to `max` over `periods` periods.
    fn new(max: f64, periods: usize) -> Plot {
        let (left, right, top, bottom) = M;
        let step = tick_step(max, 5.0);
        Plot {
            left,
            top,
            pw: W - left - right,
            ph: H - top - bottom,
            n: periods.max(1) as f64,
            ymax: (max / step).ceil().max(1.0) * step,
            step,
        }
    }

    /// The x of the middle of period `i`.
    fn x(&self, i: usize) -> f64 {
        self.left + self.pw * (i as f64 + 0.5) / self.n
    }

    /// The y of value `v`.
    fn y(&self, v: f64) -> f64 {
        self.top + self.ph - self.ph * v / self.ymax
    }

    /// The grid, the y axis and its label, the x labels (at most about 14, evenly
    /// spaced) and the x axis.
    fn axes(&self, s: &mut String, y_label: &str, periods: &[String]) {
        let (left, top, pw, ph) = (self.left, self.top, self.pw, self.ph);
        let mut v = 0.0;
        while v <= self.ymax + self.step / 2.0 {
            let yy = self.y(v);
            let _ = writeln!(
                s,
                r##"<line x1="{left}" y1="{yy:.1}" x2="{:.1}" y2="{yy:.1}" stroke="#e5e5e5"/><text x="{:.1}" y="{:.1}" text-anchor="end" fill="#555">{}</text>"##,
                left + pw,
                left - 8.0,
                yy + 4.0,
                tick_label(v, self.step)
            );
            v += self.step;
        }
        let _ = writeln!(
            s,
            r##"<text transform="translate(18 {:.1}) rotate(-90)" text-anchor="middle" fill="#333">{}</text>"##,
            top + ph / 2.0,
            xml(y_label)
        );
        let every = periods.len().div_ceil(14).max(1);
        for (i, p) in periods.iter().enumerate().filter(|(i, _)| i % every == 0) {
            let xx = self.x(i);
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
    }

    /// One bar per period.
    fn bars(&self, s: &mut String, periods: &[String], values: &[f64]) {
        let bw = (self.pw / self.n * 0.8).max(1.0);
        for (i, &val) in values.iter().enumerate() {
            let _ = writeln!(
                s,
                r#"<rect x="{:.1}" y="{:.1}" width="{bw:.1}" height="{:.1}" fill="{}"><title>{}: {val}</title></rect>"#,
                self.x(i) - bw / 2.0,
                self.y(val),
                self.top + self.ph - self.y(val),
                COLORS[0],
                xml(periods.get(i).map_or("", String::as_str))
            );
        }
    }

    /// One polyline per series.
    fn lines(&self, s: &mut String, series: &[(String, Vec<f64>)]) {
        for (k, (name, values)) in series.iter().enumerate() {
            let color = COLORS[k % COLORS.len()];
            let points: Vec<String> =
                values.iter().enumerate().map(|(i, &val)| format!("{:.1},{:.1}", self.x(i), self.y(val))).collect();
            let _ = writeln!(
                s,
                r#"<polyline fill="none" stroke="{color}" stroke-width="2" points="{}"><title>{}</title></polyline>"#,
                points.join(" "),
                xml(name)
            );
        }
    }
}

/// The legend, top right: a swatch and the name of each series.
fn legend(s: &mut String, series: &[(String, Vec<f64>)]) {
    for (k, (name, _)) in series.iter().enumerate() {
        let ly = 48.0;
        let lx = W - M.1 - 150.0 * (series.len() - k) as f64;
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
