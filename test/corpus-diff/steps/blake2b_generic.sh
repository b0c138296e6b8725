. /dusk/files/extra/crypto.sh
for n in 160 256 384 512; do alg_entry blake2b-$n-generic; done
hash blake2b-512-generic - '' abc "$(seq 1 200 | tr -d '\n')"
hash blake2b-256-generic 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f abc
# a key longer than BLAKE2b's 64 bytes: refused by setkey
hash blake2b-160-generic "$(hexof "$(seq 1 60 | tr -d '\n')")" abc
