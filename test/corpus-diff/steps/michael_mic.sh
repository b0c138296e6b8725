. /dusk/files/extra/crypto.sh
alg_entry michael_mic-generic
hash michael_mic-generic 0000000000000000 '' M Mi Mic Michael
hash michael_mic-generic d55e100510128986 'a longer message than eight bytes'
# no key, and one of the wrong size
hash michael_mic-generic - abc
hash michael_mic-generic 0011 abc
