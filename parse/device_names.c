/* Unit names from udev properties: see parse/device_names.h. */
#include "parse/device_names.h"

#include <errno.h>
#include <stdlib.h>

#include "base/log.h"
#include "base/strv.h"
#include "parse/unit_name.h"
#include "parse/word.h"

/* The unit one word of property stands for, into *ret (NULL: none, logged). */
typedef int (*word_to_unit)(const char *syspath, const char *word, char **ret);

static int alias_unit(const char *syspath, const char *word, char **ret)
{
        int r = word[0] == '/' ? unit_name_from_path(word, ".device", ret) : -EINVAL;
        if (r == -EINVAL)
                log_warning("%s: SYSTEMD_ALIAS=%s is not an absolute, safe path; ignored", syspath, word);
        return r;
}

static int wants_unit(const char *syspath, const char *word, char **ret)
{
        int r;
        if (unit_name_is_valid(word, UNIT_NAME_TEMPLATE)) {
                char *instance = NULL;
                r = unit_name_path_escape(syspath, &instance);
                if (r == 0)
                        r = unit_name_replace_instance(word, instance, ret);
                free(instance);
        } else
                r = unit_name_mangle(word, ret);
        if (r == -EINVAL)
                log_warning("%s: SYSTEMD_WANTS=%s names no unit; ignored", syspath, word);
        return r;
}

static int split(const char *syspath, const char *property, const char *value, enum word_flags flags,
                 word_to_unit to_unit, char ***names)
{
        for (;;) {
                char *word = NULL, *name = NULL;
                int r = word_extract(&value, &word, NULL, flags);
                if (r == -EINVAL) {
                        log_warning("%s: %s=%s is badly quoted; ignored", syspath, property, value);
                        return 0;
                }
                if (r <= 0)
                        return r;
                r = to_unit(syspath, word, &name);
                free(word);
                if (r == 0)
                        r = strv_consume(names, name);
                if (r == -ENOMEM)
                        return r;
        }
}

int device_alias_units(const char *syspath, const char *alias, char ***names)
{
        return split(syspath, "SYSTEMD_ALIAS", alias, WORD_UNQUOTE, alias_unit, names);
}

int device_wants_units(const char *syspath, const char *wants, char ***names)
{
        return split(syspath, "SYSTEMD_WANTS", wants, WORD_UNQUOTE | WORD_RETAIN_ESCAPE, wants_unit, names);
}
