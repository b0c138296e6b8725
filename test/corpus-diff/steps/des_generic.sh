PRELOAD=ecb
. /dusk/files/extra/crypto.sh
alg_entry des-generic
alg_entry des3_ede-generic
cipher 'ecb(des-generic)' 133457799bbcdff1 - 'sixteen bytes!!!'
cipher 'ecb(des3_ede-generic)' 0123456789abcdef23456789abcdef01456789abcdef0123 - 'twenty-four bytes, 3DES!'
# a weak DES key (allowed to user space), a key of the wrong size, a
# length that is not a multiple of the block
cipher 'ecb(des-generic)' 0101010101010101 - 'eight b.'
cipher 'ecb(des-generic)' 0123 - 'eight b.'
cipher 'ecb(des-generic)' 133457799bbcdff1 - 'eleven byte'
