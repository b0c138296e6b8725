. /dusk/files/extra/crypto.sh
alg_entry sha512-generic
alg_entry sha384-generic
hash sha512-generic - '' abc "$(seq 1 200 | tr -d '\n')"
hash sha384-generic - abc
