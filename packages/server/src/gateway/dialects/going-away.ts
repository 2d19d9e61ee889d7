import { CloseCode } from '@jobstream/protocol';
import type { GoingAway } from '../connection.js';

/**
 * How each endpoint's original server went away at shutdown or restart; their clients rely on it
 * (spec/README.md, "Going away"). Some reconnect only after an unclean close, some never after 1000 or
 * 1001, so a single polite 1001 for everyone would leave clients behind after every deploy.
 */

/** Django Channels on Daphne: the connection just ends, with no close frame; a browser sees 1006. */
export const daphneGoingAway: GoingAway = 'drop';

/** FastAPI on uvicorn: 1012 (service restart). */
export const uvicornGoingAway: GoingAway = { code: CloseCode.serviceRestart, reason: 'server restarting' };

/**
 * Native `/ws`: 1012 with a retry hint. The SDK waits the hint plus a jittered backoff, so that the
 * clients of a restarting node come back spread out rather than all at once.
 */
export const nativeGoingAway: GoingAway = {
  code: CloseCode.serviceRestart,
  reason: 'server restarting; retry_ms=1000',
};
