#!/usr/bin/env bash
# apt_source.sh: Debian source packages on a machine that has no deb-src entries.
#   tools/apt_source.sh version PKG       prints the source package's version
#   tools/apt_source.sh unpack PKG DIR    downloads PKG's sources and unpacks the upstream
#                                         tarball into DIR (DIR/<name>-<version>/...)
#   tools/apt_source.sh binary-sources    prints a sources.list of the Debian binary
#                                         repositories only (the set-up test's APT config)
# It never changes the system's APT configuration: it keeps a private APT state under
# $RD_CACHE/apt (default ~/.cache/rdsim/apt) whose only sources are deb-src lines derived
# from the Debian binary repositories the system is configured with (`apt-get indextargets`,
# which reads both the one-line and the deb822 formats, and honours APT_CONFIG; the set-up test
# points APT_CONFIG at a configuration with binary sources only). The private index is
# downloaded once (about 10 MB, a few seconds) and refreshed only when a download fails.
set -euo pipefail

CACHE=${RD_CACHE:-$HOME/.cache/rdsim}
APT_DIR="$CACHE/apt"
APT_OPTS=(-q -o "Dir::Etc::SourceList=$APT_DIR/sources.list" -o "Dir::Etc::SourceParts=$APT_DIR/parts"
          -o "Dir::State::Lists=$APT_DIR/lists" -o "Dir::Cache=$APT_DIR/cache"
          -o "APT::Sandbox::User=$(id -un)")

die() { echo "apt_source: $*" >&2; exit 1; }

KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg

# The Debian binary repositories APT is configured with: "URI SUITE COMPONENT" lines.
repos() {
    apt-get indextargets --no-release-info --format '$(REPO_URI) $(RELEASE) $(COMPONENT)' \
            'Created-By: Packages' | awk '$1 ~ /debian/ && !seen[$0]++'
}

# One sources line of type $1 (deb or deb-src) per Debian binary repository.
sources_of_type() {
    local opt=""
    [ -f "$KEYRING" ] && opt="[signed-by=$KEYRING] "
    repos | awk -v t="$1" -v opt="$opt" '{ print t " " opt $1 " " $2 " " $3 }'
}

write_sources() {
    sources_of_type deb-src > "$APT_DIR/sources.list.tmp"
    [ -s "$APT_DIR/sources.list.tmp" ] ||
        die "no Debian binary repository is configured (apt-get indextargets lists none)"
    mv "$APT_DIR/sources.list.tmp" "$APT_DIR/sources.list"
}

refresh() {
    mkdir -p "$APT_DIR/lists/partial" "$APT_DIR/cache/archives/partial" "$APT_DIR/parts"
    write_sources
    apt-get "${APT_OPTS[@]}" update >/dev/null || die "apt-get update of the source index failed"
}

have_index() { compgen -G "$APT_DIR/lists/*_Sources*" >/dev/null; }

version() { # $1 = source package; prints its version or nothing
    apt-cache "${APT_OPTS[@]}" showsrc "$1" 2>/dev/null | sed -n 's/^Version: //p' | sort -V | tail -n1
}

cmd=${1:-}
pkg=${2:-}
if [ "$cmd" = binary-sources ]; then sources_of_type deb; exit 0; fi
[ -n "$pkg" ] || die "usage: apt_source.sh version PKG | unpack PKG DIR | binary-sources"
have_index || refresh
case "$cmd" in
    version)
        v=$(version "$pkg")
        [ -n "$v" ] || { refresh; v=$(version "$pkg"); }
        [ -n "$v" ] || die "no source package '$pkg' in $(tr '\n' ' ' < "$APT_DIR/sources.list")"
        echo "$v"
        ;;
    unpack)
        dir=${3:?usage: apt_source.sh unpack PKG DIR}
        mkdir -p "$dir"
        cd "$dir"
        if ! apt-get "${APT_OPTS[@]}" source --download-only "$pkg" >/dev/null 2>&1; then
            refresh
            apt-get "${APT_OPTS[@]}" source --download-only "$pkg" >/dev/null ||
                die "apt-get source $pkg failed"
        fi
        found=0
        for f in ./*.orig.tar.gz ./*.orig.tar.xz ./*.orig.tar.bz2; do
            if [ -f "$f" ]; then tar xf "$f"; found=1; fi
        done
        [ "$found" = 1 ] || die "$pkg: no upstream tarball among $(ls)"
        ;;
    *) die "unknown command '$cmd' (version or unpack)" ;;
esac
