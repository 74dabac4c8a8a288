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
    setStatus(`streaming: stream ${message.stream} · seed ${message.seed} · max ${message.max_frames} frames · ${fps} fps${interactive}`);
  }

  function onSwitch(message) {
    const item = element("li", "switch");
    item.dataset.promptIndex = String(message.prompt_index);
    item.append(
      element("div", "where", `prompt #${message.prompt_index} @ frame ${message.start_frame}`),
      element("p", "text", message.prompt ?? ""),
    );
    const entities = Array.isArray(message.entities) ? message.entities : [];
    if (entities.length) {
      const chips = element("ul", "entities");
      chips.setAttribute("aria-label", "entities");
      for (const entity of entities) {
        const chip = element("li", "chip", `#${entity.id} ${entity.surface ?? ""}`.trim());
        if (entity.type) chip.title = String(entity.type);
        chips.append(chip);
      }
      item.append(chips);
    }
    ui.timeline.append(item);
    ui.timeline.scrollTop = ui.timeline.scrollHeight;
    if (message.prompt_index > 0) {
      setStatus(`streaming: prompt #${message.prompt_index} from frame ${message.start_frame}`);
    }
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
    setStatus(`saved: ${message.folder} (stream ${message.stream}, ${message.frames} frames)`, "done");
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
    const tag = tags.shift() ?? { block: "?", prompt: "?" };
    const mine = epoch;
    const bitmap = createImageBitmap(new Blob([data], { type: "image/jpeg" }));
    decoding = decoding.then(() => bitmap).then(
      (image) => {
        if (mine === epoch) queue.push({ bitmap: image, ...tag });
        else image.close();
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
    ui.now.textContent = `frame ${shown} · block ${frame.block} · prompt #${frame.prompt}${buffered}`;
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
