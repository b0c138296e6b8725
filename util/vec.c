// SPDX-License-Identifier: MIT
/*
 * vec_grow() of vec.h.
 */
#include <stdlib.h>
#include <string.h>

#include "vec.h"

void *vec_grow(void *arr, size_t elem, size_t n, size_t *cap)
{
	if (n >= *cap) {
		size_t ncap = *cap ? *cap * 2 : 16;
		void *p;

		while (ncap <= n)
			ncap *= 2;
		p = realloc(arr, ncap * elem);
		if (!p)
			return NULL;
		arr = p;
		*cap = ncap;
	}
	memset((char *)arr + n * elem, 0, elem);
	return arr;
}
