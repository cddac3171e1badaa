#!/usr/bin/env bash
# Builds the .deb from a build directory (cpack -G DEB, into a temporary
# directory), checks it with lintian (no error), extracts it with dpkg-deb -x,
# checks what it holds, and runs the extracted jalond on the packaged config
# (its paths moved into the temporary directory, port 0) until /healthz
# answers 200, then stops it with SIGTERM and expects exit 0.
#   tests/package/package_test.sh BUILD_DIR
# Exit 77 (skipped) when lintian, dpkg-deb, dpkg-shlibdeps or file is missing.
set -euo pipefail

build=$(cd "${1:?usage: package_test.sh BUILD_DIR}" && pwd)
for tool in lintian dpkg-deb dpkg-shlibdeps file; do
  if ! command -v "$tool" >/dev/null; then
    echo "SKIP: $tool is not installed (tools/install-deps --test installs lintian, dpkg-dev and file)"
    exit 77
  fi
done

tmp=$(mktemp -d)
pid=""
cleanup() {
  if [ -n "$pid" ]; then kill -9 "$pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
fail() {
  echo "FAIL: $*" >&2
  exit 1
}

echo "== cpack -G DEB"
cpack -G DEB --config "$build/CPackConfig.cmake" -B "$tmp/out" >"$tmp/cpack.log" 2>&1 ||
  { cat "$tmp/cpack.log"; fail "cpack failed"; }
debs=("$tmp"/out/*.deb)
[ ${#debs[@]} -eq 1 ] && [ -f "${debs[0]}" ] || fail "cpack made ${#debs[@]} .deb files: ${debs[*]}"
deb=${debs[0]}
echo "package: $(basename "$deb"), $(du -k "$deb" | cut -f1) KiB"

echo "== dpkg-deb --info"
dpkg-deb --info "$deb" | tee "$tmp/info.txt"
grep -q '^ Package: jalon$' "$tmp/info.txt" || fail "Package is not jalon"
grep -q '^ Maintainer: .*<.*@.*>' "$tmp/info.txt" || fail "no Maintainer with an address"
grep -q '^ Section: ' "$tmp/info.txt" || fail "no Section"
depends=$(sed -n 's/^ Depends: //p' "$tmp/info.txt")
for dep in adduser tzdata libc6 libstdc++6 libssl3; do
  [[ "$depends" == *"$dep"* ]] || fail "Depends lacks $dep: $depends"
done
for script in postinst prerm postrm conffiles; do
  grep -Eq "^ +[0-9]+ bytes, +[0-9]+ lines +[*]? *$script" "$tmp/info.txt" || fail "no $script"
done
dpkg-deb --ctrl-tarfile "$deb" | tar -xO ./conffiles | grep -qx /etc/jalon/jalon.toml ||
  fail "/etc/jalon/jalon.toml is not a conffile"
dpkg-deb --ctrl-tarfile "$deb" | tar -xO ./postinst >"$tmp/postinst"
grep -q 'adduser --system' "$tmp/postinst" || fail "postinst does not create the jalon user"

echo "== lintian"
# lintian exits non-zero on an error tag (its default --fail-on); warnings
# and informational tags are printed and accepted.
lintian --tag-display-limit 0 "$deb" 2>&1 | tee "$tmp/lintian.txt" ||
  fail "lintian reports errors (E: lines above)"
if grep -q '^E: ' "$tmp/lintian.txt"; then fail "lintian reports errors"; fi

echo "== dpkg-deb -x"
root="$tmp/root"
dpkg-deb -x "$deb" "$root"
for f in usr/bin/jalond usr/bin/jalon lib/systemd/system/jalond.service etc/jalon/jalon.toml \
  usr/share/doc/jalon/copyright usr/share/doc/jalon/changelog.gz \
  usr/share/doc/jalon/README.md usr/share/doc/jalon/docs/operations.md \
  usr/share/jalon/demo/DEJ.json; do
  [ -e "$root/$f" ] || fail "the package lacks /$f"
done
[ ! -e "$root/usr/bin/jalon-bench" ] || fail "jalon-bench is a developer's tool, not packaged"
unit="$root/lib/systemd/system/jalond.service"
grep -qx 'ExecStart=/usr/bin/jalond --config /etc/jalon/jalon.toml' "$unit" ||
  fail "the unit does not run the installed jalond on /etc/jalon/jalon.toml: $(grep ExecStart "$unit")"
grep -qx 'User=jalon' "$unit" || fail "the unit does not run as jalon"
grep -qx 'StateDirectory=jalon' "$unit" || fail "the unit does not own /var/lib/jalon"
if grep -q '^ *\[\[tokens\]\]' "$root/etc/jalon/jalon.toml"; then
  fail "the packaged config enables a token"
fi
if file "$root/usr/bin/jalond" 2>/dev/null | grep -q 'not stripped'; then
  fail "jalond is not stripped"
fi

echo "== the extracted jalond on the packaged config"
config="$tmp/jalon.toml"
sed -e "s|^listen = .*|listen = \"127.0.0.1:0\"|" \
  -e "s|^data_dir = .*|data_dir = \"$tmp/data\"|" \
  -e "s|^maildir = .*|maildir = \"$tmp/mail\"|" "$root/etc/jalon/jalon.toml" >"$config"
grep -q "data_dir = \"$tmp/data\"" "$config" || fail "the packaged config has no data_dir line"
env -u JALON_DATA -u JALON_LISTEN "$root/usr/bin/jalond" --config "$config" >"$tmp/jalond.log" 2>&1 &
pid=$!

# jalond logs the port it bound (port 0 picks a free one); then /healthz.
port=""
status=""
while :; do
  if ! kill -0 "$pid" 2>/dev/null; then
    cat "$tmp/jalond.log"
    fail "jalond exited before /healthz answered 200"
  fi
  if [ -z "$port" ]; then
    port=$(sed -n 's|.*serving http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' "$tmp/jalond.log" | head -1)
  fi
  if [ -n "$port" ] && exec 3<>"/dev/tcp/127.0.0.1/$port" 2>/dev/null; then
    printf 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' >&3
    status=$(head -1 <&3 | tr -d '\r')
    exec 3<&-
    if [ "$status" = "HTTP/1.1 200 OK" ]; then break; fi
  fi
  sleep 0.1
done
echo "GET /healthz on port $port: $status"

kill -TERM "$pid"
rc=0
wait "$pid" || rc=$?
pid=""
[ "$rc" -eq 0 ] || { cat "$tmp/jalond.log"; fail "jalond exited $rc on SIGTERM"; }
echo "PASS"
