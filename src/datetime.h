/*
 * datetime.h - publication dates in the forms pages and feeds use, read
 * into ISO 8601.
 */
#ifndef SPIRAL_DATETIME_H
#define SPIRAL_DATETIME_H

#include <stddef.h>

/* A calendar date with what the text gave of a time and a zone. */
typedef struct spiral_date {
    int year, month, day;
    int hour, minute, second;
    int has_time;   /* hour and minute were given */
    int has_zone;   /* a zone was given: offset_min east of UTC (Z, GMT: 0) */
    int offset_min;
} spiral_date;

/* Enough for "2022-08-01T13:47:49+08:00" and its NUL. */
#define SPIRAL_DATE_MAX 32

/* Read a date at the start of s: RFC 3339 / ISO 8601 ("2022-08-01",
 * "2022-08-01T13:47:49.5+08:00", "2022/8/1 13:47"), RFC 822 ("Tue, 26 Jul
 * 2022 13:47:49 GMT", "+0800", EST ...; two-digit years), Chinese
 * ("2022年8月1日 13:47", "13时47分"), and English ("July 26, 2022", "Jul.
 * 26 2022", "26 July 2022", optionally with a time and am/pm).  Returns
 * the bytes read, or 0 when s does not start with a valid date. */
size_t spiral_date_parse(spiral_date *out, const char *s, size_t len);

/* Write d as ISO 8601: "2022-08-01" without a time, "2022-08-01T13:47:49"
 * with one, followed by "Z" or "+08:00" when the zone is known.  buf holds
 * at least SPIRAL_DATE_MAX bytes. */
void spiral_date_format(char *buf, const spiral_date *d);

/* A field that holds a date (a meta tag, pubDate, published): leading and
 * trailing white space and a trailing "(comment)" are allowed.  Returns 1
 * with the ISO form in buf, or 0. */
int spiral_date_iso(char *buf, const char *s, size_t len);

/* The first date in running text that starts a word (not inside a number
 * or a path such as a URL).  Returns 1 with the ISO form in buf and its
 * byte offset in *at, or 0. */
int spiral_date_find(char *buf, const char *text, size_t len, size_t *at);

#endif
