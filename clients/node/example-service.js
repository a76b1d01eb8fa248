'use strict';
// A service written for Node.js, running in a Gantry cluster through the TCP bridge:
//   GANTRY_BRIDGE_TOKEN=... node example-service.js --port 7001 --service pricing
// It answers GET /prices/<sku> with a JSON price.

const fs = require('fs');
const { BridgeClient, ServiceError } = require('./gantry-bridge');

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

async function main() {
  const tokenFile = arg('token-file', process.env.GANTRY_BRIDGE_TOKEN_FILE);
  const token = tokenFile ? fs.readFileSync(tokenFile, 'utf8').trim() : process.env.GANTRY_BRIDGE_TOKEN;
  if (!token) throw new Error('no token: --token-file or GANTRY_BRIDGE_TOKEN');
  const service = arg('service', 'pricing');
  const client = await BridgeClient.connect({
    host: arg('host', process.env.GANTRY_BRIDGE_HOST || '127.0.0.1'),
    port: Number(arg('port', process.env.GANTRY_BRIDGE_PORT || 7001)),
    token,
  });
  client.socket.on('bridge-error', (e) => console.error(`bridge: ${e.message}`));
  client.socket.on('close', () => process.exit(0));
  const where = await client.register(service);
  console.log(`registered ${service} on node ${where.node}`);
  client.serve(async (call) => {
    if (call.method === 'GET' && call.path.startsWith('/prices/')) {
      const sku = call.path.slice('/prices/'.length);
      if (!/^[A-Za-z0-9]+$/.test(sku)) throw new ServiceError(400, 'sku: letters and digits only');
      const price = 1000 + [...sku].reduce((s, c) => s + c.charCodeAt(0), 0) % 500;
      return { status: 200, headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ sku, price, currency: 'EUR', language: 'node', requestId: call.envelope.requestId }) };
    }
    throw new ServiceError(404, `no such resource: ${call.method} ${call.path}`);
  });
}

main().catch((e) => { console.error(e.message); process.exit(1); });
