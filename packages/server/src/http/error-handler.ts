import { STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ErrorCode, type ErrorCodeValue } from '@jobstream/protocol';
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

/**
 * Fastify's `frameworkErrors` option: what the router refuses before any route or hook runs (a bad
 * percent-escape in the path, a path parameter over `maxParamLength`) answers in the documented shape.
 */
export function frameworkErrorHandler(
  error: FastifyError,
  _request: FastifyRequest,
  reply: FastifyReply,
): void {
  const appError =
    error.code === 'FST_ERR_BAD_URL'
      ? new AppError(ErrorCode.invalidMessage, 'the path is not valid: it holds a bad percent-escape')
      : error.code === 'FST_ERR_MAX_PARAM_LENGTH'
        ? new AppError(ErrorCode.invalidMessage, 'a path parameter is too long')
        : (fromFastify(error) ?? toAppError(error));
  void reply.status(appError.httpStatus).send(errorBody(appError));
}

/**
 * Fastify's `clientErrorHandler` option: a request Node's HTTP parser cannot read (a bad request line,
 * a header with forbidden characters, headers over the size limit) is answered in the documented shape
 * too, and the socket closed.
 */
export function clientErrorHandler(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const appError =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? new AppError(ErrorCode.payloadTooLarge, 'request headers too large')
      : new AppError(ErrorCode.invalidMessage, 'malformed HTTP request');
  const body = JSON.stringify(errorBody(appError));
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  // Ended rather than destroyed: a reset sent while the client is still writing (headers over the
  // limit) could make its side drop the answer unread. Destroyed anyway if the client lingers.
  socket.end(
    `HTTP/1.1 ${appError.httpStatus} ${STATUS_CODES[appError.httpStatus] ?? ''}\r\n` +
      `Content-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
      `Connection: close\r\n\r\n${body}`,
  );
  const linger = setTimeout(() => socket.destroy(), 5_000).unref();
  socket.once('close', () => clearTimeout(linger));
}

/**
 * An `Expect` other than `100-continue` would get a bare 417 from Node itself (no body, not the
 * documented shape). The request is served as if the header were absent, which RFC 9110 allows: it
 * gets its own answer, or its own documented error.
 */
export function ignoreUnknownExpectations(server: Server): void {
  server.on('checkExpectation', (request: IncomingMessage, response: ServerResponse) =>
    server.emit('request', request, response),
  );
}

/** The code of a 4xx that Fastify or a plugin raised with only a status; anything else is a 400. */
const codeOfStatus: Partial<Record<number, ErrorCodeValue>> = {
  401: ErrorCode.unauthorized,
  403: ErrorCode.forbidden,
  404: ErrorCode.notFound,
  409: ErrorCode.conflict,
  413: ErrorCode.payloadTooLarge,
  429: ErrorCode.rateLimited,
};

/** Fastify's own errors (bad JSON, body too large…) carry a status code; keep their meaning. */
function fromFastify(error: FastifyError | AppError): AppError | undefined {
  if (error instanceof AppError) return error;
  // Something threw a non-object (`throw undefined`): an internal error, not a crash in this handler.
  if (typeof error !== 'object' || error === null) return undefined;
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
    return new AppError(codeOfStatus[status] ?? ErrorCode.invalidMessage, error.message);
  }
  return undefined;
}
