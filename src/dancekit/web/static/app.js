// The page: drop or choose a file (uploaded with progress), or listen live; show the answer.
import { apiHeaders } from "/static/access.js";
import { LiveListener } from "/static/live.js";
import { drawTimeline, renderResult } from "/static/render.js";

const $ = (id) => document.getElementById(id);
let config = null;
let lastResult = null;
let listener = null;

function showError(message) {
  const box = $("error");
  box.textContent = message;
  box.hidden = !message;
  document.body.dataset.state = message ? "error" : document.body.dataset.state;
}

function setState(state) {
  document.body.dataset.state = state; // idle | uploading | analysing | listening | done | error (tests read it)
}

function clearResult() {
  lastResult = null;
  $("result").hidden = true;
}

function show(result, options = {}) {
  lastResult = { result, options };
  renderResult(result, config, options);
}

// ---- upload ---------------------------------------------------------------------------------
function progress(fraction, text) {
  const box = $("upload");
  box.hidden = fraction === null;
  box.classList.toggle("busy", fraction === "busy");
  box.querySelector(".fill").style.width = typeof fraction === "number" ? `${Math.round(fraction * 100)}%` : "0";
  box.querySelector(".progress-text").textContent = text || "";
}

function upload(file) {
  if (!file || listener) return;
  showError("");
  clearResult(); // a new question: the old answer must not pass for the new one's
  if (file.size > config.limits.max_upload_bytes) {
    showError(`${file.name} is ${(file.size / 1048576).toFixed(1)} MB; the limit is ${config.limits.max_upload_mb} MB.`);
    setState("error");
    return;
  }
  const form = new FormData();
  form.append("file", file, file.name);
  const request = new XMLHttpRequest();
  request.open("POST", "/api/identify");
  for (const [name, value] of Object.entries(apiHeaders())) request.setRequestHeader(name, value);
  request.responseType = "json";
  setState("uploading");
  progress(0, `Uploading ${file.name}...`);
  request.upload.onprogress = (event) => {
    if (event.lengthComputable) progress(event.loaded / event.total, `Uploading ${file.name}: ${Math.round(100 * event.loaded / event.total)}%`);
  };
  request.upload.onload = () => {
    setState("analysing");
    progress("busy", `Listening to ${file.name}...`);
  };
  request.onload = () => {
    progress(null);
    const body = request.response;
    if (request.status === 200 && body) {
      show(body);
      setState("done");
    } else {
      showError((body && body.error) || `The server answered ${request.status}.`);
      setState("error");
    }
  };
  request.onerror = () => {
    progress(null);
    showError("The upload failed: is the server still running?");
    setState("error");
  };
  request.send(form);
}

function setUpDropzone() {
  const zone = $("dropzone");
  const input = $("file");
  zone.addEventListener("click", () => input.click());
  zone.addEventListener("keydown", (event) => {
    if (event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      input.click();
    }
  });
  input.addEventListener("change", () => {
    upload(input.files[0]);
    input.value = "";
  });
  for (const type of ["dragenter", "dragover"]) {
    zone.addEventListener(type, (event) => {
      event.preventDefault();
      zone.classList.add("dragging");
    });
  }
  for (const type of ["dragleave", "drop"]) zone.addEventListener(type, () => zone.classList.remove("dragging"));
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    if (event.dataTransfer.files.length) upload(event.dataTransfer.files[0]);
  });
  // a file dropped beside the zone should not make the browser navigate away from the page
  window.addEventListener("dragover", (event) => event.preventDefault());
  window.addEventListener("drop", (event) => event.preventDefault());
}

// ---- live -----------------------------------------------------------------------------------
function liveStatus(heard, needed, level) {
  const box = $("live");
  box.hidden = false;
  box.querySelector(".fill").style.width = `${Math.min(1, heard / needed) * 100}%`;
  box.querySelector(".progress-text").textContent = heard < needed
    ? `Listening: ${heard.toFixed(1)} of ${needed.toFixed(1)} s before the first answer`
    : `Listening: ${Math.floor(heard / 60)}:${String(Math.floor(heard % 60)).padStart(2, "0")} heard`;
  if (level !== undefined) {
    box.querySelector(".level-fill").style.width = `${Math.max(0, Math.min(1, (level + 60) / 60)) * 100}%`;
  }
}

function listenButton(state) {
  const button = $("listen");
  button.classList.toggle("on", state === "on");
  button.disabled = state === "busy";
  button.querySelector(".listen-text").textContent =
    state === "on" ? "Stop" : state === "busy" ? "Finishing..." : "Listen";
}

async function toggleListening() {
  if (listener) {
    listenButton("busy");
    listener.stop();
    return;
  }
  showError("");
  clearResult();
  listenButton("busy");
  const current = new LiveListener(config, {
    onMessage(message) {
      if (message.type === "listening") {
        liveStatus(message.heard_s, message.first_result_s, message.level_dbfs);
      } else if (message.type === "result") {
        liveStatus(message.heard_s, config.model.segment_s, message.level_dbfs);
        show(message.result, { live: true, final: message.final });
        setState(message.final ? "done" : "listening");
      } else if (message.type === "error") {
        showError(message.error);
      }
    },
    onClosed(event, finished) {
      listener = null;
      listenButton("off");
      $("live").hidden = true;
      if (!finished && event.code !== 1000 && $("error").hidden) {
        showError(`The live connection closed${event.reason ? `: ${event.reason}` : "."}`);
      }
      if (lastResult && lastResult.options.live) show(lastResult.result, { live: true, final: true });
      if (document.body.dataset.state === "listening") setState(finished ? "done" : "error");
    },
  });
  try {
    await current.start();
    listener = current;
    listenButton("on");
    setState("listening");
    liveStatus(0, config.model.segment_s);
  } catch (err) {
    current.release();
    listenButton("off");
    showError(err.message);
    setState("error");
  }
}

// ---- start ----------------------------------------------------------------------------------
async function main() {
  setState("loading");
  let body = null;
  try {
    const response = await fetch("/api/config", { headers: apiHeaders() });
    body = await response.json();
    if (!response.ok) throw new Error((body && body.error) || `The server answered ${response.status}.`);
    config = body;
  } catch (err) {
    showError(body && body.error ? `The server refused the page: ${body.error}` : "Could not reach the server.");
    setState("error");
    return;
  }
  $("model-name").textContent = `${config.model.name} (${config.model.classes.length} classes)`;
  $("max-mb").textContent = config.limits.max_upload_mb;
  setUpDropzone();
  $("listen").addEventListener("click", toggleListening);
  let resizing = null;
  window.addEventListener("resize", () => {
    clearTimeout(resizing);
    resizing = setTimeout(() => lastResult && drawTimeline($("timeline"), lastResult.result, config), 100);
  });
  setState("idle");
}

main();
