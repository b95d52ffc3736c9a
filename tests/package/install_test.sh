#!/usr/bin/env bash
# The Debian packages installed into a scratch root on this machine, checked,
# removed and purged (docs/packaging.md, "The install test").
#
#   install_test.sh --build DIR   pack the packages of the build tree DIR first (cpack; builds nothing)
#   install_test.sh --debs DIR    install DIR/chairsync_*.deb and DIR/chairsync-practice-server_*.deb
#
# dpkg installs with --root and --force-script-chrootless: the maintainer
# scripts run here, without chroot (the scratch root has no shell to chroot
# into), with DPKG_ROOT set, and every tool they call (systemd-sysusers,
# systemd-tmpfiles, deb-systemd-helper) acts on that root. This machine's
# users, /etc and services are checked to be unchanged at the end.
set -euo pipefail

if ! command -v dpkg-deb >/dev/null 2>&1; then
  echo "SKIPPED: dpkg-deb is missing (apt-get install dpkg-dev); the packages cannot be built or installed."
  exit 77
fi
# dpkg and chown want root; fakeroot pretends, so a developer's account works too.
if [ "$(id -u)" != 0 ]; then exec fakeroot -- bash "$0" "$@"; fi
export PATH="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:$PATH"

mode=${1:-}
src=${2:-}
if [ -z "$src" ] || [ ! -d "$src" ]; then
  echo "usage: $0 --build BUILD_DIR | --debs DIR" >&2
  exit 2
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/chairsync-package-test.XXXXXX")
trap 'rm -rf "$work"' EXIT
root=$work/root
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
ok() { echo "ok: $*"; }
check() {  # check DESCRIPTION COMMAND...
  local what=$1; shift
  if "$@"; then ok "$what"; else fail "$what"; fi
}

case "$mode" in
  --build)
    echo "== packing the build tree $src"
    # gzip: the test's (sanitizer) binaries are large and xz is slow.
    cpack --config "$src/CPackConfig.cmake" -B "$work/debs" -D CPACK_DEBIAN_COMPRESSION_TYPE=gzip \
      >"$work/cpack.log" 2>&1 || { cat "$work/cpack.log"; fail "cpack"; exit 1; }
    debs=$work/debs
    ;;
  --debs) debs=$src ;;
  *) echo "usage: $0 --build BUILD_DIR | --debs DIR" >&2; exit 2 ;;
esac
client_deb=$(ls "$debs"/chairsync_*.deb)
server_deb=$(ls "$debs"/chairsync-practice-server_*.deb)

# What must not change on this machine, whatever the maintainer scripts do.
host_state() {
  cat /etc/passwd /etc/group 2>/dev/null
  sha256sum /etc/shadow /etc/gshadow 2>/dev/null || true
  ls -lR /etc/systemd/system /var/lib/systemd/deb-systemd-helper-enabled /var/lib/systemd/deb-systemd-helper-masked \
    /etc/chairsync /etc/pam.d /var/lib/chairsync-practice-server 2>/dev/null || true
}
host_before=$(host_state)

echo "== the packages' control data"
check "chairsync's Depends come from dpkg-shlibdeps (libc6, libglfw3, libcurl) plus the font" \
  bash -c 'd=$(dpkg-deb -f "$1" Depends); echo "   $d"; [[ $d == *"libc6 (>="* && $d == *libglfw3* && $d == *libcurl* && $d == *fonts-dejavu-core* ]]' _ "$client_deb"
check "chairsync-practice-server's Depends come from dpkg-shlibdeps (libc6, libssl3, libsqlite3-0)" \
  bash -c 'd=$(dpkg-deb -f "$1" Depends); echo "   $d"; [[ $d == *"libc6 (>="* && $d == *libssl3* && $d == *libsqlite3-0* ]]' _ "$server_deb"

echo "== a clean root: an empty dpkg database and root as its only user"
mkdir -p "$root/etc" "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates" "$root/var/lib/dpkg/triggers"
touch "$root/var/lib/dpkg/status" "$root/var/lib/dpkg/available"
echo "root:x:0:0:root:/root:/bin/sh" >"$root/etc/passwd"
echo "root:x:0:" >"$root/etc/group"
echo "root:*:20000:0:99999:7:::" >"$root/etc/shadow"
echo "root:*::" >"$root/etc/gshadow"
chmod 0640 "$root/etc/shadow" "$root/etc/gshadow"
# The libraries and tools the packages depend on are this machine's, not the root's.
dpkg_root() { dpkg --root="$root" --force-script-chrootless --force-depends --log=/dev/null "$@"; }
status_of() { dpkg-query --admindir="$root/var/lib/dpkg" -W -f='${Status}' "$1" 2>/dev/null || true; }
field() { awk -F: -v n="$2" -v k="$3" '$1 == n { print $k }' "$root/etc/$1"; }

echo "== install"
dpkg_root --install "$client_deb" "$server_deb" >"$work/install.log" 2>&1 || { cat "$work/install.log"; fail "dpkg --install"; }
for p in chairsync chairsync-practice-server; do
  check "$p is installed" test "$(status_of "$p")" = "install ok installed"
done
for f in usr/bin/chairsync usr/bin/chairsync-cli usr/bin/chairsync-practice-server usr/sbin/chairsync-kiosk-setup; do
  check "$f is executable" test -x "$root/$f"
done
for f in usr/share/man/man1/chairsync.1.gz usr/share/man/man1/chairsync-cli.1.gz \
  usr/share/man/man1/chairsync-practice-server.1.gz usr/share/man/man8/chairsync-kiosk-setup.8.gz \
  usr/share/applications/chairsync.desktop lib/systemd/system/chairsync-practice-server.service \
  lib/systemd/system/chairsync-kiosk.service usr/lib/sysusers.d/chairsync-practice-server.conf \
  usr/lib/tmpfiles.d/chairsync-practice-server.conf etc/chairsync/practice-server.conf etc/chairsync/config.json \
  etc/pam.d/chairsync-kiosk usr/share/doc/chairsync/copyright usr/share/doc/chairsync-practice-server/copyright \
  usr/share/doc/chairsync/changelog.gz usr/share/doc/chairsync-practice-server/changelog.gz; do
  check "$f is there" test -s "$root/$f"
done
check "the server's man page comes from its --help (it lists --tls-cert and --config)" \
  bash -c 'zcat "$1" | grep -q "tls\\\\-cert" && zcat "$1" | grep -q "\\\\-\\\\-config"' _ "$root/usr/share/man/man1/chairsync-practice-server.1.gz"
conffiles=$(dpkg-query --admindir="$root/var/lib/dpkg" -W -f='${Conffiles}\n' chairsync chairsync-practice-server)
for f in /etc/chairsync/practice-server.conf /etc/chairsync/config.json /etc/pam.d/chairsync-kiosk; do
  check "$f is a conffile" grep -q "^ $f " <<<"$conffiles"
done
check "the kiosk's settings file is valid JSON" bash -c 'python3 -m json.tool "$1" >/dev/null' _ "$root/etc/chairsync/config.json"

echo "== the server's user, data folder and service"
user=chairsync-practice-server
uid=$(field passwd $user 3)
gid=$(field group $user 3)
check "the system user $user exists (uid $uid)" test -n "$uid" -a "${uid:-1000}" -lt 1000
check "its group exists (gid $gid)" test -n "$gid"
check "it cannot log in (shell $(field passwd $user 7))" test "$(field passwd $user 7)" = /usr/sbin/nologin
check "its password is locked" bash -c '[[ $(awk -F: -v n="$1" "\$1 == n { print \$2 }" "$2") == "!"* ]]' _ $user "$root/etc/shadow"
check "its home is /var/lib/$user" test "$(field passwd $user 6)" = /var/lib/$user
check "/var/lib/$user belongs to it, mode 0700" \
  test "$(stat -c '%u %g %a' "$root/var/lib/$user" 2>/dev/null)" = "$uid $gid 700"
check "the service starts at boot (multi-user.target wants it)" \
  test "$(readlink "$root/etc/systemd/system/multi-user.target.wants/chairsync-practice-server.service")" = \
  /lib/systemd/system/chairsync-practice-server.service
check "the kiosk session does not, until chairsync-kiosk-setup enables it" \
  test ! -e "$root/etc/systemd/system/multi-user.target.wants/chairsync-kiosk.service"

# The shipped settings name real options: the server reads them and gets as far
# as the certificate, which is missing here (paths pointed into the scratch folder).
sed -e "s|/var/lib/chairsync-practice-server|$work/state|" -e "s|/etc/chairsync/tls|$work/tls|" \
  -e 's|^listen = .*|listen = "127.0.0.1:0"|' "$root/etc/chairsync/practice-server.conf" >"$work/server.conf"
set +e
timeout 60 "$root/usr/bin/chairsync-practice-server" --config "$work/server.conf" >"$work/server.out" 2>"$work/server.err"
rc=$?
set -e
check "the shipped settings are read: the server stops at the missing certificate $work/tls/practice-server.crt" \
  bash -c '[ "$1" = 1 ] && grep -q "TLS certificate or key could not be loaded" "$2" && grep -q "$3/tls/practice-server.crt" "$2"' \
  _ "$rc" "$work/server.err" "$work"
[ "$rc" = 1 ] || cat "$work/server.err"

# systemd-analyze verify needs the units systemd ships and the programs the
# units start: this machine's units, and hard links to the installed programs.
vroot=$work/verify-root
mkdir -p "$vroot/lib/systemd" "$vroot/usr/bin"
cp -a /lib/systemd/system "$vroot/lib/systemd/"
cp "$root"/lib/systemd/system/chairsync-*.service "$vroot/lib/systemd/system/"
ln "$root/usr/bin/chairsync-practice-server" "$root/usr/bin/chairsync" "$vroot/usr/bin/"
verify() {
  MANPATH="$root/usr/share/man" systemd-analyze verify --root="$vroot" "$vroot/lib/systemd/system/$1" >"$work/verify.log" 2>&1
  local rc=$?
  cat "$work/verify.log"
  [ $rc = 0 ] && [ ! -s "$work/verify.log" ]
}
check "systemd-analyze verify: chairsync-practice-server.service is clean" verify chairsync-practice-server.service
if command -v cage >/dev/null 2>&1; then
  cp "$(command -v cage)" "$vroot/usr/bin/cage"
  check "systemd-analyze verify: chairsync-kiosk.service is clean" verify chairsync-kiosk.service
else
  echo "note: cage is not installed here (./dev test installs it), so chairsync-kiosk.service is not verified"
fi
# The sandbox's rating (docs/packaging.md quotes it): above 2.0 fails.
check "systemd-analyze security: the server's exposure is at most 2.0" bash -c '
  systemd-analyze security --offline=yes --root="$1" --threshold=20 chairsync-practice-server.service >"$2" 2>&1
  rc=$?; grep "Overall exposure" "$2"; exit $rc' _ "$vroot" "$work/security.log"
rm -rf "$vroot"

echo "== the kiosk session: chairsync-kiosk-setup"
kiosk_setup() { DPKG_ROOT="$root" "$root/usr/sbin/chairsync-kiosk-setup" "$@"; }
kiosk_link=$root/etc/systemd/system/multi-user.target.wants/chairsync-kiosk.service
check "enable" kiosk_setup enable
check "it made the system user chairsync-kiosk, home /var/lib/chairsync-kiosk" \
  test "$(field passwd chairsync-kiosk 6)" = /var/lib/chairsync-kiosk
check "the kiosk session starts at boot" test -L "$kiosk_link"
check "status says so" bash -c 'DPKG_ROOT="$1" "$1/usr/sbin/chairsync-kiosk-setup" status | grep -q "starts at boot: yes"' _ "$root"
check "disable" kiosk_setup disable
check "the kiosk session no longer starts at boot" test ! -e "$kiosk_link"
set +e
usage=$(kiosk_setup sideways 2>&1)
rc=$?
set -e
check "a wrong command is refused with its usage (exit 2)" test "$rc" = 2 -a -n "$(grep Usage <<<"$usage")"
kiosk_setup enable >/dev/null  # removal must undo it

echo "== remove: the programs go, the settings and the practice's data stay"
echo "data" >"$root/var/lib/$user/practice.sqlite"
dpkg_root --remove chairsync chairsync-practice-server >"$work/remove.log" 2>&1 || { cat "$work/remove.log"; fail "dpkg --remove"; }
for p in chairsync chairsync-practice-server; do
  check "$p: only its configuration is left" test "$(status_of "$p")" = "deinstall ok config-files"
done
check "the programs are gone" test ! -e "$root/usr/bin/chairsync" -a ! -e "$root/usr/bin/chairsync-practice-server"
check "the settings stay" test -f "$root/etc/chairsync/practice-server.conf" -a -f "$root/etc/chairsync/config.json"
check "the practice's data stays" test -f "$root/var/lib/$user/practice.sqlite"

echo "== purge: nothing is left but the system users (Debian keeps those)"
dpkg_root --purge chairsync chairsync-practice-server >"$work/purge.log" 2>&1 || { cat "$work/purge.log"; fail "dpkg --purge"; }
for p in chairsync chairsync-practice-server; do
  check "$p is gone from dpkg's database" test -z "$(status_of "$p")"
done
check "the users stay: $user, chairsync-kiosk" test -n "$(field passwd $user 1)" -a -n "$(field passwd chairsync-kiosk 1)"
left=$(cd "$root" && find . -mindepth 1 \( -path ./var/lib/dpkg -o -path ./etc/passwd -o -path ./etc/passwd- \
  -o -path ./etc/group -o -path ./etc/group- -o -path ./etc/shadow -o -path ./etc/shadow- -o -path ./etc/gshadow \
  -o -path ./etc/gshadow- -o -path ./etc/.pwd.lock \) -prune -o ! -type d -print | sort)
check "no file is left${left:+: $(echo $left)}" test -z "$left"
left_dirs=$(cd "$root" && find . -mindepth 1 -type d -path '*chairsync*' | sort)
check "no folder of ours is left${left_dirs:+: $(echo $left_dirs)}" test -z "$left_dirs"

check "this machine's users, /etc/systemd, /etc/pam.d and /etc/chairsync are unchanged" test "$(host_state)" = "$host_before"

if [ "$failures" != 0 ]; then
  echo "$failures check(s) failed"
  exit 1
fi
echo "every check passed"
