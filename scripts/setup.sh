#!/bin/sh
# Installs the Debian packages qgdc needs to build and test. Safe to run twice:
# apt-get skips what is already installed. Run as root (or with sudo).
set -eu
PKGS="build-essential pkg-config flex bison uthash-dev libgmp-dev libcunit1-dev \
liblapacke-dev libopenblas-dev zlib1g-dev libgsl-dev clang libclang-rt-14-dev libomp-dev valgrind \
dataset-fashion-mnist libquantum-dev"
missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -z "$missing" ]; then
    echo "setup: all packages present"
    exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "setup: installing$missing"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
