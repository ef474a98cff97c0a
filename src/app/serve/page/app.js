// sou's page: results as you type, facets, a date histogram you drag across, keywords
// and the article view, over the JSON API of `sou serve`. The whole state lives in the
// URL. Text from documents is never parsed as HTML: highlights are built as elements
// from the character ranges the API returns.
"use strict";

const $ = (id) => document.getElementById(id);
const PAGE = 20;
let state = readState();
let token = null;          // asked once if the server wants one; kept in memory only
let seq = 0;               // the latest search; older answers are dropped
let hits = [];             // hits shown
let total = 0;
let selected = -1;
let histogram = null;      // the last histogram answer
let marks = [];            // occurrences in the article view
let current = -1;
let timer = null;

// ---- state <-> URL -------------------------------------------------------------------

function readState() {
  const p = new URLSearchParams(location.search);
  return {
    q: p.get("q") || "", since: p.get("since") || "", until: p.get("until") || "",
    source: p.getAll("source"), author: p.getAll("author"), collapse: p.get("collapse") === "true",
    sort: ["date", "date-asc", "occurrences"].includes(p.get("sort")) ? p.get("sort") : "score", doc: p.get("doc") || "",
  };
}

function stateParams(s, withDoc) {
  const p = new URLSearchParams();
  if (s.q) p.set("q", s.q);
  if (s.since) p.set("since", s.since);
  if (s.until) p.set("until", s.until);
  s.source.forEach((v) => p.append("source", v));
  s.author.forEach((v) => p.append("author", v));
  if (s.sort !== "score") p.set("sort", s.sort);
  if (s.collapse) p.set("collapse", "true");
  if (withDoc && s.doc) p.set("doc", s.doc);
  return p;
}

function saveState(push) {
  const qs = stateParams(state, true).toString();
  const url = location.pathname + (qs ? "?" + qs : "");
  if (url === location.pathname + location.search) return;
  if (push) history.pushState(null, "", url); else history.replaceState(null, "", url);
}

function showState() {
  $("q").value = state.q;
  $("sort").value = state.sort;
  $("collapse").checked = state.collapse;
  $("since").value = state.since;
  $("until").value = state.until;
}

// ---- API -----------------------------------------------------------------------------

async function api(path, params) {
  for (;;) {
    const headers = token ? { Authorization: "Bearer " + token } : {};
    const r = await fetch(path + (params ? "?" + params : ""), { headers });
    if (r.status === 401 && !token) {
      token = prompt("This sou server needs its token:");
      if (token) continue;
    }
    const body = await r.json().catch(() => ({ error: "HTTP " + r.status }));
    if (!r.ok) throw Object.assign(new Error(body.error || "HTTP " + r.status), { column: body.column });
    return body;
  }
}

// ---- text with highlights --------------------------------------------------------------

// `text` with the character ranges in <mark>, as DOM nodes (never HTML).
function marked(text, ranges) {
  const out = document.createDocumentFragment();
  const cps = Array.from(text || "");
  let at = 0;
  for (const [a, b] of ranges || []) {
    if (a > at) out.append(cps.slice(at, a).join(""));
    const m = document.createElement("mark");
    m.textContent = cps.slice(a, b).join("");
    out.append(m);
    at = b;
  }
  out.append(cps.slice(at).join(""));
  return out;
}

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

// ---- search ----------------------------------------------------------------------------

function schedule() {
  clearTimeout(timer);
  timer = setTimeout(() => search(false), 100);
}

async function search(append) {
  const my = ++seq;
  const p = stateParams(state, false);
  p.set("limit", PAGE);
  p.set("offset", append ? hits.length : 0);
  let r;
  try {
    r = await api("/api/search", p);
  } catch (e) {
    if (my !== seq) return;
    const col = e.column;
    $("error").textContent = e.message + (col !== undefined ? "\n" + " ".repeat(col) + "^ column " + col : "");
    return;                            // the last good results stay
  }
  if (my !== seq) return;
  $("error").textContent = "";
  total = r.total;
  $("count").textContent = state.collapse ? `${r.total} matching stories` : `${r.total} matching documents`;
  $("took").textContent = `· ${r.took_ms} ms` + (r.notes && r.notes.length ? ` · ${r.notes.join(" · ")}` : "");
  if (!append) { hits = []; $("hits").textContent = ""; selected = -1; }
  r.hits.forEach((h) => addHit(h));
  $("more").hidden = hits.length >= total;
  if (!append) {
    // A day counted back (7d, yesterday) is shown, and kept in the URL, as the day it is.
    const relative = (v) => /^\s*(\d+\s*[dwmy]|today|yesterday|今天|昨天)\s*$/i.test(v);
    let resolved = false;
    for (const k of ["since", "until"]) {
      if (r[k] && relative(state[k])) { state[k] = r[k]; resolved = true; }
    }
    if (resolved) { showState(); saveState(false); }
    facets("sources", r.sources, "source");
    facets("authors", r.authors, "author");
    $("authors-box").hidden = r.authors.length === 0;
    drawHistogram(r.histogram);
    keywords(my);
  }
}

function addHit(h) {
  const i = hits.length;
  hits.push(h);
  const li = el("li");
  li.dataset.index = i;
  const meta = el("div", "meta");
  meta.append(el("span", "rank", "#" + h.rank), el("span", "date", h.date || "—"));
  if (h.source) meta.append(el("span", "source", h.source));
  if (h.author) meta.append(el("span", "author", h.author));
  if (h.occurrences != null) meta.append(el("span", "occurrences", h.occurrences + "×"));
  if (h.copies > 1) {
    // Collapsed: the story's copies under the filters, and who ran it first.
    const c = el("span", "copies", `${h.copies} copies`);
    c.title = `first: ${[h.first_source, h.first_date].filter(Boolean).join(" ")}`;
    meta.append(c);
    if (h.first_source && (h.first_source !== h.source || h.first_date !== h.date)) {
      meta.append(el("span", "first", `first ${h.first_source}${h.first_date ? " " + h.first_date : ""}`));
    }
  }
  const a = el("a", "title");
  a.href = "?" + stateParams({ ...state, doc: h.id }, true);
  a.append(marked(h.title || h.id, h.title_highlights));
  a.addEventListener("click", (ev) => { ev.preventDefault(); select(i); openDoc(h.id, true); });
  const snip = el("div", "snippet");
  snip.append(marked(h.snippet, h.snippet_highlights));
  li.append(meta, a, snip);
  li.addEventListener("click", () => select(i));
  $("hits").append(li);
}

function select(i) {
  const items = $("hits").children;
  if (i < 0 || i >= items.length) return;
  if (selected >= 0 && items[selected]) items[selected].classList.remove("selected");
  selected = i;
  items[i].classList.add("selected");
  items[i].scrollIntoView({ block: "nearest" });
}

function facets(id, rows, key) {
  const ul = $(id);
  ul.textContent = "";
  const chosen = state[key];
  // Chosen values stay listed even when the current query has none of them.
  const shown = rows.slice();
  chosen.forEach((v) => { if (!shown.some((r) => r[key] === v)) shown.push({ [key]: v, count: 0 }); });
  for (const row of shown) {
    const li = el("li");
    li.append(el("span", "name", row[key]), el("span", "n", String(row.count)));
    if (chosen.includes(row[key])) li.classList.add("on");
    li.addEventListener("click", () => {
      const v = row[key];
      state[key] = chosen.includes(v) ? chosen.filter((x) => x !== v) : chosen.concat([v]);
      saveState(true);
      search(false);
    });
    ul.append(li);
  }
}

async function keywords(my) {
  const p = stateParams(state, false);
  p.set("limit", 15);
  try {
    const r = await api("/api/keywords", p);
    if (my !== seq) return;
    const ul = $("keywords");
    ul.textContent = "";
    for (const k of r.keywords) {
      const li = el("li", "", k.word);
      li.title = k.docs_all === undefined
        ? `${k.docs} documents, weight ${k.weight}`
        : `${k.docs} of the matching documents, ${k.docs_all} of all; score ${k.score}`;
      li.addEventListener("click", () => {
        state.q = (state.q ? state.q + " " : "") + k.word;
        $("q").value = state.q;
        saveState(true);
        search(false);
      });
      ul.append(li);
    }
  } catch (e) { /* keywords are a side dish */ }
}

// ---- histogram ---------------------------------------------------------------------------

const SVG = "http://www.w3.org/2000/svg";

function svg(tag, attrs) {
  const e = document.createElementNS(SVG, tag);
  for (const k in attrs) e.setAttribute(k, attrs[k]);
  return e;
}

// The first and last day of the bucket labelled `label` of `period`.
function bucketDays(label, period) {
  if (period === "year") return [label + "-01-01", label + "-12-31"];
  if (period === "month") {
    const [y, m] = label.split("-").map(Number);
    const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
    return [label + "-01", `${label}-${String(last).padStart(2, "0")}`];
  }
  if (period === "week") {
    const d = new Date(label + "T00:00:00Z");
    d.setUTCDate(d.getUTCDate() + 6);
    return [label, d.toISOString().slice(0, 10)];
  }
  return [label, label];
}

function drawHistogram(h) {
  histogram = h;
  const s = $("histogram");
  s.textContent = "";
  const n = h.buckets.length;
  $("period").textContent = n ? `${h.period}s · ${h.buckets[0].period} … ${h.buckets[n - 1].period}` +
    (h.undated ? ` · ${h.undated} undated` : "") : "no dated documents";
  if (!n) return;
  const W = s.clientWidth || 280, H = 90, base = H - 14;
  s.setAttribute("viewBox", `0 0 ${W} ${H}`);
  const max = Math.max(1, ...h.buckets.map((b) => b.count));
  const w = W / n;
  h.buckets.forEach((b, i) => {
    const bh = b.count ? Math.max(2, (b.count / max) * (base - 4)) : 1;
    const r = svg("rect", { x: i * w + (w > 3 ? 0.5 : 0), y: base - bh, width: Math.max(1, w - (w > 3 ? 1 : 0)),
      height: bh, class: b.count ? "bar" : "bar empty" });
    const t = svg("title", {});
    t.textContent = `${b.period}: ${b.count}`;
    r.append(t);
    s.append(r);
  });
  s.append(Object.assign(svg("text", { x: 0, y: H - 2 }), { textContent: h.buckets[0].period }));
  const end = svg("text", { x: W, y: H - 2, "text-anchor": "end" });
  end.textContent = h.buckets[n - 1].period;
  s.append(end);
}

function brushTo(x0, x1) {
  const s = $("histogram");
  let b = s.querySelector("rect.brush");
  if (!b) { b = svg("rect", { class: "brush", y: 0, height: 76 }); s.append(b); }
  const scale = (s.viewBox.baseVal && s.viewBox.baseVal.width ? s.viewBox.baseVal.width : s.clientWidth) / s.clientWidth;
  b.setAttribute("x", Math.min(x0, x1) * scale);
  b.setAttribute("width", Math.max(1, Math.abs(x1 - x0) * scale));
}

function setupBrush() {
  const s = $("histogram");
  let start = null;
  const x = (ev) => ev.clientX - s.getBoundingClientRect().left;
  s.addEventListener("pointerdown", (ev) => { start = x(ev); s.setPointerCapture(ev.pointerId); brushTo(start, start); });
  s.addEventListener("pointermove", (ev) => { if (start !== null) brushTo(start, x(ev)); });
  s.addEventListener("pointerup", (ev) => {
    if (start === null || !histogram || !histogram.buckets.length) { start = null; return; }
    const n = histogram.buckets.length, w = s.clientWidth / n;
    const clamp = (v) => Math.min(n - 1, Math.max(0, Math.floor(v / w)));
    const a = clamp(Math.min(start, x(ev))), b = clamp(Math.max(start, x(ev)));
    start = null;
    state.since = bucketDays(histogram.buckets[a].period, histogram.period)[0];
    state.until = bucketDays(histogram.buckets[b].period, histogram.period)[1];
    showState();
    saveState(true);
    search(false);
  });
}

// ---- article view ---------------------------------------------------------------------

async function openDoc(id, push) {
  state.doc = id;
  saveState(push);
  const p = new URLSearchParams();
  if (state.q) p.set("q", state.q);
  let d;
  try {
    d = await api("/api/doc/" + encodeURIComponent(id), p);
  } catch (e) {
    $("error").textContent = e.message;
    return;
  }
  if (state.doc !== id) return;
  $("doc").hidden = false;
  document.querySelector("main").classList.add("reading");
  const title = $("doc-title");
  title.textContent = "";
  title.append(marked(d.title || d.id, d.highlights.title));
  const meta = $("doc-meta");
  meta.textContent = [d.date, d.source, d.author, d.id].filter(Boolean).join(" · ");
  if (d.url && /^https?:\/\//i.test(d.url)) {
    const a = el("a", "", d.url);
    a.href = d.url;
    a.rel = "noopener noreferrer";
    a.target = "_blank";
    meta.append(el("br"), a);
  }
  const body = $("doc-body");
  body.textContent = "";
  const p2 = el("p");
  p2.append(marked(d.content, d.highlights.content));
  body.append(p2);
  showCopies(d.copies || []);
  marks = Array.from(document.querySelectorAll("#doc mark"));
  current = -1;
  jump(1);
}

// The other copies of the article's story (reposts), oldest first; each opens in place.
function showCopies(copies) {
  const ul = $("copies");
  ul.textContent = "";
  $("copies-box").hidden = copies.length === 0;
  $("copies-box").open = copies.length > 0 && copies.length <= 5;   // a long list starts folded
  $("copies-n").textContent = copies.length ? `(${copies.length})` : "";
  for (const c of copies) {
    const li = el("li");
    const a = el("a", "title", c.title || c.id);
    a.href = "?" + stateParams({ ...state, doc: c.id }, true);
    a.addEventListener("click", (ev) => { ev.preventDefault(); openDoc(c.id, true); });
    li.append(el("span", "date", c.date || "—"), el("span", "source", c.source || ""), a,
      el("span", "similarity muted", `${Math.round(c.similarity * 100)}% similar`));
    ul.append(li);
  }
}

function closeDoc(push) {
  state.doc = "";
  $("doc").hidden = true;
  document.querySelector("main").classList.remove("reading");
  saveState(push);
}

function jump(step) {
  $("occ").textContent = marks.length ? "" : "no occurrence";
  if (!marks.length) return;
  if (current >= 0) marks[current].classList.remove("current");
  current = (current + step + marks.length) % marks.length;
  marks[current].classList.add("current");
  marks[current].scrollIntoView({ block: "center" });
  $("occ").textContent = `${current + 1} / ${marks.length}`;
}

// ---- wiring -----------------------------------------------------------------------------

function typing(ev) {
  const t = ev.target;
  return t && (t.tagName === "INPUT" || t.tagName === "SELECT" || t.tagName === "TEXTAREA");
}

function setup() {
  showState();
  $("q").addEventListener("input", () => { state.q = $("q").value; saveState(false); schedule(); });
  $("sort").addEventListener("change", () => { state.sort = $("sort").value; saveState(true); search(false); });
  $("collapse").addEventListener("change", () => { state.collapse = $("collapse").checked; saveState(true); search(false); });
  for (const id of ["since", "until"]) {
    $(id).addEventListener("change", () => { state[id] = $(id).value; saveState(true); search(false); });
  }
  $("reset").addEventListener("click", () => { state.since = state.until = ""; showState(); saveState(true); search(false); });
  $("more").addEventListener("click", () => search(true));
  $("close").addEventListener("click", () => closeDoc(true));
  $("next").addEventListener("click", () => jump(1));
  $("prev").addEventListener("click", () => jump(-1));
  setupBrush();
  document.addEventListener("keydown", (ev) => {
    if (ev.key === "Escape") {
      if (!$("doc").hidden) closeDoc(true); else $("q").blur();
      return;
    }
    if (typing(ev)) return;
    if (ev.key === "/") { ev.preventDefault(); $("q").focus(); $("q").select(); }
    else if (ev.key === "j") select(Math.min(selected + 1, hits.length - 1));
    else if (ev.key === "k") select(Math.max(selected - 1, 0));
    else if (ev.key === "Enter" && selected >= 0) openDoc(hits[selected].id, true);
    else if (ev.key === "c") { state.collapse = !state.collapse; showState(); saveState(true); search(false); }
    else if (ev.key === "n" && !$("doc").hidden) jump(1);
    else if (ev.key === "N" && !$("doc").hidden) jump(-1);
  });
  window.addEventListener("popstate", () => {
    state = readState();
    showState();
    search(false);
    if (state.doc) openDoc(state.doc, false); else closeDoc(false);
  });
  search(false);
  if (state.doc) openDoc(state.doc, false);
}

document.addEventListener("DOMContentLoaded", setup);
