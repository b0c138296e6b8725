/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OH_LIMITS_H
#define OH_LIMITS_H
#define OH_NAME_LEN 16
#define OH_FIRST_ID 7
#endif
