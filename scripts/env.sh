# Shared settings of the scripts (sourced, not run).
DANCE_ROOT=${DANCE_ROOT:-/var/cache/dance-xot/trixie}
export DANCE_ROOT

# True when this host is Debian 13 or later (build natively, no root).
dance_native() {
	[ "${DANCE_NATIVE:-}" = 1 ] && return 0
	[ "${DANCE_NATIVE:-}" = 0 ] && return 1
	[ -r /etc/os-release ] || return 1
	# shellcheck disable=SC1091
	local id version
	id=$(. /etc/os-release && echo "${ID:-}")
	version=$(. /etc/os-release && echo "${VERSION_ID:-0}")
	[ "$id" = debian ] && [ "${version%%.*}" -ge 13 ] 2>/dev/null
}

# True when already running inside the build environment.
dance_inside() {
	[ -f /.dance-packages.sha256 ] || dance_native
}
