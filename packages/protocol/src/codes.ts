/**
 * Every close code and error code Jobstream uses, named once.
 * Sockets are closed only with these names; HTTP answers map error codes through `errorHttpStatus`.
 */
export const CloseCode = {
  /** Normal closure: the client or the server is done. Reconnect with backoff if still wanted. */
  normal: 1000,
  /** The server is going away (shutdown, restart). Reconnect with backoff and resume. */
  goingAway: 1001,
  /**
   * A frame that breaks RFC 6455 (unmasked, reserved bits, an unknown opcode, a broken control frame or
   * close code). Sent by the WebSocket layer itself.
   */
  protocolError: 1002,
  /** A text frame (or close reason) that is not UTF-8. Sent by the WebSocket layer itself. */
  invalidPayload: 1007,
  /** Policy violation: the client flooded the server. */
  policy: 1008,
  /** A frame larger than the server's MAX_PAYLOAD_BYTES. */
  tooLarge: 1009,
  /** Server error. */
  internal: 1011,
  /** Service restart: the server is restarting (the reason may carry `retry_ms=N`). Reconnect and resume. */
  serviceRestart: 1012,
  /** Authentication failed. Terminal: do not retry with the same credentials. */
  authFailed: 4001,
  /** Malformed token. Terminal. */
  malformedToken: 4003,
  /** Token expired: refresh it and reconnect. */
  tokenExpired: 4004,
  /** The connection fell too far behind: reconnect and resume with `since`. */
  slowConsumer: 4008,
  /** Too many connections. Terminal for now: back off for long. */
  tooManyConnections: 4029,
} as const;
export type CloseCodeName = keyof typeof CloseCode;

/** What each close code tells a client to do (docs/PROTOCOL.md); the AsyncAPI document lists them. */
export const closeCodeAdvice: Record<CloseCodeName, string> = {
  normal: 'closed normally: reconnect with backoff if still wanted',
  goingAway: "a subscribed topic's history was lost: reconnect with backoff and resume",
  protocolError: 'a frame broke the WebSocket protocol (RFC 6455): fix the client',
  invalidPayload: 'a text frame or close reason was not UTF-8: fix the client',
  policy: 'policy: the client kept flooding past its rate limit (or may not read what it asked for)',
  tooLarge: 'a frame exceeded MAX_PAYLOAD_BYTES',
  internal: 'server error',
  serviceRestart:
    'the server is restarting: reconnect (after retry_ms when the reason carries it) and resume',
  authFailed: 'authentication failed: terminal, do not retry with the same credentials',
  malformedToken: 'malformed token: terminal',
  tokenExpired: 'token expired: refresh it and reconnect',
  slowConsumer: 'the connection fell too far behind: reconnect and resume',
  tooManyConnections: 'too many connections: back off for long',
};

/** Error codes carried by `error` messages and HTTP error bodies. */
export const ErrorCode = {
  invalidJson: 'invalid_json',
  invalidMessage: 'invalid_message',
  invalidTopic: 'invalid_topic',
  forbidden: 'forbidden',
  unauthorized: 'unauthorized',
  /** The credential has lapsed: refresh it and retry (a WebSocket closes with 4004). */
  tokenExpired: 'token_expired',
  rateLimited: 'rate_limited',
  tooManySubscriptions: 'too_many_subscriptions',
  notFound: 'not_found',
  payloadTooLarge: 'payload_too_large',
  conflict: 'conflict',
  /** An Idempotency-Key sent again with another body (the IETF Idempotency-Key draft's 422). */
  idempotencyKeyReused: 'idempotency_key_reused',
  /** A plain HTTP request to a WebSocket endpoint: connect with a WebSocket client instead. */
  upgradeRequired: 'upgrade_required',
  unavailable: 'unavailable',
  internal: 'internal',
} as const;
export type ErrorCodeValue = (typeof ErrorCode)[keyof typeof ErrorCode];

/** The HTTP status of each error code: a new code without a status fails to compile. */
export const errorHttpStatus: Record<ErrorCodeValue, number> = {
  invalid_json: 400,
  invalid_message: 400,
  invalid_topic: 400,
  forbidden: 403,
  unauthorized: 401,
  token_expired: 401,
  rate_limited: 429,
  too_many_subscriptions: 429,
  not_found: 404,
  payload_too_large: 413,
  conflict: 409,
  idempotency_key_reused: 422,
  upgrade_required: 426,
  unavailable: 503,
  internal: 500,
};
