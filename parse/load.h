/* Loading units: for each unit name, find its file through the search-path
 * index, lex the fragment and its drop-ins, apply every assignment through
 * the directive table, add .wants/.requires, implicit and default
 * dependencies, and check the result the way systemd does. A unit that
 * cannot be loaded gets an error load state and a logged reason with
 * file:line; it never stops other units from loading.
 *
 * Called by weftctl (verify, show) and by the daemon at boot. */
#pragma once
#include "parse/unit.h"
#include "parse/env.h"
#include "parse/unit_path.h"

/* A list of "KEY=..." (or "ID:...") strings being built while a file is
 * parsed, where a later KEY replaces the earlier in place. */
struct load_keyed_list {
        struct env_builder b;
        char ***dest; /* the list b holds, NULL: none */
};

/* The builder for the list *dest, whose keys end at sep: l's, indexed
 * anew when the file moved on to another list or *dest changed behind
 * its back. *dest must be set to the builder's vector after each put.
 * 0 or -ENOMEM. */
int load_keyed_list(struct load_keyed_list *l, char ***dest, char sep, struct env_builder **ret);
/* Forget the list (it stays its owner's); l's index goes. */
void load_keyed_list_drop(struct load_keyed_list *l);

struct load_context;
/* Append item (consumed, also on failure) to the string list *l in O(1)
 * amortized: the load context remembers the length and room of the list
 * the file last appended to. 0 or -ENOMEM. */
int load_strv_push(struct load_context *ctx, char ***l, char *item);

struct load_context {
        struct unit_table *table;
        struct unit_path_index *index; /* the manager refreshes it (unit_path_index_refresh) */
        const char *root;        /* for specifiers (%m, %H...); NULL is "/" */
        uint64_t default_timeout_start_usec; /* the manager's defaults; 0: 90 s */
        uint64_t default_timeout_stop_usec;
        unsigned n_warnings;     /* counted for `weftctl verify` */
        unsigned n_errors;
        /* The Environment= list of the file being parsed, and the
         * LoadCredential=/SetCredential= list, each with its index of names,
         * so each assignment costs O(1) (load_keyed_list). Dropped after
         * every file. */
        struct load_keyed_list env, cred;
        /* The exec command list the file last appended to, with its tail
         * and length, so a unit with many ExecStart= lines loads in linear
         * time and its length is known (directive_parse_exec). Dropped
         * after every file. */
        struct exec_command **exec_dest, *exec_tail;
        unsigned exec_len;
        /* Likewise the condition list it last appended to, and its tail,
         * and the string list (Documentation=, EnvironmentFile=...) with
         * its length and room (load_strv_push). */
        struct unit_condition **cond_dest, *cond_tail;
        char ***strv_dest;
        size_t strv_len, strv_cap;
        /* A unit without a file that the manager knows from a kernel table
         * (a mount in /proc/self/mountinfo, a swap in /proc/swaps), like
         * systemd's units from /proc/self/mountinfo. When set, it is called
         * for a fileless unit with u's configuration allocated; it returns 1
         * after filling that in (u then loads like a file-backed unit, with
         * its implicit and default dependencies), 0 when it knows nothing of
         * u, or -ENOMEM. */
        int (*from_kernel)(struct load_context *ctx, struct unit *u);
        void *from_kernel_data;
};

/* Load one stub (no-op for a unit already loaded). Returns 0 when the unit
 * loaded, or the negative errno of why it did not (also stored in
 * u->load_error, with u->load_state saying which kind of failure). */
int unit_load(struct load_context *ctx, struct unit *u);

/* Load every stub in the table, including units that loading pulls in
 * (dependencies, .wants entries, socket services), then add the
 * dependencies that need both sides loaded and finalize the edges.
 * Returns 0, or -ENOMEM. Per-unit failures are in each unit. Only units
 * not sealed yet are looked at or changed (unit_table_seal), so the
 * manager's loads at run time cost O(new units + their edges). */
int unit_load_all(struct load_context *ctx);

/* Parse one more file (fragment or drop-in) into u. Used by unit_load and by
 * tests. Returns 0 or a negative errno for a fatal problem. */
int unit_load_file(struct load_context *ctx, struct unit *u, const char *path);
