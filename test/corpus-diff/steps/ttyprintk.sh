# what is written to /dev/ttyprintk goes to the kernel log, a line at a
# time ([U] ...), a partial line when the device is closed
echo 'one whole line' >/dev/ttyprintk
printf 'two writes, ' >/dev/ttyprintk
printf 'one line\n' >/dev/ttyprintk
printf 'first\nsecond\nno newline' >/dev/ttyprintk
seq 1 200 | tr -d '\n' >/dev/ttyprintk
stty -F /dev/ttyprintk 2>&1 | head -n 3
dmesg | sed 's/^\[[^]]*\] //' | grep '^\[U\]' | cut -c1-120
