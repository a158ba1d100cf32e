/* Reading boot.yaml back (the writer and the file's shape are in
 * parse/boot_record.h). weftctl analyze is the caller. The result is the same
 * struct boot_record the writer takes, so a record read back compares field
 * by field with the one written; here every string and array in it is owned
 * by the record and freed by boot_record_read_free().
 *
 * Strict where a damaged or truncated file would otherwise read as a
 * plausible boot: the top-level keys, each unit's id and its after/requires/
 * wants lists (the writer always writes them) must be there, stamps must be
 * decimal integers, unit ids unique. Unknown keys are ignored, so a newer
 * weft may add fields. Every error is logged as "file:line: message". */
#pragma once
#include "parse/boot_record.h"

/* Files larger than this are refused (-EFBIG): 1,000 units take ~300 KiB. */
#define BOOT_RECORD_READ_MAX (64u << 20)

/* Returns 0 and fills *ret, or a negative errno (logged): -EBADMSG for a
 * malformed file, -EFBIG, -ENOMEM, or the errno of open/read. *ret is
 * written only on success. */
int boot_record_read(const char *path, struct boot_record *ret);
void boot_record_read_free(struct boot_record *r);
