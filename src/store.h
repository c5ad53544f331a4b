/*
 * store.h - the SQLite store (the spiral_store of spiral.h is defined in
 * store.c).
 */
#ifndef SPIRAL_STORE_H
#define SPIRAL_STORE_H

#include "spiral.h"

#endif
