// The C floor: what Tools/bench/Floor.swift does, in C with prepared statements and no
// wrapper. Same pragmas, same tables, same statements, one transaction per upload.
#include "cfloor.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct cfloor {
    sqlite3 *db;
};

// The pragmas of Layout.open, for every file of the floor and the limits.
#define CFLOOR_PRAGMAS \
    "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA secure_delete=ON; PRAGMA foreign_keys=ON;"

static const char schema[] =
    CFLOOR_PRAGMAS
    "CREATE TABLE changes("
    "  id INTEGER PRIMARY KEY,"
    "  origin INTEGER NOT NULL,"
    "  seq INTEGER NOT NULL,"
    "  version INTEGER NOT NULL,"
    "  replaces TEXT,"
    "  wall_time INTEGER NOT NULL,"
    "  record_type TEXT NOT NULL,"
    "  record_id INTEGER NOT NULL,"
    "  field TEXT NOT NULL,"
    "  value_kind INTEGER NOT NULL,"
    "  value,"
    "  tag TEXT NOT NULL,"
    "  received_at INTEGER NOT NULL,"
    "  UNIQUE(origin, seq)"
    ");"
    "CREATE TABLE state("
    "  record_id INTEGER NOT NULL,"
    "  field TEXT NOT NULL,"
    "  record_type TEXT NOT NULL,"
    "  version INTEGER NOT NULL,"
    "  origin INTEGER NOT NULL,"
    "  change_id INTEGER NOT NULL,"
    "  value_kind INTEGER NOT NULL,"
    "  value,"
    "  tag TEXT NOT NULL,"
    "  PRIMARY KEY(record_id, field)"
    ") WITHOUT ROWID;";

static const char insert_change[] =
    "INSERT INTO changes(origin, seq, version, replaces, wall_time, record_type, record_id,"
    "                    field, value_kind, value, tag, received_at)"
    " VALUES (?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(origin, seq) DO NOTHING";

static const char upsert_state[] =
    "INSERT INTO state(record_id, field, record_type, version, origin, change_id, value_kind, value, tag)"
    " VALUES (?,?,?,?,?,?,?,?,?)"
    " ON CONFLICT(record_id, field) DO UPDATE SET"
    "  record_type = excluded.record_type, version = excluded.version, origin = excluded.origin,"
    "  change_id = excluded.change_id, value_kind = excluded.value_kind, value = excluded.value,"
    "  tag = excluded.tag"
    " WHERE (excluded.version, excluded.origin) > (state.version, state.origin)";

static void say(char *error, int size, const char *what, sqlite3 *db) {
    if (error && size > 0) snprintf(error, (size_t)size, "%s: %s", what, db ? sqlite3_errmsg(db) : "out of memory");
}

/// A new file at `path` with the flags and busy timeout of NavetSQLite's
/// Database(path:mode: .readWriteCreate), and `sql` run on it. NULL on failure.
static cfloor *create_with(const char *path, const char *sql, char *error, int error_size) {
    cfloor *floor = calloc(1, sizeof *floor);
    if (!floor) {
        say(error, error_size, "calloc", NULL);
        return NULL;
    }
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
    if (sqlite3_open_v2(path, &floor->db, flags, NULL) != SQLITE_OK) {
        say(error, error_size, "open", floor->db);
        cfloor_close(floor);
        return NULL;
    }
    sqlite3_busy_timeout(floor->db, 10000);
    if (sqlite3_exec(floor->db, sql, NULL, NULL, NULL) != SQLITE_OK) {
        say(error, error_size, "schema", floor->db);
        cfloor_close(floor);
        return NULL;
    }
    return floor;
}

cfloor *cfloor_create(const char *path, char *error, int error_size) {
    return create_with(path, schema, error, error_size);
}

/// Steps a statement that returns no row and resets it; -1 with a message on failure.
static int step_done(sqlite3 *db, sqlite3_stmt *statement, const char *what, char *error, int error_size) {
    if (sqlite3_step(statement) != SQLITE_DONE) {
        say(error, error_size, what, db);
        return -1;
    }
    sqlite3_reset(statement);
    return 0;
}

/// The value columns as ChangeLog.encode stores them: kind 0 null, 1 text, 2 int, 3 bool.
static void bind_value(sqlite3_stmt *statement, const cfloor_change *change, int kind_at, int value_at) {
    sqlite3_bind_int(statement, kind_at, change->value_kind);
    switch (change->value_kind) {
    case 1:
        sqlite3_bind_text(statement, value_at, change->value_text, change->value_text_length, SQLITE_STATIC);
        break;
    case 2:
    case 3:
        sqlite3_bind_int64(statement, value_at, change->value_int);
        break;
    default:
        sqlite3_bind_null(statement, value_at);
    }
}

int cfloor_run(cfloor *floor, const cfloor_change *changes, const int64_t *counts, int64_t uploads,
               int64_t now, char *error, int error_size) {
    sqlite3 *db = floor->db;
    sqlite3_stmt *insert = NULL, *upsert = NULL, *begin = NULL, *commit = NULL;
    int result = -1;
    if (sqlite3_prepare_v3(db, insert_change, -1, SQLITE_PREPARE_PERSISTENT, &insert, NULL) != SQLITE_OK
        || sqlite3_prepare_v3(db, upsert_state, -1, SQLITE_PREPARE_PERSISTENT, &upsert, NULL) != SQLITE_OK
        || sqlite3_prepare_v3(db, "BEGIN IMMEDIATE", -1, SQLITE_PREPARE_PERSISTENT, &begin, NULL) != SQLITE_OK
        || sqlite3_prepare_v3(db, "COMMIT", -1, SQLITE_PREPARE_PERSISTENT, &commit, NULL) != SQLITE_OK) {
        say(error, error_size, "prepare", db);
        goto done;
    }
    const cfloor_change *change = changes;
    for (int64_t upload = 0; upload < uploads; upload++) {
        if (step_done(db, begin, "begin", error, error_size) != 0) goto done;
        for (int64_t n = 0; n < counts[upload]; n++, change++) {
            // Every parameter is bound again for each change, so no sqlite3_clear_bindings.
            sqlite3_bind_int64(insert, 1, change->origin);
            sqlite3_bind_int64(insert, 2, change->seq);
            sqlite3_bind_int64(insert, 3, change->version);
            if (change->replaces)
                sqlite3_bind_text(insert, 4, change->replaces, change->replaces_length, SQLITE_STATIC);
            else
                sqlite3_bind_null(insert, 4);
            sqlite3_bind_int64(insert, 5, change->wall_time);
            sqlite3_bind_text(insert, 6, change->record_type, change->record_type_length, SQLITE_STATIC);
            sqlite3_bind_int64(insert, 7, change->record_id);
            sqlite3_bind_text(insert, 8, change->field, change->field_length, SQLITE_STATIC);
            bind_value(insert, change, 9, 10);
            sqlite3_bind_text(insert, 11, change->tag, change->tag_length, SQLITE_STATIC);
            sqlite3_bind_int64(insert, 12, now);
            if (step_done(db, insert, "insert", error, error_size) != 0) goto done;
            sqlite3_int64 id = sqlite3_last_insert_rowid(db);

            sqlite3_bind_int64(upsert, 1, change->record_id);
            sqlite3_bind_text(upsert, 2, change->field, change->field_length, SQLITE_STATIC);
            sqlite3_bind_text(upsert, 3, change->record_type, change->record_type_length, SQLITE_STATIC);
            sqlite3_bind_int64(upsert, 4, change->version);
            sqlite3_bind_int64(upsert, 5, change->origin);
            sqlite3_bind_int64(upsert, 6, id);
            bind_value(upsert, change, 7, 8);
            sqlite3_bind_text(upsert, 9, change->tag, change->tag_length, SQLITE_STATIC);
            if (step_done(db, upsert, "upsert", error, error_size) != 0) goto done;
        }
        if (step_done(db, commit, "commit", error, error_size) != 0) goto done;
    }
    result = 0;
done:
    if (result != 0 && !sqlite3_get_autocommit(db)) sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_finalize(insert);
    sqlite3_finalize(upsert);
    sqlite3_finalize(begin);
    sqlite3_finalize(commit);
    return result;
}

// The durable limits (Tools/bench/README.md, "The durable limits"): the least a merge that
// keeps every change could write. Same pragmas as the floor; one table of blobs.
static const char bare_schema[] =
    CFLOOR_PRAGMAS
    "CREATE TABLE bare(id INTEGER PRIMARY KEY, body BLOB NOT NULL);";

cfloor *cfloor_create_bare(const char *path, char *error, int error_size) {
    return create_with(path, bare_schema, error, error_size);
}

static size_t put_int(unsigned char *out, int64_t value) {
    memcpy(out, &value, sizeof value);
    return sizeof value;
}

static size_t put_text(unsigned char *out, const char *text, int32_t length) {
    int32_t n = text ? length : -1;
    memcpy(out, &n, sizeof n);
    if (n > 0) memcpy(out + sizeof n, text, (size_t)n);
    return sizeof n + (n > 0 ? (size_t)n : 0);
}

/// Bytes a change takes in `out`: its numbers, then its texts with their lengths.
static size_t change_size(const cfloor_change *c) {
    return 6 * sizeof(int64_t) + sizeof(int32_t) + 5 * sizeof(int32_t)
        + (size_t)(c->replaces ? c->replaces_length : 0) + (size_t)c->record_type_length + (size_t)c->field_length
        + (size_t)c->tag_length + (size_t)(c->value_kind == 1 ? c->value_text_length : 0);
}

static size_t put_change(unsigned char *out, const cfloor_change *c) {
    size_t at = 0;
    at += put_int(out + at, c->origin);
    at += put_int(out + at, c->seq);
    at += put_int(out + at, c->version);
    at += put_int(out + at, c->wall_time);
    at += put_int(out + at, c->record_id);
    at += put_int(out + at, c->value_int);
    memcpy(out + at, &c->value_kind, sizeof c->value_kind);
    at += sizeof c->value_kind;
    at += put_text(out + at, c->replaces, c->replaces_length);
    at += put_text(out + at, c->record_type, c->record_type_length);
    at += put_text(out + at, c->field, c->field_length);
    at += put_text(out + at, c->tag, c->tag_length);
    at += put_text(out + at, c->value_kind == 1 ? c->value_text : NULL, c->value_text_length);
    return at;
}

int cfloor_run_bare(cfloor *floor, int per_upload, const cfloor_change *changes, const int64_t *counts, int64_t uploads,
                    char *error, int error_size) {
    sqlite3 *db = floor->db;
    sqlite3_stmt *insert = NULL, *begin = NULL, *commit = NULL;
    unsigned char *buffer = NULL;
    size_t capacity = 0;
    int result = -1;
    if (sqlite3_prepare_v3(db, "INSERT INTO bare(body) VALUES (?)", -1, SQLITE_PREPARE_PERSISTENT, &insert, NULL) != SQLITE_OK
        || sqlite3_prepare_v3(db, "BEGIN IMMEDIATE", -1, SQLITE_PREPARE_PERSISTENT, &begin, NULL) != SQLITE_OK
        || sqlite3_prepare_v3(db, "COMMIT", -1, SQLITE_PREPARE_PERSISTENT, &commit, NULL) != SQLITE_OK) {
        say(error, error_size, "prepare", db);
        goto done;
    }
    const cfloor_change *change = changes;
    for (int64_t upload = 0; upload < uploads; upload++) {
        if (step_done(db, begin, "begin", error, error_size) != 0) goto done;
        size_t needed = 0;
        for (int64_t n = 0; n < counts[upload]; n++) {
            size_t size = change_size(change + n);
            needed = per_upload ? needed + size : (size > needed ? size : needed);
        }
        if (needed > capacity) {
            unsigned char *grown = realloc(buffer, needed);
            if (!grown) {
                say(error, error_size, "realloc", NULL);
                goto done;
            }
            buffer = grown;
            capacity = needed;
        }
        size_t used = 0;
        for (int64_t n = 0; n < counts[upload]; n++, change++) {
            if (per_upload) {
                used += put_change(buffer + used, change);
                continue;
            }
            size_t size = put_change(buffer, change);
            sqlite3_bind_blob(insert, 1, buffer, (int)size, SQLITE_STATIC);
            if (step_done(db, insert, "insert", error, error_size) != 0) goto done;
        }
        if (per_upload) {
            sqlite3_bind_blob(insert, 1, buffer, (int)used, SQLITE_STATIC);
            if (step_done(db, insert, "insert", error, error_size) != 0) goto done;
        }
        if (step_done(db, commit, "commit", error, error_size) != 0) goto done;
    }
    result = 0;
done:
    if (result != 0 && !sqlite3_get_autocommit(db)) sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_finalize(insert);
    sqlite3_finalize(begin);
    sqlite3_finalize(commit);
    free(buffer);
    return result;
}

int64_t cfloor_bare_rows(cfloor *floor) {
    sqlite3_stmt *statement = NULL;
    int64_t count = -1;
    if (sqlite3_prepare_v2(floor->db, "SELECT count(*) FROM bare", -1, &statement, NULL) == SQLITE_OK
        && sqlite3_step(statement) == SQLITE_ROW)
        count = sqlite3_column_int64(statement, 0);
    sqlite3_finalize(statement);
    return count;
}

int64_t cfloor_count(cfloor *floor, int which) {
    sqlite3_stmt *statement = NULL;
    const char *sql = which == 0 ? "SELECT count(*) FROM changes" : "SELECT count(*) FROM state";
    int64_t count = -1;
    if (sqlite3_prepare_v2(floor->db, sql, -1, &statement, NULL) == SQLITE_OK && sqlite3_step(statement) == SQLITE_ROW)
        count = sqlite3_column_int64(statement, 0);
    sqlite3_finalize(statement);
    return count;
}

void cfloor_close(cfloor *floor) {
    if (!floor) return;
    sqlite3_close(floor->db);
    free(floor);
}
