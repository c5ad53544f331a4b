/*
 * report.h - the HTML and SVG report (spiral_report_write_html and
 * spiral_report_write_svg of spiral.h are defined in report.c).
 */
#ifndef SPIRAL_REPORT_H
#define SPIRAL_REPORT_H

#include "spiral.h"

#endif
