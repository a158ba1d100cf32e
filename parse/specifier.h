/* "%" specifiers in unit files (systemd.unit(5) "Specifiers"), for the
 * system manager: %n %N %p %i %I %j %J %f %t %S %C %L %E %T %V %h %u %U %g
 * %G %H %l %m %b %v %a %o %w %W %A %M %B %y %Y %d %q %%, and the rest of
 * the table of systemd 252. An unknown specifier is an error; so are the
 * deprecated, undocumented cgroup specifiers %c %r %R, which weft lacks. */
#pragma once

struct specifier_context {
        const char *unit_id;       /* full name being loaded, e.g. getty@tty1.service */
        const char *fragment_path; /* the unit file as opened on this host (not
                                      below root), for %y/%Y; may be NULL */
        const char *root;          /* where /etc/machine-id, /etc/os-release… are
                                      read from; NULL means "/" */
};

/* Expand every specifier in `in`. Returns 0 and a malloc'd string, or
 * -EBADSLT for an unknown specifier, -ENOENT/-EIO when a needed fact cannot
 * be read (other negative errnos pass through, e.g. -EINVAL for %f of a name
 * that is no escaped path). On failure, if ret_error is not NULL, it gets a
 * malloc'd message naming the specifier, e.g. "Failed to resolve unit
 * specifiers in 'x%z': unknown specifier %z" (NULL if out of memory); on
 * success it is left alone. As in systemd, "%%" is "%", and '%' before a
 * byte that is not a letter or digit (or at the end) is kept as it is. */
int specifier_expand(const struct specifier_context *ctx, const char *in, char **ret, char **ret_error);
