. /dusk/files/extra/crypto.sh
alg_entry ghash-generic
hash ghash-generic 66e94bd4ef8a2c3b884cfa59ca342b2e '' 0123456789abcdef 'not a multiple of sixteen' "$(seq 1 100 | tr -d '\n')"
# a key of the wrong size
hash ghash-generic 66e94bd4 abc
