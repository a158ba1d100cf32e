/* Capability names and lists; see capability.h. */
#include "parse/capability.h"

#include <errno.h>
#include <stdlib.h>
#include <strings.h>

#include "base/log.h"
#include "base/macro.h"
#include "parse/directive_parsers.h"
#include "parse/load.h"
#include "parse/value.h"
#include "parse/word.h"

/* The kernel's names (include/uapi/linux/capability.h), by number. */
static const char *const capability_names[] = {
        "cap_chown",            "cap_dac_override",   "cap_dac_read_search", "cap_fowner",
        "cap_fsetid",           "cap_kill",           "cap_setgid",          "cap_setuid",
        "cap_setpcap",          "cap_linux_immutable", "cap_net_bind_service", "cap_net_broadcast",
        "cap_net_admin",        "cap_net_raw",        "cap_ipc_lock",        "cap_ipc_owner",
        "cap_sys_module",       "cap_sys_rawio",      "cap_sys_chroot",      "cap_sys_ptrace",
        "cap_sys_pacct",        "cap_sys_admin",      "cap_sys_boot",        "cap_sys_nice",
        "cap_sys_resource",     "cap_sys_time",       "cap_sys_tty_config",  "cap_mknod",
        "cap_lease",            "cap_audit_write",    "cap_audit_control",   "cap_setfcap",
        "cap_mac_override",     "cap_mac_admin",      "cap_syslog",          "cap_wake_alarm",
        "cap_block_suspend",    "cap_audit_read",     "cap_perfmon",         "cap_bpf",
        "cap_checkpoint_restore",
};

int capability_from_name(const char *name)
{
        unsigned n;

        /* A number is taken as systemd takes it: any capability the mask holds. */
        if (parse_unsigned(name, &n) == 0)
                return n < 64 ? (int) n : -EINVAL;
        for (size_t i = 0; i < ELEMENTSOF(capability_names); i++)
                if (strcasecmp(name, capability_names[i]) == 0)
                        return (int) i;
        return -EINVAL;
}

const char *capability_to_name(int cap)
{
        return cap >= 0 && (size_t) cap < ELEMENTSOF(capability_names) ? capability_names[cap] : NULL;
}

int capability_set_from_string(const char *s, uint64_t *ret)
{
        uint64_t set = 0;
        const char *p = s;

        for (;;) {
                char *w = NULL;
                int r = word_extract(&p, &w, NULL, WORD_UNQUOTE | WORD_RELAX);
                if (r < 0)
                        return r;
                if (r == 0)
                        break;
                int cap = capability_from_name(w);
                free(w);
                if (cap >= 0)
                        set |= UINT64_C(1) << cap;
        }
        if (ret)
                *ret = set;
        return 0;
}

int capability_set_assign(uint64_t *set, const char *value, bool bounding)
{
        uint64_t initial = bounding ? CAPABILITY_SET_ALL : 0, sum;
        bool invert = value[0] == '~';
        int r = capability_set_from_string(value + invert, &sum);

        if (r < 0)
                return r;
        if (sum == 0 || *set == initial)
                *set = invert ? ~sum : sum;
        else if (invert)
                *set &= ~sum;
        else
                *set |= sum;
        return 0;
}

/* The directive table's row (parse/directives.c); arg 1 is the bounding set. */
int directive_parse_capability_set(const struct directive_ctx *ctx, const char *value, void *dest, int arg)
{
        int r = capability_set_assign(dest, value, arg == 1);

        if (r == -ENOMEM)
                return r;
        if (r < 0) {
                ctx->load->n_warnings++;
                log_syntax(LOG_LEVEL_WARNING, 0, ctx->file, ctx->line, "Failed to parse %s= specifier '%s', ignoring.",
                           ctx->key, value);
        }
        return 0;
}
