# shellcheck shell=bash
# tests/e2e/module/lib.sh: helpers for running knotd with mod-dance on
# loopback (sourced by tests/e2e/module/run and scripts/demo).
#
# Every server started here is a knotd daemon with a pidfile under its own
# directory; mt_stop_knotd stops exactly that process.

# A free port on 127.0.0.1 (TCP and UDP), picked at random.
mt_free_port() {
	local port
	for _ in $(seq 1 100); do
		port=$((20000 + RANDOM % 40000))
		if ! ss -Htaun 2>/dev/null | awk '{print $5}' | grep -q ":$port\$"; then
			echo "$port"
			return 0
		fi
	done
	echo "no free port found" >&2
	return 1
}

# Key and self-signed server certificate DIR/BASE.{key,pem} for NAME.
mt_server_cert() {
	local dir=$1 base=$2 name=$3
	certtool --generate-privkey --key-type ecdsa --curve secp256r1 \
		--outfile "$dir/$base.key" >/dev/null 2>&1 || return 1
	printf 'cn = "%s"\ndns_name = "%s"\ntls_www_server\nsigning_key\nexpiration_days = 30\n' \
		"$name" "$name" >"$dir/$base.tmpl"
	certtool --generate-self-signed --load-privkey "$dir/$base.key" \
		--template "$dir/$base.tmpl" --outfile "$dir/$base.pem" >/dev/null 2>&1
}

# The validator items of a mod-dance section for the test DNS whose env
# file has been sourced (stub resolution of the dance.test zones).
mt_resolver_items() {
	local zones
	zones=${STUB_ZONES// /, }
	cat <<-EOF
		    trust-anchor-file: $TRUST_ANCHOR
		    resolver-mode: stub
		    resolver: $DNS_ADDR@$DNS_PORT
		    stub-zone: [ $zones ]
	EOF
}

# Writes a zone file: mt_zone FILE ORIGIN SERIAL [EXTRA-LINE...].
mt_zone() {
	local file=$1 origin=$2 serial=$3
	shift 3
	{
		echo "\$ORIGIN $origin."
		echo "\$TTL 300"
		echo "@ SOA ns1.$origin. hostmaster.$origin. $serial 3600 600 86400 30"
		echo "ns1 A 127.0.0.1"
		for line in "$@"; do
			echo "$line"
		done
	} >"$file"
}

# Starts knotd with CONF (pidfile DIR/knotd.pid, control DIR/knot.sock)
# and waits until it answers on its control socket. Words after LOG run
# knotd under a wrapper (e.g. valgrind).
mt_start_knotd() {
	local conf=$1 dir=$2 log=$3
	shift 3
	"$@" knotd -d -c "$conf" 2>>"$log" || return 1
	for _ in $(seq 1 300); do
		if knotc -c "$conf" -t 1 status >/dev/null 2>&1; then
			return 0
		fi
		sleep 0.1
	done
	echo "knotd ($conf) does not answer on its control socket" >&2
	return 1
}

# Stops the process whose pid is in PIDFILE (idempotent, bounded: 5 s,
# then SIGKILL) and removes PIDFILE.
mt_stop_pidfile() {
	local pidfile=$1 pid
	[ -f "$pidfile" ] || return 0
	pid=$(cat "$pidfile" 2>/dev/null || true)
	if [ -n "$pid" ] && kill "$pid" 2>/dev/null; then
		for _ in $(seq 1 100); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.05
		done
		kill -9 "$pid" 2>/dev/null || true
	fi
	rm -f "$pidfile"
}

# Stops the knotd whose pidfile is given (idempotent).
mt_stop_knotd() {
	mt_stop_pidfile "$1"
}

# The SOA serial a server on PORT serves for ZONE ("" if none).
mt_serial() {
	kdig @127.0.0.1 -p "$1" +short +timeout=1 +retry=0 SOA "$2" 2>/dev/null |
		awk '{print $3}'
}

# Waits up to SECONDS until the server on PORT serves ZONE at SERIAL.
mt_wait_serial() {
	local port=$1 zone=$2 serial=$3 seconds=$4
	for _ in $(seq 1 $((seconds * 5))); do
		[ "$(mt_serial "$port" "$zone")" = "$serial" ] && return 0
		sleep 0.2
	done
	return 1
}

# AXFR of ZONE from 127.0.0.1 by WHO: "tcp" (plain TCP to TCP_PORT), "none"
# (TLS, no client certificate) or a key base name in KEYS (TLS with
# KEYS/WHO.pem and KEYS/WHO.key). Leaves kdig's output in OUT and prints
# "transferred", "refused" (NOTAUTH) or "failed".
mt_axfr() {
	local zone=$1 who=$2 tcp_port=$3 tls_port=$4 keys=$5 out=$6
	local args=()
	case "$who" in
	tcp) args=(-p "$tcp_port" +tcp) ;;
	none) args=(-p "$tls_port" +tls) ;;
	*) args=(-p "$tls_port" +tls "+tls-certfile=$keys/$who.pem"
		"+tls-keyfile=$keys/$who.key") ;;
	esac
	kdig @127.0.0.1 "${args[@]}" +timeout=5 +retry=0 AXFR "$zone" >"$out" 2>&1
	if grep -q "error 'NOTAUTH'" "$out"; then
		echo refused
	elif grep -q 'messages, [0-9]* records' "$out" && ! grep -q ERROR "$out"; then
		echo transferred
	else
		echo failed
	fi
}

# Key and self-signed client certificate DIR/BASE.{key,pem}, with NAME as
# its SAN dNSName (none when NAME is empty).
mt_client_cert() {
	local dir=$1 base=$2 name=$3
	certtool --generate-privkey --key-type ecdsa --curve secp256r1 \
		--outfile "$dir/$base.key" >/dev/null 2>&1 || return 1
	{
		echo "cn = \"${name:-nameless client}\""
		[ -n "$name" ] && echo "dns_name = \"$name\""
		printf 'tls_www_client\nsigning_key\nexpiration_days = 30\n'
	} >"$dir/$base.tmpl"
	certtool --generate-self-signed --load-privkey "$dir/$base.key" \
		--template "$dir/$base.tmpl" --outfile "$dir/$base.pem" >/dev/null 2>&1
}
