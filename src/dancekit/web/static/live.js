// Microphone -> Web Audio -> 16-bit PCM over the WebSocket; results come back as JSON.
//
// The audio context is asked to run at the model's sample rate, so the browser resamples the
// microphone itself (Chromium does). A browser that refuses keeps its own rate; the start
// message always names the rate actually used, and the server resamples when it differs.

import { withToken } from "/static/access.js";

const CHUNK_SECONDS = 0.25;

export class LiveListener {
  constructor(config, { onMessage, onClosed }) {
    this.config = config;
    this.onMessage = onMessage;
    this.onClosed = onClosed;
    this.pending = [];
    this.pendingLength = 0;
    this.finished = false;
  }

  async start() {
    if (!window.isSecureContext || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      throw new Error("Listening needs a secure page: open it as https://... or on this computer as " +
                      "http://localhost. Uploading a file works everywhere.");
    }
    try {
      // The voice clean-up a call wants (echo cancelling, noise suppression, gain riding) damages music.
      this.stream = await navigator.mediaDevices.getUserMedia({
        audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false, channelCount: 1 },
      });
    } catch (err) {
      throw new Error(`No microphone: ${err.message || err.name}. Allow the microphone for this page and try again.`);
    }
    try {
      this.context = new AudioContext({ sampleRate: this.config.live.sample_rate });
      this.source = this.context.createMediaStreamSource(this.stream);
    } catch (err) {
      if (this.context) this.context.close();
      this.context = new AudioContext();
      this.source = this.context.createMediaStreamSource(this.stream);
    }
    this.rate = this.context.sampleRate;
    this.chunkLength = Math.round(CHUNK_SECONDS * this.rate);
    await this.openSocket();
    await this.capture();
  }

  openSocket() {
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    this.socket = new WebSocket(withToken(`${scheme}//${location.host}${this.config.live.path}`));
    this.socket.binaryType = "arraybuffer";
    return new Promise((resolve, reject) => {
      this.socket.onopen = () => {
        this.socket.send(JSON.stringify({ type: "start", sample_rate: this.rate, format: "s16le" }));
        resolve();
      };
      this.socket.onerror = () => reject(new Error("Could not reach the server's live socket."));
      this.socket.onmessage = (event) => {
        const message = JSON.parse(event.data);
        if (message.type === "result" && message.final) this.finished = true;
        this.onMessage(message);
      };
      this.socket.onclose = (event) => {
        this.release();
        this.onClosed(event, this.finished);
      };
    });
  }

  async capture() {
    const sink = this.context.createGain();
    sink.gain.value = 0; // keeps the graph running without playing the microphone back
    sink.connect(this.context.destination);
    if (this.context.audioWorklet && window.AudioWorkletNode) {
      await this.context.audioWorklet.addModule("/static/capture-worklet.js");
      this.node = new AudioWorkletNode(this.context, "dancekit-capture", { numberOfInputs: 1, numberOfOutputs: 1 });
      this.node.port.onmessage = (event) => this.collect(event.data);
    } else {
      this.node = this.context.createScriptProcessor(4096, 1, 1);
      this.node.onaudioprocess = (event) => this.collect(event.inputBuffer.getChannelData(0).slice());
    }
    this.source.connect(this.node);
    this.node.connect(sink);
    if (this.context.state === "suspended") await this.context.resume();
  }

  collect(block) {
    this.pending.push(block);
    this.pendingLength += block.length;
    if (this.pendingLength >= this.chunkLength) this.flush();
  }

  flush() {
    if (!this.pendingLength || !this.socket || this.socket.readyState !== WebSocket.OPEN) return;
    const pcm = new Int16Array(this.pendingLength);
    let offset = 0;
    for (const block of this.pending) {
      for (let i = 0; i < block.length; i++) {
        const s = Math.max(-1, Math.min(1, block[i]));
        pcm[offset++] = s < 0 ? s * 32768 : s * 32767;
      }
    }
    this.pending = [];
    this.pendingLength = 0;
    this.socket.send(pcm.buffer);
  }

  // Send what is buffered and ask for the final result; the server then closes the socket.
  stop() {
    this.flush();
    this.stopCapture();
    if (this.socket && this.socket.readyState === WebSocket.OPEN) {
      this.socket.send(JSON.stringify({ type: "stop" }));
    }
  }

  stopCapture() {
    if (this.node) this.node.disconnect();
    if (this.source) this.source.disconnect();
    if (this.stream) this.stream.getTracks().forEach((track) => track.stop());
    this.node = this.source = this.stream = null;
  }

  release() {
    this.stopCapture();
    if (this.context && this.context.state !== "closed") this.context.close();
  }
}
