. /dusk/files/extra/crypto.sh
cipher 'ecb(aes-generic)' 000102030405060708090a0b0c0d0e0f - 'thirty-two bytes of plain text..'
alg_entry 'ecb\(aes-generic\)'
cipher 'ecb(aes-generic)' 000102030405060708090a0b0c0d0e0f - 'not a block'
