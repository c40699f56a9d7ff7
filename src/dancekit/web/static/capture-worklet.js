// Audio thread: copy the microphone's first channel and hand it to the page in ~90 ms blocks.
class CaptureProcessor extends AudioWorkletProcessor {
  constructor() {
    super();
    this.block = new Float32Array(2048);
    this.fill = 0;
  }

  process(inputs) {
    const channel = inputs[0] && inputs[0][0];
    if (channel) {
      let pos = 0;
      while (pos < channel.length) {
        const take = Math.min(channel.length - pos, this.block.length - this.fill);
        this.block.set(channel.subarray(pos, pos + take), this.fill);
        this.fill += take;
        pos += take;
        if (this.fill === this.block.length) {
          this.port.postMessage(this.block, [this.block.buffer]);
          this.block = new Float32Array(2048);
          this.fill = 0;
        }
      }
    }
    return true;
  }
}

registerProcessor("dancekit-capture", CaptureProcessor);
