/* "%" specifiers in unit files (systemd.unit(5) "Specifiers"), for the
 * system manager: %n %N %p %i %I %j %J %f %t %S %C %L %E %T %V %h %u %U %g
 * %G %H %l %m %b %v %a %o %w %W %A %M %B %y %Y %d %q %%, and the rest of
 * the table of systemd 252. An unknown specifier is an error. */
#pragma once

struct specifier_context {
        const char *unit_id;       /* full name being loaded, e.g. getty@tty1.service */
        const char *fragment_path; /* the unit file, for %y/%Y; may be NULL */
        const char *root;          /* where /etc/machine-id, /etc/os-release… are
                                      read from; NULL means "/" */
};

/* Expand every specifier in `in`. Returns 0 and a malloc'd string, or
 * -EBADSLT for an unknown specifier (and a malloc'd message naming it in
 * *ret_error, e.g. "Failed to resolve unit specifiers in 'x%z': unknown
 * specifier %z"), -ENOENT/-EIO when a needed fact cannot be read. */
int specifier_expand(const struct specifier_context *ctx, const char *in, char **ret, char **ret_error);
