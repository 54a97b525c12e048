# Shared helpers for the scripts in this directory. Source it; don't run it.

# ensure_packages installs the Debian packages that are missing, with sudo
# when not root (after saying so), and does nothing when all are present.
ensure_packages() {
	local missing=()
	for p in "$@"; do
		if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
			missing+=("$p")
		fi
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	local sudo=()
	if [ "$(id -u)" -ne 0 ]; then
		echo "weld: installing ${missing[*]} with sudo (needed by the tests and the example)" >&2
		sudo=(sudo)
	else
		echo "weld: installing ${missing[*]}" >&2
	fi
	export DEBIAN_FRONTEND=noninteractive
	"${sudo[@]}" apt-get update -qq
	"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# The Debian packages that the example and the tests need: a C toolchain
# and cairo for the example; cross compilers, qemu-user and wine to build
# and run cross targets; dpkg-dev for packages, lintian and systemd
# (systemd-analyze) to check them and adduser for their maintainer
# scripts; nix-bin for flake checks; osslsigncode and openssl to
# Authenticode-sign Windows executables; chromium to drive weld serve's
# page in the tests (chromedp).
WELD_PACKAGES=(gcc g++ libc6-dev pkg-config libcairo2-dev
	gcc-aarch64-linux-gnu g++-aarch64-linux-gnu libc6-dev-arm64-cross
	gcc-arm-linux-gnueabihf g++-arm-linux-gnueabihf libc6-dev-armhf-cross
	gcc-mingw-w64-x86-64 g++-mingw-w64-x86-64 libz-mingw-w64-dev
	qemu-user wine wine64 dpkg-dev lintian systemd adduser file binutils xz-utils unzip zlib1g-dev nix-bin
	skopeo umoci docker-registry runc osslsigncode openssl chromium)
