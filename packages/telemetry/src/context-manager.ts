import { EventEmitter } from 'node:events';
import type { Context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';

const BOUND = Symbol('@groundwork/telemetry/bound-context');

type Emit = (event: string | symbol, ...args: unknown[]) => boolean;

/**
 * The AsyncLocalStorage context manager, with a cheaper way to bind an EventEmitter.
 *
 * Binding an emitter to a context means its listeners run in that context whichever code emits
 * (a request body's `data` events come from the socket, outside the request). The stock manager
 * does it by replacing the emitter's `on`, `once`, `addListener`, `prependListener`,
 * `removeListener`, `off` and `removeAllListeners`, wrapping every listener added since and keeping
 * them in a WeakMap per event: measured at 5-6 % of the gateway's CPU with tracing on, where
 * @fastify/reply-from adds and removes stream listeners on every proxied request. Here only `emit`
 * is replaced, and it enters the context only when it is not already the active one (most emits
 * of a request already run in it). As with the stock manager, the first binding of an emitter
 * wins.
 */
export class EmitBindingContextManager extends AsyncLocalStorageContextManager {
  override bind<T>(context: Context, target: T): T {
    if (target instanceof EventEmitter) {
      bindEmit(this, context, target);
      return target;
    }
    return super.bind(context, target);
  }
}

function bindEmit(
  manager: AsyncLocalStorageContextManager,
  context: Context,
  emitter: EventEmitter,
) {
  const bound = emitter as EventEmitter & { [BOUND]?: true };
  if (bound[BOUND] === true) return;
  bound[BOUND] = true;
  const emit: Emit = emitter.emit;
  emitter.emit = function boundEmit(this: EventEmitter, ...args: Parameters<Emit>) {
    if (manager.active() === context) return emit.apply(this, args);
    return manager.with(context, emit, this, ...args);
  };
}
