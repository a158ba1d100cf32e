#!/bin/bash
# Builds a reproducible corpus of real Debian 12 unit files for the
# "load everything" test and the load benchmark.
#
#   test/corpus/fetch.sh [CACHE]      (CACHE defaults to test/corpus-cache)
#
# Downloads (never installs) a fixed list of packages that ship systemd
# units with `apt-get download`, extracts each with `dpkg-deb -x` into
# CACHE/root/PKG (removed at the end), then merges every unit folder
# (etc/systemd/system, usr/lib/systemd/system, lib/systemd/system) into
# CACHE/units, one search folder as weft would see it. Earlier packages win: a later file of the same
# name never overwrites one already there. Symlinks (aliases, masks, .wants/
# entries) and drop-in .d folders are kept as they are.
#
# Idempotent: when CACHE/units/.complete exists nothing is done; downloaded
# .debs are kept in CACHE/debs, so a rerun after a failure fetches only what is
# missing; concurrent runs wait on CACHE/.lock. CACHE/units/.complete lists
# the package versions used. Must run as root on Debian 12; needs only apt,
# dpkg and util-linux.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
cache=${1:-$here/../corpus-cache}
mkdir -p "$cache"
cache=$(cd "$cache" && pwd)
units=$cache/units

# Each name was checked with `apt-cache policy` (it has a candidate) on
# bookworm main. Order matters:
# the first package to ship a path owns it.
packages=(
        # Base system first: systemd's own units win every name clash.
        systemd systemd-timesyncd systemd-resolved systemd-container
        systemd-homed systemd-oomd systemd-journal-remote systemd-boot
        udev dbus openssh-server cron anacron rsyslog logrotate man-db
        apt dpkg util-linux e2fsprogs plymouth nginx-common apache2
        lighttpd haproxy varnish squid php8.2-fpm uwsgi-core tomcat10
        jetty9 postgresql-common mariadb-server redis-server memcached
        slapd network-manager wpasupplicant modemmanager ifupdown
        avahi-daemon chrony ntpsec openvpn strongswan-starter
        wireguard-tools nftables iptables-persistent firewalld ufw
        fail2ban bind9 unbound knot tor cups-daemon cups-browsed bluez
        colord rtkit pulseaudio speech-dispatcher geoclue-2.0 gdm3
        lightdm sddm accountsservice polkitd upower udisks2 fwupd
        packagekit flatpak docker.io containerd podman lxc lxcfs
        libvirt-daemon-system qemu-guest-agent lvm2 mdadm nfs-common
        nfs-kernel-server rpcbind autofs open-iscsi multipath-tools
        smartmontools lm-sensors irqbalance haveged rng-tools5 thermald
        tlp sysstat auditd apparmor unattended-upgrades exim4-base
        postfix dovecot-core opendkim spamd clamav-daemon
        clamav-freshclam samba winbind sssd-common nscd vsftpd corosync
        pacemaker keepalived snmpd prometheus-node-exporter ipmitool
        mosquitto rabbitmq-server influxdb
        # Most Debian packages ship one to three units, so reaching 1,000
        # files takes a few hundred of them (each checked to ship a unit).
        389-ds-base acpid amavisd-new approx apt-cacher-ng at atop
        bacula-fd bacula-sd bird2 bolt borgmatic brltty
        btrfsmaintenance caddy ceilometer-agent-compute ceph-base
        ceph-common ceph-fuse ceph-mds ceph-mgr ceph-mon ceph-osd
        certbot certmonger cfengine3 cinder-volume clevis-systemd
        cloud-init cockpit-ws collectd-core connman console-setup-linux
        corosync-qdevice corosync-qnetd coturn ctdb dbus-broker deluged
        dnsdist dnsmasq drbd-utils dropbear earlyoom etckeeper exabgp
        fake-hwclock fancontrol fastd ferm fprintd
        freeipmi-bmc-watchdog freeipmi-ipmidetect freeipmi-ipmiseld
        freeradius frr gerbera glance-api glusterfs-server gpm gpsd
        greetd h2o heat-api hitch hostapd hyperv-daemons i2pd
        iio-sensor-proxy incron inspircd ipp-usb iwd jitterentropy-rngd
        kdump-tools kea-ctrl-agent kea-dhcp-ddns-server
        kea-dhcp4-server kea-dhcp6-server kexec-tools keystone
        knot-resolver krb5-admin-server krb5-kdc krb5-kpropd linuxptp
        lldpad lldpd lvm2-lockd mailman3 mandos minidlna miniupnpd
        motion mpd munin-node nagios-nrpe-server nbd-client ndctl
        netfilter-persistent networkd-dispatcher nfs-ganesha ngircd
        nodm nova-api nova-compute nova-conductor nova-scheduler nsd
        nullmailer numad nut-client nut-server nvme-cli ocserv oddjob
        ofono open-vm-tools openafs-client opendmarc openhpid openntpd
        opensmtpd opensnitch openvswitch-switch ovn-central ovn-host
        patroni pcp pcs pdns-recursor pdns-server pgbouncer pgpool2
        plocate postgrey power-profiles-daemon pptpd privoxy
        prometheus-blackbox-exporter prometheus-mysqld-exporter
        prometheus-node-exporter-collectors
        prometheus-postgres-exporter prometheus-pushgateway
        prometheus-snmp-exporter prosody puppet-agent puppetserver
        quota radosgw radvd rasdaemon rbd-mirror realmd redis-sentinel
        resource-agents rspamd sanlock shairport-sync shorewall
        shorewall6 slurmctld slurmd slurmdbd smokeping snapclient snapd
        snapper snapserver sogo sshguard sslh stubby supervisor
        swift-account swift-container swift-object swift-proxy
        switcheroo-control sympa syslog-ng-core systemd-bootchart
        systemd-coredump systemd-cron systemd-userdbd
        systemd-zram-generator tang tgt tigervnc-standalone-server tinc
        tinyproxy tinysshd tpm2-abrmd trafficserver transmission-daemon
        tuned unscd usbguard uuid-runtime uwsgi-emperor vnstat waagent
        watchdog wsdd xrdp zabbix-agent zram-tools
        # OpenStack services: one small unit each.
        aodh-api aodh-evaluator aodh-listener aodh-notifier
        barbican-api barbican-keystone-listener barbican-worker
        ceilometer-agent-central ceilometer-agent-notification
        cinder-api cinder-backup cinder-scheduler cloudkitty-api
        cloudkitty-processor designate-api designate-central
        designate-mdns designate-producer designate-worker gnocchi-api
        gnocchi-metricd heat-api-cfn heat-engine ironic-api
        ironic-conductor magnum-api magnum-conductor manila-api
        manila-scheduler manila-share mistral-api mistral-engine
        mistral-executor neutron-api neutron-dhcp-agent
        neutron-l3-agent neutron-linuxbridge-agent
        neutron-metadata-agent neutron-metering-agent
        neutron-openvswitch-agent neutron-rpc-server octavia-api
        octavia-health-manager octavia-housekeeping octavia-worker
        placement-api senlin-api senlin-engine trove-api watcher-api
        watcher-applier watcher-decision-engine zaqar-server
)
unit_dirs=(etc/systemd/system usr/lib/systemd/system lib/systemd/system)

count_units() {
        find "$units" -mindepth 1 \( -type f -o -type l \) ! -name .complete | wc -l
}

if [ -e "$units/.complete" ]; then
        echo "corpus: $(count_units) unit files in $units (cached)"
        exit 0
fi

# Tests may call this at the same moment; one builds, the others wait.
exec 9>"$cache/.lock"
timeout 1200 flock 9
if [ -e "$units/.complete" ]; then
        echo "corpus: $(count_units) unit files in $units (cached)"
        exit 0
fi

# Run as root, apt would drop to _apt and warn that it cannot write here.
apt_opts=(-q -o APT::Sandbox::User=root)

# A fresh machine may have no package lists yet.
if ! apt-cache show --no-all-versions systemd >/dev/null 2>&1; then
        timeout 300 apt-get "${apt_opts[@]}" update
fi

mkdir -p "$cache/debs"
cd "$cache/debs"
missing=()
for p in "${packages[@]}"; do
        compgen -G "${p}_*.deb" >/dev/null || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
        echo "corpus: downloading ${#missing[@]} packages into $cache/debs"
        # One call is fast; if it fails (a package gone from the mirror),
        # fetch one by one so a single missing name costs only its units.
        if ! timeout 900 apt-get "${apt_opts[@]}" download "${missing[@]}" >/dev/null; then
                for p in "${missing[@]}"; do
                        timeout 300 apt-get "${apt_opts[@]}" download "$p" >/dev/null ||
                                echo "corpus: warning: cannot download $p, skipping" >&2
                done
        fi
fi

rm -rf "$cache/root" "$units.tmp"
mkdir -p "$cache/root" "$units.tmp"
: >"$units.tmp/.complete"
for p in "${packages[@]}"; do
        deb=$(compgen -G "${p}_*.deb" | sort -V | tail -n 1) || continue
        dpkg-deb -x "$deb" "$cache/root/$p"
        echo "$(basename "$deb" .deb)" >>"$units.tmp/.complete"
        for d in "${unit_dirs[@]}"; do
                src=$cache/root/$p/$d
                # -n: never replace what an earlier package put there.
                if [ -d "$src" ]; then
                        cp -a -n "$src/." "$units.tmp/"
                fi
        done
done
rm -rf "$units"
mv "$units.tmp" "$units"
# The extracted trees are over a gigabyte; only the units are needed.
rm -rf "$cache/root"
echo "corpus: $(count_units) unit files in $units" \
     "($(find "$units" -type l | wc -l) symlinks," \
     "$(find "$units" -path '*.d/*' -name '*.conf' | wc -l) drop-ins)"
