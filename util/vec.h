/* SPDX-License-Identifier: MIT */
/*
 * Growable arrays: an array, its element count and its capacity live in the
 * caller's struct; vec_grow() makes room for one more element.
 */
#ifndef DUSK_UTIL_VEC_H
#define DUSK_UTIL_VEC_H

#include <stddef.h>

/*
 * vec_grow() - make room for element @n of @arr (elements of @elem bytes,
 * @cap of them allocated) and zero it.  Doubles the capacity when full.
 * Return: the array, perhaps moved (*@cap updated); NULL when out of
 * memory, and then @arr and *@cap are as they were.
 */
void *vec_grow(void *arr, size_t elem, size_t n, size_t *cap);

#endif /* DUSK_UTIL_VEC_H */
