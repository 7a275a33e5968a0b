// The MesaLab dashboard's pages: runs and studies, one run (live curves, outcomes, behavioral objective,
// decomposition, transparency results, episode player), one study, runs side by side. Everything comes from
// the JSON API under /api/ (docs/dashboard.md); charts are drawn with the vendored Chart.js.
"use strict";

const COLORS = { objective_generalized: "#2e7d32", objective_misgeneralized: "#c62828", capability_failure: "#9e9e9e" };
const LABELS = { objective_generalized: "objective generalized", objective_misgeneralized: "objective misgeneralized", capability_failure: "capability failure" };
const OUTCOMES = ["objective_generalized", "objective_misgeneralized", "capability_failure"];
const PALETTE = ["#1f5fbf", "#e07b00", "#2e7d32", "#c62828", "#7b1fa2", "#00838f", "#6d4c41", "#546e7a"];

// ----- small helpers -----
const main = () => document.getElementById("main");
function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "text") e.textContent = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return e;
}
async function api(path) {
  const r = await fetch(path, { headers: { Accept: "application/json" } });
  const body = await r.json();
  if (!r.ok) throw new Error(body.error || `${r.status} ${path}`);
  return body;
}
const num = x => (typeof x === "number" && isFinite(x) ? x : null);
function fmt(x, digits = 2) { const v = num(x); return v === null ? "–" : v.toFixed(digits); }
function pct(x) { const v = num(x); return v === null ? "–" : (100 * v).toFixed(0) + " %"; }
function est(e, digits = 2) {
  if (!e || num(e.value) === null) return "n/a";
  const lo = num(e.low), hi = num(e.high);
  return lo === null || hi === null || (lo === e.value && hi === e.value) ? fmt(e.value, digits) : `${fmt(e.value, digits)} [${fmt(lo, digits)}, ${fmt(hi, digits)}]`;
}
function when(t) { return t ? new Date(t).toLocaleString() : "–"; }
function duration(s) { s = num(s) || 0; return s < 60 ? `${s.toFixed(0)} s` : s < 3600 ? `${Math.floor(s / 60)} min ${Math.floor(s % 60)} s` : `${Math.floor(s / 3600)} h ${Math.floor(s % 3600 / 60)} min`; }
const status = s => el("span", { class: `status ${s}`, text: s });
const runLink = (id, name) => el("a", { href: `/runs/${encodeURIComponent(id)}`, text: name || id });
const studyLink = name => el("a", { href: `/studies/${encodeURIComponent(name)}`, text: name });
function table(headers, rows, numeric = []) {
  return el("table", {},
    el("thead", {}, el("tr", {}, headers.map((h, i) => el("th", { class: numeric.includes(i) ? "num" : null, text: h })))),
    el("tbody", {}, rows.map(r => el("tr", {}, r.map((c, i) => el("td", { class: numeric.includes(i) ? "num" : null }, c ?? ""))))));
}
function fail(where, e) { console.warn(e); where.replaceChildren(el("p", { class: "error", text: e.message })); }
function chartBox(tall = false) { const c = el("canvas"); return [el("div", { class: tall ? "chart-box tall" : "chart-box" }, c), c]; }
const baseOptions = { animation: false, responsive: true, maintainAspectRatio: false };

// ----- runs and studies -----
async function runsPage() {
  document.title = "MesaLab — runs and studies";
  const [runs, studies] = await Promise.all([api("/api/runs"), api("/api/studies")]);
  const m = main();
  m.replaceChildren(el("h1", { text: "Runs" }));
  const distinct = key => [...new Set(runs.runs.map(r => r[key]).filter(x => x))].sort();
  const select = (name, values) => el("select", { id: `filter-${name}`, "aria-label": name }, el("option", { value: "", text: `any ${name}` }), values.map(v => el("option", { value: v, text: v })));
  const text = el("input", { id: "filter-text", type: "search", placeholder: "name, id or world", "aria-label": "filter" });
  const filters = [text, select("status", distinct("status")), select("world", distinct("world")), select("kind", distinct("kind")), select("study", distinct("study"))];
  const compare = el("button", { id: "compare", disabled: true, text: "compare selected" });
  const count = el("span", { class: "muted" });
  m.append(el("div", { class: "filters" }, filters, compare, count));
  const tbody = el("tbody");
  m.append(el("table", { id: "runs" },
    el("thead", {}, el("tr", {}, ["", "name", "id", "world", "kind", "status", "seed", "progress", "return", "success", "deploy: generalized", "misgeneralized", "behavioral objective", "study", "created"]
      .map((h, i) => el("th", { class: [6, 7, 8, 9, 10, 11].includes(i) ? "num" : null, text: h })))), tbody));
  const selected = new Set();
  function render() {
    const [q, st, wo, ki, sd] = filters.map(f => f.value.trim().toLowerCase());
    const shown = runs.runs.filter(r => (!q || r.name.toLowerCase().includes(q) || r.id.startsWith(q) || r.world.toLowerCase().includes(q))
      && (!st || r.status === st) && (!wo || r.world.toLowerCase() === wo) && (!ki || r.kind.toLowerCase() === ki) && (!sd || (r.study || "").toLowerCase() === sd));
    tbody.replaceChildren(...shown.map(r => {
      const box = el("input", { type: "checkbox", "aria-label": `select ${r.id}`, onchange: e => { e.target.checked ? selected.add(r.id) : selected.delete(r.id); compare.disabled = selected.size < 2; } });
      box.checked = selected.has(r.id);
      const d = r.deploy || {};
      return el("tr", { "data-run": r.id }, el("td", {}, box), el("td", {}, runLink(r.id, r.name)), el("td", { text: r.id }), el("td", { text: r.world }), el("td", { text: r.kind }),
        el("td", {}, status(r.status)), el("td", { class: "num", text: r.seed }),
        el("td", { class: "num", text: r.total_steps ? `${pct(r.progress)} of ${r.total_steps.toLocaleString()}` : r.env_steps.toLocaleString() }),
        el("td", { class: "num", text: fmt(r.episodic_return) }), el("td", { class: "num", text: pct(r.success_rate) }),
        el("td", { class: "num outcome-objective_generalized", text: pct(d.objective_generalized) }), el("td", { class: "num outcome-objective_misgeneralized", text: pct(d.objective_misgeneralized) }),
        el("td", { text: d.behavioral_objective || "" }), el("td", {}, r.study ? studyLink(r.study) : ""), el("td", { text: when(r.created) }));
    }));
    count.textContent = `${shown.length} of ${runs.runs.length} runs`;
  }
  filters.forEach(f => f.addEventListener("input", render));
  compare.addEventListener("click", () => { location.href = `/compare?runs=${[...selected].join(",")}`; });
  render();

  m.append(el("h1", { text: "Studies" }));
  m.append(studies.studies.length === 0 ? el("p", { class: "muted", text: "no studies in the store." }) :
    el("div", { id: "studies" }, table(["name", "world", "jobs", "completed", "running", "pending", "failed", "created"],
      studies.studies.map(s => [studyLink(s.name), s.world || "", s.jobs, s.by_state.completed ?? 0, s.by_state.running ?? 0, s.by_state.pending ?? 0, s.by_state.failed ?? 0, when(s.created)]), [2, 3, 4, 5, 6])));
}

// ----- one run -----
async function runPage(id) {
  const run = await api(`/api/runs/${encodeURIComponent(id)}`);
  document.title = `MesaLab — ${run.name}`;
  const m = main();
  const statusBadge = el("span", { id: "run-status" }, status(run.status));
  m.replaceChildren(el("h1", {}, `${run.name} `, statusBadge));
  const facts = el("dl", { class: "facts", id: "run-facts" });
  m.append(facts);
  for (const [k, v] of [["id", run.id], ["world", run.world], ["kind", run.kind], ["seed", run.seed],
    ["objectives", `base ${run.base_objective ?? "?"}, intended ${run.intended_objective ?? "?"}`],
    ["splits", run.splits.map(s => `${s.name}: ${s.description} (${s.parameters})`).join(" · ")],
    ["study", run.study ? studyLink(run.study) : "–"], ["created", when(run.created)], ["wall time", duration(run.wall_seconds)],
    ["host", run.host], ["code", run.code_version], ["error", run.error ? el("span", { class: "error", text: run.error }) : "–"]])
    facts.append(el("dt", { text: k }), el("dd", {}, v));

  const curves = el("section", { id: "curves" });
  const analysis = el("section", { id: "analysis" }, el("p", { class: "muted", text: "analysing the stored evaluations…" }));
  const transparency = el("section", { id: "transparency" });
  const player = el("section", { id: "player" });
  m.append(el("h2", { text: "Training curves" }), curves, analysis, transparency, player,
    el("h2", { text: "Configuration" }), el("details", {}, el("summary", { text: "the effective configuration (YAML)" }), el("pre", { class: "config", text: run.config })));

  liveCurves(run, curves, statusBadge).catch(e => fail(curves, e));
  api(`/api/runs/${run.id}/analysis`).then(a => showAnalysis(a, analysis, player)).catch(e => fail(analysis, e));
  api(`/api/runs/${run.id}/transparency`).then(t => showTransparency(t, transparency)).catch(e => fail(transparency, e));
}

// Training curves: every metric against environment steps, fed by the metrics endpoint and then by server-sent events.
async function liveCurves(run, where, statusBadge) {
  const first = await api(`/api/runs/${run.id}/metrics`);
  const grid = el("div", { class: "grid" });
  const updated = el("p", { class: "muted", id: "last-update" });
  where.replaceChildren(updated, grid);
  const charts = new Map();
  const order = ["episodic_return", "success_rate", "episode_length", "entropy", "value_loss", "policy_loss", "approx_kl", "clipfrac", "explained_variance", "learning_rate", "sps"];
  function chartFor(name) {
    if (charts.has(name)) return charts.get(name);
    const [box, canvas] = chartBox();
    canvas.id = `curve-${name}`;
    const card = el("div", { class: "card", "data-metric": name }, el("h3", { text: name }), box);
    const rank = n => { const i = order.indexOf(n); return i < 0 ? order.length : i; };
    const after = [...grid.children].find(c => rank(c.dataset.metric) > rank(name) || (rank(c.dataset.metric) === rank(name) && c.dataset.metric > name));
    grid.insertBefore(card, after || null);
    const chart = new Chart(canvas, {
      type: "line",
      data: { datasets: [{ label: name, data: [], borderColor: PALETTE[0], pointRadius: 0, borderWidth: 1.5, tension: 0 }] },
      options: { ...baseOptions, parsing: false, plugins: { legend: { display: false } }, scales: { x: { type: "linear", title: { display: true, text: "environment steps" } } } },
    });
    charts.set(name, chart);
    return chart;
  }
  let last = 0;
  function add(view) {
    const touched = new Set();
    for (const p of view.points) { chartFor(p.name).data.datasets[0].data.push({ x: p.env_step, y: num(p.value) }); touched.add(p.name); }
    for (const n of touched) charts.get(n).update("none");
    last = Math.max(last, view.last_update);
    updated.textContent = `update ${last}` + (view.points.length ? `, ${Math.max(...view.points.map(p => p.env_step)).toLocaleString()} environment steps` : "");
  }
  add(first);
  if (first.points.length === 0) updated.textContent = "no metrics logged yet";
  const source = new EventSource(`/api/runs/${run.id}/stream?after=${last}`);
  source.addEventListener("metrics", e => add(JSON.parse(e.data)));
  source.addEventListener("status", e => statusBadge.replaceChildren(status(JSON.parse(e.data).status)));
  window.addEventListener("pagehide", () => source.close());
}

function outcomeChart(split) {
  const [box, canvas] = chartBox();
  canvas.id = `outcomes-${split.split}`;
  const sizes = split.outcomes.by_size;
  new Chart(canvas, {
    type: "bar",
    data: { labels: sizes.map(s => `side ${s.size} (${s.shares.episodes})`), datasets: OUTCOMES.map(o => ({ label: LABELS[o], backgroundColor: COLORS[o], data: sizes.map(s => num(s.shares[o].value)) })) },
    options: { ...baseOptions, scales: { x: { stacked: true }, y: { stacked: true, min: 0, max: 1, title: { display: true, text: "share of episodes" } } } },
  });
  const o = split.outcomes.overall;
  return el("div", { class: "card" }, el("h3", { text: `${split.split}: outcomes by level size` }), box,
    el("p", { class: "muted" }, `overall (${o.episodes} episodes): `, ...OUTCOMES.map(k => el("span", { class: `outcome-${k}`, text: `${LABELS[k]} ${est(o[k])}; ` }))));
}

function behavioralChart(split) {
  const b = split.behavioral;
  const [box, canvas] = chartBox();
  canvas.id = `behavioral-${split.split}`;
  new Chart(canvas, {
    type: "bar",
    data: { labels: b.candidates.map(c => c.candidate + (c.is_base_objective ? " (base)" : "")), datasets: [{ label: "posterior", data: b.candidates.map(c => num(c.posterior.value)), backgroundColor: b.candidates.map((c, i) => PALETTE[i % PALETTE.length]) }] },
    options: { ...baseOptions, plugins: { legend: { display: false } }, scales: { y: { min: 0, max: 1, title: { display: true, text: "posterior" } } } },
  });
  // The goal each episode pursued by the mixture of goals, and the candidate it competently reached (outcome classifier).
  const goals = {};
  for (const e of split.episodes) { const k = `${e.goal}|${e.pursued || "nothing"}`; goals[k] = (goals[k] || 0) + 1; }
  const mixture = b.mixture;
  return el("div", { class: "card" }, el("h3", { text: `${split.split}: behavioral objective — ${b.verdict}` }), box,
    el("p", { class: "muted", text: split.behavioral_summary }),
    table(["candidate", "posterior", "β"], b.candidates.map(c => [c.candidate, est(c.posterior), est(c.beta, 1)]), [1, 2]),
    mixture ? el("h3", { text: "mixture of goals" }) : null,
    mixture ? el("p", { class: "muted", text: mixture.summary }) : null,
    mixture ? table(["goal", "weight", "β"], mixture.components.map(c => [c.name + (c.is_base_objective ? " (base)" : ""), est(c.weight), c.is_goal ? est(c.beta, 1) : "–"]), [1, 2]) : null,
    el("h3", { text: "per episode: goal pursued (mixture) and goal reached" }),
    table(["pursued", "reached", "episodes"], Object.entries(goals).sort((a, b) => b[1] - a[1]).map(([k, n]) => [...k.split("|"), n]), [2]));
}

function tree(node) {
  const cls = node.holds === true ? "holds" : node.holds === false ? "fails" : "unknown";
  return el("li", {}, el("span", { class: cls, text: node.name }), " ", node.value ? el("span", { text: est(node.value) }) : "", " — ", node.verdict,
    el("div", { class: "q", text: node.question }),
    node.children.length ? el("ul", {}, node.children.map(tree)) : null);
}

function showAnalysis(a, where, player) {
  if (!a.available) {
    where.replaceChildren(el("h2", { text: "Outcomes, behavioral objective, decomposition" }), el("p", { class: "muted", id: "analysis-missing", text: a.reason }));
    player.replaceChildren();
    return;
  }
  where.replaceChildren(el("h2", { text: "Outcome shares by level size" }), el("div", { class: "grid" }, a.splits.map(outcomeChart)),
    el("h2", { text: "Behavioral objective" }), el("div", { class: "grid" }, a.splits.map(behavioralChart)),
    el("h2", { text: "Robustness decomposition" }),
    a.decomposition ? el("div", { class: "tree card", id: "decomposition" }, el("ul", {}, tree(a.decomposition.tree))) : el("p", { class: "muted", text: "not available" }));
  episodePlayer(a, player);
}

function showTransparency(t, where) {
  where.replaceChildren(el("h2", { text: "Transparency results" }));
  if (t.results.length === 0) { where.append(el("p", { class: "muted", text: "none stored for this run (mesalab probe, steer, retarget, attribute, activations store them)." })); return; }
  for (const r of t.results) where.append(el("div", { class: "card" }, el("h3", { text: `${r.kind.replace("transparency.", "")} — ${r.name}` }), el("p", { class: "muted", text: `result ${r.id}, ${when(r.created)}` }), documentView(r.document)));
}

// A stored JSON document as tables: scalars as a list, arrays of objects as tables, nested objects recursively.
function documentView(doc, depth = 0) {
  if (doc === null || typeof doc !== "object") return el("span", { text: typeof doc === "number" ? fmt(doc, 3) : String(doc) });
  if (Array.isArray(doc)) {
    if (doc.length && doc.every(x => x && typeof x === "object" && !Array.isArray(x))) {
      const keys = [...new Set(doc.flatMap(Object.keys))].filter(k => doc.every(x => x[k] === undefined || x[k] === null || typeof x[k] !== "object" || isEstimate(x[k])));
      return table(keys, doc.slice(0, 50).map(x => keys.map(k => isEstimate(x[k]) ? est(x[k], 3) : typeof x[k] === "number" ? fmt(x[k], 3) : String(x[k] ?? ""))));
    }
    return el("span", { text: doc.slice(0, 40).map(x => typeof x === "number" ? fmt(x, 3) : JSON.stringify(x)).join(", ") + (doc.length > 40 ? ", …" : "") });
  }
  if (isEstimate(doc)) return el("span", { text: est(doc, 3) });
  if (depth > 3) return el("span", { class: "muted", text: "…" });
  const dl = el("dl", { class: "facts" });
  for (const [k, v] of Object.entries(doc)) dl.append(el("dt", { text: k }), el("dd", {}, documentView(v, depth + 1)));
  return dl;
}
const isEstimate = x => x && typeof x === "object" && "value" in x && "low" in x && "high" in x;

// ----- the episode player -----
function episodePlayer(a, where) {
  const splitSelect = el("select", { id: "player-split", "aria-label": "split" }, a.splits.map((s, i) => el("option", { value: i, text: `${s.split} (evaluation ${s.evaluation_id})` })));
  const episodeSelect = el("select", { id: "player-episode", "aria-label": "episode" });
  const canvas = el("canvas", { id: "player-canvas", width: 10, height: 10 });
  const first = el("button", { id: "player-first", title: "first step", text: "|◀" });
  const back = el("button", { id: "player-back", title: "step back", text: "◀" });
  const play = el("button", { id: "player-play", title: "play / pause", text: "▶" });
  const forward = el("button", { id: "player-forward", title: "step forward", text: "▶|" });
  const scrub = el("input", { id: "player-scrub", type: "range", min: 0, max: 0, value: 0, "aria-label": "step" });
  const speed = el("select", { id: "player-speed", "aria-label": "speed" }, [["2", "2 steps/s"], ["5", "5 steps/s"], ["10", "10 steps/s"]].map(([v, t]) => el("option", { value: v, text: t })));
  speed.value = "5";
  const info = el("p", { id: "player-info", class: "muted" });
  where.replaceChildren(el("h2", { text: "Episode player" }),
    el("div", { class: "controls" }, splitSelect, episodeSelect),
    el("div", { class: "player" }, el("div", {}, canvas, el("div", { class: "controls" }, first, back, play, forward, scrub, speed), info)));
  const ctx = canvas.getContext("2d");
  let episode = null, frames = [], step = 0, timer = null, token = 0;

  function fillEpisodes() {
    const s = a.splits[+splitSelect.value];
    episodeSelect.replaceChildren(...s.episodes.map(e => el("option", { value: e.index, text: `episode ${e.index}: ${LABELS[e.outcome]}, pursued ${e.goal} (${pct(e.goal_probability)}), side ${e.level_side}, ${e.length} steps` })));
  }
  function frame(t) {
    if (!frames[t]) {
      const img = new Image();
      img.src = `/api/evaluations/${episode.evaluation_id}/episodes/${episode.index}/frames/${t}.png`;
      frames[t] = img.decode().then(() => img);
    }
    return frames[t];
  }
  async function show(t) {
    if (!episode) return;
    step = Math.max(0, Math.min(episode.frames - 1, t));
    scrub.value = step;
    const mine = ++token;
    const img = await frame(step);
    if (mine !== token) return;
    ctx.drawImage(img, 0, 0);
    const [x, y] = episode.cells[step];
    const move = step > 0 ? `after move ${step} (${episode.actions[step - 1]}${episode.events[step - 1] ? ", " + episode.events[step - 1] : ""})` : "start";
    info.textContent = `step ${step} / ${episode.frames - 1} · cell (${x}, ${y}) · ${move}`;
    info.dataset.step = step; info.dataset.x = x; info.dataset.y = y;
    for (let k = 1; k <= 3 && step + k < episode.frames; k++) frame(step + k); // fetch ahead for smooth playback
  }
  function pause() { clearInterval(timer); timer = null; play.textContent = "▶"; }
  function playing() {
    if (timer) { pause(); return; }
    if (step >= episode.frames - 1) show(0);
    play.textContent = "⏸";
    timer = setInterval(() => { if (step >= episode.frames - 1) pause(); else show(step + 1); }, 1000 / +speed.value);
  }
  async function load() {
    pause();
    const s = a.splits[+splitSelect.value];
    episode = await api(`/api/evaluations/${s.evaluation_id}/episodes/${episodeSelect.value}`);
    frames = [];
    canvas.width = episode.width * episode.cell_size;
    canvas.height = episode.height * episode.cell_size;
    canvas.dataset.cellSize = episode.cell_size;
    scrub.max = episode.frames - 1;
    await show(0);
  }
  splitSelect.addEventListener("change", () => { fillEpisodes(); load().catch(e => fail(info, e)); });
  episodeSelect.addEventListener("change", () => load().catch(e => fail(info, e)));
  first.addEventListener("click", () => { pause(); show(0); });
  back.addEventListener("click", () => { pause(); show(step - 1); });
  forward.addEventListener("click", () => { pause(); show(step + 1); });
  play.addEventListener("click", playing);
  scrub.addEventListener("input", () => { pause(); show(+scrub.value); });
  speed.addEventListener("change", () => { if (timer) { pause(); playing(); } });
  // Start on the deploy split, where the interesting episodes are.
  splitSelect.value = String(a.splits.length - 1);
  fillEpisodes();
  load().catch(e => fail(info, e));
}

// ----- one study -----
async function studyPage(name) {
  const { study, status: st, axis_curve: curve } = await api(`/api/studies/${encodeURIComponent(name)}`);
  document.title = `MesaLab — study ${study.name}`;
  const m = main();
  m.replaceChildren(el("h1", { text: `Study ${study.name}` }));
  const facts = el("dl", { class: "facts" });
  for (const [k, v] of [["world", study.world], ["base objective", study.base_objective], ["axis", study.axis || "–"], ["jobs", `${st.jobs} (${Object.entries(st.by_state).filter(([, n]) => n).map(([s, n]) => `${n} ${s}`).join(", ")})`],
    ["bootstrap", `${study.replicates} replicates over seeds, ${study.episode_replicates} over episodes`]])
    facts.append(el("dt", { text: k }), el("dd", {}, v));
  m.append(facts);
  m.append(el("h2", { text: "Procedures" }), table(["procedure", "description", "value", "jobs", "completed"],
    study.procedures.map(p => [p.name, p.description || "", p.value ?? "", p.jobs, p.completed]), [2, 3, 4]));
  m.append(el("h2", { text: "Figures per seed" }));
  const grid = el("div", { class: "grid", id: "study-figures" });
  m.append(grid);
  study.figures.forEach((f, k) => grid.append(stripChart(f, k, study.percent)));
  if (curve) {
    m.append(el("h2", { text: `Against ${curve.axis}` }), el("p", { class: "note", text: "Each figure's mean over seeds at each procedure's value, with its 95 % seed-level interval as a band." }));
    const axisGrid = el("div", { class: "grid", id: "study-axis" });
    m.append(axisGrid);
    curve.figures.forEach((f, k) => axisGrid.append(axisChart(f, k, curve)));
  }
  const withVariance = study.figures.filter(f => f.variance);
  if (withVariance.length) {
    m.append(el("h2", { text: "Variance between and within procedures" }), table(["figure", "grand mean", "between procedures", "within (seeds)", "ICC", "procedures", "runs"],
      withVariance.map(f => [f.label, fmt(f.variance.grand_mean, 3), est(f.variance.between, 4), est(f.variance.within, 4), est(f.variance.icc), f.variance.procedures, f.variance.runs]), [1, 2, 3, 4, 5, 6]));
  }
  m.append(el("h2", { text: "Jobs" }), el("div", { id: "study-jobs" }, table(["job", "procedure", "seed", "state", "stage", "progress", "run", "attempts", "seconds", "error"],
    st.job_states.map(j => [j.job, j.procedure, j.seed, status(j.state), j.stage, j.progress === null ? "–" : pct(j.progress), j.run_id ? runLink(j.run_id) : "–", j.attempts, fmt(j.seconds, 1), j.error || ""]), [2, 5, 7, 8])));
}

// One study figure: every seed's value as a dot per procedure, with the procedure's mean and 95 % interval.
function stripChart(f, k, percent) {
  const [box, canvas] = chartBox(true);
  canvas.id = `figure-${k}`;
  const names = f.procedures.map(p => p.procedure);
  const dots = f.procedures.flatMap((p, i) => p.seeds.map((s, j) => ({ x: i + (p.seeds.length > 1 ? (j / (p.seeds.length - 1) - 0.5) * 0.3 : 0), y: num(s.value), run: s.run_id, seed: s.seed })));
  const means = f.procedures.map((p, i) => ({ x: i + 0.25, y: num(p.mean.value) }));
  const intervals = f.procedures.map((p, i) => ({ type: "line", label: i === 0 ? "95 % interval" : "", data: [{ x: i + 0.25, y: num(p.mean.low) }, { x: i + 0.25, y: num(p.mean.high) }], borderColor: "#333", borderWidth: 2, pointRadius: 0 }));
  const chart = new Chart(canvas, {
    type: "scatter",
    data: { datasets: [{ label: "seeds", data: dots, backgroundColor: PALETTE[0] + "bb", pointRadius: 4 }, { label: "mean", data: means, pointStyle: "rectRot", pointRadius: 6, backgroundColor: "#333" }, ...intervals] },
    options: {
      ...baseOptions, parsing: false,
      plugins: { legend: { labels: { filter: i => i.text } }, tooltip: { callbacks: { label: c => c.raw.run ? `seed ${c.raw.seed}: ${fmt(c.raw.y, 3)} (run ${c.raw.run})` : fmt(c.raw.y, 3) } } },
      scales: { x: { type: "linear", min: -0.5, max: names.length - 0.5, ticks: { stepSize: 1, callback: v => Number.isInteger(v) ? names[v] : "" } },
        y: { min: percent || f.kind !== "behavioral_objective" ? 0 : undefined, max: f.kind === "outcome_share" || f.kind === "behavioral_objective" || f.kind === "objective_robustness" ? 1 : undefined } },
      onClick: (e, items) => { const d = items.length && chart.data.datasets[items[0].datasetIndex].data[items[0].index]; if (d && d.run) location.href = `/runs/${d.run}`; },
    },
  });
  return el("div", { class: "card" }, el("h3", { text: f.label }), box);
}

// One study figure against the study's axis: the seed mean at each axis value, its 95 % interval as a band.
function axisChart(f, k, curve) {
  const [box, canvas] = chartBox();
  canvas.id = `axis-${k}`;
  const at = key => f.points.map(p => ({ x: p.value, y: num(p.mean[key]), procedure: p.procedure, seeds: p.seeds }));
  const color = PALETTE[k % PALETTE.length];
  const scale = curve.percent ? 100 : 1;
  new Chart(canvas, {
    type: "line",
    data: { datasets: [
      { label: "", data: at("low"), borderColor: color + "55", borderWidth: 1, pointRadius: 0, fill: false },
      { label: "95 % interval", data: at("high"), borderColor: color + "55", borderWidth: 1, pointRadius: 0, backgroundColor: color + "33", fill: "-1" },
      { label: "mean over seeds", data: at("value"), borderColor: color, backgroundColor: color, borderWidth: 2, pointRadius: 4 },
    ] },
    options: {
      ...baseOptions, parsing: false,
      plugins: { legend: { labels: { filter: i => i.text } }, tooltip: { callbacks: { label: c => `${c.raw.procedure}: ${fmt(c.raw.y, 3)} (${c.raw.seeds} seeds)` } } },
      scales: { x: { type: "linear", title: { display: true, text: curve.axis }, ticks: { callback: v => curve.percent ? `${+(v * scale).toFixed(2)} %` : v } },
        y: { min: curve.percent || f.kind !== "behavioral_objective" ? 0 : undefined, max: f.kind === "outcome_share" || f.kind === "behavioral_objective" || f.kind === "objective_robustness" ? 1 : undefined } },
    },
  });
  return el("div", { class: "card" }, el("h3", { text: f.label }), box);
}

// ----- runs side by side -----
async function comparePage(ids) {
  document.title = "MesaLab — runs side by side";
  const data = await api(`/api/compare?runs=${ids.map(encodeURIComponent).join(",")}`);
  const m = main();
  m.replaceChildren(el("h1", { text: `${data.runs.length} runs side by side` }));
  const runs = data.runs;
  const row = (label, f) => [label, ...runs.map(f)];
  const deployShare = (r, k) => { const o = r.outcomes.find(x => r.decomposition && x.split === r.decomposition.deploy_split); return o ? est(o.overall[k]) : "–"; };
  m.append(el("div", { class: "side", id: "compare-table" }, table(["", ...runs.map(r => r.run.name)], [
    row("run", r => runLink(r.run.id, r.run.id)), row("world", r => r.run.world), row("status", r => status(r.run.status)), row("seed", r => r.run.seed),
    row("environment steps", r => r.run.env_steps.toLocaleString()), row("last return", r => fmt(r.run.episodic_return)), row("last success rate", r => pct(r.run.success_rate)),
    ...OUTCOMES.map(k => row(`deploy: ${LABELS[k]}`, r => deployShare(r, k))),
    row("behavioral objective", r => r.behavioral_objectives.map(b => `${b.split}: ${b.verdict}`).join("; ") || "not analysed"),
    row("robustness", r => r.decomposition ? est(r.decomposition.robustness) : "–"),
    row("objective robustness", r => r.decomposition ? est(r.decomposition.objective_robustness) : "–"),
    row("capability robustness", r => r.decomposition ? est(r.decomposition.capability_robustness) : "–"),
  ])));
  m.append(el("h2", { text: "Training curves" }));
  const grid = el("div", { class: "grid" });
  m.append(grid);
  const metrics = await Promise.all(runs.map(r => api(`/api/runs/${r.run.id}/metrics`)));
  for (const name of ["episodic_return", "success_rate", "episode_length", "entropy"]) {
    const [box, canvas] = chartBox();
    canvas.id = `compare-${name}`;
    grid.append(el("div", { class: "card" }, el("h3", { text: name }), box));
    new Chart(canvas, {
      type: "line",
      data: { datasets: runs.map((r, i) => ({ label: r.run.name, borderColor: PALETTE[i % PALETTE.length], pointRadius: 0, borderWidth: 1.5, data: metrics[i].points.filter(p => p.name === name).map(p => ({ x: p.env_step, y: num(p.value) })) })) },
      options: { ...baseOptions, parsing: false, scales: { x: { type: "linear", title: { display: true, text: "environment steps" } } } },
    });
  }
}

// ----- routing -----
async function route() {
  const path = location.pathname.split("/").filter(Boolean).map(decodeURIComponent);
  try {
    if (path.length === 0) await runsPage();
    else if (path[0] === "runs" && path.length === 2) await runPage(path[1]);
    else if (path[0] === "studies" && path.length === 2) await studyPage(path[1]);
    else if (path[0] === "compare") await comparePage((new URLSearchParams(location.search).get("runs") || "").split(",").filter(Boolean));
    else main().replaceChildren(el("p", { class: "error", text: "no such page." }));
  } catch (e) {
    fail(main(), e);
  }
}
route();
