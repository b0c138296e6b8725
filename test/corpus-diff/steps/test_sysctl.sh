# /proc/sys/debug/test_sysctl: the kernel's proc handlers over the module's
# data (ranges, integer limits, a string's bound, a bitmap through the
# pointer the table's .data names), as tools/testing/selftests/sysctl does
d=/proc/sys/debug/test_sysctl
set_show() {
	if printf '%s' "$2" >"$d/$1" 2>/dev/null; then r=ok; else r=refused; fi
	echo "$1 <- '$2': $r, reads '$(cat "$d/$1" 2>&1)'"
}
for f in int_0001 int_0002 int_0003 match_int boot_int uint_0001 string_0001 bitmap_0001; do
	echo "$f: '$(cat "$d/$f" 2>&1)'"
done
for v in 0 100 101 -1 42; do set_show int_0001 "$v"; done
for v in 2147483647 2147483648 -2147483648 -2147483649 '1 2' 0x10 abc; do set_show int_0002 "$v"; done
for v in 0 1 2; do set_show boot_int "$v"; done
for v in 4294967295 4294967296 -1 7; do set_show uint_0001 "$v"; done
set_show string_0001 'hello'
set_show string_0001 "$(seq -s, 1 40)"
printf 'XY' | dd of="$d/string_0001" bs=1 seek=2 conv=notrunc 2>/dev/null
echo "string_0001 after a write at offset 2: '$(cat "$d/string_0001")'"
dd if="$d/string_0001" bs=1 skip=3 count=5 2>/dev/null; echo
for v in '1-10,20,30-32' '0-65535' '65536' '5'; do set_show bitmap_0001 "$v"; done
