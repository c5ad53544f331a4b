/*
 * suites.h - declarations of every Check suite.  The list (suites.inc) is
 * made by the Makefile from the `Suite *name_suite(void)` lines of
 * tests/test_*.c, so a new suite needs no registration by hand.
 */
#ifndef SPIRAL_SUITES_H
#define SPIRAL_SUITES_H

#include <check.h>

#define SUITE(name) Suite *name##_suite(void);
#include "suites.inc"
#undef SUITE

#endif
