PRELOAD=ecb
. /dusk/files/extra/crypto.sh
alg_entry blowfish-generic
cipher 'ecb(blowfish-generic)' 0123456789abcdeff0e1d2c3b4a59687 - 'sixteen bytes!!!'
cipher 'ecb(blowfish-generic)' "$(hexof "$(seq 1 30 | tr -d '\n')")" - 'a 56-byte key at most, 4 at least...!!!!'
cipher 'ecb(blowfish-generic)' 010203 - 'eight b.'
