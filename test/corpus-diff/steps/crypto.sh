# Guest steps shared by the crypto modules' NAME.sh (corpus-difftest -g):
# what each algorithm the module registers is to the kernel (its
# /proc/crypto block, the crypto manager's self-test verdict included;
# not its module line, the user build's algorithms belonging to its kmod,
# nor its reference count) and what it gives user space through AF_ALG
# (algprobe, corpus-difftest -b).  The AF_ALG modules come along in the
# -g folder (copied there beside these scripts: docs/COVERAGE.md, "Coverage
# re-run p68"); loaded by the first build's steps, they stay for the
# second's, so the first build's log alone has af_alg's "NET: Registered
# PF_ALG protocol family".
#   PRELOAD: more modules of this folder to load first (a template the
#   module's cipher is used through, as ecb for a block cipher)

for m in af_alg algif_hash algif_skcipher ${PRELOAD:-}; do
	[ -d "/sys/module/$m" ] || insmod "/dusk/files/extra/$m.ko" || echo "insmod $m failed"
done

# alg_entry DRIVER: that driver name's /proc/crypto block.
alg_entry() {
	awk -v d="$1" 'BEGIN { RS = ""; FS = "\n" }
		{ for (i = 1; i <= NF; i++) if ($i ~ "^driver *: " d "$") { print; print "" } }' /proc/crypto |
		grep -v -e '^module' -e '^refcnt'
}

# hexof TEXT: TEXT's bytes in hex, as algprobe takes them.
hexof() {
	printf %s "$1" | od -An -v -tx1 | tr -d ' \n'
}

# hash DRIVER KEYHEX TEXT...: the digest of each TEXT.
hash() {
	d=$1 k=$2
	shift 2
	for t in "$@"; do
		echo "hash $d key $k '$t': $(algprobe hash "$d" "$k" "$(hexof "$t")" 2>&1)"
	done
}

# cipher DRIVER KEYHEX IVHEX TEXT: TEXT encrypted, and that decrypted.
cipher() {
	echo "skcipher $1 key $2 iv $3 '$4':"
	algprobe skcipher "$1" "$2" "$3" "$(hexof "$4")" 2>&1 | sed 's/^/  /'
}
