import { EventEmitter } from 'node:events';
import { createContextKey, ROOT_CONTEXT } from '@opentelemetry/api';
import { afterEach, describe, expect, test } from 'vitest';
import { EmitBindingContextManager } from './context-manager.ts';

const KEY = createContextKey('test value');

describe('EmitBindingContextManager', () => {
  const manager = new EmitBindingContextManager().enable();
  const seen = () => manager.active().getValue(KEY) ?? 'none';
  afterEach(() => manager.disable().enable());

  test('when an emitter is bound, then its listeners run in that context whoever emits, and leave the emitter context as it was', () => {
    const emitter = new EventEmitter();
    const bound = ROOT_CONTEXT.setValue(KEY, 'request');
    const calls: unknown[] = [];
    emitter.on('data', () => calls.push(seen()));
    manager.bind(bound, emitter);
    emitter.once('end', () => calls.push(seen()));

    manager.with(ROOT_CONTEXT.setValue(KEY, 'socket'), () => {
      emitter.emit('data');
      emitter.emit('end');
      calls.push(seen());
    });

    expect(calls).toEqual(['request', 'request', 'socket']);
  });

  test('when an emitter is bound twice, then the first binding wins, as with the stock manager', () => {
    const emitter = new EventEmitter();
    manager.bind(ROOT_CONTEXT.setValue(KEY, 'first'), emitter);
    manager.bind(ROOT_CONTEXT.setValue(KEY, 'second'), emitter);
    let value: unknown;
    emitter.on('event', () => {
      value = seen();
    });

    emitter.emit('event');

    expect(value).toBe('first');
  });

  test('when a listener is removed from a bound emitter, then it is no longer called', () => {
    const emitter = new EventEmitter();
    manager.bind(ROOT_CONTEXT.setValue(KEY, 'request'), emitter);
    let calls = 0;
    const listener = () => {
      calls += 1;
    };
    emitter.on('event', listener);
    emitter.emit('event');
    emitter.off('event', listener);
    emitter.emit('event');

    expect(calls).toBe(1);
  });

  test('when a function is bound, then it runs in that context', () => {
    const bound = manager.bind(ROOT_CONTEXT.setValue(KEY, 'job'), () => seen());
    expect(bound()).toBe('job');
  });
});
