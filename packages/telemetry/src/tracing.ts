import { createRequire } from 'node:module';
import { hostname } from 'node:os';
import { context, propagation, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  ParentBasedSampler,
  SimpleSpanProcessor,
  type SpanExporter,
  type SpanProcessor,
  TraceIdRatioBasedSampler,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import { EmitBindingContextManager } from './context-manager.ts';
import { traceHttpServers, traceUndiciRequests } from './http-spans.ts';
import { instrumentations } from './instrumentations.ts';
import { traceRedisCommands } from './redis-spans.ts';
import type { Telemetry } from './telemetry.ts';

export interface TracingSettings {
  readonly serviceName: string;
  readonly serviceVersion: string;
  readonly environment: string;
  readonly otlpEndpoint: string | undefined;
  readonly samplingRatio: number;
  readonly spanExporter: SpanExporter | undefined;
}

/** Incubating in the semantic conventions; spelled out to avoid loading their large entry. */
const ATTR_DEPLOYMENT_ENVIRONMENT_NAME = 'deployment.environment.name';
const ATTR_HOST_NAME = 'host.name';
const ATTR_PROCESS_PID = 'process.pid';

const INSTRUMENTED_CORE_MODULES = ['node:http', 'node:https'];

/** Registers the tracer provider and everything that feeds it. Loaded only when tracing is on. */
export async function startTracing(settings: TracingSettings): Promise<Telemetry> {
  const provider = new TracerProvider({
    resource: resourceFromAttributes({
      [ATTR_SERVICE_NAME]: settings.serviceName,
      [ATTR_SERVICE_VERSION]: settings.serviceVersion,
      [ATTR_DEPLOYMENT_ENVIRONMENT_NAME]: settings.environment,
      // Tells replicas apart: the pod name under Kubernetes.
      [ATTR_HOST_NAME]: hostname(),
      [ATTR_PROCESS_PID]: process.pid,
    }),
    sampler: new ParentBasedSampler({
      root: new TraceIdRatioBasedSampler(settings.samplingRatio),
    }),
    spanProcessors: await spanProcessors(settings),
  });
  if (!trace.setGlobalTracerProvider(provider)) {
    await provider.shutdown();
    throw new Error('startTelemetry: a tracer provider is already registered in this process');
  }
  const contextManager = new EmitBindingContextManager().enable();
  context.setGlobalContextManager(contextManager);
  // W3C trace context only: `traceparent` is what the gateway, the services and the job data
  // carry. Baggage is left out until something needs it; every header costs on every hop.
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  const disableInstrumentations = registerInstrumentations({
    tracerProvider: provider,
    instrumentations: instrumentations(),
  });
  // The instrumentations patch a module when it is required. An app that is ESM all the way
  // down imports node:http without any require, and the patch would never happen; requiring the
  // core modules once applies it to the module objects that every importer shares.
  const require = createRequire(import.meta.url);
  for (const core of INSTRUMENTED_CORE_MODULES) require(core);
  const stopRedisSpans = traceRedisCommands(provider.getTracer('@groundwork/telemetry/redis'));
  const stopServerSpans = traceHttpServers(provider.getTracer('@groundwork/telemetry/http'));
  const stopClientSpans = traceUndiciRequests(provider.getTracer('@groundwork/telemetry/undici'));

  return {
    tracing: true,
    flush: () => provider.forceFlush(),
    async shutdown() {
      stopRedisSpans();
      stopServerSpans();
      stopClientSpans();
      disableInstrumentations();
      await provider.shutdown();
      trace.disable();
      propagation.disable();
      context.disable();
    },
  };
}

async function spanProcessors(settings: TracingSettings): Promise<SpanProcessor[]> {
  const processors: SpanProcessor[] = [];
  if (settings.otlpEndpoint !== undefined) {
    const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-proto');
    // Batched: a request only appends its spans to a buffer; a timer ships them every 5 s or
    // 512 spans, off the request path. A full buffer drops spans rather than slow the service.
    processors.push(
      new BatchSpanProcessor({
        exporter: new OTLPTraceExporter({ url: `${settings.otlpEndpoint}/v1/traces` }),
      }),
    );
  }
  if (settings.spanExporter !== undefined) {
    processors.push(new SimpleSpanProcessor({ exporter: settings.spanExporter }));
  }
  return processors;
}
