//! Drawing the interactive search: the query line with the count and the time, the
//! error under it, the hit list, the preview (beside the list, or below it on narrow
//! terminals), a one-line timeline, the status line and the filter panel. Every text
//! from a document goes through the sanitiser and is cut to its cell width first.

use ratatui::layout::{Constraint, Direction, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, List, ListItem, ListState, Paragraph, Sparkline};
use ratatui::Frame;

use sou::article::Field;
use sou::engine::Sort;
use sou::sanitize::{clean, strip_escapes};
use sou::snippet;

use super::app::{App, FilterField, Focus};
use crate::app::wrap::{fit, width, wrap};

/// Terminals narrower than this show the preview below the list.
const SIDE_BY_SIDE: u16 = 100;
/// Longest article text the preview lays out.
const PREVIEW_BYTES: usize = 256 * 1024;

/// Colours, or (with `--color never` / `NO_COLOR`) only bold and reverse video.
#[derive(Clone, Copy)]
pub struct Theme {
    /// Whether to use colours.
    pub color: bool,
}

impl Theme {
    fn mark(self) -> Style {
        if self.color {
            Style::default().fg(Color::Red).add_modifier(Modifier::BOLD)
        } else {
            Style::default().add_modifier(Modifier::REVERSED)
        }
    }
    fn selected(self) -> Style {
        if self.color {
            Style::default().bg(Color::Blue).fg(Color::White)
        } else {
            Style::default().add_modifier(Modifier::REVERSED)
        }
    }
    fn dim(self) -> Style {
        if self.color {
            Style::default().fg(Color::DarkGray)
        } else {
            Style::default()
        }
    }
    fn error(self) -> Style {
        if self.color {
            Style::default().fg(Color::Red)
        } else {
            Style::default().add_modifier(Modifier::BOLD)
        }
    }
    fn accent(self) -> Style {
        if self.color {
            Style::default().fg(Color::Cyan)
        } else {
            Style::default()
        }
    }
}

/// Draws the whole screen.
pub fn draw(f: &mut Frame, app: &mut App, theme: Theme) {
    let area = f.area();
    let rows = Layout::default()
        .direction(Direction::Vertical)
        .constraints([
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Min(3),
            Constraint::Length(1),
            Constraint::Length(1),
        ])
        .split(area);
    query_line(f, app, theme, rows[0]);
    error_line(f, app, theme, rows[1]);
    let direction = if area.width >= SIDE_BY_SIDE { Direction::Horizontal } else { Direction::Vertical };
    let body = Layout::default()
        .direction(direction)
        .constraints([Constraint::Percentage(45), Constraint::Percentage(55)])
        .split(rows[2]);
    hit_list(f, app, theme, body[0]);
    preview(f, app, theme, body[1]);
    timeline(f, app, theme, rows[3]);
    status_line(f, app, theme, rows[4]);
    if app.focus == Focus::Filters {
        filter_panel(f, app, theme, area);
    }
}

fn query_line(f: &mut Frame, app: &App, theme: Theme, area: Rect) {
    const PROMPT: &str = "搜 › ";
    let info = match &app.outcome {
        Some(o) => format!(
            " {} · {:.1} ms ",
            crate::app::output::count_of(app.total(), if app.collapsed() { "story" } else { "document" }),
            o.took.as_secs_f64() * 1000.0
        ),
        None => " … ".to_string(),
    };
    let room = (area.width as usize).saturating_sub(width(PROMPT) + width(&info) + 1);
    // Show the part of the query around the cursor when it is longer than the line.
    let chars: Vec<char> = app.query.chars().collect();
    let mut start = 0;
    while width(&chars[start..app.cursor.min(chars.len())].iter().collect::<String>()) > room && start < app.cursor {
        start += 1;
    }
    let shown: String = fit(&chars[start..].iter().collect::<String>(), room);
    let line = Line::from(vec![
        Span::styled(PROMPT, theme.accent()),
        Span::raw(shown.clone()),
        Span::raw(" ".repeat(room.saturating_sub(width(&shown)) + 1)),
        Span::styled(info, theme.dim()),
    ]);
    f.render_widget(Paragraph::new(line), area);
    if app.focus == Focus::Query {
        let before: String = chars[start..app.cursor.min(chars.len())].iter().collect();
        let x = area.x as usize + width(PROMPT) + width(&before);
        f.set_cursor_position((x.min(area.right().saturating_sub(1) as usize) as u16, area.y));
    }
}

fn error_line(f: &mut Frame, app: &App, theme: Theme, area: Rect) {
    let Some((message, column)) = &app.error else { return };
    let text = match column {
        Some(c) => {
            let before: String = app.query.chars().take(*c).collect();
            format!("{}^ {message} (column {c})", " ".repeat(width("搜 › ") + width(&before)))
        }
        None => format!("  {}", clean(message)),
    };
    f.render_widget(Paragraph::new(Span::styled(fit(&text, area.width as usize), theme.error())), area);
}

fn hit_list(f: &mut Frame, app: &App, theme: Theme, area: Rect) {
    let block = Block::default().borders(Borders::ALL).title(" hits ");
    let inner = block.inner(area).width as usize;
    let marks = snippet_literals(app);
    let items: Vec<ListItem> = app
        .hits()
        .iter()
        .map(|h| {
            let a = &h.article;
            let mark = if app.marked.contains(a.text(Field::Id)) { "*" } else { " " };
            let rank = format!("{mark}{:>3} ", h.rank);
            let date = a.date.map(|_| h_date(app, h)).unwrap_or_else(|| "—".into());
            // Narrow lists leave the source out: the title needs the room.
            let source_w = if inner >= 50 { 8 } else { 0 };
            let source = fit(&clean(a.text(Field::Source)), source_w);
            let pad = " ".repeat(source_w.saturating_sub(width(&source)));
            let head =
                if source_w > 0 { format!("{rank}{date:<10} {source}{pad} ") } else { format!("{rank}{date:<10} ") };
            // Collapsed: how many copies the story has under the filters, before the title.
            let copies = match h.story.as_ref().and_then(|s| s.copies) {
                Some(n) if n > 1 => format!("×{n} "),
                _ => String::new(),
            };
            let title = fit(&clean(a.text(Field::Title)), inner.saturating_sub(width(&head) + width(&copies)));
            let hits = snippet::find_hits(&title, &marks);
            let mut spans = vec![Span::styled(head, theme.dim()), Span::styled(copies, theme.accent())];
            let mut at = 0;
            for (s, e) in hits {
                spans.push(Span::raw(title[at..s].to_string()));
                spans.push(Span::styled(title[s..e].to_string(), theme.mark()));
                at = e;
            }
            spans.push(Span::raw(title[at..].to_string()));
            ListItem::new(Line::from(spans))
        })
        .collect();
    let list = List::new(items).block(block).highlight_style(theme.selected());
    let mut state = ListState::default().with_selected((!app.hits().is_empty()).then_some(app.selected));
    f.render_stateful_widget(list, area, &mut state);
}

fn h_date(app: &App, h: &sou::engine::Hit) -> String {
    h.article.date.map(|t| sou::dates::day_string(t, &app.tz)).unwrap_or_default()
}

fn snippet_literals(app: &App) -> Vec<String> {
    app.outcome.as_ref().map_or_else(Vec::new, |o| o.literals.clone())
}

fn preview(f: &mut Frame, app: &mut App, theme: Theme, area: Rect) {
    let focus = if app.focus == Focus::Preview { " (n/N, j/k, ← back) " } else { " " };
    let block = Block::default().borders(Borders::ALL);
    let inner = block.inner(area);
    let Some(h) = app.current() else {
        f.render_widget(block.title(" preview "), area);
        return;
    };
    let a = &h.article;
    let literals = snippet_literals(app);
    let w = inner.width as usize;
    let title = clean(a.text(Field::Title));
    let title_hits = snippet::find_hits(&title, &literals);
    let mut lines = wrap(&title, &title_hits, w, Style::default().add_modifier(Modifier::BOLD), theme.mark()).lines;
    let meta: Vec<String> = [Some(h_date(app, h)), a.get(Field::Source).map(clean), a.get(Field::Author).map(clean)]
        .into_iter()
        .flatten()
        .filter(|s| !s.is_empty())
        .collect();
    lines.push(Line::styled(fit(&meta.join(" · "), w), theme.dim()));
    if let Some(story) = h.story.as_ref().filter(|s| s.copies.is_some_and(|n| n > 1)) {
        let first =
            [story.first_date.map(|t| sou::dates::day_string(t, &app.tz)), story.first_source.as_deref().map(clean)]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" ");
        let copies = story.copies.unwrap_or(0);
        lines.push(Line::styled(fit(&format!("{copies} copies of this story · first: {first}"), w), theme.accent()));
    }
    if let Some(u) = a.get(Field::Url) {
        lines.push(Line::styled(fit(&clean(u), w), theme.accent()));
    }
    lines.push(Line::raw(""));
    let head = lines.len();
    let mut content = strip_escapes(a.text(Field::Content)).into_owned();
    if content.len() > PREVIEW_BYTES {
        let mut cut = PREVIEW_BYTES;
        while !content.is_char_boundary(cut) {
            cut -= 1;
        }
        content.truncate(cut);
    }
    let content = content.replace(['\t', '\r'], " ");
    let hits = snippet::find_hits(&content, &literals);
    let body = wrap(&content, &hits, w, Style::default(), theme.mark());
    let n = body.occurrences.len();
    if n > 0 {
        app.occurrence = app.occurrence.min(n - 1);
    }
    if app.jump_pending {
        if let Some(&line) = body.occurrences.get(app.occurrence) {
            app.scroll = (head + line).saturating_sub(inner.height as usize / 3);
        }
        app.jump_pending = false;
    }
    lines.extend(body.lines);
    let total = lines.len();
    app.scroll = app.scroll.min(total.saturating_sub(1));
    let at = if n > 0 { format!(" {}/{} ", app.occurrence + 1, n) } else { " no occurrence ".to_string() };
    let block = block.title(format!(" preview{focus}")).title_bottom(Line::from(at).right_aligned());
    f.render_widget(Paragraph::new(lines).block(block).scroll((app.scroll.min(u16::MAX as usize) as u16, 0)), area);
}

fn timeline(f: &mut Frame, app: &App, theme: Theme, area: Rect) {
    let Some(h) = app.histogram().filter(|h| !h.buckets.is_empty()) else {
        f.render_widget(Paragraph::new(Span::styled(" no dated matches", theme.dim())), area);
        return;
    };
    let first = h.buckets.first().and_then(|b| b.key.clone()).unwrap_or_default();
    let last = h.buckets.last().and_then(|b| b.key.clone()).unwrap_or_default();
    let label_w = width(&first) + width(&last) + 4;
    let bars = (area.width as usize).saturating_sub(label_w).max(1);
    // Fold the buckets into as many bars as fit.
    let n = h.buckets.len();
    let data: Vec<u64> = (0..bars.min(n))
        .map(|i| {
            let (a, b) = (i * n / bars.min(n), ((i + 1) * n / bars.min(n)).max(i * n / bars.min(n) + 1));
            h.buckets[a..b.min(n)].iter().map(|x| x.count).sum()
        })
        .collect();
    let cols = Layout::default()
        .direction(Direction::Horizontal)
        .constraints([
            Constraint::Length(width(&first) as u16 + 2),
            Constraint::Length(data.len() as u16),
            Constraint::Min(0),
        ])
        .split(area);
    f.render_widget(Paragraph::new(Span::styled(format!(" {first} "), theme.dim())), cols[0]);
    f.render_widget(Sparkline::default().data(&data).style(theme.accent()), cols[1]);
    f.render_widget(Paragraph::new(Span::styled(format!(" {last}"), theme.dim())), cols[2]);
}

fn status_line(f: &mut Frame, app: &App, theme: Theme, area: Rect) {
    let mut filters = Vec::new();
    if app.sort != Sort::Score {
        filters.push(format!("sort {}", sou::names::Named::name(app.sort)));
    }
    if !app.panel.since.trim().is_empty() {
        filters.push(format!("since {}", app.panel.since.trim()));
    }
    if !app.panel.until.trim().is_empty() {
        filters.push(format!("until {}", app.panel.until.trim()));
    }
    for s in &app.sources {
        filters.push(format!("source {}", clean(s)));
    }
    for (name, value) in app.fixed.iter().filter(|(name, _)| *name != "id") {
        filters.push(match *name {
            "word" => "whole words".to_string(),
            "collapse" => "one per story".to_string(),
            _ => format!("{name} {}", clean(value)),
        });
    }
    let listed = app.fixed.iter().filter(|(name, _)| *name == "id").count();
    if listed > 0 {
        filters.push(format!("{listed} listed ids"));
    }
    if !app.marked.is_empty() {
        filters.push(format!("{} marked", app.marked.len()));
    }
    let keys = if app.print {
        "↑↓ move · Tab mark · Enter print · ^F filters · ^S sort · ^R reposts · Esc quit"
    } else {
        "↑↓ move · Enter open · → preview · ^F filters · ^S sort · ^R reposts · ^Y copy id · Esc quit"
    };
    let left = app.note.clone().unwrap_or_else(|| filters.join(" · "));
    let text = if left.is_empty() { keys.to_string() } else { format!("{left} │ {keys}") };
    f.render_widget(Paragraph::new(Span::styled(fit(&text, area.width as usize), theme.dim())), area);
}

fn filter_panel(f: &mut Frame, app: &App, theme: Theme, area: Rect) {
    let w = area.width.saturating_sub(4).min(60);
    let rows = app.source_rows();
    let h = (rows.len() as u16 + 6).min(area.height.saturating_sub(2)).max(6);
    let rect =
        Rect { x: area.x + (area.width - w) / 2, y: area.y + (area.height.saturating_sub(h)) / 2, width: w, height: h };
    f.render_widget(Clear, rect);
    let block = Block::default().borders(Borders::ALL).title(" filters (Tab next · Space choose · Esc done) ");
    let inner = block.inner(rect);
    let field = app.panel.field.unwrap_or(FilterField::Since);
    let style_of = |on: bool| if on { theme.selected() } else { Style::default() };
    let mut lines = vec![
        Line::from(vec![
            Span::raw("since "),
            Span::styled(format!("{:<12}", app.panel.since), style_of(field == FilterField::Since)),
            Span::raw("  until "),
            Span::styled(format!("{:<12}", app.panel.until), style_of(field == FilterField::Until)),
        ]),
        Line::styled(app.panel.error.clone().unwrap_or_default(), theme.error()),
        Line::raw("sources (documents for the current query):"),
    ];
    let room = inner.width as usize;
    for (i, b) in rows.iter().enumerate() {
        let name = clean(b.key.as_deref().unwrap_or(""));
        let on = app.sources.contains(b.key.as_deref().unwrap_or(""));
        let count = b.count.to_string();
        let label = fit(&name, room.saturating_sub(count.len() + 6));
        let pad = room.saturating_sub(4 + width(&label) + count.len() + 1);
        let text = format!("[{}] {label}{} {count}", if on { "x" } else { " " }, " ".repeat(pad));
        let cursor = field == FilterField::Sources && i == app.panel.cursor;
        lines.push(Line::styled(fit(&text, room), style_of(cursor)));
    }
    f.render_widget(Paragraph::new(lines).block(block), rect);
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use ratatui::backend::TestBackend;
    use ratatui::buffer::Buffer;
    use ratatui::Terminal;

    use sou::article::{Article, Field};
    use sou::engine::{Bucket, Histogram, Hit, Period};

    use super::*;
    use crate::app::tui::app::App;
    use crate::app::tui::worker::Outcome;

    fn app() -> App {
        let mut app = App::new("人工智能", &sou::engine::Selection::default());
        let body = "第一段没有。\n".repeat(30) + "上海人工智能实验室发布新模型，人工智能产业加速。\n后记。";
        let hits = (1..=30)
            .map(|i| Hit {
                rank: i,
                score: Some(1.0),
                article: Article::default()
                    .with(Field::Id, &format!("doc-{i}"))
                    .with(Field::Title, &format!("上海“人工智能+元宇宙”加速行业变革，元宇宙创新大会今在上海举行{i}"))
                    .with(Field::Content, &body)
                    .with(Field::Source, "上海科技信息中心公众号")
                    .with(Field::Url, "http://example.com/very/long/url/that/goes/on/and/on"),
                occurrences: None,
                story: None,
            })
            .collect();
        let buckets = (1..=28).map(|d| Bucket { key: Some(format!("2025-12-{d:02}")), count: d % 5 }).collect();
        app.outcome = Some(Outcome {
            hits,
            total: 30,
            literals: vec!["人工智能".into()],
            histogram: Histogram { period: Period::Day, buckets, dated: 56, undated: 0 },
            sources: vec![
                Bucket { key: Some("上海科技".into()), count: 21 },
                Bucket { key: Some("文汇报".into()), count: 9 },
            ],
            took: Duration::from_micros(900),
        });
        app
    }

    fn render(app: &mut App, w: u16, h: u16) -> Buffer {
        let mut t = Terminal::new(TestBackend::new(w, h)).expect("terminal");
        t.draw(|f| draw(f, app, Theme { color: true })).expect("draw");
        t.backend().buffer().clone()
    }

    /// The cells of row `y` as the terminal shows them: a wide character covers the
    /// cell after it.
    fn cells(b: &Buffer, y: u16) -> Vec<(u16, String)> {
        let mut out = Vec::new();
        let mut x = 0;
        while x < b.area.width {
            let s = b[(x, y)].symbol().to_string();
            let w = crate::app::wrap::width(&s).max(1) as u16;
            out.push((x, s));
            x += w;
        }
        out
    }

    fn row(b: &Buffer, y: u16) -> String {
        cells(b, y).into_iter().map(|c| c.1).collect()
    }

    /// No row is wider than the terminal: no character spills over the last cell.
    fn assert_no_overflow(b: &Buffer) {
        for y in 0..b.area.height {
            let r = row(b, y);
            assert!(crate::app::wrap::width(&r) <= b.area.width as usize, "row {y} too wide: {r}");
        }
    }

    #[test]
    fn cjk_layouts_fit_at_40_80_and_160_columns() {
        for (w, h) in [(40, 30), (80, 24), (160, 40)] {
            let mut a = app();
            let b = render(&mut a, w, h);
            assert_no_overflow(&b);
            // The borders of the list are whole on every row of the body.
            let top = (0..h).find(|&y| row(&b, y).starts_with('┌')).expect("a top border");
            let bottom = (top + 1..h).find(|&y| row(&b, y).starts_with('└')).expect("a bottom border");
            for y in top + 1..bottom {
                assert_eq!(b[(0, y)].symbol(), "│", "{w} columns, row {y}: {}", row(&b, y));
            }
            assert!(row(&b, 0).contains("30 documents"), "{}", row(&b, 0));
            assert!(
                (0..h).any(|y| row(&b, y).starts_with("│   1 —") && row(&b, y).contains("上海“人工")),
                "titles at {w}"
            );
        }
    }

    #[test]
    fn highlights_fall_on_the_literal_and_the_preview_scrolls_to_it() {
        let mut a = app();
        let b = render(&mut a, 120, 30);
        let marked: String = (0..b.area.height)
            .flat_map(|y| cells(&b, y).into_iter().map(move |(x, s)| (x, y, s)))
            .filter(|(x, y, _)| b[(*x, *y)].fg == Color::Red)
            .map(|(_, _, s)| s)
            .collect();
        assert!(!marked.is_empty());
        assert_eq!(marked.replace("人工智能", ""), "", "only the literal is highlighted: {marked}");
        // The first occurrence is 30 paragraphs down: the preview scrolled to it.
        assert!(a.scroll > 20, "scroll {}", a.scroll);
        assert!((0..b.area.height).any(|y| row(&b, y).contains("上海人工智能实验室")));
        a.jump(1);
        render(&mut a, 120, 30);
        assert_eq!(a.occurrence, 1);
    }

    #[test]
    fn the_timeline_and_the_filter_panel_are_drawn() {
        let mut a = app();
        let b = render(&mut a, 100, 30);
        let timeline = row(&b, 28);
        assert!(timeline.contains("2025-12-01") && timeline.contains("2025-12-28"), "{timeline}");
        assert!(timeline.chars().any(|c| "▁▂▃▄▅▆▇█".contains(c)), "{timeline}");
        a.focus = Focus::Filters;
        a.sources.insert("文汇报".into());
        let b = render(&mut a, 100, 30);
        assert_no_overflow(&b);
        let all: Vec<String> = (0..30).map(|y| row(&b, y)).collect();
        assert!(all.iter().any(|r| r.contains("[ ] 上海科技") && r.contains("21")), "{all:#?}");
        assert!(all.iter().any(|r| r.contains("[x] 文汇报")), "{all:#?}");
        assert!(row(&b, 29).contains("source 文汇报"));
    }
}
