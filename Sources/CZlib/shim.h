#ifndef NAVET_CZLIB_SHIM_H
#define NAVET_CZLIB_SHIM_H
#include <zlib.h>
#endif
