#!/bin/sh
# Install the built .deb on this machine (as root), check it as a user would meet it, run
# the installed `photojobs --self-test` without a display, then remove the package.
set -eu

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DEB=$(ls -t "$ROOT"/dist/photojobs_*.deb 2>/dev/null | head -n 1 || true)
[ -n "$DEB" ] || { echo "test_deb: no dist/photojobs_*.deb (run make package)" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "test_deb: run as root (dpkg -i)" >&2; exit 1; }
if dpkg-query -W photojobs >/dev/null 2>&1; then
    echo "test_deb: photojobs is already installed; remove it first (dpkg -r photojobs)" >&2
    exit 1
fi

# Runtime libraries from the package's Depends that this machine lacks.
missing=""
for dep in $(dpkg-deb -f "$DEB" Depends | sed 's/([^)]*)//g; s/,/ /g'); do
    dpkg-query -W -f='${Status}' "$dep" 2>/dev/null | grep -q "ok installed" \
        || missing="$missing $dep"
done
if [ -n "$missing" ]; then
    echo "== apt-get install$missing"
    apt-get install -y -q $missing >/dev/null \
        || { apt-get update -q >/dev/null && apt-get install -y -q $missing >/dev/null; }
fi

WORK=$(mktemp -d)
cleanup() {
    dpkg -r photojobs >/dev/null 2>&1 || true
    rm -rf "$WORK"
}
trap cleanup EXIT

echo "== dpkg -i $(basename "$DEB")"
dpkg -i "$DEB" >/dev/null

echo "== installed files"
test "$(command -v photojobs)" = /usr/bin/photojobs
test "$(command -v photojobs-cli)" = /usr/bin/photojobs-cli
test -f /usr/share/applications/photojobs.desktop
test -f /usr/share/icons/hicolor/256x256/apps/photojobs.png
test -f /usr/share/icons/hicolor/scalable/apps/photojobs.svg
test -f /usr/share/metainfo/io.photojobs.PhotoJobs.metainfo.xml
if find /opt/photojobs -name '*.so*' -type f -exec sh -c \
    'LD_LIBRARY_PATH=/opt/photojobs/_internal ldd "$0"' {} \; 2>/dev/null | grep "not found"
then
    echo "test_deb: bundled libraries need system libraries that are missing" >&2
    exit 1
fi
photojobs-cli --version

echo "== photojobs --self-test (installed, no display)"
cd "$WORK"
env -u DISPLAY -u WAYLAND_DISPLAY -u QT_QPA_PLATFORM HOME="$WORK/home" photojobs --self-test

echo "== dpkg -r photojobs"
dpkg -r photojobs >/dev/null
test ! -e /opt/photojobs && test ! -e /usr/bin/photojobs
echo "package-test passed"
