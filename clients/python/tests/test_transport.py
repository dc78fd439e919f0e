"""What the client does when something other than the API answers: a redirect is not followed (the token
would go with it), and a body that is not the API's JSON is a BadResponse that does not echo it."""
from __future__ import annotations

import http.server
import threading
import unittest

import support  # noqa: F401

import dsbx

TOKEN = "eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl"


class _Server:
    """A local HTTP server answering every GET with `respond(handler)`, recording the Authorization headers."""

    def __init__(self, respond):
        self.seen = []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - http.server's naming
                outer.seen.append(self.headers.get("Authorization"))
                respond(self)

            def log_message(self, *args):
                pass

        self.httpd = http.server.HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def _answer(status, body=b"", headers=()):
    def respond(handler):
        handler.send_response(status)
        for k, v in headers:
            handler.send_header(k, v)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)
    return respond


class TransportTest(unittest.TestCase):
    def test_a_redirect_is_not_followed_so_the_token_stays_here(self):
        elsewhere = _Server(_answer(200, b"{}"))
        redirecting = _Server(_answer(307, headers=[("Location", elsewhere.url + "/v1/catalog")]))
        try:
            with self.assertRaises(dsbx.BadResponse):
                dsbx.Client(url=redirecting.url, token=TOKEN).datasets()
            self.assertEqual(elsewhere.seen, [])
            self.assertEqual(redirecting.seen, [f"Bearer {TOKEN}"])
        finally:
            redirecting.close()
            elsewhere.close()

    def test_a_body_that_is_not_json_is_a_bad_response_without_its_text(self):
        proxy = _Server(_answer(200, b"<html>proxy login</html>", [("Content-Type", "text/html")]))
        try:
            with self.assertRaises(dsbx.BadResponse) as ctx:
                dsbx.Client(url=proxy.url, token=TOKEN).datasets()
            self.assertNotIn("proxy", str(ctx.exception))
        finally:
            proxy.close()


if __name__ == "__main__":
    unittest.main()
