'use strict';
// A client of Gantry's TCP event-bus bridge for Node.js, no dependencies.
//
// Frames are a 4-byte big-endian length followed by that many bytes of one JSON object (the
// framing of Vert.x's TCP bridge). The first frame carries the bridge token in headers.token.
//
//   const { BridgeClient } = require('./gantry-bridge');
//   const client = await BridgeClient.connect({ host: '127.0.0.1', port: 7001, token });
//   await client.register('pricing');                 // in the cluster's catalog; gateways route to it
//   client.serve(async (call) => ({ status: 200, headers: { 'Content-Type': 'text/plain' }, body: 'hello' }));
//
// A handler gets { service, method, path, query, headers, body (Buffer), envelope: { requestId,
// traceparent, deadlineMs, principal } } and returns { status, headers, body }; throwing a
// ServiceError(status, detail) fails the call with that status. client.call('catalog', 'GET',
// '/products/1') calls a service of the cluster that the bridge's bridge.calls allows.

const net = require('net');

const REGISTER = 'gantry.bridge.register';
const MAX_FRAME = 16 * 1024 * 1024;

class ServiceError extends Error {
  constructor(status, detail) {
    super(detail);
    this.status = status;
    this.detail = detail;
  }
}

class BridgeError extends Error {
  constructor(message, code) {
    super(code === undefined ? message : `${message} (${code})`);
    this.code = code;
  }
}

function encodeFrame(frame) {
  const json = Buffer.from(JSON.stringify(frame), 'utf8');
  const head = Buffer.alloc(4);
  head.writeUInt32BE(json.length, 0);
  return Buffer.concat([head, json]);
}

class BridgeClient {
  constructor(socket, token) {
    this.socket = socket;
    this.token = token;
    this.sentToken = false;
    this.nextId = 1;
    this.waiting = new Map(); // replyAddress -> { resolve, reject }
    this.handler = null;
    this.pending = Buffer.alloc(0);
    this.services = [];
    socket.on('data', (chunk) => this.onData(chunk));
    socket.on('close', () => {
      for (const w of this.waiting.values()) w.reject(new BridgeError('the bridge closed the connection'));
      this.waiting.clear();
    });
  }

  static connect({ host = '127.0.0.1', port = 7001, token }) {
    return new Promise((resolve, reject) => {
      const socket = net.createConnection({ host, port }, () => resolve(new BridgeClient(socket, token)));
      socket.once('error', reject);
    });
  }

  sendFrame(frame) {
    if (!this.sentToken) {
      frame = { ...frame, headers: { ...(frame.headers || {}), token: this.token } };
      this.sentToken = true;
    }
    this.socket.write(encodeFrame(frame));
  }

  onData(chunk) {
    this.pending = Buffer.concat([this.pending, chunk]);
    while (this.pending.length >= 4) {
      const length = this.pending.readUInt32BE(0);
      if (length > MAX_FRAME) {
        this.socket.destroy(new BridgeError(`frame of ${length} bytes from the bridge is too large`));
        return;
      }
      if (this.pending.length < 4 + length) return;
      const frame = JSON.parse(this.pending.subarray(4, 4 + length).toString('utf8'));
      this.pending = this.pending.subarray(4 + length);
      this.onFrame(frame);
    }
  }

  onFrame(frame) {
    const waiter = frame.address !== undefined ? this.waiting.get(frame.address) : undefined;
    if (waiter) {
      this.waiting.delete(frame.address);
      if (frame.type === 'err') waiter.reject(new BridgeError(frame.message, frame.failureCode));
      else waiter.resolve(frame.body);
      return;
    }
    if (frame.type === 'pong') {
      const w = this.waiting.get('pong');
      if (w) { this.waiting.delete('pong'); w.resolve(); }
      return;
    }
    if (frame.type === 'err') {
      this.socket.emit('bridge-error', new BridgeError(frame.message, frame.failureCode));
      return;
    }
    if (frame.type === 'message' && frame.replyAddress && this.handler) {
      this.answer(frame).catch((e) => this.socket.emit('bridge-error', e));
    }
  }

  request(address, body, headers) {
    const replyAddress = `js.${this.nextId++}`;
    return new Promise((resolve, reject) => {
      this.waiting.set(replyAddress, { resolve, reject });
      this.sendFrame({ type: 'send', address, replyAddress, headers: headers || {}, body });
    });
  }

  ping() {
    return new Promise((resolve, reject) => {
      this.waiting.set('pong', { resolve, reject });
      this.sendFrame({ type: 'ping' });
    });
  }

  async register(service, version = 'v1') {
    const answer = await this.request(REGISTER, { service, version });
    this.services.push(service);
    return answer;
  }

  async call(service, method, path, { query = null, headers = {}, body = Buffer.alloc(0), timeoutMs = 5000 } = {}) {
    const reply = await this.request(`gantry.http.${service}`,
      { method, path, query, headers, body: Buffer.from(body).toString('base64') }, { timeout: timeoutMs });
    return { status: reply.status, headers: reply.headers || {}, body: Buffer.from(reply.body || '', 'base64') };
  }

  serve(handler) {
    this.handler = handler;
  }

  async answer(frame) {
    const body = frame.body || {};
    const headers = frame.headers || {};
    const call = {
      service: (frame.address || '').slice('gantry.bridge.'.length),
      method: body.method, path: body.path, query: body.query, headers: body.headers || {},
      body: Buffer.from(body.body || '', 'base64'),
      envelope: {
        requestId: headers['gantry-request-id'], traceparent: headers.traceparent,
        deadlineMs: Number(headers['gantry-deadline'] || 0), principal: headers['gantry-principal'],
      },
    };
    if (call.envelope.deadlineMs && call.envelope.deadlineMs < Date.now()) return; // the caller gave up
    try {
      const out = await this.handler(call);
      const outBody = Buffer.isBuffer(out.body) ? out.body : Buffer.from(out.body || '', 'utf8');
      this.sendFrame({ type: 'send', address: frame.replyAddress,
        body: { status: out.status, headers: out.headers || {}, body: outBody.toString('base64') } });
    } catch (e) {
      const status = e instanceof ServiceError ? e.status : 500;
      const message = e instanceof ServiceError ? e.detail : `internal error in ${call.service}: ${e.name}`;
      this.sendFrame({ type: 'send', address: frame.replyAddress, failureCode: status, message });
    }
  }

  close() {
    this.socket.end();
  }
}

module.exports = { BridgeClient, BridgeError, ServiceError, encodeFrame };
