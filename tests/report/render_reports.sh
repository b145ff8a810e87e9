#!/usr/bin/env bash
# Renders the demo reports to PNG for people to look at: the HTML with headless Chromium (a
# screenshot of the first screen, and every printed page through Chromium's print-to-PDF), the PDF
# with pdftoppm. Images go to <build>/report-images/.
#   render_reports.sh VIGIL_CLI FIXTURE OUT_DIR
# Exit 77 (skipped) only when Chromium is missing outside CI; in CI a missing tool fails.
set -euo pipefail
cli=$1 fixture=$2 out=$3
chromium=$(command -v chromium || command -v chromium-browser || true)
if [[ -z $chromium ]]; then
  if [[ ${CI:-} == true ]]; then echo "render: chromium is missing (packaging/bootstrap.sh installs it)"; exit 1; fi
  echo "render: SKIPPED — chromium is not installed (apt-get install chromium, or packaging/bootstrap.sh)"; exit 77
fi
mkdir -p "$out"
rm -f "$out"/*.png
"$cli" report "$fixture" --format html --out "$out/demo.html"
# Only file:// URLs; no network is needed (the report loads nothing) and none is given.
browse=("$chromium" --headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run --disable-extensions
        --proxy-server=127.0.0.1:9 --proxy-bypass-list='<-loopback>')
timeout 120 "${browse[@]}" --window-size=1280,1600 --screenshot="$out/html-screen.png" "file://$out/demo.html" >/dev/null 2>&1
timeout 120 "${browse[@]}" --no-pdf-header-footer --print-to-pdf="$out/html-print.pdf" "file://$out/demo.html" >/dev/null 2>&1
pdftoppm -r 70 -png "$out/html-print.pdf" "$out/html-print"
if "$cli" report "$fixture" --format pdf --out "$out/demo-a4.pdf" 2>"$out/pdf.err"; then
  pdftoppm -r 70 -png "$out/demo-a4.pdf" "$out/pdf-a4"
else
  grep -q "without PDF support" "$out/pdf.err" || { cat "$out/pdf.err"; exit 1; }
  echo "render: vigil-cli has no PDF support in this build (VIGIL_BUILD_GUI=OFF); HTML only"
fi
for f in "$out/html-screen.png" "$out/html-print-01.png"; do
  [[ -s $f ]] || { echo "render: $f was not written"; exit 1; }
done
ls "$out"/*.png
