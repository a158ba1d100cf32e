/* Small arrays of fds; see fds.h. */
#include "base/fds.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

int fds_copy(const int *src, int *dst, size_t n)
{
        for (size_t i = 0; i < n; i++)
                dst[i] = -1;
        for (size_t i = 0; i < n; i++)
                if (src[i] >= 0 && (dst[i] = fcntl(src[i], F_DUPFD_CLOEXEC, 3)) < 0) {
                        int r = -errno;
                        fds_close(dst, n);
                        return r;
                }
        return 0;
}

void fds_close(int *fds, size_t n)
{
        for (size_t i = 0; i < n; i++) {
                if (fds[i] >= 0)
                        (void) close(fds[i]);
                fds[i] = -1;
        }
}
