. /dusk/files/extra/crypto.sh
cipher 'pcbc(aes-generic)' 000102030405060708090a0b0c0d0e0f 0f0e0d0c0b0a09080706050403020100 'thirty-two bytes of plain text..'
alg_entry 'pcbc\(aes-generic\)'
