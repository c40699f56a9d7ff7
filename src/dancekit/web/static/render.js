// Draw one result (the CLI's JSON object) into the page: answer, tempo, bars, timeline.

const pct = (p) => `${(100 * p).toFixed(p >= 0.995 || p < 0.0005 ? 0 : 1)}%`;

function el(tag, attrs = {}, text = null) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== null) node.textContent = text;
  return node;
}

export function colourOf(config, name, index) {
  const fallback = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
                    "#bcbd22", "#17becf"];
  return (config.colours && config.colours[name]) || fallback[index % fallback.length];
}

export function renderResult(result, config, { live = false, final = false } = {}) {
  const box = document.getElementById("result");
  box.hidden = false;
  box.classList.toggle("live-result", live && !final);
  box.classList.toggle("unsure", result.status !== "no_music" && !result.sure);
  box.classList.toggle("no-music", result.status === "no_music");
  box.dataset.status = result.status;
  box.dataset.sure = String(result.sure);
  box.dataset.label = result.label || "";

  const minutes = Math.floor(result.duration_s / 60);
  const seconds = String(Math.round(result.duration_s % 60)).padStart(2, "0");
  document.getElementById("source").textContent =
    `${live ? "microphone" : result.file} · ${minutes}:${seconds}${live && !final ? " heard so far" : ""}`;

  const answer = document.getElementById("answer");
  const detail = document.getElementById("answer-detail");
  if (result.status === "no_music") {
    answer.textContent = "No music detected";
    detail.textContent = live ? "Hold the microphone closer to the music." : "The recording is silent or nearly so.";
  } else if (!result.sure) {
    const [a, b] = result.top;
    answer.textContent = b ? `Not sure: ${a.label} or ${b.label}?` : `Not sure: ${a.label}?`;
    detail.textContent = `The model is not confident (top ${pct(a.probability)}, under ` +
      `${Math.round(100 * (config.sure_from || 0.6))}%). ${live && !final ? "Keep listening." : ""}`;
  } else {
    answer.textContent = result.label;
    detail.textContent = `${pct(result.confidence)} sure`;
  }

  renderTempo(result, config);
  renderBars(result, config);
  renderLegend(result, config);
  drawTimeline(document.getElementById("timeline"), result, config);

  const warnings = document.getElementById("warnings");
  warnings.replaceChildren(...result.warnings.filter((w) => !w.startsWith("no music")).map((w) => el("li", {}, w)));
}

function renderTempo(result, config) {
  const box = document.getElementById("tempo");
  const tempo = result.tempo;
  if (!tempo || !(tempo.tempo_bpm > 0)) {
    box.hidden = true;
    return;
  }
  box.hidden = false;
  document.getElementById("bpm").textContent = Math.round(tempo.tempo_bpm);
  document.getElementById("bars").textContent = Math.round(tempo.bars_per_minute);
  document.getElementById("meter").textContent = `${tempo.beats_per_bar}/4`;
  const range = document.getElementById("range");
  const dance = result.label && config.competition ? config.competition[result.label] : null;
  range.className = "range";
  if (dance) {
    const [lo, hi] = dance.bars_per_minute;
    const own = Math.round(tempo.tempo_bpm / dance.beats_per_bar);
    const inRange = tempo.matching_dances.includes(result.label); // the library's verdict, meter included
    const meterFits = (dance.beats_per_bar === 3) === (tempo.beats_per_bar === 3);
    range.classList.add(inRange ? "in" : "out");
    if (inRange) {
      range.textContent = `${result.label}: competition range ${lo}-${hi} bars/min; ${own} is in range`;
    } else if (!meterFits) {
      range.textContent = `${result.label} is danced in ${dance.beats_per_bar}/4 (${lo}-${hi} bars/min), ` +
        `but the music sounds like ${tempo.beats_per_bar}/4`;
    } else {
      range.textContent = `${result.label}: competition range ${lo}-${hi} bars/min (${dance.beats_per_bar}/4); ` +
        `this is ${own} bars/min, outside it`;
    }
  } else {
    range.textContent = "";
  }
  document.getElementById("tempo-text").textContent = tempo.description;
}

function renderBars(result, config) {
  const list = document.getElementById("probabilities");
  const names = Object.keys(result.probabilities);
  const order = names.map((name, i) => [name, result.probabilities[name], i]).sort((x, y) => y[1] - x[1]);
  list.replaceChildren(...order.map(([name, p, i], rank) => {
    const item = el("li", { class: rank === 0 && result.status !== "no_music" ? "top" : "" });
    item.dataset.label = name;
    const bar = el("div", { class: "bar" });
    const fill = el("div");
    fill.style.width = `${Math.max(0, Math.min(1, p)) * 100}%`;
    fill.style.background = colourOf(config, name, i);
    bar.append(fill);
    item.append(el("span", { class: "name", title: name }, name), bar, el("span", { class: "value" }, pct(p)));
    return item;
  }));
}

function renderLegend(result, config) {
  const legend = document.getElementById("legend");
  legend.replaceChildren(...Object.keys(result.probabilities).map((name, i) => {
    const swatch = el("span", { class: "swatch" });
    swatch.style.background = colourOf(config, name, i);
    const item = el("li");
    item.append(swatch, document.createTextNode(name));
    return item;
  }));
}

function niceStep(span, target) {
  const raw = span / Math.max(1, target);
  for (const step of [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1200]) if (step >= raw) return step;
  return 1800;
}

// Paper 1's timeline: each segment a column of stacked class probabilities; the mean on the right.
export function drawTimeline(canvas, result, config) {
  const ratio = window.devicePixelRatio || 1;
  const width = Math.max(240, canvas.clientWidth || 600);
  const height = Math.max(120, canvas.clientHeight || 200);
  if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
  }
  const ctx = canvas.getContext("2d");
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, width, height);

  const names = Object.keys(result.probabilities);
  const seg = result.segments || { start_s: [], probabilities: [], length_s: 5.2 };
  const left = 34, right = 46, top = 8, bottom = 24;
  const plotW = width - left - right, plotH = height - top - bottom;
  const lastEnd = seg.start_s.length ? seg.start_s[seg.start_s.length - 1] + seg.length_s : 0;
  const span = Math.max(result.duration_s, lastEnd, 1);
  const x = (t) => left + (t / span) * plotW;
  const y = (p) => top + (1 - p) * plotH;

  ctx.fillStyle = "#f4f5f8";
  ctx.fillRect(left, top, plotW, plotH);
  seg.start_s.forEach((start, k) => {
    const next = k + 1 < seg.start_s.length ? seg.start_s[k + 1] : start + seg.length_s;
    const end = Math.min(next, start + seg.length_s);
    let acc = 0;
    seg.probabilities[k].forEach((p, c) => {
      ctx.fillStyle = colourOf(config, names[c], c);
      ctx.fillRect(x(start), y(acc + p), Math.max(1, x(end) - x(start) - 0.5), y(acc) - y(acc + p));
      acc += p;
    });
  });

  // recording-level mean, as in the PNG
  let acc = 0;
  const mx = width - right + 10, mw = right - 16;
  names.forEach((name, c) => {
    const p = result.probabilities[name];
    ctx.fillStyle = colourOf(config, name, c);
    ctx.fillRect(mx, y(acc + p), mw, y(acc) - y(acc + p));
    acc += p;
  });

  ctx.strokeStyle = "#9aa3b5";
  ctx.lineWidth = 1;
  ctx.strokeRect(left + 0.5, top + 0.5, plotW - 1, plotH - 1);
  ctx.fillStyle = "#5b6475";
  ctx.font = "11px system-ui, sans-serif";
  ctx.textAlign = "right";
  ctx.textBaseline = "middle";
  for (const p of [0, 0.5, 1]) ctx.fillText(p.toFixed(1), left - 4, y(p));
  ctx.textAlign = "center";
  ctx.textBaseline = "top";
  const step = niceStep(span, Math.floor(plotW / 70));
  for (let t = 0; t <= span + 1e-6; t += step) {
    if (t > 0 && x(t) > left + plotW - 14) break; // keep clear of the "mean" label
    const label = t >= 60 ? `${Math.floor(t / 60)}:${String(Math.round(t % 60)).padStart(2, "0")}` : `${t}s`;
    ctx.fillText(label, x(t), height - bottom + 6);
  }
  ctx.fillText("mean", mx + mw / 2, height - bottom + 6);
}
