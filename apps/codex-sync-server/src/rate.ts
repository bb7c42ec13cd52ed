/** Token bucket: `rate` tokens per second, burst of one second's worth. */
export class TokenBucket {
  #rate: number;
  #tokens: number;
  #at: number;
  constructor(rate: number, now = performance.now()) {
    this.#rate = rate;
    this.#tokens = rate;
    this.#at = now;
  }
  take(n: number, now = performance.now()): boolean {
    this.#tokens = Math.min(this.#rate, this.#tokens + ((now - this.#at) / 1000) * this.#rate);
    this.#at = now;
    if (this.#tokens < n) return false;
    this.#tokens -= n;
    return true;
  }
}

/** Per-device message and byte rate, shared by the device's connections on this instance. */
export class DeviceRate {
  readonly messages: TokenBucket;
  readonly bytes: TokenBucket;
  users = 0;
  constructor(messagesPerSec: number, bytesPerSec: number) {
    this.messages = new TokenBucket(messagesPerSec);
    this.bytes = new TokenBucket(bytesPerSec);
  }
  allow(bytes: number): boolean {
    const now = performance.now();
    return this.messages.take(1, now) && this.bytes.take(bytes, now);
  }
}
