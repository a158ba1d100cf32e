/* The unit names a udev device's properties give it (systemd.device(5),
 * "The udev database"), apart from libudev so that they are tested on
 * their own. Both split the property into words as systemd does (quotes
 * removed), log each word they cannot use with the device's sysfs path,
 * go on with the rest, and append what they make to *names. 0 or -ENOMEM. */
#pragma once

/* SYSTEMD_ALIAS=: absolute paths, each naming one more ".device" unit of
 * the device (/sys/subsystem/net/devices/eth0 ->
 * sys-subsystem-net-devices-eth0.device). */
int device_alias_units(const char *syspath, const char *alias, char ***names);

/* SYSTEMD_WANTS=: units the device wants. A template gets the escaped
 * sysfs path as its instance (foo@.service ->
 * foo@sys-devices-....service); anything else is mangled as systemctl
 * mangles a name (bluetooth.target stays, "foo" is foo.service). */
int device_wants_units(const char *syspath, const char *wants, char ***names);
