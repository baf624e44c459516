import { type ProxyTracerProvider, trace } from '@opentelemetry/api';

/**
 * Exports the spans the registered tracer provider still buffers; resolves at once when tracing
 * is off. Services call it while shutting down (the service kit does, in its onClose hook),
 * because the process exits right after and a batch not yet sent would be lost.
 *
 * @example
 * app.addHook('onClose', async () => { await flushSpans(); });
 */
export async function flushSpans(): Promise<void> {
  const provider = (trace.getTracerProvider() as ProxyTracerProvider).getDelegate();
  if ('forceFlush' in provider && typeof provider.forceFlush === 'function') {
    await provider.forceFlush();
  }
}
