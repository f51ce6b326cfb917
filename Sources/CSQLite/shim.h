#ifndef NAVET_CSQLITE_SHIM_H
#define NAVET_CSQLITE_SHIM_H
#include <sqlite3.h>

/* sqlite3_config is variadic, which Swift cannot call: one wrapper per setting used. */

/* Turns off SQLite's memory statistics (sqlite3_memory_used and friends, which Navet
   never reads): with them on, every allocation and free takes a global mutex. Must run
   before the first connection opens; returns SQLITE_MISUSE after that. */
static inline int navet_sqlite3_disable_memstatus(void) {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}
#endif
