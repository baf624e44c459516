import { createServer } from 'node:http';

/**
 * A loopback OTLP/HTTP endpoint that accepts every export and keeps nothing: it stands in for a
 * collector so the bench measures what exporting costs the services, not what decoding costs a
 * receiver. (`@groundwork/telemetry/otlp-receiver` decodes and keeps every span, which is right
 * for a test and would grow without bound at bench rates.) Prints the batches it took on exit.
 */
let batches = 0;
let bytes = 0;
const server = createServer((request, response) => {
  request.on('data', (chunk: Buffer) => {
    bytes += chunk.length;
  });
  request.on('end', () => {
    batches += 1;
    response.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
  });
});
server.listen(Number(process.env.PORT), '127.0.0.1');
process.on('SIGTERM', () => {
  process.stdout.write(`${JSON.stringify({ batches, bytes })}\n`);
  process.exit(0);
});
