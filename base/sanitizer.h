/* Which sanitizer a build runs under, for the code that must do something
 * else there: a CLONE_VM child would corrupt TSan's per-thread shadow
 * state (so TSan builds fork), and a child's ASan frames leave redzones in
 * the shadow memory it shares with its parent (so the parent unpoisons the
 * child's stack once it has exec'd). */
#pragma once
#include <stddef.h>

#if defined(__has_feature)
#  if __has_feature(thread_sanitizer)
#    define WEFT_TSAN 1
#  endif
#  if __has_feature(address_sanitizer)
#    define WEFT_ASAN 1
#  endif
#endif
#if defined(__SANITIZE_THREAD__) && !defined(WEFT_TSAN)
#  define WEFT_TSAN 1
#endif
#if defined(__SANITIZE_ADDRESS__) && !defined(WEFT_ASAN)
#  define WEFT_ASAN 1
#endif

#ifdef WEFT_ASAN
#  include <sanitizer/asan_interface.h>
#endif

/* After a CLONE_VM child that ran on stack has exec'd or exited. */
static inline void sanitizer_release_child_stack(void *stack, size_t size)
{
#ifdef WEFT_ASAN
        ASAN_UNPOISON_MEMORY_REGION(stack, size);
#else
        (void) stack;
        (void) size;
#endif
}
