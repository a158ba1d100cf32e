/* escape [--path] [--unescape] [--mangle] STR...: weft's unit name escaping with the
 * command line of systemd-escape(1), one result per line, so that
 * test/integration/escape-oracle.sh can compare the two byte for byte.
 * Exits 1 at the first string that cannot be converted, as systemd-escape
 * does. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse/unit_name.h"

int main(int argc, char **argv)
{
        bool path = false, unescape = false, mangle = false;
        int i = 1;

        for (; i < argc; i++) {
                if (strcmp(argv[i], "--path") == 0 || strcmp(argv[i], "-p") == 0)
                        path = true;
                else if (strcmp(argv[i], "--unescape") == 0 || strcmp(argv[i], "-u") == 0)
                        unescape = true;
                else if (strcmp(argv[i], "--mangle") == 0)
                        mangle = true;
                else if (strcmp(argv[i], "--") == 0) {
                        i++;
                        break;
                } else
                        break;
        }
        if (i >= argc) {
                fprintf(stderr, "escape: not enough arguments\n");
                return 1;
        }

        for (; i < argc; i++) {
                char *out = NULL;
                int r;
                if (mangle)
                        r = unit_name_mangle(argv[i], &out);
                else if (unescape)
                        r = path ? unit_name_path_unescape(argv[i], &out) : unit_name_unescape(argv[i], &out);
                else
                        r = path ? unit_name_path_escape(argv[i], &out) : unit_name_escape(argv[i], &out);
                if (r < 0) {
                        fprintf(stderr, "escape: failed to convert '%s': %s\n", argv[i], strerror(-r));
                        return 1;
                }
                puts(out);
                free(out);
        }
        return 0;
}
