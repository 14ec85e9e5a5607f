#!/usr/bin/env bash
# A web app on another origin calls the API from headless Chromium: a page served from an origin
# listed in KINERJA_CORS_ORIGINS logs a demo employee in and reads /api/v1/me; the same page from
# an origin not listed is blocked by the browser (the fetch fails; the API sends it no CORS
# headers). Three loopback origins: the API, the allowed page, the other page.
# Usage: browser-check.sh KINERJA_BINARY   (needs chromium and python3; .ci/run installs chromium)
set -euo pipefail
BIN=$(realpath "$1")
CHROMIUM=$(command -v chromium || command -v chromium-browser)
WORK=$(mktemp -d)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
API_PORT=$(free_port); ALLOWED_PORT=$(free_port); OTHER_PORT=$(free_port)
API="http://127.0.0.1:$API_PORT"
export DATABASE_URL="sqlite://$WORK/kinerja.db" KINERJA_DEMO_PASSWORD="demo password for the browser" RUST_LOG=error
"$BIN" seed --demo > /dev/null
KINERJA_BIND="127.0.0.1:$API_PORT" KINERJA_CORS_ORIGINS="http://127.0.0.1:$ALLOWED_PORT" "$BIN" serve &
PIDS+=($!)
for _ in $(seq 1 50); do curl -sf "$API/healthz" > /dev/null && break; sleep 0.2; done

# The page: logs in (a JSON POST, so the browser sends a preflight first), reads /me with the
# token, and writes what happened into the document.
mkdir -p "$WORK/site"
cat > "$WORK/site/index.html" <<HTML
<!doctype html><html><head><meta charset="utf-8"><title>kinerja from another origin</title></head>
<body><pre id="out">pending</pre><script>
(async () => {
  const out = document.getElementById('out');
  try {
    const login = await fetch('$API/api/v1/auth/token', {method: 'POST', headers: {'content-type': 'application/json'},
      body: JSON.stringify({grant_type: 'password', nip: '197801152003121001', password: '$KINERJA_DEMO_PASSWORD'})});
    const token = (await login.json()).access_token;
    const me = await fetch('$API/api/v1/me', {headers: {authorization: 'Bearer ' + token, 'accept-language': 'en'}});
    const body = await me.json();
    out.textContent = 'RESULT ok status=' + me.status + ' name=' + body.employee.name + ' request-id=' + me.headers.get('x-request-id');
  } catch (e) {
    out.textContent = 'RESULT blocked ' + e;
  }
})();
</script></body></html>
HTML
(cd "$WORK/site" && python3 -m http.server "$ALLOWED_PORT" --bind 127.0.0.1 > /dev/null 2>&1) & PIDS+=($!)
(cd "$WORK/site" && python3 -m http.server "$OTHER_PORT" --bind 127.0.0.1 > /dev/null 2>&1) & PIDS+=($!)
sleep 1

visit() {
  "$CHROMIUM" --headless --no-sandbox --disable-gpu --user-data-dir="$WORK/profile-$1" \
    --virtual-time-budget=10000 --dump-dom "http://127.0.0.1:$1/index.html" 2>/dev/null | grep -o '<pre id="out">[^<]*' | sed 's/<pre id="out">//'
}
ALLOWED=$(visit "$ALLOWED_PORT"); OTHER=$(visit "$OTHER_PORT")
echo "allowed origin http://127.0.0.1:$ALLOWED_PORT: $ALLOWED"
echo "other origin   http://127.0.0.1:$OTHER_PORT: $OTHER"
[[ $ALLOWED == "RESULT ok status=200 "* ]] || { echo "FAIL: the allowed origin could not call the API"; exit 1; }
[[ $ALLOWED != *"request-id=null"* ]] || { echo "FAIL: X-Request-Id is not exposed to the page"; exit 1; }
[[ $OTHER == "RESULT blocked "* ]] || { echo "FAIL: the other origin was not blocked"; exit 1; }
echo "browser check passed"
