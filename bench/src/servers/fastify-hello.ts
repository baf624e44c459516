import Fastify from 'fastify';

// Fastify's own floor: routing, hooks and reply serialization, no logger, nothing else.
const app = Fastify({ logger: false });
app.get('/', async () => 'hello world');
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
