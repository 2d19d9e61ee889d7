import type { FastifyError, FastifyInstance } from 'fastify';
import { ErrorCode } from '@jobstream/protocol';
import { AppError, describeFields, toAppError } from '../errors.js';

/** The body of every HTTP error: `{error: {code, message, fields?}}`. */
export function errorBody(error: AppError): { error: Record<string, unknown> } {
  return {
    error: { code: error.code, message: error.message, ...(error.fields ? { fields: error.fields } : {}) },
  };
}

/** The one place where anything thrown by a route becomes a response. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | AppError, request, reply) => {
    const appError = fromFastify(error) ?? toAppError(error);
    if (appError.code === ErrorCode.internal) request.log.error({ err: error }, 'request failed');
    return reply.status(appError.httpStatus).send(errorBody(appError));
  });
  app.setNotFoundHandler((request, reply) =>
    reply
      .status(404)
      .send(
        errorBody(
          new AppError(ErrorCode.notFound, `no route ${request.method} ${request.url.split('?')[0] ?? ''}`),
        ),
      ),
  );
}

/** Fastify's own errors (bad JSON, body too large…) carry a status code; keep their meaning. */
function fromFastify(error: FastifyError | AppError): AppError | undefined {
  if (error instanceof AppError) return error;
  if (Array.isArray(error.validation) && error.validation.length > 0) {
    // Schema validation at the edge (zod, through the type provider): name each field.
    const fields = error.validation.map((v) => ({
      path: v.instancePath.replace(/^\//, '').replaceAll('/', '.') || '(root)',
      message: v.message ?? 'invalid',
    }));
    return new AppError(
      ErrorCode.invalidMessage,
      `invalid ${error.validationContext ?? 'request'}: ${describeFields(fields)}`,
      {
        fields,
      },
    );
  }
  const status = error.statusCode;
  if (status === 413) return new AppError(ErrorCode.payloadTooLarge, 'request body too large');
  if (status === 415) return new AppError(ErrorCode.invalidMessage, 'send application/json');
  if (status === 400 && error.code?.startsWith('FST_ERR_CTP')) {
    return new AppError(ErrorCode.invalidJson, 'request body is not valid JSON');
  }
  if (status !== undefined && status >= 400 && status < 500) {
    return new AppError(ErrorCode.invalidMessage, error.message);
  }
  return undefined;
}
