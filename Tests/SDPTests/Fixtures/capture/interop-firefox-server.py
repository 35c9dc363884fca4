import http.server, subprocess
class H(http.server.SimpleHTTPRequestHandler):
    def do_POST(self):
        data = self.rfile.read(int(self.headers['Content-Length']))
        if self.path == '/answer':
            out = subprocess.run(["/tmp/h3/.build/debug/answer-tool"], input=data, capture_output=True).stdout
        else:
            open('/tmp/interop/ff/result.json', 'wb').write(data); out = b''
        self.send_response(200); self.send_header('Content-Length', str(len(out))); self.end_headers(); self.wfile.write(out)
    def log_message(self, *a): pass
http.server.ThreadingHTTPServer(('127.0.0.1', 8766), H).serve_forever()
