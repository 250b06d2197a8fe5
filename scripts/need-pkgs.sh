#!/usr/bin/env bash
# need-pkgs.sh PKG... — make sure the named Debian packages are installed.
# Quick and silent when everything is there (one dpkg-query call). Otherwise it installs
# the missing ones with apt-get (as root, or through sudo), and if neither is possible it
# names the missing packages and exits 1.
set -u
missing=()
for p in "$@"; do
  st=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null)
  case "$st" in ii*) ;; *) missing+=("$p") ;; esac
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "tezgah: eksik paketler kuruluyor / installing missing packages: ${missing[*]}" >&2
if [ "$(id -u)" -eq 0 ]; then
  SUDO=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  SUDO=(sudo -n)
else
  cat >&2 <<MSG
tezgah: bu paketler eksik ve kurulamadı (root değilsiniz, parolasız sudo yok):
tezgah: these packages are missing and could not be installed (not root, no password-less sudo):
    ${missing[*]}
Şunu çalıştırın / Run:  sudo apt-get install ${missing[*]}
MSG
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# The package lists may be empty on a fresh machine: update once, quietly.
if ! "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/tmp/tezgah-apt.log 2>&1; then
  "${SUDO[@]}" apt-get update -qq >>/tmp/tezgah-apt.log 2>&1
  if ! "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >>/tmp/tezgah-apt.log 2>&1; then
    echo "tezgah: apt-get kurulumu başarısız / apt-get install failed: ${missing[*]} (see /tmp/tezgah-apt.log)" >&2
    tail -n 5 /tmp/tezgah-apt.log >&2
    exit 1
  fi
fi
exit 0
