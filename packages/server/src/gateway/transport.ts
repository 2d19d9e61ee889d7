/** What the gateway core needs of a socket; the `ws` and SSE adapters implement it. */
export interface Transport {
  /** Writes already-framed bytes, as they are. */
  write(chunk: Buffer): void;
  /** Bytes written but not yet handed to the kernel. */
  buffered(): number;
  /** true from a write that filled the buffer until it has drained (the stream's `writableNeedDrain`). */
  congested(): boolean;
  /** Calls `listener` once, when a congested buffer has drained. */
  onDrain(listener: () => void): void;
  /** Ends the connection with a close code (WebSocket) or by ending the response (HTTP). */
  close(code: number, reason: string): void;
  /** Drops the connection at once, without a closing handshake. */
  terminate(): void;
  /**
   * Ends the connection after what is already written, without a closing handshake (a WebSocket peer
   * sees 1006, as when a server process goes away); an HTTP response simply ends.
   */
  drop(): void;
}
