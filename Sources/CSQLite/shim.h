#ifndef NAVET_CSQLITE_SHIM_H
#define NAVET_CSQLITE_SHIM_H
#include <sqlite3.h>
#endif
