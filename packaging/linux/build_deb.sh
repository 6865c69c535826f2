#!/bin/sh
# Build dist/photojobs_<version>_<arch>.deb from the PyInstaller folder dist/PhotoJobs
# and the icons in build/icons (both made by `make package`).
#
# Installs: /opt/photojobs (the app), /usr/bin/photojobs and /usr/bin/photojobs-cli
# (launchers), the desktop entry, the AppStream metainfo and the hicolor icons.
set -eu

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
APP_DIR="$ROOT/dist/PhotoJobs"
ICONS="$ROOT/build/icons/hicolor"
HERE="$ROOT/packaging/linux"
VERSION=$(sed -n 's/^__version__ = "\(.*\)"/\1/p' "$ROOT/photojobs/__init__.py")
ARCH=$(dpkg --print-architecture)
STAGE="$ROOT/build/deb/photojobs_${VERSION}_${ARCH}"
DEB="$ROOT/dist/photojobs_${VERSION}_${ARCH}.deb"

[ -x "$APP_DIR/PhotoJobs" ] || { echo "build_deb: no $APP_DIR (run make package)" >&2; exit 1; }
[ -d "$ICONS" ] || { echo "build_deb: no $ICONS (run packaging/make_icons.py)" >&2; exit 1; }
grep -q "<release version=\"$VERSION\"" "$HERE/io.photojobs.PhotoJobs.metainfo.xml" || {
    echo "build_deb: add a <release version=\"$VERSION\"> to the metainfo" >&2; exit 1; }

rm -rf "$STAGE"
mkdir -p "$STAGE/DEBIAN" "$STAGE/opt" "$STAGE/usr/bin" "$STAGE/usr/share/applications" \
    "$STAGE/usr/share/metainfo" "$STAGE/usr/share/icons" "$STAGE/usr/share/doc/photojobs"
cp -a "$APP_DIR" "$STAGE/opt/photojobs"
cp -a "$ICONS" "$STAGE/usr/share/icons/hicolor"
install -m 644 "$HERE/photojobs.desktop" "$STAGE/usr/share/applications/photojobs.desktop"
install -m 644 "$HERE/io.photojobs.PhotoJobs.metainfo.xml" "$STAGE/usr/share/metainfo/"
printf 'PhotoJobs %s\nLicence: MIT\nBundles Qt (LGPLv3), Python, LibRaw, NumPy, Pillow.\n' \
    "$VERSION" > "$STAGE/usr/share/doc/photojobs/copyright"

# Launchers, not symlinks: the app finds its _internal folder next to the real executable.
for pair in photojobs:PhotoJobs photojobs-cli:photojobs-cli; do
    printf '#!/bin/sh\nexec /opt/photojobs/%s "$@"\n' "${pair#*:}" > "$STAGE/usr/bin/${pair%%:*}"
    chmod 755 "$STAGE/usr/bin/${pair%%:*}"
done

# System libraries the bundle links to but does not carry (found with ldd), and the
# newest glibc symbol version any bundled binary asks for.
GLIBC=$(find "$STAGE/opt/photojobs" -type f \( -name '*.so*' -o -perm -u+x \) \
    -exec objdump -T {} + 2>/dev/null | grep -o 'GLIBC_[0-9.]*' | sed 's/GLIBC_//' \
    | sort -uV | tail -n 1)
cat > "$STAGE/DEBIAN/control" <<EOF
Package: photojobs
Version: $VERSION
Architecture: $ARCH
Maintainer: PhotoJobs developers <photojobs@localhost>
Installed-Size: $(du -sk "$STAGE" | cut -f1)
Depends: libc6 (>= $GLIBC), libgl1, libegl1, libxcb1, libxcb-icccm4, libxcb-keysyms1
Recommends: fonts-dejavu-core | fonts-liberation2
Section: graphics
Priority: optional
Description: cull photo shoots and commit to a restorable trash
 PhotoJobs keeps each shoot as a project folder, shows its photos as a grid and lets
 you keep the JPG, the RAW, both or neither of each photo. A commit moves what was not
 kept into the project's trash, where it can be restored. Imports, thumbnails and
 removals run as background jobs. Includes photojobs-cli for scripts.
EOF

mkdir -p "$ROOT/dist"
dpkg-deb --root-owner-group -Zxz --build "$STAGE" "$DEB" >/dev/null
echo "$DEB"
