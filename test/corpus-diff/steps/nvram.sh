# the CMOS bytes past the clock's, read whole and from an offset
od -An -v -tx1 /dev/nvram | head -n 8
dd if=/dev/nvram bs=1 skip=10 count=6 2>/dev/null | od -An -v -tx1
wc -c </dev/nvram
