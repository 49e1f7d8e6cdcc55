// SQLite C API. SQLITE_TRANSIENT is a macro casting -1 to a function pointer; wrap it.
// Imported only by the Store module.
#ifndef CSQLITE_SHIM_H
#define CSQLITE_SHIM_H
#include <sqlite3.h>
static inline sqlite3_destructor_type csqlite_transient(void) { return SQLITE_TRANSIENT; }
static inline sqlite3_destructor_type csqlite_static(void) { return SQLITE_STATIC; }
// sqlite3_db_config is variadic, which Swift cannot call; wrap the int-option form.
static inline int csqlite_db_config_int(sqlite3 *db, int op, int value) {
    return sqlite3_db_config(db, op, value, (int *)0);
}
#endif
