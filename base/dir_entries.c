#include "base/dir_entries.h"

#include <errno.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>

/* The kernel's getdents64 record. */
struct kernel_dirent64 {
        uint64_t d_ino;
        int64_t d_off;
        unsigned short d_reclen;
        unsigned char d_type;
        char d_name[];
};

int dir_for_each(int dfd, dir_entry_fn *fn, void *data)
{
        char buf[1024] __attribute__((aligned(8)));

        for (;;) {
                long n = syscall(SYS_getdents64, dfd, buf, sizeof buf);
                if (n <= 0)
                        return n < 0 ? -errno : 0;
                for (long off = 0; off < n;) {
                        const struct kernel_dirent64 *e = (const void *) (buf + off);
                        const char *name = e->d_name;
                        off += e->d_reclen;
                        if (name[0] == '.' && (!name[1] || (name[1] == '.' && !name[2])))
                                continue;
                        int r = fn(dfd, name, e->d_type, data);
                        if (r != 0)
                                return r;
                }
        }
}
