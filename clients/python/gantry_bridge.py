"""A client of Gantry's TCP event-bus bridge, standard library only.

Frames are a 4-byte big-endian length followed by that many bytes of one JSON object (the framing
of Vert.x's TCP bridge). The first frame carries the bridge token in ``headers.token``.

    client = BridgeClient("127.0.0.1", 7001, token)
    client.register("pricing")                    # now in the cluster's catalog; gateways route to it
    client.serve(lambda call: (200, {"Content-Type": "text/plain"}, b"hello"))

A handler gets a dict with ``method``, ``path``, ``query``, ``headers`` (one value each), ``body``
(bytes) and ``envelope`` (request id, traceparent, deadline in epoch ms, principal) and returns
``(status, headers, body)``; raising ``ServiceError(status, detail)`` fails the call with that
status. ``client.call("catalog", "GET", "/products/1")`` calls a service of the cluster that the
bridge's ``bridge.calls`` allows.
"""

import base64
import itertools
import json
import socket
import struct
import sys
import time

REGISTER = "gantry.bridge.register"
MAX_FRAME = 16 * 1024 * 1024


class BridgeError(Exception):
    """The bridge answered with an ``err`` frame, or the connection broke."""

    def __init__(self, message, code=None):
        super().__init__(message if code is None else "%s (%s)" % (message, code))
        self.code = code


class ServiceError(Exception):
    """Raised by a handler to fail a call with an HTTP status."""

    def __init__(self, status, detail):
        super().__init__(detail)
        self.status = status
        self.detail = detail


def encode_frame(frame):
    data = json.dumps(frame, separators=(",", ":")).encode("utf-8")
    return struct.pack(">I", len(data)) + data


class BridgeClient:
    def __init__(self, host, port, token, connect_timeout=10.0):
        self._sock = socket.create_connection((host, port), timeout=connect_timeout)
        self._sock.settimeout(None)
        self._token = token
        self._sent_token = False
        self._ids = itertools.count(1)
        self._queued = []          # frames read while waiting for a particular reply
        self.services = []

    # -- framing ---------------------------------------------------------------------------
    def send_frame(self, frame):
        if not self._sent_token:
            frame = dict(frame)
            frame["headers"] = dict(frame.get("headers") or {}, token=self._token)
            self._sent_token = True
        self._sock.sendall(encode_frame(frame))

    def _read_exactly(self, n):
        chunks = []
        while n > 0:
            chunk = self._sock.recv(min(n, 65536))
            if not chunk:
                raise BridgeError("the bridge closed the connection")
            chunks.append(chunk)
            n -= len(chunk)
        return b"".join(chunks)

    def read_frame(self):
        if self._queued:
            return self._queued.pop(0)
        (length,) = struct.unpack(">I", self._read_exactly(4))
        if length > MAX_FRAME:
            raise BridgeError("frame of %d bytes from the bridge is too large" % length)
        return json.loads(self._read_exactly(length).decode("utf-8"))

    def _request(self, address, body, headers=None):
        reply = "py.%d" % next(self._ids)
        self.send_frame({"type": "send", "address": address, "replyAddress": reply,
                         "headers": headers or {}, "body": body})
        held = []
        try:
            while True:
                frame = self.read_frame()
                if frame.get("address") == reply and frame.get("type") == "message":
                    return frame.get("body")
                if frame.get("type") == "err" and frame.get("address") in (reply, None):
                    raise BridgeError(frame.get("message", "error"), frame.get("failureCode"))
                held.append(frame)  # a call for us that arrived meanwhile: serve it later
        finally:
            self._queued[:0] = held

    # -- API -------------------------------------------------------------------------------
    def ping(self):
        self.send_frame({"type": "ping"})
        while True:
            frame = self.read_frame()
            if frame.get("type") == "pong":
                return
            if frame.get("type") == "err":
                raise BridgeError(frame.get("message", "error"))
            self._queued.append(frame)

    def register(self, service, version="v1"):
        """Runs an instance of ``service``; returns {"service", "version", "node"}."""
        answer = self._request(REGISTER, {"service": service, "version": version})
        self.services.append(service)
        return answer

    def call(self, service, method, path, query=None, headers=None, body=b"", timeout_ms=5000):
        """Calls a service of the cluster; returns (status, headers, body bytes)."""
        call = {"method": method, "path": path, "query": query, "headers": headers or {},
                "body": base64.b64encode(body).decode("ascii")}
        reply = self._request("gantry.http." + service, call, {"timeout": timeout_ms})
        return reply["status"], reply.get("headers", {}), base64.b64decode(reply.get("body", ""))

    def serve(self, handler, stop=lambda: False):
        """Answers calls routed to the registered services until the connection closes or ``stop()``."""
        while not stop():
            try:
                frame = self.read_frame()
            except BridgeError:
                return
            if frame.get("type") == "err":  # about something we sent; the connection goes on
                print("bridge: %s" % frame.get("message", "error"), file=sys.stderr, flush=True)
                continue
            if frame.get("type") != "message" or not frame.get("replyAddress"):
                continue
            self._answer(frame, handler)

    def _answer(self, frame, handler):
        body = frame.get("body") or {}
        headers = frame.get("headers") or {}
        call = {
            "service": frame.get("address", "")[len("gantry.bridge."):],
            "method": body.get("method"), "path": body.get("path"), "query": body.get("query"),
            "headers": body.get("headers") or {},
            "body": base64.b64decode(body.get("body") or ""),
            "envelope": {"request_id": headers.get("gantry-request-id"),
                         "traceparent": headers.get("traceparent"),
                         "deadline_ms": int(headers.get("gantry-deadline") or 0),
                         "principal": headers.get("gantry-principal")},
        }
        reply_to = frame["replyAddress"]
        if call["envelope"]["deadline_ms"] and call["envelope"]["deadline_ms"] < time.time() * 1000:
            return  # the caller gave up already
        try:
            status, out_headers, out_body = handler(call)
            if isinstance(out_body, str):
                out_body = out_body.encode("utf-8")
            self.send_frame({"type": "send", "address": reply_to,
                             "body": {"status": status, "headers": out_headers or {},
                                      "body": base64.b64encode(out_body or b"").decode("ascii")}})
        except ServiceError as e:
            self.send_frame({"type": "send", "address": reply_to, "failureCode": e.status, "message": e.detail})
        except Exception as e:  # a bug in the handler: the caller gets a 500, the service goes on
            self.send_frame({"type": "send", "address": reply_to, "failureCode": 500,
                             "message": "internal error in %s: %s" % (call["service"], type(e).__name__)})

    def close(self):
        self._sock.close()
