import { createServer } from 'node:http';

// The limit every other figure is divided by: the least a Node HTTP server can do per request.
const body = Buffer.from('hello world');
createServer((_request, response) => {
  response.writeHead(200, { 'content-type': 'text/plain', 'content-length': body.length });
  response.end(body);
}).listen(Number(process.env.PORT), '127.0.0.1');
