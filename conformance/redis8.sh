#!/usr/bin/env bash
# Builds the reference Redis 8.0.x from Debian trixie's source package, or
# reuses the build cached by an earlier run, and prints the path of its
# redis-server binary on stdout (everything else goes to stderr).
#
#   bash conformance/redis8.sh            # -> ~/.cache/sluice/redis-8.0.N/src/redis-server
#   SLUICE_CACHE=/somewhere bash conformance/redis8.sh
#
# trixie's binary packages need a newer glibc than the machines' bookworm,
# so only the upstream tarball (`redis_8.0.N.orig.tar.gz`) is fetched, with
# a private apt configuration (its own sources list, lists and cache under
# the work directory: the system's apt state is not touched). The mirror is
# the one the machine's own apt sources name; no host is written here.
# A cold build takes about 2 minutes on 2 cores; a cached one, nothing.
set -euo pipefail

cache=${SLUICE_CACHE:-$HOME/.cache/sluice}
mkdir -p "$cache"

cached=$(ls -d "$cache"/redis-8.0.*/src/redis-server 2>/dev/null | sort -V | tail -1 || true)
if [ -n "$cached" ] && [ -x "$cached" ]; then
    echo "redis8: using cached $cached" >&2
    echo "$cached"
    exit 0
fi

sources=/etc/apt/sources.list.d/debian.sources
[ -r "$sources" ] || sources=/etc/apt/sources.list
debian=$(grep -Eo 'https?://[^ ]+/debian/?( |$)' "$sources" | head -1 | tr -d ' ' || true)
security=$(grep -Eo 'https?://[^ ]+/debian-security/?( |$)' "$sources" | head -1 | tr -d ' ' || true)
[ -n "$debian" ] || { echo "redis8: no Debian mirror found in $sources" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/lists/partial" "$work/archives/partial" "$work/cache" "$work/etc/preferences.d"
{
    echo "deb-src $debian trixie main"
    [ -z "$security" ] || echo "deb-src $security trixie-security main"
} >"$work/etc/sources.list"
apt_opts=(
    -o "Dir::Etc::SourceList=$work/etc/sources.list"
    -o "Dir::Etc::SourceParts=-"
    -o "Dir::Etc::Preferences=$work/etc/preferences"
    -o "Dir::Etc::PreferencesParts=$work/etc/preferences.d"
    -o "Dir::State::Lists=$work/lists"
    -o "Dir::State::status=/dev/null"
    -o "Dir::Cache=$work/cache"
    -o "Dir::Cache::Archives=$work/archives"
    -o "APT::Sandbox::User=root"
)
echo "redis8: fetching trixie's redis source index" >&2
apt-get "${apt_opts[@]}" update >&2
(cd "$work" && apt-get "${apt_opts[@]}" source --download-only redis >&2) || true
tarball=$(ls "$work"/redis_8.0.*.orig.tar.gz 2>/dev/null | sort -V | tail -1 || true)
[ -n "$tarball" ] || { echo "redis8: no redis_8.0.*.orig.tar.gz fetched" >&2; exit 1; }
version=$(basename "$tarball" | sed -E 's/^redis_(8\.0\.[0-9]+)\.orig\.tar\.gz$/\1/')

echo "redis8: building Redis $version" >&2
mkdir -p "$work/src"
tar -xzf "$tarball" -C "$work/src"
srcdir=$(ls -d "$work"/src/redis-* | head -1)
make -C "$srcdir" -j"$(nproc)" BUILD_TLS=no >"$work/build.log" 2>&1 || {
    tail -40 "$work/build.log" >&2
    exit 1
}
rm -rf "$cache/redis-$version"
mv "$srcdir" "$cache/redis-$version"
echo "redis8: built $cache/redis-$version/src/redis-server" >&2
echo "$cache/redis-$version/src/redis-server"
