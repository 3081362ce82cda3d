# shellcheck shell=bash
# tests/e2e/proxy/lib.sh: helpers for running dance-proxy in front of an
# NSD primary on loopback (sourced by tests/e2e/proxy/run and
# tests/bench/proxy-bench, after tests/e2e/module/lib.sh).
#
# Every server started here has a pidfile under its own directory; the
# stop functions stop exactly that process.

# A TSIG secret (base64 of 32 random bytes).
px_tsig_secret() {
	head -c 32 /dev/urandom | base64
}

# Writes DIR/nsd.conf for an NSD on 127.0.0.1@PORT serving the zone files
# DIR/<zone>.zone of ZONES (space separated) to the TSIG key proxy-key
# (SECRET) only, keeping IXFR differences of zone file changes. With
# NOTIFY-ZONE and NOTIFY-TARGET (ADDR@PORT) that zone's changes are
# notified to the target (unsigned).
px_nsd_conf() {
	local dir=$1 port=$2 secret=$3 zones=$4 nzone=${5:-} ntarget=${6:-}
	{
		cat <<-EOF
			server:
			    ip-address: 127.0.0.1@$port
			    port: $port
			    username: ""
			    chroot: ""
			    zonesdir: "$dir"
			    pidfile: "$dir/nsd.pid"
			    xfrdfile: "$dir/xfrd.state"
			    zonelistfile: "$dir/zone.list"
			    logfile: "$dir/nsd.log"
			    verbosity: 2
			    tcp-count: 1200
			    server-count: 1
			remote-control:
			    control-enable: yes
			    control-interface: "$dir/nsd.ctl"
			key:
			    name: proxy-key
			    algorithm: hmac-sha256
			    secret: "$secret"
		EOF
		for z in $zones; do
			cat <<-EOF
				zone:
				    name: "$z"
				    zonefile: "$z.zone"
				    provide-xfr: 127.0.0.1 proxy-key
				    store-ixfr: yes
				    create-ixfr: yes
			EOF
			if [ "$z" = "$nzone" ]; then
				echo "    notify: $ntarget NOKEY"
			fi
		done
	} >"$dir/nsd.conf"
}

# Starts NSD with DIR/nsd.conf and waits (bounded) until it answers SOA
# for ZONE on PORT.
px_start_nsd() {
	local dir=$1 port=$2 zone=$3
	nsd -c "$dir/nsd.conf" 2>>"$dir/nsd.log" || return 1
	mt_wait_serial "$port" "$zone" "$(px_file_serial "$dir/$zone.zone")" 30
}

# The serial in the SOA line of a zone file written by mt_zone.
px_file_serial() {
	awk '$2 == "SOA" { print $5; exit }' "$1"
}

# Reloads NSD's zone files after a change (nsd-control over the unix
# control socket).
px_nsd_reload() {
	nsd-control -c "$1/nsd.conf" reload >/dev/null
}

px_stop_nsd() {
	mt_stop_pidfile "$1/nsd.pid"
}

# The resolver section of a proxy config for the test DNS whose env file
# has been sourced.
px_resolver_section() {
	echo "resolver:"
	echo "    mode: stub"
	echo "    server: $DNS_ADDR@$DNS_PORT"
	echo "    trust-anchor-file: $TRUST_ANCHOR"
	for z in $STUB_ZONES; do
		echo "    stub-zone: $z"
	done
}

# Starts PROXY with CONF in the background, its stderr in LOG, its pid in
# PIDFILE; waits (bounded, 10 s) for "listening on 127.0.0.1@PORT".
# Environment for the proxy may be given as NAME=VALUE words after PORT.
px_start_proxy() {
	local proxy=$1 conf=$2 log=$3 pidfile=$4 port=$5
	shift 5
	env "$@" "$proxy" -c "$conf" >>"$log" 2>&1 &
	echo $! >"$pidfile"
	for _ in $(seq 1 100); do
		grep -q "dance-proxy: notice: listening on 127.0.0.1@$port" "$log" && return 0
		kill -0 "$(cat "$pidfile")" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

# The proxy's counters as one JSON object, from its stats endpoint.
px_stats() {
	local port=$1 out
	exec 7<>"/dev/tcp/127.0.0.1/$port" || return 1
	out=$(timeout 5 cat <&7)
	exec 7<&-
	echo "$out"
}

# One counter (jq path below the top object, e.g. backend_queries or
# decisions["unknown-key"]); 0 when absent.
px_stat() {
	px_stats "$1" | jq -r ".$2 // 0"
}

# Resident and peak memory (KiB) of PID: "VmRSS VmHWM".
px_mem() {
	awk '/^VmRSS:/ { r = $2 } /^VmHWM:/ { h = $2 } END { print r, h }' \
		"/proc/$1/status"
}

