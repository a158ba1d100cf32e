#include "base/format_uint.h"

size_t format_uint(char *buf, unsigned long long v, unsigned base)
{
        char digits[FORMAT_UINT_MAX];
        size_t n = 0;

        do {
                digits[n++] = "0123456789abcdef"[v % base];
                v /= base;
        } while (v > 0 && n < sizeof digits - 1);
        for (size_t i = 0; i < n; i++)
                buf[i] = digits[n - 1 - i];
        buf[n] = 0;
        return n;
}
