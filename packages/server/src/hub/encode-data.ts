import { ErrorCode } from '@jobstream/protocol';
import { AppError } from '../errors.js';

/**
 * An event's data as JSON, or a 400 when it has none: nested too deep for JSON.stringify (it overflows
 * the stack a few thousand levels down), a cycle, a BigInt. Brokers call it before they assign a seq,
 * so that nothing is committed that could not then be sent. `undefined` becomes null, as over the wire.
 */
export function encodeData(data: unknown): string {
  try {
    return JSON.stringify(data) ?? 'null';
  } catch (error) {
    throw new AppError(ErrorCode.invalidMessage, 'the event data cannot be encoded as JSON', {
      cause: error,
    });
  }
}
