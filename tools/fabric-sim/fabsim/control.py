"""Control HTTP endpoint on 127.0.0.1 (faults, stop/start nodes, status)."""
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def serve(net, port=0):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *a):
            pass

        def _send(self, code, obj):
            body = json.dumps(obj).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            if self.path == "/status":
                return self._send(200, net.status())
            self._send(404, {"error": "not found"})

        def do_POST(self):
            n = int(self.headers.get("Content-Length") or 0)
            try:
                spec = json.loads(self.rfile.read(n) or b"{}")
            except ValueError:
                return self._send(400, {"error": "bad json"})
            parts = [p for p in self.path.split("/") if p]
            try:
                if parts == ["faults", "clear"]:
                    for node in [net.orderer] + net.peers:
                        node.faults.clear()
                    return self._send(200, net.status())
                if len(parts) == 3 and parts[0] == "nodes":
                    name, action = parts[1], parts[2]
                    if action == "stop":
                        net.stop_node(name)
                    elif action == "start":
                        net.start_node(name)
                    elif action == "faults":
                        net.node(name).faults.set(spec)
                    else:
                        return self._send(404, {"error": f"unknown action {action}"})
                    return self._send(200, net.status()[name])
            except KeyError as e:
                return self._send(404, {"error": f"unknown node or fault code {e}"})
            self._send(404, {"error": "not found"})

    httpd = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, name="control", daemon=True).start()
    return httpd
