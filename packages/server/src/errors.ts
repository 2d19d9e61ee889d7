import { CloseCode, ErrorCode, errorHttpStatus, type ErrorCodeValue } from '@jobstream/protocol';

export interface FieldError {
  readonly path: string;
  readonly message: string;
}

/** The one error class: handlers throw it; one HTTP handler and one gateway function convert it. */
export class AppError extends Error {
  readonly code: ErrorCodeValue;
  readonly fields: readonly FieldError[] | undefined;
  /** The WebSocket close code, where the error ends a connection. */
  readonly closeCode: number | undefined;

  constructor(
    code: ErrorCodeValue,
    message: string,
    options: { cause?: unknown; fields?: readonly FieldError[]; closeCode?: number } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.fields = options.fields;
    this.closeCode = options.closeCode;
  }

  get httpStatus(): number {
    return errorHttpStatus[this.code];
  }
}

/** Anything thrown, as an AppError; unknown errors become a plain internal error that leaks nothing. */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  return new AppError(ErrorCode.internal, 'internal error', {
    cause: error,
    closeCode: CloseCode.internal,
  });
}

/** zod issues as field errors: `{path: "topic", message: "..."}`. */
export function fieldErrors(
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
): FieldError[] {
  return issues.map((issue) => ({
    path: issue.path.map(String).join('.') || '(root)',
    message: issue.message,
  }));
}

/** A one-line summary of field errors, for protocols that carry only a message. */
export function describeFields(fields: readonly FieldError[]): string {
  return fields.map((f) => `${f.path}: ${f.message}`).join('; ');
}
