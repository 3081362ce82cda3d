# Shared settings of the scripts (sourced, not run).
#
# DANCE_SUITE picks the Debian suite of the build and test environment:
# trixie (Debian 13, Knot 3.4, NSD 4.12; the default) or forky (Debian
# testing, Knot 3.5, NSD 4.15). Each suite has its own cached root
# (DANCE_ROOT, default /var/cache/dance-xot/<suite>) and, for forky, its
# own build directory (DANCE_BUILD, default build-forky/).
DANCE_SUITE=${DANCE_SUITE:-trixie}
case "$DANCE_SUITE" in
trixie | forky) ;;
*)
	echo "DANCE_SUITE must be trixie or forky, not '$DANCE_SUITE'" >&2
	exit 2
	;;
esac
DANCE_ROOT=${DANCE_ROOT:-/var/cache/dance-xot/$DANCE_SUITE}
export DANCE_SUITE DANCE_ROOT
if [ "$DANCE_SUITE" != trixie ] && [ -z "${DANCE_BUILD:-}" ]; then
	DANCE_BUILD=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/build-$DANCE_SUITE
	export DANCE_BUILD
fi

# True when this host itself runs the chosen suite (build natively, no
# root): Debian 13 for trixie, Debian testing for forky.
dance_native() {
	[ "${DANCE_NATIVE:-}" = 1 ] && return 0
	[ "${DANCE_NATIVE:-}" = 0 ] && return 1
	[ -r /etc/os-release ] || return 1
	local id codename
	# shellcheck disable=SC1091
	id=$(. /etc/os-release && echo "${ID:-}")
	# shellcheck disable=SC1091
	codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
	[ "$id" = debian ] && [ "$codename" = "$DANCE_SUITE" ]
}

# True when already running inside the build environment.
dance_inside() {
	[ -f /.dance-packages.sha256 ] || dance_native
}

# The packages of the suite, one line: scripts/packages.txt without
# comments; a line "NAME [SUITE]" belongs to that suite only.
dance_packages() {
	local file
	file=$(dirname "${BASH_SOURCE[0]}")/packages.txt
	awk -v suite="$DANCE_SUITE" '
		/^#/ || NF == 0 { next }
		NF == 1 { print $1; next }
		$2 == "[" suite "]" { print $1 }
	' "$file" | tr '\n' ' '
}
