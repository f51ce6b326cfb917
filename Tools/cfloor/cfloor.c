// The C floor: what Tools/bench/Floor.swift does, in C with prepared statements and no
// wrapper. Same pragmas, same tables, same statements, one transaction per upload.
#include "cfloor.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>

struct cfloor {
    sqlite3 *db;
};

static const char schema[] =
    "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA secure_delete=ON; PRAGMA foreign_keys=ON;"
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

cfloor *cfloor_create(const char *path, char *error, int error_size) {
    cfloor *floor = calloc(1, sizeof *floor);
    if (!floor) {
        say(error, error_size, "calloc", NULL);
        return NULL;
    }
    // The flags and busy timeout of NavetSQLite's Database(path:mode: .readWriteCreate).
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
    if (sqlite3_open_v2(path, &floor->db, flags, NULL) != SQLITE_OK) {
        say(error, error_size, "open", floor->db);
        cfloor_close(floor);
        return NULL;
    }
    sqlite3_busy_timeout(floor->db, 10000);
    if (sqlite3_exec(floor->db, schema, NULL, NULL, NULL) != SQLITE_OK) {
        say(error, error_size, "schema", floor->db);
        cfloor_close(floor);
        return NULL;
    }
    return floor;
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
        if (sqlite3_step(begin) != SQLITE_DONE) {
            say(error, error_size, "begin", db);
            goto done;
        }
        sqlite3_reset(begin);
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
            if (sqlite3_step(insert) != SQLITE_DONE) {
                say(error, error_size, "insert", db);
                goto done;
            }
            sqlite3_reset(insert);
            sqlite3_int64 id = sqlite3_last_insert_rowid(db);

            sqlite3_bind_int64(upsert, 1, change->record_id);
            sqlite3_bind_text(upsert, 2, change->field, change->field_length, SQLITE_STATIC);
            sqlite3_bind_text(upsert, 3, change->record_type, change->record_type_length, SQLITE_STATIC);
            sqlite3_bind_int64(upsert, 4, change->version);
            sqlite3_bind_int64(upsert, 5, change->origin);
            sqlite3_bind_int64(upsert, 6, id);
            bind_value(upsert, change, 7, 8);
            sqlite3_bind_text(upsert, 9, change->tag, change->tag_length, SQLITE_STATIC);
            if (sqlite3_step(upsert) != SQLITE_DONE) {
                say(error, error_size, "upsert", db);
                goto done;
            }
            sqlite3_reset(upsert);
        }
        if (sqlite3_step(commit) != SQLITE_DONE) {
            say(error, error_size, "commit", db);
            goto done;
        }
        sqlite3_reset(commit);
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
