/*
 * statement.h - scored statements for the tracking stages (the
 * spiral_stmt_parser of spiral.h is defined in statement.c).
 */
#ifndef SPIRAL_STATEMENT_H
#define SPIRAL_STATEMENT_H

#include "spiral.h"

#endif
