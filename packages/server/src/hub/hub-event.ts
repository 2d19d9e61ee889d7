import type { CanonicalEvent } from '@jobstream/protocol';

/** Renders an event into the bytes one wire format sends; null when that format does not carry it. */
export type FrameEncoder = (event: CanonicalEvent) => Buffer | null;

/**
 * An event on its way out, with the frames rendered for it so far: each encoder runs once per event,
 * whatever the number of connections that receive it.
 */
export class HubEvent {
  readonly event: CanonicalEvent;
  /** How many local subscriptions this event is fanned out to. */
  readonly fanout: number;
  #frames: Map<FrameEncoder, Buffer | null> | undefined;
  // The encoder asked last, and its frame: a fan-out asks the same one thousands of times in a row.
  #lastEncoder: FrameEncoder | undefined;
  #lastFrame: Buffer | null = null;

  constructor(event: CanonicalEvent, fanout: number) {
    this.event = event;
    this.fanout = fanout;
  }

  frame(encoder: FrameEncoder): Buffer | null {
    if (encoder === this.#lastEncoder) return this.#lastFrame;
    this.#frames ??= new Map();
    let frame = this.#frames.get(encoder);
    if (frame === undefined) {
      frame = encoder(this.event);
      this.#frames.set(encoder, frame);
    }
    this.#lastEncoder = encoder;
    this.#lastFrame = frame;
    return frame;
  }
}
