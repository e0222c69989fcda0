#!/usr/bin/env bash
# Runs the demo (./examples/run-demo.sh), then photographs the HTML report it wrote with headless
# Chromium (Debian's chromium package) into docs/report.png, the picture in the README.
set -euo pipefail
cd "$(dirname "$0")/.."
./examples/run-demo.sh "$@" > examples/target/demo-output.txt
chromium=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$chromium" ]; then
  echo "screenshot.sh: no chromium on this machine (apt-get install chromium)" >&2
  exit 1
fi
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
"$chromium" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
  --disable-component-update --disable-sync --hide-scrollbars --user-data-dir="$profile" \
  --window-size=1280,1700 --screenshot="$PWD/docs/report.png" "file://$PWD/examples/target/demo-report.html" 2>/dev/null
echo "docs/report.png written from examples/target/demo-report.html"
