/* Shared copies of immutable strings, counted: many units' commands name
 * the same program and the same arguments (issue 9's memory goal), and
 * one copy serves them all. A string from strpool_ref must never be
 * written; each strpool_ref is matched by one strpool_unref. Thread-safe
 * (one lock): configs are loaded and freed on different threads. */
#pragma once

/* A pooled copy of s (its count raised), or NULL when out of memory. */
const char *strpool_ref(const char *s);
/* Drop one reference to a string strpool_ref returned; the last frees it. */
void strpool_unref(const char *s);
/* How many distinct strings are pooled (tests). */
unsigned long strpool_count(void);
