import { PROBLEM_CONTENT_TYPE, toProblem } from '@groundwork/errors';
import type { Service } from '@groundwork/service-kit';
import { ordersErrors } from '../domain/orders-errors.ts';

/**
 * Answers ORDERS_IDEMPOTENCY_KEY_REUSED with 422, as the IETF Idempotency-Key draft asks. The
 * error catalogue has no kind for 422 (its `invalid` is 400), so this one code is mapped here, in
 * the scope of the routes that raise it; every other error goes on to the service kit's handler.
 */
export function answerKeyReuseWith422(app: Service): void {
  app.setErrorHandler((error, request, reply) => {
    if (!ordersErrors.ORDERS_IDEMPOTENCY_KEY_REUSED.is(error)) throw error;
    request.log.info({ problem: { status: 422, code: error.code } }, 'request refused');
    const instance = request.url.split('?', 1)[0] ?? request.url;
    const problem = toProblem(error, { instance, requestId: request.id });
    return reply
      .code(422)
      .type(PROBLEM_CONTENT_TYPE)
      .send({ ...problem, status: 422 });
  });
}
