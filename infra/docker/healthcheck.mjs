// Container health probe without curl or wget in the image: GET a path on the app's own port and
// exit 0 on 2xx. The port is PORT when set, else the app's default from the runtime contract.
const defaults = { gateway: 3000, identity: 3001, orders: 3002, worker: 3003 };
// Read at container runtime, never inside a turbo task.
const { PORT, APP } = process.env;
const port = PORT || defaults[APP ?? ''];
const path = process.argv[2] ?? '/health/live';

try {
  const response = await fetch(`http://127.0.0.1:${port}${path}`, {
    signal: AbortSignal.timeout(2500),
  });
  process.exit(response.ok ? 0 : 1);
} catch {
  process.exit(1);
}
