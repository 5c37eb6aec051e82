#!/usr/bin/env bash
# Install the Debian 12 packages qcoach needs, skipping those already present.
# Runs as root without sudo; as another user it uses sudo when available.
set -euo pipefail

packages=(g++ make cmake libeigen3-dev libxsimd-dev catch2 libbenchmark-dev libcli11-dev nlohmann-json3-dev "$@")

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1; then
  as_root=(sudo)
else
  echo "install-deps: missing packages ${missing[*]}; run as root or install them first" >&2
  exit 1
fi

echo "install-deps: installing ${missing[*]}"
"${as_root[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
