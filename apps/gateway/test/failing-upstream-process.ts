import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';

/** A service behind the gateway that runs as its own process and answers every request 500. */
export interface FailingUpstreamProcess {
  readonly url: string;
  readonly pid: number;
  stop(): Promise<void>;
}

// Plain node:http in a child process: nothing of the gateway's process (event loop, sockets)
// is shared with it, as with a real service.
const SERVER = `
const { createServer } = require('node:http');
const server = createServer((request, response) => {
  request.resume();
  response.writeHead(500, { 'content-type': 'application/problem+json' });
  response.end(JSON.stringify({ status: 500, title: 'upstream failure', code: 'UPSTREAM_FAILED' }));
});
server.listen(0, '127.0.0.1', () => process.stdout.write(server.address().port + '\\n'));
`;

export async function startFailingUpstreamProcess(): Promise<FailingUpstreamProcess> {
  const child: ChildProcess = spawn(process.execPath, ['-e', SERVER], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [chunk] = (await once(child.stdout as NodeJS.ReadableStream, 'data')) as [Buffer];
  const port = Number(String(chunk).trim());
  if (!Number.isInteger(port)) throw new Error(`failing upstream: no port in "${String(chunk)}"`);
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid as number,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}
