/*
 * datetime.c - reading publication dates into ISO 8601.
 *
 * The HTML reader finds dates in meta tags, <time datetime> and running
 * text ("更新时间:2022-08-01 13:47:49", "2022年8月1日", "July 26, 2022");
 * the feed reader in pubDate (RFC 822) and published/updated (RFC 3339).
 * Each form is a small hand-written scanner over bytes: no locale, no
 * strptime, no allocation.  Every field is range-checked (the day against
 * the month, leap years included) so "2022-02-30" is not a date.  What was
 * not given stays out of the output: a date without a time is written as a
 * date, a time without a zone without an offset.
 */
#include "datetime.h"

#include <stdio.h>
#include <string.h>

static const char *const month_names[12] = {
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december"
};

static const char *const day_names[7] = {
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"
};

/* RFC 822 zone names with their offsets in minutes. */
static const struct {
    const char *name;
    int offset;
} zones[] = {
    { "UTC", 0 }, { "GMT", 0 }, { "UT", 0 }, { "Z", 0 },
    { "EST", -300 }, { "EDT", -240 }, { "CST", -360 }, { "CDT", -300 },
    { "MST", -420 }, { "MDT", -360 }, { "PST", -480 }, { "PDT", -420 },
    { NULL, 0 }
};

typedef struct scan {
    const char *s;
    size_t len, i;
} scan;

static int at_end(const scan *c)
{
    return c->i >= c->len;
}

static int peek(const scan *c)
{
    return c->i < c->len ? (unsigned char)c->s[c->i] : -1;
}

static int is_digit(int ch)
{
    return ch >= '0' && ch <= '9';
}

static int is_alpha(int ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
}

static int lower(int ch)
{
    return ch >= 'A' && ch <= 'Z' ? ch + 32 : ch;
}

/* Does the text at the cursor start with lit (bytes)?  Consumes it if so. */
static int lit(scan *c, const char *l)
{
    size_t n = strlen(l);

    if (c->len - c->i < n || memcmp(c->s + c->i, l, n) != 0)
        return 0;
    c->i += n;
    return 1;
}

/* Skip spaces, tabs, NO-BREAK SPACE and IDEOGRAPHIC SPACE.  Returns how
 * many bytes were skipped. */
static size_t skip_space(scan *c)
{
    size_t from = c->i;

    for (;;) {
        int ch = peek(c);

        if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r')
            c->i++;
        else if (!lit(c, "\xC2\xA0") && !lit(c, "\xE3\x80\x80"))
            break;
    }
    return c->i - from;
}

/* Read between min and max digits; more digits following is a failure.
 * Returns 1 with the value, or 0 (cursor unchanged). */
static int digits(scan *c, int min, int max, int *out)
{
    size_t from = c->i;
    int n = 0, v = 0;

    while (n < max && is_digit(peek(c))) {
        v = v * 10 + (peek(c) - '0');
        c->i++;
        n++;
    }
    if (n < min || is_digit(peek(c))) {
        c->i = from;
        return 0;
    }
    *out = v;
    return 1;
}

/* A run of ASCII letters, lower-cased into buf (up to n-1).  Returns its length. */
static size_t word(scan *c, char *buf, size_t n)
{
    size_t k = 0;

    while (is_alpha(peek(c))) {
        if (k + 1 < n)
            buf[k++] = (char)lower(peek(c));
        else
            k++;
        c->i++;
    }
    buf[k < n ? k : n - 1] = '\0';
    return k;
}

/* An English month name, full ("july"), abbreviated ("jul", "sept"), with
 * an optional full stop.  Returns 1..12 or 0 (cursor unchanged). */
static int month_name(scan *c)
{
    size_t from = c->i, n;
    char w[16];
    int m;

    n = word(c, w, sizeof w);
    if (n >= 3 && n < sizeof w)
        for (m = 0; m < 12; m++)
            if (strncmp(month_names[m], w, n) == 0 &&
                (n == 3 || n == strlen(month_names[m]) || (m == 8 && n == 4))) {
                if (peek(c) == '.')
                    c->i++;
                return m + 1;
            }
    c->i = from;
    return 0;
}

/* An optional English day name ("Tue,", "Tuesday"), skipped. */
static void skip_day_name(scan *c)
{
    size_t from = c->i, n;
    char w[16];
    int d;

    n = word(c, w, sizeof w);
    if (n >= 3 && n < sizeof w)
        for (d = 0; d < 7; d++)
            if (strncmp(day_names[d], w, n) == 0 &&
                (n == 3 || n == strlen(day_names[d]))) {
                if (peek(c) == '.')
                    c->i++;
                skip_space(c);
                if (peek(c) == ',')
                    c->i++;
                skip_space(c);
                return;
            }
    c->i = from;
}

static int leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int valid_date(const spiral_date *d)
{
    static const int mdays[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

    if (d->year < 1000 || d->year > 2999 || d->month < 1 || d->month > 12 || d->day < 1)
        return 0;
    if (d->day > mdays[d->month - 1] + (d->month == 2 && leap(d->year)))
        return 0;
    if (d->has_time && (d->hour > 23 || d->minute > 59 || d->second > 60))
        return 0;
    return !d->has_zone || (d->offset_min >= -14 * 60 && d->offset_min <= 14 * 60);
}

static int colon(scan *c)
{
    return lit(c, ":") || lit(c, "\xEF\xBC\x9A"); /* ':' or FULLWIDTH COLON */
}

/* hh:mm[:ss[.fff]], or Chinese hh时mm分[ss秒]; with am/pm in English.
 * Returns 1 (fields set) or 0 (cursor unchanged). */
static int time_of_day(scan *c, spiral_date *d)
{
    size_t from = c->i;
    int h, m, s = 0;

    if (!digits(c, 1, 2, &h))
        return 0;
    if (lit(c, "\xE6\x97\xB6") || lit(c, "\xE7\x82\xB9")) { /* 时 点 */
        if (!digits(c, 1, 2, &m) || !lit(c, "\xE5\x88\x86")) { /* 分 */
            c->i = from;
            return 0;
        }
        if (digits(c, 1, 2, &s) && !lit(c, "\xE7\xA7\x92")) /* 秒 */
            s = 0;
    } else {
        if (!colon(c) || !digits(c, 2, 2, &m)) {
            c->i = from;
            return 0;
        }
        if (colon(c)) {
            if (!digits(c, 2, 2, &s)) {
                c->i = from;
                return 0;
            }
            if (peek(c) == '.' || peek(c) == ',') {
                size_t at = c->i++;

                if (!is_digit(peek(c)))
                    c->i = at;
                while (is_digit(peek(c)))
                    c->i++;
            }
        }
    }
    {   /* am / pm / a.m. / p.m. */
        scan t = *c;
        int pm = -1;

        skip_space(&t);
        if (lit(&t, "am") || lit(&t, "AM") || lit(&t, "a.m.") || lit(&t, "A.M."))
            pm = 0;
        else if (lit(&t, "pm") || lit(&t, "PM") || lit(&t, "p.m.") || lit(&t, "P.M."))
            pm = 1;
        if (pm >= 0 && !is_alpha(peek(&t)) && h >= 1 && h <= 12) {
            h = h % 12 + (pm ? 12 : 0);
            *c = t;
        }
    }
    d->hour = h;
    d->minute = m;
    d->second = s;
    d->has_time = 1;
    return 1;
}

/* Z, +08:00, +0800, +08, or (after a space) UTC/GMT and, when rfc822,
 * the US zone names.  Returns 1 (zone set) or 0 (cursor unchanged). */
static int zone(scan *c, spiral_date *d, int rfc822)
{
    size_t from = c->i;
    int sign, hh, mm = 0, k;

    if (peek(c) == 'Z' || peek(c) == 'z') {
        c->i++;
        if (!is_alpha(peek(c))) {
            d->has_zone = 1;
            d->offset_min = 0;
            return 1;
        }
        c->i = from;
    }
    skip_space(c);
    if (peek(c) == '+' || peek(c) == '-' || lit(c, "\xE2\x88\x92")) { /* U+2212 MINUS */
        sign = peek(c) == '+' ? 1 : -1;
        if (c->s[c->i] == '+' || c->s[c->i] == '-')
            c->i++;
        if (digits(c, 4, 4, &hh)) {
            mm = hh % 100;
            hh /= 100;
        } else if (digits(c, 2, 2, &hh)) {
            if (colon(c) && !digits(c, 2, 2, &mm)) {
                c->i = from;
                return 0;
            }
        } else {
            c->i = from;
            return 0;
        }
        if (mm > 59) {
            c->i = from;
            return 0;
        }
        d->has_zone = 1;
        d->offset_min = sign * (hh * 60 + mm);
        return 1;
    }
    for (k = 0; zones[k].name; k++) {
        size_t n = strlen(zones[k].name);

        if ((k >= 4 && !rfc822) || strcmp(zones[k].name, "Z") == 0)
            continue;
        if (c->len - c->i >= n && memcmp(c->s + c->i, zones[k].name, n) == 0 &&
            !is_alpha(c->i + n < c->len ? (unsigned char)c->s[c->i + n] : 0)) {
            c->i += n;
            d->has_zone = 1;
            d->offset_min = zones[k].offset;
            {   /* GMT+8, UTC+08:00 */
                scan t = *c;
                spiral_date z = *d;

                if ((peek(&t) == '+' || peek(&t) == '-') && zone(&t, &z, 0)) {
                    *c = t;
                    *d = z;
                } else if (peek(&t) == '+' || peek(&t) == '-') {
                    int sg = peek(&t) == '+' ? 1 : -1, h;

                    t.i++;
                    if (digits(&t, 1, 2, &h) && h <= 14) {
                        d->offset_min = sg * h * 60;
                        *c = t;
                    }
                }
            }
            return 1;
        }
    }
    c->i = from;
    return 0;
}

/* An optional time (and zone) after a date: "T13:47:49Z", " 13:47",
 * ", 10:00 a.m. EDT", " at 10:00". */
static void optional_time(scan *c, spiral_date *d, int rfc822)
{
    scan t = *c;
    spiral_date x = *d;

    if (peek(&t) == 'T' || peek(&t) == 't') {
        t.i++;
    } else {
        if (peek(&t) == ',')
            t.i++;
        skip_space(&t);
        if (lit(&t, "at ") || lit(&t, "\xE2\x80\x94"))
            skip_space(&t);
        skip_space(&t);
    }
    if (!time_of_day(&t, &x))
        return;
    zone(&t, &x, rfc822);
    *c = t;
    *d = x;
}

/* 2022-08-01, 2022/8/1, 2022.08.01 */
static int numeric_date(scan *c, spiral_date *d)
{
    size_t from = c->i;
    int sep;

    if (!digits(c, 4, 4, &d->year))
        return 0;
    sep = peek(c);
    if (sep != '-' && sep != '/' && sep != '.') {
        c->i = from;
        return 0;
    }
    c->i++;
    if (!digits(c, 1, 2, &d->month) || peek(c) != sep) {
        c->i = from;
        return 0;
    }
    c->i++;
    if (!digits(c, 1, 2, &d->day)) {
        c->i = from;
        return 0;
    }
    optional_time(c, d, 0);
    return 1;
}

/* 2022年8月1日 [13:47[:49]] */
static int chinese_date(scan *c, spiral_date *d)
{
    size_t from = c->i;

    if (!digits(c, 4, 4, &d->year))
        return 0;
    skip_space(c);
    if (!lit(c, "\xE5\xB9\xB4")) /* 年 */
        goto no;
    skip_space(c);
    if (!digits(c, 1, 2, &d->month))
        goto no;
    skip_space(c);
    if (!lit(c, "\xE6\x9C\x88")) /* 月 */
        goto no;
    skip_space(c);
    if (!digits(c, 1, 2, &d->day))
        goto no;
    skip_space(c);
    if (!lit(c, "\xE6\x97\xA5") && !lit(c, "\xE5\x8F\xB7")) /* 日 号 */
        goto no;
    {
        scan t = *c;
        spiral_date x = *d;

        skip_space(&t);
        /* 星期一, 周一 (a weekday) and 上午/下午 may come before the time */
        if (lit(&t, "\xE6\x98\x9F\xE6\x9C\x9F") || lit(&t, "\xE5\x91\xA8")) {
            t.i += 3; /* the day character */
            if (t.i > t.len)
                t.i = t.len;
            skip_space(&t);
        }
        if (lit(&t, "\xE4\xB8\x8A\xE5\x8D\x88")) { /* 上午 */
            if (time_of_day(&t, &x) && x.hour == 12)
                x.hour = 0;
        } else if (lit(&t, "\xE4\xB8\x8B\xE5\x8D\x88")) { /* 下午 */
            if (time_of_day(&t, &x) && x.hour < 12)
                x.hour += 12;
        } else {
            time_of_day(&t, &x);
        }
        if (x.has_time) {
            zone(&t, &x, 0);
            *c = t;
            *d = x;
        }
    }
    return 1;
no:
    c->i = from;
    return 0;
}

/* A year after an English date: four digits, or two in RFC 822. */
static int english_year(scan *c, spiral_date *d)
{
    if (digits(c, 4, 4, &d->year))
        return 1;
    if (digits(c, 2, 2, &d->year)) {
        d->year += d->year < 50 ? 2000 : 1900;
        return 1;
    }
    return 0;
}

/* [Tuesday,] July 26[th][,] 2022 | [Tue,] 26 Jul 2022 [13:47:49 GMT] */
static int english_date(scan *c, spiral_date *d)
{
    size_t from = c->i;

    skip_day_name(c);
    if ((d->month = month_name(c)) != 0) {
        skip_space(c);
        if (!digits(c, 1, 2, &d->day))
            goto no;
        (void)(lit(c, "st") || lit(c, "nd") || lit(c, "rd") || lit(c, "th"));
        if (peek(c) == ',')
            c->i++;
        if (skip_space(c) == 0 && c->s[c->i - 1] != ',')
            goto no;
        if (!digits(c, 4, 4, &d->year))
            goto no;
    } else {
        if (!digits(c, 1, 2, &d->day))
            goto no;
        (void)(lit(c, "st") || lit(c, "nd") || lit(c, "rd") || lit(c, "th"));
        if (skip_space(c) == 0 && !lit(c, "-"))
            goto no;
        if ((d->month = month_name(c)) == 0)
            goto no;
        if (peek(c) == ',')
            c->i++;
        if (skip_space(c) == 0 && !lit(c, "-") && c->s[c->i - 1] != ',')
            goto no;
        if (!english_year(c, d))
            goto no;
    }
    optional_time(c, d, 1);
    return 1;
no:
    c->i = from;
    return 0;
}

size_t spiral_date_parse(spiral_date *out, const char *s, size_t len)
{
    scan c = { s, len, 0 };
    spiral_date d;

    memset(&d, 0, sizeof d);
    if (!(chinese_date(&c, &d) || numeric_date(&c, &d) || english_date(&c, &d)))
        return 0;
    if (!valid_date(&d))
        return 0;
    *out = d;
    return c.i;
}

void spiral_date_format(char *buf, const spiral_date *d)
{
    int n;

    n = snprintf(buf, SPIRAL_DATE_MAX, "%04d-%02d-%02d", d->year, d->month, d->day);
    if (d->has_time)
        n += snprintf(buf + n, SPIRAL_DATE_MAX - (size_t)n, "T%02d:%02d:%02d",
                      d->hour, d->minute, d->second);
    if (d->has_time && d->has_zone) {
        int off = d->offset_min < 0 ? -d->offset_min : d->offset_min;

        if (d->offset_min == 0)
            snprintf(buf + n, SPIRAL_DATE_MAX - (size_t)n, "Z");
        else
            snprintf(buf + n, SPIRAL_DATE_MAX - (size_t)n, "%c%02d:%02d",
                     d->offset_min < 0 ? '-' : '+', off / 60, off % 60);
    }
}

int spiral_date_iso(char *buf, const char *s, size_t len)
{
    scan c = { s, len, 0 };
    spiral_date d;
    size_t n;

    skip_space(&c);
    if ((n = spiral_date_parse(&d, s + c.i, len - c.i)) == 0)
        return 0;
    c.i += n;
    skip_space(&c);
    if (peek(&c) == '(')
        c.i = c.len;
    if (!at_end(&c))
        return 0;
    spiral_date_format(buf, &d);
    return 1;
}

int spiral_date_find(char *buf, const char *text, size_t len, size_t *at)
{
    size_t i;
    spiral_date d;

    for (i = 0; i < len; i++) {
        int ch = (unsigned char)text[i];
        int prev = i ? (unsigned char)text[i - 1] : ' ';

        if (!is_digit(ch) && !is_alpha(ch))
            continue;
        if (is_digit(prev) || is_alpha(prev) || prev == '/' || prev == '.' || prev == '-' ||
            prev == '_' || prev == '=' || prev == '%')
            continue;
        if (spiral_date_parse(&d, text + i, len - i) > 0) {
            spiral_date_format(buf, &d);
            if (at)
                *at = i;
            return 1;
        }
    }
    return 0;
}
