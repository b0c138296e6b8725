. /dusk/files/extra/crypto.sh
for a in chacha20 xchacha20 xchacha12; do alg_entry $a-generic; done
k=000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f
cipher chacha20-generic $k 000000000000004a0000000000000001 'Ladies and Gentlemen of the class of 99'
cipher xchacha20-generic $k 404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f 'If I could offer you only one tip'
cipher xchacha12-generic $k 404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f 'sunscreen would be it'
# a 16-byte key: refused
cipher chacha20-generic 000102030405060708090a0b0c0d0e0f 000000000000004a0000000000000001 x
