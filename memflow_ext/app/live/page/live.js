// IAM Flow live page: one WebSocket to /ws, JSON control messages, JPEG frames as binary messages.
// Server text only ever reaches the DOM through textContent.
"use strict";

(() => {
  const $ = (id) => document.getElementById(id);
  const ui = {
    form: $("controls"),
    prompt: $("prompt"),
    seed: $("seed"),
    maxFrames: $("max-frames"),
    start: $("start"),
    switchButton: $("switch"),
    video: $("video"),
    now: $("now"),
    timeline: $("timeline"),
    timing: $("timing"),
    status: $("status"),
  };
  const videoContext = ui.video.getContext("2d");

  // connecting | idle | starting | streaming | stopping | disconnected
  let state = "connecting";
  let ws = null;
  let stream = null; // the `started` message of the current stream
  let epoch = 0; // bumped per stream: frames still decoding from an earlier one are dropped
  let tags = []; // {block, prompt} for each announced frame whose binary message has not arrived yet
  let queue = []; // decoded frames waiting to be drawn: {bitmap, block, prompt}
  let decoding = Promise.resolve(); // chains decodes so frames are queued in arrival order
  let player = null;
  let shown = 0;
  let blocks = []; // {index, ms, profile} per block
  let received = 0; // video frames received in this stream (the index of the next binary frame)
  let thumbs = new Map(); // latent frame -> small ImageBitmap of the video frame that shows it
  let rows = new Map(); // prompt index -> {item, start, end, strip, memory, groups, more, picks}
  let waiting = new Map(); // latent frame -> memory thumbnails drawn before its frame was decoded

  // The storyboard's rules (plugins/storyboard): a latent frame k is shown as its last decoded video
  // frame, temporal_factor * k; one colour per entity ID (golden-ratio hue steps, as colours.py).
  const THUMB_WIDTH = 96;
  const FRAMES_PER_ROW = 4;
  const MAX_CHANGES = 8;
  const GOLDEN = 0.618033988749895;

  // ---- small helpers ----

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = String(text);
    return node;
  }

  function setStatus(text, kind = "info") {
    ui.status.textContent = text;
    ui.status.dataset.kind = kind;
  }

  function setState(next) {
    state = next;
    document.body.dataset.state = next;
    const live = next === "streaming" || next === "stopping";
    ui.start.textContent = live ? "Stop" : "Start";
    ui.start.disabled = !(next === "idle" || next === "streaming");
    ui.switchButton.disabled = !(next === "streaming" && stream && stream.interactive);
    ui.seed.disabled = ui.maxFrames.disabled = next !== "idle";
  }

  function send(message) {
    if (!ws || ws.readyState !== WebSocket.OPEN) return false;
    ws.send(JSON.stringify(message));
    return true;
  }

  function wsUrl() {
    const url = new URL("ws", window.location.href);
    url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    url.search = "";
    url.hash = "";
    const token = new URLSearchParams(window.location.search).get("token");
    if (token !== null) url.searchParams.set("token", token);
    return url.href;
  }

  function hsvHex(h, s, v) {
    const i = Math.floor(h * 6);
    const f = h * 6 - i;
    const p = v * (1 - s);
    const q = v * (1 - f * s);
    const t = v * (1 - (1 - f) * s);
    const [r, g, b] = [[v, t, p], [q, v, p], [p, v, t], [p, q, v], [t, p, v], [v, p, q]][i % 6];
    return "#" + [r, g, b].map((c) => Math.round(c * 255).toString(16).padStart(2, "0")).join("");
  }

  function crc32(text) {
    let crc = ~0;
    for (const byte of new TextEncoder().encode(text)) {
      crc ^= byte;
      for (let k = 0; k < 8; k += 1) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
    }
    return (~crc) >>> 0;
  }

  function idColour(id) {
    const hue = Number.isInteger(id) ? (id * GOLDEN) % 1 : (crc32(String(id)) % 360) / 360;
    return hsvHex(hue, 0.6, 0.85);
  }

  function textColour(hex) {
    const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
    return 0.299 * r + 0.587 * g + 0.114 * b > 150 ? "#000000" : "#ffffff";
  }

  function tag(id, label, className) {
    const node = element("li", className, label);
    const colour = id === null ? "#9e9e9e" : idColour(id);
    node.style.background = colour;
    node.style.color = textColour(colour);
    node.style.borderColor = colour;
    if (id !== null) node.dataset.id = String(id);
    return node;
  }

  function seconds(videoFrames) {
    const fps = stream && Number(stream.fps) > 0 ? Number(stream.fps) : 16;
    return (videoFrames / fps).toFixed(1);
  }

  function formatMs(value) {
    return value >= 100 ? String(Math.round(value)) : value.toFixed(1);
  }

  // ---- connection ----

  function connect() {
    setState("connecting");
    setStatus("connecting…");
    let socket;
    try {
      socket = new WebSocket(wsUrl());
    } catch (err) {
      setState("disconnected");
      setStatus(`disconnected: ${err.message}`, "error");
      return;
    }
    socket.binaryType = "arraybuffer";
    socket.onopen = () => {
      setState("idle");
      setStatus("idle: enter a prompt and press Start");
    };
    socket.onmessage = onMessage;
    socket.onclose = (event) => {
      ws = null;
      setState("disconnected");
      const why = event.reason ? `: ${event.reason}` : "";
      setStatus(`disconnected${why} (reload the page to reconnect)`, "error");
    };
    ws = socket;
  }

  function onMessage(event) {
    if (typeof event.data !== "string") {
      onFrame(event.data);
      return;
    }
    let message;
    try {
      message = JSON.parse(event.data);
    } catch {
      setStatus("error: unreadable message from the server", "error");
      return;
    }
    switch (message.type) {
      case "started": onStarted(message); break;
      case "switch": onSwitch(message); break;
      case "block": onBlock(message); break;
      case "memory": onMemory(message); break;
      case "saved": onSaved(message); break;
      case "error": onError(message); break;
      case "busy": onBusy(); break;
      default: console.warn("unknown message type", message.type);
    }
  }

  // ---- user actions ----

  function readInteger(input, label, min) {
    const text = input.value.trim();
    if (text === "") return undefined;
    const value = Number(text);
    if (!Number.isInteger(value) || (min !== undefined && value < min)) {
      throw new Error(`${label} must be an integer${min !== undefined ? ` ≥ ${min}` : ""}`);
    }
    return value;
  }

  // The prompt box's text, or null (with the reason on the status line) when it is empty.
  function promptText(missing) {
    const prompt = ui.prompt.value.trim();
    if (!prompt) {
      setStatus(`error: ${missing}`, "error");
      ui.prompt.focus();
      return null;
    }
    return prompt;
  }

  function start() {
    const prompt = promptText("enter a prompt first");
    if (prompt === null) return;
    const message = { type: "start", prompt };
    try {
      const seed = readInteger(ui.seed, "seed");
      const maxFrames = readInteger(ui.maxFrames, "max frames", 1);
      if (seed !== undefined) message.seed = seed;
      if (maxFrames !== undefined) message.max_frames = maxFrames;
    } catch (err) {
      setStatus(`error: ${err.message}`, "error");
      return;
    }
    reset();
    if (send(message)) {
      setState("starting");
      setStatus("starting…");
    }
  }

  function stop() {
    if (send({ type: "stop" })) {
      setState("stopping");
      setStatus("stopping: finishing the block in progress…");
    }
  }

  function switchPrompt() {
    const prompt = promptText("enter the next prompt first");
    if (prompt === null) return;
    if (send({ type: "prompt", prompt })) {
      setStatus("streaming: next prompt queued for the next block");
    }
  }

  ui.form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (state === "idle") start();
    else if (state === "streaming") stop();
  });
  ui.switchButton.addEventListener("click", switchPrompt);
  ui.prompt.addEventListener("keydown", (event) => {
    // Ctrl/Cmd+Enter: switch while streaming, start while idle.
    if (event.key !== "Enter" || !(event.ctrlKey || event.metaKey)) return;
    event.preventDefault();
    if (state === "streaming" && !ui.switchButton.disabled) switchPrompt();
    else if (state === "idle") start();
  });

  // ---- server messages ----

  function reset() {
    epoch += 1;
    stream = null;
    tags = [];
    for (const frame of queue) frame.bitmap.close();
    queue = [];
    shown = 0;
    blocks = [];
    received = 0;
    for (const bitmap of thumbs.values()) bitmap.close();
    thumbs = new Map();
    rows = new Map();
    waiting = new Map();
    ui.timeline.replaceChildren();
    ui.now.textContent = "waiting for the first block…";
    drawTiming();
  }

  function onStarted(message) {
    stream = message;
    const fps = Number(message.fps) > 0 ? Number(message.fps) : 16;
    clearInterval(player);
    player = setInterval(drawNextFrame, 1000 / fps);
    setState("streaming");
    const interactive = message.interactive ? "" : " · not interactive";
    const bound = message.until_stop
      ? `until Stop (server cap ${message.max_frames} latent frames)`
      : `max ${message.max_frames} latent frames`;
    setStatus(`streaming: stream ${message.stream} · seed ${message.seed} · ${bound} · ${fps} fps${interactive}`);
  }

  function onSwitch(message) {
    const item = element("li", "switch");
    item.dataset.promptIndex = String(message.prompt_index);
    const start = Number(message.start_frame) || 0;
    const tf = stream && Number(stream.temporal_factor) > 0 ? Number(stream.temporal_factor) : null;
    const where = tf ? `latent frame ${start} · video frame ${start === 0 ? 0 : tf * (start - 1) + 1}` : `latent frame ${start}`;
    item.append(
      element("div", "where", `prompt #${message.prompt_index} @ ${where}`),
      element("p", "text", message.prompt ?? ""),
    );
    const entities = Array.isArray(message.entities) ? message.entities : [];
    if (entities.length) {
      const chips = element("ul", "entities");
      chips.setAttribute("aria-label", "entities");
      for (const entity of entities) {
        const label = entity.label ?? entity.surface ?? entity.name ?? "";
        const chip = tag(entity.id, `#${entity.id} ${label}`.trim(), "chip");
        if (entity.type || entity.kind) chip.title = String(entity.type ?? entity.kind);
        chips.append(chip);
      }
      item.append(chips);
    }
    const strip = element("div", "frames");
    strip.setAttribute("aria-label", "frames of this prompt");
    const memory = element("div", "memory");
    memory.setAttribute("aria-label", "memory changes");
    item.append(strip, memory);
    const previous = rows.get(Number(message.prompt_index) - 1);
    if (previous) previous.end = start;
    rows.set(Number(message.prompt_index), { item, start, end: null, strip, memory, groups: 0, more: null, picks: "" });
    ui.timeline.append(item);
    ui.timeline.scrollTop = ui.timeline.scrollHeight;
    if (message.prompt_index > 0) {
      setStatus(`streaming: prompt #${message.prompt_index} from latent frame ${message.start_frame}`);
    }
  }

  // The row's strip: FRAMES_PER_ROW evenly spaced latent frames of its segment received so far.
  function drawStrip(row) {
    const end = row.end ?? Math.max(row.start, ...thumbs.keys()) + 1;
    const have = [];
    for (let k = row.start; k < end; k += 1) if (thumbs.has(k)) have.push(k);
    if (!have.length) return;
    const n = Math.min(FRAMES_PER_ROW, have.length);
    const picks = n === 1 ? [have[0]] : Array.from({ length: n }, (_, i) => have[Math.round((i * (have.length - 1)) / (n - 1))]);
    const key = picks.join(",");
    if (key === row.picks) return;
    row.picks = key;
    row.strip.replaceChildren(...picks.map((k) => thumbCanvas(k, "frame-thumb")));
  }

  function thumbCanvas(latent, className) {
    const canvas = element("canvas", className);
    const bitmap = thumbs.get(latent);
    canvas.dataset.latentFrame = String(latent);
    canvas.title = `latent frame ${latent}`;
    if (bitmap) {
      canvas.width = bitmap.width;
      canvas.height = bitmap.height;
      canvas.getContext("2d").drawImage(bitmap, 0, 0);
      canvas.dataset.drawn = "true";
    } else {
      canvas.width = THUMB_WIDTH;
      canvas.height = Math.round(THUMB_WIDTH * 9 / 16);
      canvas.dataset.drawn = "false";
      if (!waiting.has(latent)) waiting.set(latent, []);
      waiting.get(latent).push(canvas);
    }
    return canvas;
  }

  function onMemory(message) {
    const row = rows.get(Number(message.prompt_index)) ?? [...rows.values()].pop();
    if (!row) return;
    row.groups += 1;
    if (row.groups > MAX_CHANGES) {
      if (!row.more) {
        row.more = element("p", "more");
        row.memory.append(row.more);
      }
      row.more.textContent = `+${row.groups - MAX_CHANGES} more`;
      return;
    }
    const group = element("figure", "change");
    group.dataset.blockIndex = String(message.block_index);
    group.append(element("figcaption", "muted", `memory · block ${message.block_index} (${message.cause ?? ""})`));
    const held = element("div", "held");
    for (const frame of Array.isArray(message.frames) ? message.frames : []) {
      const box = element("div", "held-frame");
      const canvas = thumbCanvas(Number(frame.latent_frame), "memory-thumb");
      if (frame.video_frame !== null && frame.video_frame !== undefined) canvas.dataset.videoFrame = String(frame.video_frame);
      const ids = Array.isArray(frame.ids) ? frame.ids : [];
      const tags = element("ul", "tags");
      for (const id of ids) tags.append(tag(id, `#${id}`, "tag"));
      if (!ids.length) tags.append(tag(null, "no ID", "tag"));
      box.append(canvas, element("div", "muted", `f${frame.latent_frame}`), tags);
      held.append(box);
    }
    if (!held.children.length) held.append(element("p", "muted", "(empty)"));
    group.append(held);
    row.memory.append(group);
  }

  function onBlock(message) {
    const frames = Math.max(0, Number(message.frames) || 0);
    for (let i = 0; i < frames; i += 1) tags.push({ block: message.block_index, prompt: message.prompt_index });
    const profile = typeof message.profile_ms === "number" ? message.profile_ms : null;
    blocks.push({ index: message.block_index, ms: Number(message.ms) || 0, profile });
    drawTiming();
  }

  function onSaved(message) {
    setState("idle");
    const latent = message.latent_frames ?? message.frames;
    const video = message.video_frames !== undefined ? `, ${message.video_frames} video frames, ${message.seconds} s` : "";
    setStatus(`saved: ${message.folder} (stream ${message.stream}, ${latent} latent frames${video})`, "done");
  }

  function onError(message) {
    if (state === "starting") setState("idle");
    setStatus(`error: ${message.message ?? "unknown error"}`, "error");
  }

  function onBusy() {
    if (state === "starting") setState("idle");
    setStatus("busy: another stream is generating; try again when it ends", "error");
  }

  // ---- frames ----

  function onFrame(data) {
    const label = tags.shift() ?? { block: "?", prompt: "?" };
    const mine = epoch;
    const index = received;
    received += 1;
    const blob = new Blob([data], { type: "image/jpeg" });
    const bitmap = createImageBitmap(blob);
    const tf = stream && Number(stream.temporal_factor) > 0 ? Number(stream.temporal_factor) : null;
    // the video frame that shows a latent frame is kept small, for the strips and the memory thumbnails
    const thumb = tf && index % tf === 0 ? createImageBitmap(blob, { resizeWidth: THUMB_WIDTH, resizeQuality: "medium" }) : null;
    decoding = decoding.then(() => Promise.all([bitmap, thumb])).then(
      ([image, small]) => {
        if (mine !== epoch) {
          image.close();
          if (small) small.close();
          return;
        }
        queue.push({ bitmap: image, index, ...label });
        if (small) {
          thumbs.set(index / tf, small);
          for (const canvas of waiting.get(index / tf) ?? []) {
            canvas.width = small.width;
            canvas.height = small.height;
            canvas.getContext("2d").drawImage(small, 0, 0);
            canvas.dataset.drawn = "true";
          }
          waiting.delete(index / tf);
          const row = rows.get(Number(label.prompt));
          if (row) drawStrip(row);
        }
      },
      (err) => console.warn("could not decode a frame", err),
    );
  }

  function drawNextFrame() {
    const frame = queue.shift();
    if (!frame) return;
    const { bitmap } = frame;
    if (ui.video.width !== bitmap.width || ui.video.height !== bitmap.height) {
      ui.video.width = bitmap.width;
      ui.video.height = bitmap.height;
    }
    videoContext.drawImage(bitmap, 0, 0);
    bitmap.close();
    shown += 1;
    const buffered = queue.length ? ` · ${queue.length} buffered` : "";
    ui.now.textContent = `video frame ${frame.index} · ${seconds(frame.index + 1)} s · block ${frame.block} · prompt #${frame.prompt}${buffered}`;
    for (const item of ui.timeline.children) {
      const current = item.dataset.promptIndex === String(frame.prompt);
      item.classList.toggle("current", current);
      if (current) item.setAttribute("aria-current", "true");
      else item.removeAttribute("aria-current");
    }
  }

  // ---- timing chart ----

  function drawTiming() {
    const canvas = ui.timing;
    const context = canvas.getContext("2d");
    const ratio = window.devicePixelRatio || 1;
    const width = canvas.clientWidth || 480;
    const height = canvas.clientHeight || 160;
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
    context.clearRect(0, 0, width, height);

    const css = getComputedStyle(canvas);
    const colour = (name, fallback) => css.getPropertyValue(name).trim() || fallback;
    const ink = colour("--ink", "#222");
    const faint = colour("--faint", "#999");
    const kinds = {
      profile: { label: "profile_ms (profile plugin)", fill: colour("--bar-profile", "#c0392b") },
      wall: { label: "ms (block wall time)", fill: colour("--bar-wall", "#2e86de") },
    };
    context.font = "12px system-ui, sans-serif";
    context.textBaseline = "middle";

    canvas.dataset.blocks = String(blocks.length);
    if (!blocks.length) {
      context.fillStyle = faint;
      context.fillText("one bar per block will appear here", 8, height / 2);
      canvas.setAttribute("aria-label", "No blocks yet");
      return;
    }

    const values = blocks.map((b) => (b.profile ?? b.ms));
    const top = Math.max(...values, 1e-3);
    const left = 48;
    const right = 8;
    const above = 24;
    const below = 18;
    const plotWidth = width - left - right;
    const plotHeight = height - above - below;

    // legend: the kinds of bar present
    let x = left;
    for (const key of ["profile", "wall"]) {
      if (!blocks.some((b) => (key === "profile") === (b.profile !== null))) continue;
      context.fillStyle = kinds[key].fill;
      context.fillRect(x, 7, 10, 10);
      context.fillStyle = ink;
      context.textAlign = "left";
      context.fillText(kinds[key].label, x + 14, 12);
      x += 24 + context.measureText(kinds[key].label).width;
    }

    // axis: 0 and the maximum
    context.strokeStyle = faint;
    context.lineWidth = 1;
    context.beginPath();
    context.moveTo(left - 0.5, above);
    context.lineTo(left - 0.5, above + plotHeight + 0.5);
    context.lineTo(left + plotWidth, above + plotHeight + 0.5);
    context.stroke();
    context.fillStyle = ink;
    context.textAlign = "right";
    context.fillText(`${formatMs(top)} ms`, left - 4, above);
    context.fillText("0", left - 4, above + plotHeight);

    // bars
    const step = plotWidth / blocks.length;
    const gap = step > 4 ? Math.min(4, step * 0.2) : 0;
    blocks.forEach((block, i) => {
      const barHeight = (values[i] / top) * plotHeight;
      context.fillStyle = block.profile !== null ? kinds.profile.fill : kinds.wall.fill;
      context.fillRect(left + i * step + gap / 2, above + plotHeight - barHeight, Math.max(1, step - gap), barHeight);
    });
    context.fillStyle = faint;
    context.textAlign = "left";
    context.fillText(`block ${blocks[0].index}`, left, height - below / 2);
    if (blocks.length > 1) {
      context.textAlign = "right";
      context.fillText(`block ${blocks[blocks.length - 1].index}`, left + plotWidth, height - below / 2);
    }

    const last = values[values.length - 1];
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    canvas.setAttribute(
      "aria-label",
      `${blocks.length} blocks; last ${formatMs(last)} ms, mean ${formatMs(mean)} ms, max ${formatMs(top)} ms`,
    );
  }

  window.addEventListener("resize", drawTiming);
  drawTiming();
  connect();
})();
