. /dusk/files/extra/crypto.sh
alg_entry xxhash64-generic
hash xxhash64-generic - '' abc "$(seq 1 300 | tr -d '\n')"
hash xxhash64-generic 0102030405060708 abc
