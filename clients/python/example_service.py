"""A service written in Python, running in a Gantry cluster through the TCP bridge.

    python3 example_service.py --port 7001 --token-file bridge.token --service pricing

It answers ``GET /prices/<sku>`` with a JSON price, and ``GET /relay/<path>`` by calling the
cluster's ``echo`` service (allowed by ``bridge.calls``) and wrapping its answer.
"""

import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gantry_bridge import BridgeClient, ServiceError  # noqa: E402


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--host", default=os.environ.get("GANTRY_BRIDGE_HOST", "127.0.0.1"))
    p.add_argument("--port", type=int, default=int(os.environ.get("GANTRY_BRIDGE_PORT", "7001")))
    p.add_argument("--token-file", default=os.environ.get("GANTRY_BRIDGE_TOKEN_FILE"))
    p.add_argument("--service", default="pricing")
    p.add_argument("--relay-to", default="echo")
    args = p.parse_args()
    token = os.environ.get("GANTRY_BRIDGE_TOKEN")
    if args.token_file:
        with open(args.token_file) as f:
            token = f.read().strip()
    if not token:
        sys.exit("no token: --token-file or GANTRY_BRIDGE_TOKEN")
    client = BridgeClient(args.host, args.port, token)
    where = client.register(args.service)
    print("registered %s on node %s" % (args.service, where["node"]), flush=True)

    def handle(call):
        path = call["path"] or "/"
        if call["method"] == "GET" and path.startswith("/prices/"):
            sku = path[len("/prices/"):]
            if not sku.isalnum():
                raise ServiceError(400, "sku: letters and digits only")
            body = {"sku": sku, "price": 1000 + sum(map(ord, sku)) % 500, "currency": "EUR",
                    "language": "python", "requestId": call["envelope"]["request_id"]}
            return 200, {"Content-Type": "application/json"}, json.dumps(body)
        if call["method"] == "GET" and path.startswith("/relay/"):
            status, headers, body = client.call(args.relay_to, "GET", path[len("/relay"):])
            return 200, {"Content-Type": "application/json"}, json.dumps(
                {"relayed": args.relay_to, "status": status, "answer": json.loads(body or b"null")})
        raise ServiceError(404, "no such resource: %s %s" % (call["method"], path))

    client.serve(handle)


if __name__ == "__main__":
    main()
