import http.server, sys
class H(http.server.SimpleHTTPRequestHandler):
    def do_POST(self):
        n = int(self.headers['Content-Length']); data = self.rfile.read(n)
        name = self.path.rsplit('/',1)[1]
        open('/tmp/ffcap/out-' + name, 'wb').write(data)
        self.send_response(200); self.end_headers()
    def log_message(self, *a): pass
http.server.ThreadingHTTPServer(('127.0.0.1', 8765), H).serve_forever()
