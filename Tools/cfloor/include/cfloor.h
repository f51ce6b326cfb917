// The C floor of navet-bench (Tools/bench/README.md, "The sides"): the raw-SQLite floor
// of Tools/bench/Floor.swift written in C against libsqlite3, with no wrapper.
#ifndef NAVET_CFLOOR_H
#define NAVET_CFLOOR_H

#include <stdint.h>

/// One change, flat: every text is a pointer and a length into memory the caller keeps
/// alive for the run (bound with SQLITE_STATIC, so nothing is copied).
typedef struct {
    int64_t origin;
    int64_t seq;
    int64_t version;
    int64_t wall_time;
    int64_t record_id;
    /// `replaces` in the store's text form ("version:originhex" joined by ","), or NULL
    /// for none (SQL NULL).
    const char *replaces;
    const char *record_type;
    const char *field;
    const char *tag;
    /// Kind 0 null, 1 text (value_text), 2 int (value_int), 3 bool (value_int 0 or 1).
    const char *value_text;
    int64_t value_int;
    int32_t replaces_length;
    int32_t record_type_length;
    int32_t field_length;
    int32_t tag_length;
    int32_t value_text_length;
    int32_t value_kind;
} cfloor_change;

typedef struct cfloor cfloor;

/// Creates the floor database at `path` with the pragmas of Layout.open and the two
/// tables. NULL on failure, with a message in `error`.
cfloor *cfloor_create(const char *path, char *error, int error_size);

/// Inserts `uploads` uploads: upload i is the next `counts[i]` changes of `changes`, in one
/// BEGIN IMMEDIATE ... COMMIT. 0 on success, else -1 with a message in `error`.
int cfloor_run(cfloor *floor, const cfloor_change *changes, const int64_t *counts, int64_t uploads,
               int64_t now, char *error, int error_size);

/// `SELECT count(*) FROM changes` (which 0) or `FROM state` (which 1); -1 on failure.
int64_t cfloor_count(cfloor *floor, int which);

/// The durable limits: a file with one table `bare(id INTEGER PRIMARY KEY, body BLOB)` and
/// the floor's pragmas. NULL on failure, with a message in `error`.
cfloor *cfloor_create_bare(const char *path, char *error, int error_size);

/// Writes each change's bytes (its numbers and texts, packed) durably, one BEGIN
/// IMMEDIATE ... COMMIT per upload: a row per change (`per_upload` 0), or one row per
/// upload holding all its changes (`per_upload` 1). 0 on success, else -1 with a message.
int cfloor_run_bare(cfloor *floor, int per_upload, const cfloor_change *changes, const int64_t *counts, int64_t uploads,
                    char *error, int error_size);

/// `SELECT count(*) FROM bare`; -1 on failure.
int64_t cfloor_bare_rows(cfloor *floor);

void cfloor_close(cfloor *floor);

#endif
