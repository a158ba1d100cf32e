/* The conditions on the manager's own process and the system's setup:
 * Environment, User, Group, Security, Capability, FirstBoot, NeedsUpdate,
 * Credential, Null. Called through the table in condition.c. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <linux/netlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "core/condition_internal.h"
#include "base/macro.h"
#include "parse/value.h"

#define SYSTEM_UID_MAX 999

int condition_test_environment(const char *param, const struct condition_env *env)
{
        const char *eq = strchr(param, '=');
        if (!eq)
                return condition_env_get(env, param) != NULL;
        char key[256];
        if ((size_t) (eq - param) >= sizeof key)
                return 0;
        memcpy(key, param, eq - param);
        key[eq - param] = 0;
        const char *v = condition_env_get(env, key);
        return v && strcmp(v, eq + 1) == 0;
}

/* The id of name in a passwd/group style file (third field), or -ENOENT. */
static int lookup_id(const struct condition_env *env, const char *file, const char *name, unsigned *ret)
{
        char *text = NULL;
        int r = condition_read_root_file(env, file, &text);
        if (r < 0)
                return r;
        size_t n = strlen(name);
        r = -ENOENT;
        for (char *line = text; line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
                unsigned id;
                if (strncmp(line, name, n) == 0 && line[n] == ':' &&
                    sscanf(line + n + 1, "%*[^:]:%u", &id) == 1) {
                        *ret = id;
                        r = 0;
                        break;
                }
        }
        free(text);
        return r;
}

static int resolve_id(const struct condition_env *env, const char *file, const char *param, unsigned *ret)
{
        if (parse_unsigned(param, ret) == 0)
                return 0;
        if (strcmp(param, "root") == 0) {
                *ret = 0;
                return 0;
        }
        return lookup_id(env, file, param, ret);
}

int condition_test_user(const char *param, const struct condition_env *env)
{
        uid_t uid = getuid(), euid = geteuid();
        unsigned want;
        if (strcmp(param, "@system") == 0)
                return uid <= SYSTEM_UID_MAX || euid <= SYSTEM_UID_MAX;
        if (resolve_id(env, "/etc/passwd", param, &want) < 0)
                return 0; /* an unknown user is not us */
        return uid == want || euid == want;
}

int condition_test_group(const char *param, const struct condition_env *env)
{
        unsigned want;
        gid_t groups[256];
        if (resolve_id(env, "/etc/group", param, &want) < 0)
                return 0;
        if (getgid() == want || getegid() == want)
                return 1;
        int n = getgroups(ELEMENTSOF(groups), groups);
        for (int i = 0; i < n; i++)
                if (groups[i] == want)
                        return 1;
        return 0;
}

static bool audit_available(void)
{
        int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_AUDIT);
        if (fd < 0)
                return false;
        close(fd);
        return true;
}

static bool secure_boot_enabled(const struct condition_env *env)
{
        char path[PATH_MAX];
        unsigned char data[5];
        if (condition_root_path(env, "/sys/firmware/efi/efivars/SecureBoot-8be4df61-93ca-11d2-aa0d-00e098032b8c", path,
                      sizeof path) < 0)
                return false;
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return false;
        /* 4 bytes of attributes, then the one-byte value. */
        ssize_t n = read(fd, data, sizeof data);
        close(fd);
        return n == (ssize_t) sizeof data && data[4] == 1;
}

static bool dir_has_entries(const struct condition_env *env, const char *path)
{
        return condition_test_directory_not_empty(path, env) > 0;
}

int condition_test_security(const char *param, const struct condition_env *env)
{
        char line[16];
        if (strcmp(param, "selinux") == 0)
                return condition_root_exists(env, "/sys/fs/selinux/enforce");
        if (strcmp(param, "apparmor") == 0)
                return condition_read_line(env, "/sys/module/apparmor/parameters/enabled", line, sizeof line) == 0 &&
                       line[0] == 'Y';
        if (strcmp(param, "smack") == 0)
                return condition_root_exists(env, "/sys/fs/smackfs");
        if (strcmp(param, "ima") == 0)
                return condition_root_exists(env, "/sys/kernel/security/ima");
        if (strcmp(param, "tomoyo") == 0)
                return condition_root_exists(env, "/sys/kernel/security/tomoyo");
        if (strcmp(param, "audit") == 0)
                return audit_available();
        if (strcmp(param, "uefi-secureboot") == 0)
                return secure_boot_enabled(env);
        if (strcmp(param, "tpm2") == 0)
                return dir_has_entries(env, "/sys/class/tpmrm");
        return 0; /* an unknown framework is not enabled */
}

/* Indexed by capability number. */
static const char *const capability_names[] = {
        "chown", "dac_override", "dac_read_search", "fowner", "fsetid", "kill", "setgid",
        "setuid", "setpcap", "linux_immutable", "net_bind_service", "net_broadcast",
        "net_admin", "net_raw", "ipc_lock", "ipc_owner", "sys_module", "sys_rawio",
        "sys_chroot", "sys_ptrace", "sys_pacct", "sys_admin", "sys_boot", "sys_nice",
        "sys_resource", "sys_time", "sys_tty_config", "mknod", "lease", "audit_write",
        "audit_control", "setfcap", "mac_override", "mac_admin", "syslog", "wake_alarm",
        "block_suspend", "audit_read", "perfmon", "bpf", "checkpoint_restore",
};

static int capability_from_name(const char *s)
{
        unsigned n;
        if (parse_unsigned(s, &n) == 0)
                return n < 64 ? (int) n : -EINVAL;
        if (strncasecmp(s, "cap_", 4) == 0)
                s += 4;
        for (size_t i = 0; i < ELEMENTSOF(capability_names); i++)
                if (strcasecmp(s, capability_names[i]) == 0)
                        return (int) i;
        return -EINVAL;
}

int condition_test_capability(const char *param, const struct condition_env *env)
{
        int cap = capability_from_name(param);
        if (cap < 0)
                return cap;
        char *status = NULL;
        int r = condition_read_root_file(env, "/proc/self/status", &status);
        if (r < 0)
                return r;
        const char *p = strstr(status, "\nCapBnd:");
        uint64_t set = 0;
        r = p && sscanf(p + 8, "%" SCNx64, &set) == 1 ? !!(set & (UINT64_C(1) << cap)) : -EIO;
        free(status);
        return r;
}

/* systemd.condition-<name>= on the kernel command line overrides a check:
 * 1 or 0 when present, -ENOENT when not. */
static int cmdline_override(const struct condition_env *env, const char *name)
{
        char key[64], *v = NULL;
        snprintf(key, sizeof key, "systemd.condition-%s", name);
        int r = condition_cmdline_get(env, key, &v);
        if (r <= 0)
                return r < 0 ? r : -ENOENT;
        r = *v ? parse_boolean(v) : 1;
        free(v);
        return r < 0 ? -ENOENT : r;
}

int condition_test_first_boot(const char *param, const struct condition_env *env)
{
        int want = parse_boolean(param);
        if (want < 0)
                return want;
        int first = cmdline_override(env, "first-boot");
        /* systemd 252 asks only PID 1's marker; weft marks it too when it
         * sets up a machine ID (core/pid1_boot.c), and reads the ID as a
         * fallback where no PID 1 of weft's made the marker: missing or
         * "uninitialized" is a first boot, an empty file (a stateless
         * system's transient ID) is not (machine-id(5)). */
        if (first < 0 && condition_root_exists(env, "/run/systemd/first-boot"))
                first = 1;
        if (first < 0) {
                char id[64];
                first = condition_read_line(env, "/etc/machine-id", id, sizeof id) < 0 ||
                        strcmp(id, "uninitialized") == 0;
        }
        return want == first;
}

/* /etc or /var needs an update when /usr changed after its .updated stamp. */
int condition_test_needs_update(const char *param, const struct condition_env *env)
{
        if (param[0] != '/')
                return -EINVAL;
        int r = cmdline_override(env, "needs-update");
        if (r >= 0)
                return r;
        char dir[PATH_MAX], stamp[PATH_MAX + 16], usr[PATH_MAX];
        struct statvfs sv;
        struct stat su, ss;
        if ((r = condition_root_path(env, param, dir, sizeof dir)) < 0 ||
            (r = condition_root_path(env, "/usr", usr, sizeof usr)) < 0)
                return r;
        if (statvfs(dir, &sv) == 0 && (sv.f_flag & ST_RDONLY))
                return 0; /* nothing could write the update anyway */
        if (stat(usr, &su) < 0)
                return 0;
        snprintf(stamp, sizeof stamp, "%s/.updated", dir);
        if (lstat(stamp, &ss) < 0)
                return 1;
        if (su.st_mtim.tv_sec != ss.st_mtim.tv_sec)
                return su.st_mtim.tv_sec > ss.st_mtim.tv_sec;
        return su.st_mtim.tv_nsec > ss.st_mtim.tv_nsec;
}

int condition_test_credential(const char *param, const struct condition_env *env)
{
        return 0;
}

int condition_test_null(const char *param, const struct condition_env *env)
{
        return parse_boolean(param);
}
