/*
 * test_datetime.c - publication dates in the forms pages and feeds write
 * them, read into ISO 8601; impossible dates refused.
 */
#include <check.h>
#include <string.h>

#include "datetime.h"
#include "suites.h"

START_TEST(fields_become_iso_8601)
{
    static const struct {
        const char *in, *out;
    } cases[] = {
        /* RFC 3339 / ISO 8601 */
        { "2022-08-01", "2022-08-01" },
        { "2022-08-01T13:47:49Z", "2022-08-01T13:47:49Z" },
        { "2022-08-01T13:47:49.123+08:00", "2022-08-01T13:47:49+08:00" },
        { " 2022-08-01T13:47-0430 ", "2022-08-01T13:47:00-04:30" },
        { "2022-08-01 13:47:49", "2022-08-01T13:47:49" },
        { "2022/8/1 9:05", "2022-08-01T09:05:00" },
        { "2022.08.01", "2022-08-01" },
        { "2022-08-01 13:47:49 +0800", "2022-08-01T13:47:49+08:00" },
        { "2022-08-01 13:47 UTC", "2022-08-01T13:47:00Z" },
        /* RFC 822 */
        { "Tue, 26 Jul 2022 13:47:49 GMT", "2022-07-26T13:47:49Z" },
        { "Tue, 26 Jul 2022 13:47:49 +0800", "2022-07-26T13:47:49+08:00" },
        { "26 Jul 2022 13:47 EST", "2022-07-26T13:47:00-05:00" },
        { "Thu, 28 Jul 2022 18:45 EDT", "2022-07-28T18:45:00-04:00" },
        { "Wed, 02 Oct 02 08:00:00 PDT", "2002-10-02T08:00:00-07:00" },
        { "Mon, 1 Aug 2022 15:30:00 +0800 (CST)", "2022-08-01T15:30:00+08:00" },
        /* Chinese */
        { "2022年8月1日", "2022-08-01" },
        { "2022 年 08 月 01 日 13:47", "2022-08-01T13:47:00" },
        { "2022年8月1日 13时47分", "2022-08-01T13:47:00" },
        { "2022年8月1日 下午3:05", "2022-08-01T15:05:00" },
        { "2022年8月1日 星期一 09：30：15", "2022-08-01T09:30:15" },
        /* English */
        { "July 26, 2022", "2022-07-26" },
        { "Jul. 26, 2022", "2022-07-26" },
        { "Sept 3 2022", "2022-09-03" },
        { "Tuesday, July 26, 2022", "2022-07-26" },
        { "26 July 2022", "2022-07-26" },
        { "July 26th, 2022", "2022-07-26" },
        { "July 26, 2022 10:00 a.m.", "2022-07-26T10:00:00" },
        { "July 26, 2022 at 3:15 PM EDT", "2022-07-26T15:15:00-04:00" },
        { "February 29, 2024", "2024-02-29" },
    };
    char buf[SPIRAL_DATE_MAX];
    size_t i;

    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ck_assert_msg(spiral_date_iso(buf, cases[i].in, strlen(cases[i].in)),
                      "not read: %s", cases[i].in);
        ck_assert_msg(strcmp(buf, cases[i].out) == 0, "%s -> %s, not %s", cases[i].in, buf,
                      cases[i].out);
    }
}
END_TEST

START_TEST(impossible_dates_are_refused)
{
    static const char *const bad[] = {
        "2022-02-30", "2023-02-29", "2022-13-01", "2022-00-10", "2022-08-01T24:00:00",
        "2022-08-01T12:61", "July 32, 2022", "Smarch 3, 2022", "20220801", "2022-8",
        "12:30", "", "yesterday", "2022-08-01 trailing words", "0999-01-01",
        "2022-08-01T10:00+15:00",
    };
    char buf[SPIRAL_DATE_MAX];
    size_t i;

    for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ck_assert_msg(!spiral_date_iso(buf, bad[i], strlen(bad[i])), "read: %s -> %s", bad[i],
                      buf);
}
END_TEST

START_TEST(dates_found_in_running_text)
{
    char buf[SPIRAL_DATE_MAX];
    size_t at;
    const char *t1 = "更新时间:2022-08-01 13:47:49  |  来源: 尚道社会研究所";
    const char *t2 = "WASHINGTON - On July 26, 2022, the Secretary said";
    const char *t3 = "see https://example.org/2022/07/26/page and v1.2022-08-01x";
    const char *t4 = "发布于2022年8月1日，星期一";

    ck_assert(spiral_date_find(buf, t1, strlen(t1), &at));
    ck_assert_str_eq(buf, "2022-08-01T13:47:49");
    ck_assert(spiral_date_find(buf, t2, strlen(t2), &at));
    ck_assert_str_eq(buf, "2022-07-26");
    ck_assert_uint_eq(at, 16);
    ck_assert(!spiral_date_find(buf, t3, strlen(t3), &at)); /* inside a path or a word */
    ck_assert(spiral_date_find(buf, t4, strlen(t4), &at));
    ck_assert_str_eq(buf, "2022-08-01");
}
END_TEST

Suite *datetime_suite(void)
{
    Suite *s = suite_create("datetime");
    TCase *tc = tcase_create("datetime");

    tcase_add_test(tc, fields_become_iso_8601);
    tcase_add_test(tc, impossible_dates_are_refused);
    tcase_add_test(tc, dates_found_in_running_text);
    suite_add_tcase(s, tc);
    return s;
}
