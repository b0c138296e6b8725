# test_firmware: firmware loaded on request through its misc device's
# attributes (request_firmware() and friends over a file the steps put in
# /lib/firmware), read back through /dev/test_firmware and its batched
# reads, as tools/testing/selftests/firmware does
s=/sys/devices/virtual/misc/test_firmware
mkdir -p /lib/firmware
printf 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789' >/lib/firmware/p70-fw.bin
try() { if printf '%s' "$2" >"$s/$1" 2>/dev/null; then echo "$1 <- $2: ok"; else echo "$1 <- $2: failed"; fi; }
try trigger_request p70-fw.bin
echo "read: '$(cat /dev/test_firmware)'"
try trigger_request p70-missing.bin
echo "read after a missing file: '$(cat /dev/test_firmware)'"
try trigger_async_request p70-fw.bin
echo "read: '$(cat /dev/test_firmware)'"
try config_name p70-fw.bin
try config_num_requests 3
try trigger_batched_requests 1
echo "test_result: $(cat $s/test_result)"
for i in 0 1 2; do try config_read_fw_idx $i; echo "  fw $i: '$(cat $s/read_firmware 2>&1)'"; done
try trigger_batched_requests_async 1
echo "test_result: $(cat $s/test_result)"
try config_into_buf 1
try config_buf_size 10
try config_file_offset 4
try config_partial 1
try config_num_requests 1
try trigger_batched_requests 1
try config_read_fw_idx 0
echo "  partial into buffer: '$(cat $s/read_firmware 2>&1)'"
cat $s/config | grep -v '^$'
try release_all_firmware 1
try reset 1
cat $s/config | grep -v '^$'
