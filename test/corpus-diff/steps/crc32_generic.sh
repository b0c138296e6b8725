. /dusk/files/extra/crypto.sh
alg_entry crc32-generic
hash crc32-generic - '' abc 123456789 "$(seq 1 300 | tr -d '\n')"
hash crc32-generic 78563412 123456789
# a seed of the wrong size: refused
hash crc32-generic 7856 abc
