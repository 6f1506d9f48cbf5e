"""A webhook receiver for the tests: verifies every delivery with the standardwebhooks library and
prints one JSON line per request on standard output (flushed), which the test reads.

    receiver.py --port PORT --secret whsec_... [--secret ...]

Deliveries go to /hook/NAME. How NAME answers is its mode, set with POST /_mode/NAME/MODE:
  ok        verify and answer 204 (the default)
  fail      verify and answer 500
  hang      the first attempt of each webhook-id is held 30 s (the sender must time out); later
            attempts are answered as ok
  redirect  answer 307 to the same path on another host (localhost instead of 127.0.0.1)
POST /_secret with a secret as the body adds one more secret to verify with.
"""

import argparse
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks.webhooks import Webhook, WebhookVerificationError

lock = threading.Lock()
modes = {}
secrets = []
hung = set()


def say(record):
    with lock:
        sys.stdout.write(json.dumps(record) + "\n")
        sys.stdout.flush()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def answer(self, status, headers=()):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length)
        parts = self.path.strip("/").split("/")
        if parts[0] == "_mode" and len(parts) == 3:
            with lock:
                modes[parts[1]] = parts[2]
            return self.answer(204)
        if parts[0] == "_secret":
            with lock:
                secrets.append(body.decode())
            return self.answer(204)
        if parts[0] != "hook" or len(parts) != 2:
            return self.answer(404)
        name = parts[1]
        with lock:
            mode = modes.get(name, "ok")
            known = list(secrets)
        headers = {k: v for k, v in self.headers.items()}
        verified, error, payload = False, None, None
        for secret in known:
            try:
                payload = Webhook(secret).verify(body, headers)
                verified, error = True, None
                break
            except WebhookVerificationError as e:
                error = str(e)
        webhook_id = self.headers.get("webhook-id")
        record = {
            "name": name,
            "mode": mode,
            "webhook_id": webhook_id,
            "timestamp": self.headers.get("webhook-timestamp"),
            "verified": verified,
            "error": error,
            "payload": payload,
        }
        if not verified:
            record["answered"] = 400
            say(record)
            return self.answer(400)
        if mode == "fail":
            record["answered"] = 500
            say(record)
            return self.answer(500)
        if mode == "redirect":
            record["answered"] = 307
            say(record)
            port = self.server.server_address[1]
            return self.answer(307, [("Location", f"http://localhost:{port}/hook/{name}")])
        if mode == "hang":
            with lock:
                first = webhook_id not in hung
                hung.add(webhook_id)
            if first:
                record["answered"] = "hung"
                say(record)
                time.sleep(30)
                return
        record["answered"] = 204
        say(record)
        self.answer(204)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--secret", action="append", default=[])
    args = parser.parse_args()
    secrets.extend(args.secret)
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    say({"listening": server.server_address[1]})
    server.serve_forever()


if __name__ == "__main__":
    main()
