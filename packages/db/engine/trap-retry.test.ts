import { afterEach, describe, expect, test, vi } from 'vitest';
import { callWithTrapRetry, claimStrayTrap } from './trap-retry.js';

/** A fake engine call: traps on the first `traps` attempts, then answers. */
function trappingCall(traps: number, trap: () => never = throwTrap) {
  const attempts: number[] = [];
  const call = async () => {
    attempts.push(attempts.length + 1);
    if (attempts.length <= traps) trap();
    return { exitCode: 0 };
  };
  return { attempts, call };
}

function throwTrap(): never {
  throw new WebAssembly.RuntimeError('unreachable');
}

function captureStderr() {
  const lines: string[] = [];
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    lines.push(String(chunk));
    return true;
  });
  return lines;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('callWithTrapRetry', () => {
  test('when a read-only RPC traps once, then it restarts the engine, logs the retry in tracing JSON and answers', async () => {
    const stderr = captureStderr();
    const { attempts, call } = trappingCall(1);
    const restart = vi.fn(async () => undefined);

    await expect(callWithTrapRetry('diff', call, restart)).resolves.toEqual({ exitCode: 0 });

    expect(attempts).toEqual([1, 2]);
    expect(restart).toHaveBeenCalledTimes(1);
    expect(stderr.map((line) => JSON.parse(line))).toEqual([
      expect.objectContaining({
        level: 'INFO',
        target: 'schema_engine',
        fields: expect.objectContaining({ method: 'diff', attempt: 2, error: 'unreachable' }),
      }),
    ]);
  });

  test('when the trap is thrown from a callback instead of rejecting the call, then the process handler hands it to the call, which retries', async () => {
    captureStderr();
    let attempt = 0;
    const call = () => {
      attempt += 1;
      if (attempt === 1) {
        // What the wasm engine does: the call never settles, the trap surfaces elsewhere.
        setImmediate(() =>
          expect(claimStrayTrap(new WebAssembly.RuntimeError('unreachable'))).toBe(true),
        );
        return new Promise<string>(() => undefined);
      }
      return Promise.resolve('introspected');
    };

    await expect(callWithTrapRetry('introspect', call, async () => undefined)).resolves.toBe(
      'introspected',
    );
    expect(attempt).toBe(2);
  });

  test('when an RPC that writes traps, then the engine is restarted but the call is not repeated', async () => {
    const stderr = captureStderr();
    const { attempts, call } = trappingCall(1);
    const restart = vi.fn(async () => undefined);

    await expect(callWithTrapRetry('applyMigrations', call, restart)).rejects.toThrow(
      WebAssembly.RuntimeError,
    );

    expect(attempts).toEqual([1]);
    expect(restart).toHaveBeenCalledTimes(1);
    expect(stderr).toEqual([]);
  });

  test('when a read-only RPC traps again on the fresh instance, then the trap is reported', async () => {
    captureStderr();
    const { attempts, call } = trappingCall(2);

    await expect(callWithTrapRetry('diff', call, async () => undefined)).rejects.toThrow(
      'unreachable',
    );
    expect(attempts).toEqual([1, 2]);
  });

  test('when a call fails with an ordinary error, then it is neither retried nor the engine restarted', async () => {
    const { attempts, call } = trappingCall(1, () => {
      throw new Error('P1001: cannot reach the database');
    });
    const restart = vi.fn(async () => undefined);

    await expect(callWithTrapRetry('diff', call, restart)).rejects.toThrow('P1001');
    expect(attempts).toEqual([1]);
    expect(restart).not.toHaveBeenCalled();
  });
});

describe('claimStrayTrap', () => {
  test('when no engine call is in progress or the error is not a trap, then it is left to the panic handler', () => {
    expect(claimStrayTrap(new WebAssembly.RuntimeError('unreachable'))).toBe(false);
    expect(claimStrayTrap(new Error('boom'))).toBe(false);
  });
});
